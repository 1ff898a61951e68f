"""factory_boy factories for the desk's models, and helpers that take a claim through the
default workflow."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from reviews.models import ReviewItem, Status, Verdict
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory


class ReviewItemFactory(factory.django.DjangoModelFactory[ReviewItem]):
    class Meta:
        model = ReviewItem

    claim = factory.SubFactory(ClaimFactory)
    status = factory.LazyFunction(lambda: Status.objects.get(is_initial=True))
    priority = 0.5


def hand_over(item: ReviewItem, user: User, status: str, verdict: str | None = None) -> ReviewItem:
    """`user` moves the claim to `status` (setting `verdict`, if given) and releases it."""
    return review_item_update(
        item_id=item.pk,
        user=user,
        expected_version=item.version,
        status=Status.objects.get(slug=status),
        verdict=Verdict.objects.get(slug=verdict) if verdict else item.verdict,
        release=True,
    )


def publish(item: ReviewItem, *, checker: User, editor: User, verdict: str = "false") -> ReviewItem:
    """Take a claim through the default workflow the way a team does: the fact-checker
    decides and hands over, a different editor publishes."""
    item = hand_over(item, checker, "ready-to-publish", verdict)
    return review_item_update(
        item_id=item.pk,
        user=editor,
        expected_version=item.version,
        status=Status.objects.get(slug="published"),
    )
