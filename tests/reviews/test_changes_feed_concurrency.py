"""Editors publishing at the same time while a client follows the changes feed: the client
sees every change exactly once, in order, never seq N+1 before N."""

import threading

import pytest
from django.db import connection

from reviews.models import ReviewItem, Status
from reviews.selectors import api_changes
from reviews.services.workflow import review_item_update
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, hand_over

EDITORS = 4
CLAIMS_EACH = 5


@pytest.mark.django_db(transaction=True)
def test_feed_never_misses_or_repeats_a_change_under_concurrent_publishing(workflow):
    checker = UserFactory.create(username="checker", roles=["Fact-checkers"])
    editors = [UserFactory.create(username=f"ed{n}", roles=["Editors"]) for n in range(EDITORS)]
    batches = [
        [
            hand_over(i, checker, "ready-to-publish", "false")
            for i in ReviewItemFactory.create_batch(CLAIMS_EACH)
        ]
        for _ in editors
    ]
    published = Status.objects.get(slug="published")
    total = EDITORS * CLAIMS_EACH
    errors: list[BaseException] = []
    done = threading.Event()
    observed: list[int] = []

    def publish_all(editor, items: list[ReviewItem]) -> None:
        try:
            for item in items:
                review_item_update(
                    item_id=item.pk, user=editor, expected_version=item.version, status=published
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def follow() -> None:
        after = 0
        try:
            while len(observed) < total and not (
                done.is_set() and not api_changes(after=after, limit=1)
            ):
                for change in api_changes(after=after, limit=7):
                    observed.append(change.seq)
                    after = change.seq
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    reader = threading.Thread(target=follow)
    writers = [
        threading.Thread(target=publish_all, args=(e, b))
        for e, b in zip(editors, batches, strict=True)
    ]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    done.set()
    reader.join(120)
    assert not errors, errors
    assert observed == list(range(1, total + 1))
