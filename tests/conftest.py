"""Shared fixtures: the default workflow rows, users, API clients and a local HTTP server."""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from tests.factories import UserFactory

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _no_pending_dense_refresh() -> None:
    """A test that queued an index refresh without running it must not stop the next test's."""
    from django.core.cache import cache

    from claims.dispatch import DENSE_REFRESH_PENDING

    cache.delete(DENSE_REFRESH_PENDING)


@pytest.fixture
def workflow(db: None) -> None:
    """The default statuses and verdicts. Transactional tests flush data migrations' rows, so
    tests that need them ask for this fixture (it runs the migration's own function)."""
    migration = importlib.import_module("reviews.migrations.0002_default_workflow")
    migration.create_defaults(apps, None)


@pytest.fixture
def user(db: None):
    return UserFactory.create(username="checker")


@pytest.fixture
def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


Route = tuple[int, dict[str, str], bytes]


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose routes tests set; records every request path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
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


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"../shared/data not found at {SHARED_DATA}: tests that use it need it.")
    return SHARED_DATA
