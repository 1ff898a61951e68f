"""Build or bring up to date this machine's ANN indexes (README, "Scaling out")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.ann import ann_indexes


class Command(BaseCommand):
    help = (
        "Build this machine's ANN indexes from the database, or bring them up to date. Workers "
        "do it when they start; run it before serving web traffic from a new machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Build from scratch, ignoring the files."
        )

    def handle(self, *args: Any, rebuild: bool, **options: Any) -> None:
        for index in ann_indexes():
            result = index.refresh(rebuild=rebuild)
            self.stdout.write(
                f"{index.kind}: {result.size} vectors ({result.added} added, "
                f"{result.removed} removed{', rebuilt' if result.rebuilt else ''})"
            )
