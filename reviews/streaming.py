"""Pieces for streamed downloads (CSV and JSON Lines exports)."""

from __future__ import annotations

import csv
from typing import Any


class _Lines:
    """A file-like object for csv.writer that hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def csv_line_writer() -> Any:
    """A csv.writer whose writerow() returns the CSV line instead of writing it, so a
    streaming response can yield it."""
    return csv.writer(_Lines())
