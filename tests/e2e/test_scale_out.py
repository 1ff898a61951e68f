"""Two machines: two real `celery worker` processes sharing the database and the broker, each
with its own ANN index directory, as two machines have their own var/. Tasks are routed to one
machine or the other through a queue of its own; the refresh tasks the services queue go to
the shared `pipeline` queue, which neither machine consumes here: each must catch up by itself.

- both find a passage and a reviewed claim added through the other;
- a rebuild on one never touches the other's files, and the rebuilt one answers right;
- a machine restarted with an empty index directory has built its indexes before it serves.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from usearch.index import Index

from benchmarks.support import WorkerProcess, WorkerStartError
from claims.models import Article, Claim, Evidence
from config.celery_app import app as celery_app
from library import dispatch
from library.models import SourceDocument, SourcePassage
from library.services.sources import source_document_upsert
from reviews.models import ReviewItem
from tests.claims.factories import ArticleFactory, ClaimFactory
from tests.e2e.conftest import wait_for, worker_environment
from tests.reviews.factories import hand_over

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SPAIN = "The unemployment rate in Spain fell to 11 percent in the last quarter of 2024."
SPAIN_SOURCE = (
    "Spain's jobless rate dropped to 11 percent at the end of 2024, the statistics office said."
)
ARCTIC = "Arctic sea ice extent has declined by about 13 percent per decade since 1979."
ARCTIC_SOURCE = "Summer sea ice in the Arctic shrinks by roughly 13 percent every ten years."


@dataclass
class Machine:
    name: str
    index_dir: Path
    log_dir: Path
    worker: WorkerProcess | None = field(default=None)

    @property
    def queue(self) -> str:
        return f"machine-{self.name}"

    def start(self) -> None:
        env = worker_environment(
            CLAIMDESK_DENSE_INDEX_DIR=str(self.index_dir),
            # Catch up as soon as a search finds the machine's files behind.
            CLAIMDESK_DENSE_CATCH_UP_S="0",
        )
        try:
            self.worker = WorkerProcess(env, self.log_dir / f"{self.name}.log", queue=self.queue)
        except WorkerStartError as exc:
            pytest.fail(str(exc))

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def run(self, task: str, **kwargs: object) -> None:
        celery_app.send_task(task, kwargs=kwargs, queue=self.queue)

    def indexed(self, kind: str) -> set[int]:
        """The keys in this machine's index file, read as one of its processes would."""
        index = Index.restore(str(self.index_dir / f"{kind}.usearch"), view=True)
        return set() if index is None else {int(key) for key in index.keys}

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.index_dir.glob("*.usearch")}

    def log(self) -> str:
        assert self.worker is not None
        return self.worker.log()


@pytest.fixture
def machines(tmp_path: Path, monkeypatch) -> Iterator[tuple[Machine, Machine]]:
    # Tasks go to the broker, not in-process; and an upsert here must not queue its indexing
    # on the shared queue: the test says which machine indexes what.
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(dispatch, "enqueue_index_source", lambda document_id: None)
    pair = (
        Machine("a", tmp_path / "a" / "var" / "dense", tmp_path),
        Machine("b", tmp_path / "b" / "var" / "dense", tmp_path),
    )
    try:
        for machine in pair:
            machine.start()
        yield pair
    finally:
        for machine in pair:
            machine.stop()
        celery_app.conf.task_always_eager = True


def _source_through(machine: Machine, url: str, text: str) -> set[int]:
    """A library source whose passages `machine` embeds; their ids."""
    document = source_document_upsert(url=url, title="", text=text)
    machine.run("claims.source_document_index", document_id=document.pk)
    passages = set(SourcePassage.objects.filter(document=document).values_list("id", flat=True))
    wait_for(
        lambda: (
            SourcePassage.objects.filter(pk__in=passages, embedding__isnull=False).count()
            == len(passages)
        ),
        what=f"machine {machine.name} to embed {url}",
    )
    return passages


