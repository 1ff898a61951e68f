"""Shared fixtures: the default workflow rows, users, API clients and a local HTTP server."""

from __future__ import annotations

import contextlib
import gzip
import importlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from rest_framework.test import APIClient

from library.services.sources import source_document_upsert
from reviews.selectors import QUEUE_COUNTS_KEY
from tests.factories import UserFactory

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded"


# What runs once, in the SQLite phase (README, "Tests"), where PostgreSQL + Redis would add
# nothing but minutes:
# - tests of text and model code (training, evaluation, extraction) that never touch the
#   database (pytest-django refuses it to a test without the `db` fixture or `django_db` mark);
# - the browser tests: they check what pages and their scripts do, on the embedded default
#   that `make run` serves; the views' database work is checked by the view and API tests, in
#   both phases.
DATABASE_FREE_PACKAGES = ("tests/lab/", "tests/claims/extraction/")
BROWSER_PACKAGE = "tests/browser/"
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})


def runs_once(where: str, item: pytest.Item) -> bool:
    """Whether the test at `where` (relative to the project) runs in the SQLite phase only."""
    if where.startswith(BROWSER_PACKAGE):
        return True
    uses_database = item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )
    return where.startswith(DATABASE_FREE_PACKAGES) and not uses_database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    root = Path(str(config.rootpath))
    kept: list[pytest.Item] = []
    once: list[pytest.Item] = []
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        (once if runs_once(where, item) else kept).append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fresh_queue_counts() -> None:
    """The queue's team-wide counts are cached across requests; each test starts without
    (only that key: the test Redis database is also the test broker)."""
    cache.delete(QUEUE_COUNTS_KEY)


@pytest.fixture(autouse=True)
def _no_pending_index_refresh() -> None:
    """A test that queued an index refresh without running it must not stop the next test's."""
    from claims.services.matching import CLAIM_INDEX_REFRESH_PENDING
    from library.dispatch import DENSE_REFRESH_PENDING

    cache.delete_many([DENSE_REFRESH_PENDING, CLAIM_INDEX_REFRESH_PENDING])


@pytest.fixture(autouse=True)
def _active_checkworthiness_model_read_again() -> None:
    """A test's activated model version is rolled back with its database: the next test must
    not go on scoring with it from this process's cache."""
    from claims.extraction.active import active_checkworthiness_model_forget

    active_checkworthiness_model_forget()


@pytest.fixture(autouse=True)
def _own_ann_index_dir(settings, tmp_path: Path) -> None:
    """Each test is a machine of its own: its ANN index files (core/ann.py) start absent, as
    on a new machine, and never outlive it (a test database's ids are reused by the next)."""
    settings.CLAIMDESK_DENSE_INDEX_DIR = tmp_path / "ann-indexes"


@pytest.fixture
def library(db: None) -> None:
    """A one-document source library that the pipeline's sea-level claims find evidence in."""
    source_document_upsert(
        url="https://en.wikipedia.org/wiki/Sea_level_rise",
        title="Sea level rise",
        publisher="Wikipedia",
        text=(
            "Between 1901 and 2018, the global mean sea level rose by 15–25 cm. "
            "The rate of sea level rise has accelerated since the 1990s. "
            "Penguins live in the Southern Hemisphere."
        ),
    )


@pytest.fixture
def workflow(db: None) -> None:
    """The default statuses and verdicts. Transactional tests flush data migrations' rows, so
    tests that need them ask for this fixture (it runs the migration's own function)."""
    for name in ("0002_default_workflow", "0004_workflow_roles", "0007_verdict_ratings"):
        importlib.import_module(f"reviews.migrations.{name}").create_defaults(apps, None)


@pytest.fixture
def user(workflow: None):
    """A fact-checker."""
    return UserFactory.create(username="checker", roles=["Fact-checkers"])


@pytest.fixture
def editor(workflow: None):
    return UserFactory.create(username="editor", roles=["Editors"])


@pytest.fixture
def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


Route = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose routes tests set; records every request path (and
    in `received`, every request's method, headers and body)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.requests: list[str] = []
        self.received: list[ReceivedRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                headers = {key.lower(): value for key, value in self.headers.items()}
                request_body = self.rfile.read(length) if length else b""
                server.received.append(
                    ReceivedRequest(self.command, self.path, headers, request_body)
                )
                route = server.routes.get(self.path, (404, {}, b"not found"))
                status, headers, body = route() if callable(route) else route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                # "X-Omit-Length" makes a server that streams until it closes, with no length.
                if "Content-Length" not in headers and "X-Omit-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server(settings) -> Iterator[LocalServer]:
    """A local HTTP server; the SSRF guard is told to allow 127.0.0.1 (and only that name)."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    server = LocalServer()
    yield server
    server.close()


def require_shared_data(folder: Path, *, ci: bool) -> Path:
    """The labelled datasets beside the project (../shared/data). A user's clone has none, so
    tests that need them skip there; CI has them, so there a missing folder is a failure."""
    if not folder.is_dir():
        reason = f"../shared/data not found at {folder}: this test needs the shared datasets"
        if ci:
            pytest.fail(f"{reason} (CI is set, so they must be present).")
        pytest.skip(reason)
    return folder


class DripServer:
    """A real server on 127.0.0.1 that answers every connection with `response`, the first
    `prompt` bytes at once and the rest one byte every `interval` seconds: the trickle that
    per-read timeouts never catch."""

    def __init__(self, response: bytes, *, prompt: int = 0, interval: float = 1.0) -> None:
        self.response, self.prompt, self.interval = response, prompt, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # the listener closed
            while not self.closed.is_set():
                connection, _ = self.listener.accept()
                threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):  # the client gave up
            connection.recv(65536)  # the request (small): its content does not matter
            connection.sendall(self.response[: self.prompt])
            for offset in range(self.prompt, len(self.response)):
                if self.closed.wait(self.interval):
                    return
                connection.sendall(self.response[offset : offset + 1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.closed.set()
        self.listener.close()


@pytest.fixture
def drip_server(settings) -> Iterator[Callable[..., DripServer]]:
    """Starts DripServers (closed after the test); the SSRF guard allows 127.0.0.1."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    servers: list[DripServer] = []

    def start(response: bytes, *, prompt: int = 0, interval: float = 1.0) -> DripServer:
        servers.append(DripServer(response, prompt=prompt, interval=interval))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def shared_data() -> Path:
    return require_shared_data(SHARED_DATA, ci=bool(os.environ.get("CI")))


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real recorded responses and pages (tests/fixtures/recorded, gzipped to keep git lean;
    provenance and licences in its README), unpacked once per run under their own names."""
    folder = tmp_path_factory.mktemp("recorded")
    for packed in RECORDED.rglob("*.gz"):
        target = folder / packed.relative_to(RECORDED).with_suffix("")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.decompress(packed.read_bytes()))
    return folder


@pytest.fixture
def key_client(db: None) -> Callable[..., APIClient]:
    """An API client authenticated with a fresh API key holding `scopes`."""
    from clients.services import api_key_create

    def make(*scopes: str) -> APIClient:
        _, plaintext = api_key_create(name="partner", scopes=list(scopes))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return client

    return make
