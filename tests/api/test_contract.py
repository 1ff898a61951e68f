"""The API against its own OpenAPI document, with schemathesis generating requests (valid
and invalid) for every operation: no 500s, and every response matches the schema (status
codes, content types, bodies).

`make test` runs a short pass (CLAIMDESK_CONTRACT_EXAMPLES, default 15 per operation);
`make contract` a long one.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clients.models import SCOPES
from clients.services import api_key_create
from config.wsgi import application
from tests.reviews.factories import ReviewItemFactory, publish

EXAMPLES = int(os.environ.get("CLAIMDESK_CONTRACT_EXAMPLES", "15"))
# These bodies are judged on their content, which a schema cannot say (HTML with no readable
# text, a feed with no ClaimReview in it): a 400 for a schema-valid body is correct there.
# Every other check still runs on them.
CONTENT_CHECKED = {
    "POST /api/v1/articles": [positive_data_acceptance],
    "POST /api/v1/claimreview": [positive_data_acceptance],
    # A schema-valid URL may still not resolve to a public address: a correct 400.
    "POST /api/v1/webhooks": [positive_data_acceptance],
    "PATCH /api/v1/webhooks/{endpoint_id}": [positive_data_acceptance],
    # A source's page is fetched (not here: see the stub below) and may hold no text.
    "POST /api/v1/sources": [positive_data_acceptance],
}


@pytest.fixture
def api_schema(workflow, user, editor, settings, monkeypatch):
    settings.CLAIMDESK_API_RATE = ""  # the run makes many requests with one key
    # The contract is the HTTP layer: submitted articles are queued, not processed here (the
    # pipeline has its own tests; in-process it would try to fetch generated URLs).
    monkeypatch.setattr("claims.steps.enqueue_on_commit", lambda task_name, **kwargs: None)
    monkeypatch.setattr("library.dispatch.enqueue_on_commit", lambda task_name, **kwargs: None)
    # Sources given by URL are fetched in the request; generated URLs must not reach DNS.
    monkeypatch.setattr(
        "library.services.sources.fetch_text",
        lambda url: ("<html><body><p>Sea level rose 20 cm since 1900.</p></body></html>", url),
    )
    for item in ReviewItemFactory.create_batch(3):
        publish(item, checker=user, editor=editor)
    # Requests go straight to the WSGI app; like Django's test client, keep the test's
    # database connection (and its transaction) open across them.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(db, user) -> dict[str, str]:
    # With an owner: webhook endpoints belong to a user.
    _, plaintext = api_key_create(name="contract", scopes=list(SCOPES), owner=user)
    return {"Authorization": f"Api-Key {plaintext}"}


# Each request commits on its own, as in production: a database error in one cannot
# poison the ones after it (inside a single test transaction it would).
@pytest.mark.django_db(transaction=True)
def test_api_conforms_to_its_schema(api_schema, auth_headers):
    """Every operation, EXAMPLES generated requests each; all failures reported together."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        excluded = CONTENT_CHECKED.get(operation.label, [])

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                headers=auth_headers,
                excluded_checks=excluded,  # noqa: B023 — check() runs inside this iteration
            )

        try:
            check()
        except Exception as exc:  # collected: one report for the whole API
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