def _gathered_on(machine: Machine, text: str) -> Claim:
    """A new claim whose evidence step (matching included) `machine` runs."""
    article = ArticleFactory.create(state=Article.State.GATHERING)
    claim = ClaimFactory.create(
        article=article, self_contained_text=text, evidence_state=Claim.EvidenceState.PENDING
    )
    machine.run("claims.claim_gather_evidence", claim_id=claim.pk)
    wait_for(
        lambda: Claim.objects.get(pk=claim.pk).evidence_state != Claim.EvidenceState.PENDING,
        what=f"machine {machine.name} to gather evidence for claim {claim.pk}",
    )
    claim.refresh_from_db()
    return claim


def _reviewed(claim: Claim, user) -> None:
    """A reviewer gives it a verdict (through the web: neither machine)."""
    wait_for(lambda: ReviewItem.objects.filter(claim=claim).exists(), what="the hand-off")
    hand_over(ReviewItem.objects.get(claim=claim), user, "in-progress", "false")


def _found(claim: Claim, url: str) -> bool:
    return Evidence.objects.filter(claim=claim, provider="library", url=url).exists()


def _rebuilds(machine: Machine) -> int:
    return machine.log().count("ann index claims rebuilt")


def _eventually(condition: Callable[[], bool], what: str) -> None:
    wait_for(condition, timeout=30, what=what)


def test_two_machines_share_the_database_not_their_index_files(machines, workflow, user):
    a, b = machines
    # Both built their (empty) indexes before they served anything.
    for machine in machines:
        assert {"passages.usearch", "claims.usearch"} <= set(machine.files())

    # Added through A: a source, and a claim that a reviewer then reviews.
    spain_passages = _source_through(a, "https://stats.example/spain", SPAIN_SOURCE)
    spain = _gathered_on(a, SPAIN)
    _reviewed(spain, user)
    # Added through B: the same.
    arctic_passages = _source_through(b, "https://stats.example/arctic", ARCTIC_SOURCE)
    arctic = _gathered_on(b, ARCTIC)
    _reviewed(arctic, user)

    # Each finds what came through the other, at once: matching and library evidence.
    on_b = _gathered_on(b, SPAIN)
    assert (on_b.similar_claim_id, on_b.cluster_id) == (spain.pk, spain.pk)
    assert _found(on_b, "https://stats.example/spain")
    on_a = _gathered_on(a, ARCTIC)
    assert (on_a.similar_claim_id, on_a.cluster_id) == (arctic.pk, arctic.pk)
    assert _found(on_a, "https://stats.example/arctic")

    # ... and each caught its own files up (no refresh task ran on either).
    _eventually(lambda: spain_passages <= b.indexed("passages"), "B's passage index")
    _eventually(lambda: spain.pk in b.indexed("claims"), "B's claim index")
    _eventually(lambda: arctic_passages <= a.indexed("passages"), "A's passage index")
    _eventually(lambda: arctic.pk in a.indexed("claims"), "A's claim index")

    # A rebuild on A (a refresh task with rebuild, then a corrupted file rebuilt before the
    # search that found it) is A's alone: B neither rebuilds nor loses anything; both answer.
    rebuilds_on_b = _rebuilds(b)
    claims_file = a.files()["claims.usearch"]
    a.run("claims.claim_index_refresh", rebuild=True)
    _eventually(lambda: a.files()["claims.usearch"] != claims_file, "A's rebuild")
    (a.index_dir / "claims.usearch").write_bytes(b"a torn write")
    again_on_a = _gathered_on(a, SPAIN)
    assert again_on_a.similar_claim_id == spain.pk
    assert {spain.pk, arctic.pk} <= a.indexed("claims")
    again_on_b = _gathered_on(b, ARCTIC)
    assert again_on_b.similar_claim_id == arctic.pk
    assert _rebuilds(b) == rebuilds_on_b
    assert {spain.pk, arctic.pk} <= b.indexed("claims")

    # B restarts with an empty var/: its indexes are built before it serves.
    b.stop()
    shutil.rmtree(b.index_dir)
    b.start()
    assert spain_passages | arctic_passages <= b.indexed("passages")
    assert {spain.pk, arctic.pk} <= b.indexed("claims")
    assert "ann index claims ready" in b.log()
    restarted = _gathered_on(b, ARCTIC)
    assert restarted.similar_claim_id == arctic.pk
    assert _found(restarted, "https://stats.example/arctic")
    assert SourceDocument.objects.count() == 2
