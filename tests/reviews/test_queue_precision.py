"""Queue precision per model version: the dashboard's chart of whether retraining helps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Claim
from reviews.models import Verdict
from reviews.selectors import queue_precision
from tests.claims.factories import ClaimFactory
from tests.reviews.factories import ReviewItemFactory


def _queued(version: str, verdict: str | None, *, days_ago: int = 0, promoted_by=None) -> None:
    claim = ClaimFactory.create(checkworthiness_model=version, promoted_by=promoted_by)
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    ReviewItemFactory.create(
        claim=claim, verdict=Verdict.objects.get(slug=verdict) if verdict else None
    )


@pytest.fixture
def decisions(user) -> None:
    for verdict in ("true", "false", Verdict.NOT_CHECKWORTHY, None):
        _queued("shipped", verdict, days_ago=1)
    for verdict in ("true", "misleading", "unproven", Verdict.NOT_CHECKWORTHY):
        _queued("linear-v1", verdict)
    _queued("linear-v1", Verdict.NOT_CHECKWORTHY, days_ago=400)  # outside the window
    _queued("linear-v1", "true", promoted_by=user)  # a reviewer's pick, not the queue's


def test_kept_share_per_version_and_day_in_one_query(decisions, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = queue_precision(period="day", periods=14)
    assert [(r.version, r.kept, r.decided) for r in rows] == [
        ("shipped", 2, 3),
        ("linear-v1", 3, 4),
    ]
    assert rows[0].period < rows[1].period
    assert rows[1].precision == pytest.approx(0.75)


def test_weeks_group_the_days(decisions):
    rows = queue_precision(period="week", periods=4)
    assert {r.version: (r.kept, r.decided) for r in rows} == {
        "shipped": (2, 3),
        "linear-v1": (3, 4),
    }


def test_the_dashboard_draws_it_server_side(client, user, decisions):
    client.force_login(user)
    body = client.get("/dashboard/?precision=day").content.decode()
    assert "Queue precision by model version" in body
    assert "linear-v1" in body
    assert "75% (3 of 4)" in body
    assert "67% (2 of 3)" in body
    assert "<script" not in body.split("Queue precision")[1]
