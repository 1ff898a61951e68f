"""Each app's typed settings (<app>/conf.py): checked at start-up, naming the bad setting, and
refreshed when a test overrides a CLAIMDESK_* setting."""

import dataclasses
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from claims.conf import conf as claims_conf
from clients.conf import conf as clients_conf
from core.conf import conf as core_conf
from library.conf import conf as library_conf
from reviews.conf import conf as reviews_conf
from webhooks.conf import conf as webhooks_conf

BAD_VALUES = [
    ("core", core_conf, "CLAIMDESK_MAX_ARTICLE_BYTES", 0),
    ("core", core_conf, "CLAIMDESK_FETCH_TIMEOUT_S", -5),
    ("core", core_conf, "CLAIMDESK_FETCH_MAX_REDIRECTS", 2.5),
    ("core", core_conf, "CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS", "127.0.0.1"),
    ("core", core_conf, "CLAIMDESK_FETCH_DEADLINE_S", 0),
    ("core", core_conf, "CLAIMDESK_METRICS_TOKEN", None),
    ("core", core_conf, "CLAIMDESK_METRICS_ALLOWED_NETWORKS", ["10.0.0.0/8", "intranet"]),
    ("core", core_conf, "CLAIMDESK_TRUSTED_PROXIES", -1),
    ("library", library_conf, "CLAIMDESK_PROVIDER_RATE_PER_S", 0),
    ("library", library_conf, "CLAIMDESK_PROVIDER_ATTEMPTS", True),
    ("library", library_conf, "CLAIMDESK_EMBED_BATCH", "64"),
    ("library", library_conf, "CLAIMDESK_MEDIAWIKI_API_URL", "en.wikipedia.org/w/api.php"),
    ("library", library_conf, "CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD", 1.5),
    ("claims", claims_conf, "CLAIMDESK_CHECKWORTHY_THRESHOLD", 1.5),
    ("claims", claims_conf, "CLAIMDESK_PIPELINE_STUCK_AFTER", timedelta(0)),
    ("claims", claims_conf, "CLAIMDESK_LLM_BASE_URL", "localhost:8080"),
    ("claims", claims_conf, "CLAIMDESK_LLM_TIMEOUT_S", float("nan")),
    ("reviews", reviews_conf, "CLAIMDESK_LEASE_S", -5),
    ("reviews", reviews_conf, "CLAIMDESK_OUTLET_REACH", {"Daily": 2}),
    ("reviews", reviews_conf, "CLAIMDESK_PUBLIC_BASE_URL", "factcheck.example"),
    ("reviews", reviews_conf, "CLAIMDESK_ORGANIZATION_LOGO_URL", "logo.svg"),
    ("reviews", reviews_conf, "CLAIMDESK_RATING_WORST", 5),
    ("clients", clients_conf, "CLAIMDESK_API_RATE", "lots"),
    ("clients", clients_conf, "CLAIMDESK_API_KEY_CACHE_S", -1),
    ("webhooks", webhooks_conf, "CLAIMDESK_WEBHOOK_MAX_ATTEMPTS", 0),
    ("webhooks", webhooks_conf, "CLAIMDESK_WEBHOOK_ALLOW_HTTP", "yes"),
]


@pytest.mark.parametrize(
    ("app", "conf", "name", "value"), BAD_VALUES, ids=[row[2] for row in BAD_VALUES]
)
def test_a_bad_value_is_refused_naming_the_setting(settings, app, conf, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        conf()
    # At start-up: the app's ready() checks its settings.
    with pytest.raises(ImproperlyConfigured, match=name):
        apps.get_app_config(app).ready()


def test_the_message_says_what_is_expected_and_what_was_given(settings):
    settings.CLAIMDESK_LEASE_S = -5
    with pytest.raises(ImproperlyConfigured) as caught:
        reviews_conf()
    assert str(caught.value) == "CLAIMDESK_LEASE_S must be a positive number of seconds, got -5"


def test_a_priority_weight_is_named_by_its_environment_variable(settings):
    settings.CLAIMDESK_PRIORITY_WEIGHTS = {**settings.CLAIMDESK_PRIORITY_WEIGHTS, "recency": 1.5}
    with pytest.raises(ImproperlyConfigured, match=r"CLAIMDESK_PRIORITY_W_RECENCY .*\[0, 1\]"):
        reviews_conf()


@pytest.mark.parametrize("rate", ["", "600/min", "10/s", "5/hour", "100/day"])
def test_rates_drf_understands_are_accepted(settings, rate):
    settings.CLAIMDESK_API_RATE = rate
    assert clients_conf().api_rate == (rate or None)


def test_an_override_in_a_test_is_seen_and_undone(settings):
    before = reviews_conf()
    with override_settings(CLAIMDESK_LEASE_S=60, CLAIMDESK_WEBHOOK_MAX_ATTEMPTS=2):
        assert reviews_conf().lease_s == 60
        assert webhooks_conf().max_attempts == 2
    assert reviews_conf() == before
    settings.CLAIMDESK_DENSE_INDEX_DIR = "/tmp/elsewhere"  # noqa: S108
    assert library_conf().dense_index_dir == Path("/tmp/elsewhere")  # noqa: S108
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = ["intranet.example"]
    assert core_conf().fetch_allowed_private_hosts == ("intranet.example",)
    settings.CLAIMDESK_CHECKWORTHY_THRESHOLD = 0.25
    assert claims_conf().checkworthy_threshold == 0.25


def test_conf_objects_are_frozen_and_cached():
    assert core_conf() is core_conf()
    with pytest.raises(dataclasses.FrozenInstanceError):
        core_conf().fetch_timeout_s = 1.0  # type: ignore[misc]


def test_every_app_is_installed_once_and_beat_runs_every_sweeper():
    counts = Counter(django_settings.INSTALLED_APPS)
    for app in ("core", "library", "claims", "reviews", "clients", "webhooks"):
        assert counts[app] == 1
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "claims.library_refresh_stats",
        "claims.library_index_missing",
        "claims.dense_index_refresh",
        "claims.claim_index_refresh",
        "claims.pipeline_sweep_stuck",
        "reviews.leases_expire",
        "webhooks.deliveries_resume_stalled",
        "lab.checkworthiness_retrain",
    }
    assert django_settings.CELERY_TASK_ROUTES == {
        "webhooks.*": {"queue": django_settings.CLAIMDESK_WEBHOOK_QUEUE}
    }
