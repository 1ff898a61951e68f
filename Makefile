# ClaimDesk. `make run` serves the product on the embedded default with gunicorn, as in
# production; `make dev` serves it with Django's runserver (DEBUG, reloads on code changes);
# `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test services for the second test phase (see README, "Tests").
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run dev prepare test test-sqlite test-postgres lint format bench migrations clean chromium test-tools contract

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs are stamped, so repeated runs skip pip unless the pins changed.
$(VENV)/.run-deps: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

# The embedded default's database, static files and demo data (each step skips what is done).
prepare: $(VENV)/.run-deps
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py load_demo
	@echo
	@echo "  ClaimDesk is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Log in as: demo / claimdesk-demo (admin); checker and editor have the same password"
	@echo "  (Ctrl-C stops web and worker)"
	@echo

# Web and worker of Procfile.dev on the embedded default (the database and broker in var/).
# They share one folder of metrics files, emptied before they start (README, "Operations").
SERVE := CLAIMDESK_PORT=$(PORT) CLAIMDESK_PUBLIC_BASE_URL=$${CLAIMDESK_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/var/metrics \
	DJANGO_SETTINGS_MODULE=config.settings.local PATH="$(CURDIR)/$(BIN):$$PATH" \
	$(BIN)/honcho start -f Procfile.dev

# gunicorn without DEBUG: static files come from whitenoise, errors get the product's pages.
run: prepare
	@rm -rf var/metrics && mkdir -p var/metrics
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} $(SERVE) web worker

# runserver with DEBUG: reloads on code changes, shows tracebacks. Never for real traffic.
dev: prepare
	@rm -rf var/metrics && mkdir -p var/metrics
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(SERVE) runserver worker

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Phase 1: the embedded default (SQLite; tasks in-process, e2e tests through a real worker on
# the SQLite-backed broker). Phase 2: PostgreSQL + Redis with a real worker for e2e tests.
test: lint test-sqlite test-postgres

# Browser tests drive Debian's Chromium (never a downloaded browser); install it if missing.
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ echo "Installing Debian chromium for the browser tests"; \
		  apt-get install -y -q chromium chromium-driver >/dev/null || \
		  { apt-get update -q && apt-get install -y -q chromium chromium-driver >/dev/null; }; }

# wrk drives the API benchmark's smoke run (tests/benchmarks), which fails without it where CI
# is set.
test-tools: chromium
	@command -v wrk >/dev/null || \
		{ echo "Installing wrk for the API benchmark"; \
		  apt-get install -y -q wrk >/dev/null || \
		  { apt-get update -q && apt-get install -y -q wrk >/dev/null; }; }

test-sqlite: $(VENV)/.dev-deps test-tools
	@echo "== tests on SQLite (embedded default) =="
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev-deps test-tools
	@echo "== tests on PostgreSQL + Redis =="
	@$(BIN)/python -m tests.services_check "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m benchmarks.pipeline
	$(BIN)/python -m benchmarks.extraction
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m benchmarks.queue
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m benchmarks.api
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m benchmarks.retrieval
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m benchmarks.matching

# The API contract test with many more generated requests per operation than `make test`.
contract: $(VENV)/.dev-deps
	CLAIMDESK_CONTRACT_EXAMPLES=$${EXAMPLES:-300} $(BIN)/pytest tests/api -q

migrations: $(VENV)/.dev-deps
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py makemigrations

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
