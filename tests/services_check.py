"""Fail fast, with a clear message, when the PostgreSQL/Redis test phase has no services."""

from __future__ import annotations

import sys

import psycopg
import redis

HINT = (
    "Start them (PostgreSQL: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
    "start; Redis: redis-server --daemonize yes --port 6379), point TEST_DATABASE_URL / "
    "TEST_REDIS_URL at yours, or run `make test-sqlite` for the embedded default only."
)


def main(database_url: str, redis_url: str) -> int:
    problems = []
    try:
        psycopg.connect(database_url, connect_timeout=5).close()
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL at {database_url} is not reachable: {exc}".strip())
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis at {redis_url} is not reachable: {exc}")
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    if problems:
        print(HINT, file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
