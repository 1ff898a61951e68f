"""`manage.py load_demo`: a demo login, the demo source library and demo articles (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from claims.services.articles import article_submit
from core.text import decode_bytes
from library.evidence.search import refresh_lexical_stats
from library.services.sources import source_document_upsert

DEMO_DIR = Path(settings.BASE_DIR) / "claims" / "demo_data"
DEMO_PASSWORD = "claimdesk-demo"  # noqa: S105 — printed by `make run`; local demo only
# username → role group ("" = superuser: the admin). Publishing needs a second person, so
# the demo has a fact-checker and an editor besides the admin.
DEMO_USERS = {"demo": "", "checker": "Fact-checkers", "editor": "Editors"}


class Command(BaseCommand):
    help = "Create the demo login and load the demo source library and articles."

    def handle(self, *args: Any, **options: Any) -> None:
        if not DEMO_DIR.is_dir():
            raise CommandError(f"Demo data not found at {DEMO_DIR}")
        for username, group in DEMO_USERS.items():
            if User.objects.filter(username=username).exists():
                continue
            if group:
                user = User.objects.create_user(username, f"{username}@example.org", DEMO_PASSWORD)
                user.groups.add(Group.objects.get(name=group))
            else:
                User.objects.create_superuser(username, f"{username}@example.org", DEMO_PASSWORD)
        sources = DEMO_DIR / "sources.jsonl"
        n_sources = 0
        with sources.open(encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                source_document_upsert(
                    url=doc["url"],
                    title=doc["title"],
                    text=doc["text"],
                    publisher=doc.get("publisher", ""),
                    licence=doc.get("licence", ""),
                )
                n_sources += 1
        refresh_lexical_stats()
        new = 0
        articles = sorted((DEMO_DIR / "articles").iterdir())
        for path in articles:
            body = decode_bytes(path.read_bytes())
            if path.suffix in {".html", ".htm"}:
                _, created = article_submit(html=body)
            else:
                _, created = article_submit(text=body)
            new += created
        self.stdout.write(
            f"Demo data: {n_sources} source documents, {len(articles)} articles "
            f"({new} newly queued). Logins (password {DEMO_PASSWORD}): "
            + ", ".join(f"{name} ({group or 'admin'})" for name, group in DEMO_USERS.items())
        )
