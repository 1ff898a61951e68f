"""`manage.py create_api_key NAME --scope claims:read [--scope ...] [--owner USERNAME]`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import SCOPES
from clients.services import api_key_create
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create an API key and print it once (it is stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", required=True, choices=sorted(SCOPES))
        parser.add_argument("--owner", help="Username the key acts as (owns its webhooks).")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner"]:
            owner = User.objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No user {options['owner']!r}.")
        try:
            key, plaintext = api_key_create(
                name=options["name"], scopes=options["scope"], owner=owner
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"API key {key.prefix}… ({', '.join(key.scopes)}):\n{plaintext}")
