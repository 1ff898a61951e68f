"""The API against its own OpenAPI document, as `schemathesis run --checks all` tests it:
every check schemathesis has (no 500s; status codes, content types, headers and bodies as the
schema says; schema-valid requests accepted and schema-invalid ones refused; authentication
enforced; a resource readable after it is created and gone after it is deleted).

- test_api_conforms_to_its_schema: each operation in schemathesis' examples, coverage
  (boundary and missing values) and fuzzing phases, with valid and invalid data;
  CLAIMDESK_CONTRACT_EXAMPLES fuzzed cases each (15 in `make test`, 300 in `make contract`).
- test_api_sequences_conform_to_its_schema: the stateful phase, chains of calls that follow
  the links schemathesis infers (create a webhook, then read, change or delete it; submit an
  article, then read or retry it), where the sequence checks (use_after_free,
  ensure_resource_availability) apply.

Both run under production settings (DEBUG=False) and local ones (DEBUG=True), and nothing
leaves the machine (see `offline`).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from clients.models import SCOPES
from clients.services import api_key_create
from config.wsgi import application
from library.services.sources import source_document_upsert
from tests.reviews.factories import ReviewItemFactory, publish

EXAMPLES = int(os.environ.get("CLAIMDESK_CONTRACT_EXAMPLES", "15"))
PAGE = b"<html><head><title>Tide gauges</title></head><body><p>Sea level rose 20 cm.</p></body>"
# Where every outside name resolves to here (example.com's address: public, so the SSRF guard
# lets it through to respx, which answers instead of the network).
OUTSIDE = "93.184.215.14"

load_all_checks()
# Every check schemathesis registers, as `--checks all` runs them (class-based checks aside:
# schemathesis registers none).
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]
# Checks left out for one operation, each with the reason. These bodies are judged on their
# content, which a schema cannot say: a 400 for a schema-valid body is correct there.
NOT_APPLICABLE = {
    # HTML with no readable text, or text that is only markup, is refused ("empty").
    "POST /api/v1/articles": [positive_data_acceptance],
    # A feed or page with no ClaimReview in it is refused. And JSON-LD is open: besides the
    # one shape the schema documents, the importer reads what fact-checkers publish
    # (claimReviewed as a list, url as an object, a list of reviews, a DataFeed), so a body
    # outside the documented shape is not refused for that alone.
    "POST /api/v1/claimreview": [positive_data_acceptance, negative_data_rejection],
    # A schema-valid URL may still be refused: a private address literal, or a name the
    # guard cannot accept (the schema cannot list the public address space).
    "POST /api/v1/webhooks": [positive_data_acceptance],
    "PATCH /api/v1/webhooks/{endpoint_id}": [positive_data_acceptance],
    # The fetched or sent page may hold no text.
    "POST /api/v1/sources": [positive_data_acceptance],
}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No request leaves the machine. Every outside name resolves to OUTSIDE, every httpx
    request that gets past the SSRF guard is answered by respx with PAGE, and a socket that
    tries to connect anywhere but loopback fails, whatever opened it. URL-fetching operations
    (sources by URL, webhook URL checks and deliveries, citation and article fetches) thus run
    their real code, guard included, with no network."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in (None, "localhost") or _is_address(host):
            return real_getaddrinfo(host, port, *args, **kwargs)
        return real_getaddrinfo(OUTSIDE, port, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        inet = sock.family in (socket.AF_INET, socket.AF_INET6)
        if inet and not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            raise OSError(f"offline test: no connection to {address[0]}")
        real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    with respx.mock(assert_all_called=False) as router:
        router.route().mock(
            return_value=httpx.Response(200, headers={"Content-Type": "text/html"}, content=PAGE)
        )
        yield


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@pytest.fixture(params=[False, True], ids=["DEBUG=False", "DEBUG=True"])
def api_data(request, workflow, user, editor, settings, monkeypatch, offline):
    settings.DEBUG = request.param
    settings.CLAIMDESK_API_RATE = ""  # the run makes many requests with one key
    # The contract is the HTTP layer: submitted articles are queued, not processed here (the
    # pipeline has its own tests).
    monkeypatch.setattr("claims.steps.enqueue_on_commit", lambda task_name, **kwargs: None)
    monkeypatch.setattr("library.dispatch.enqueue_on_commit", lambda task_name, **kwargs: None)
    for item in ReviewItemFactory.create_batch(3):
        publish(item, checker=user, editor=editor)
    # A library document without a date: search hits then carry published_at null.
    source_document_upsert(title="Tide gauges", text="Sea level rose 20 cm since 1900.")
    # Requests go straight to the WSGI app; like Django's test client, keep the test's
    # database connection (and its transaction) open across them.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(db, user) -> dict[str, str]:
    # With an owner: webhook endpoints belong to a user.
    _, plaintext = api_key_create(name="contract", scopes=list(SCOPES), owner=user)
    return {"Authorization": f"Api-Key {plaintext}"}


schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


GENERATION = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


# Each request commits on its own, as in production: a database error in one cannot
# poison the ones after it (inside a single test transaction it would).
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@GENERATION
def test_api_conforms_to_its_schema(case, api_data, auth_headers):
    """Every operation, in every phase, with every check."""
    case.call_and_validate(
        headers=auth_headers,
        checks=ALL_CHECKS,
        excluded_checks=NOT_APPLICABLE.get(case.operation.label, []),
    )


@pytest.mark.django_db(transaction=True)
def test_api_sequences_conform_to_its_schema(api_data, auth_headers):
    """Chains of up to 10 calls, EXAMPLES of them, with every check."""

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each chain starts from the same data: what one chain wrote (an article, which
            # the next would meet as a duplicate) would change the next one's responses, and
            # a derandomized Hypothesis replays chains expecting the same. (A database error
            # inside a chain would fail the calls after it: a failure shown, not hidden.)
            self.chain = transaction.atomic()
            self.chain.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.chain.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": auth_headers}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            case.validate_response(
                response,
                checks=ALL_CHECKS,
                excluded_checks=NOT_APPLICABLE.get(case.operation.label, []),
                headers=auth_headers,  # the key is the client's own, not a generated one
                recorder=self.recorder,  # what the sequence checks look back on
            )

    Sequences.run(settings=hypothesis_settings(GENERATION, stateful_step_count=10))
