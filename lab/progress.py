"""A terminal progress bar for the lab's long commands (hidden when output is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A `progress(stage, done, total)` callback; a new stage restarts the bar."""
    with tqdm(disable=None) as bar:
        stages: list[str] = []

        def progress(stage: str, done: int, total: int) -> None:
            if not stages or stages[-1] != stage:
                stages.append(stage)
                bar.reset(total)
                bar.set_description(stage)
            bar.update(done - bar.n)

        yield progress
