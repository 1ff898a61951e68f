"""Many reviewers pressing "Take next" at once, each on its own database connection (real
threads, real transactions): every claim goes to exactly one reviewer."""

import threading
from collections import Counter

import pytest
from django.db import connection

from reviews.models import Activity, ReviewItem
from reviews.services.queue import take_next
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

REVIEWERS = 8
CLAIMS = 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_take_next_never_hands_one_claim_to_two_reviewers(workflow):
    ReviewItemFactory.create_batch(CLAIMS)
    reviewers = [
        UserFactory.create(username=f"r{n}", roles=["Fact-checkers"]) for n in range(REVIEWERS)
    ]
    taken: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(REVIEWERS)
    lock = threading.Lock()

    def work(user) -> None:
        try:
            start.wait()
            while (item_id := take_next(user=user)) is not None:
                with lock:
                    taken.append((item_id, user.pk))
        except BaseException as exc:  # reported below: a thread's error must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    counts = Counter(item_id for item_id, _ in taken)
    assert len(taken) == CLAIMS
    assert max(counts.values()) == 1  # zero double assignments
    holders = dict(ReviewItem.objects.values_list("pk", "assignee"))
    assert all(holders[item_id] == user_id for item_id, user_id in taken)
    assert Activity.objects.filter(verb="took").count() == CLAIMS
    # Every claim was unstarted; each take moved it to In progress exactly once.
    assert set(ReviewItem.objects.values_list("status__slug", "version")) == {("in-progress", 2)}
    if connection.vendor == "postgresql":
        # SKIP LOCKED lets reviewers work side by side; SQLite runs one writer at a time (its
        # busy wait may let one thread take everything), which is still correct, just serial.
        assert len({user_id for _, user_id in taken}) > 1
