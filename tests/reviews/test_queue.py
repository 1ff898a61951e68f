"""Take next, leases, assignment, the lease sweeper and bulk actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from reviews.models import Activity, ReviewItem, Status, Verdict
from reviews.selectors import similar_reviewed
from reviews.services.queue import (
    leases_expire,
    review_item_assign,
    review_item_release,
    review_items_bulk,
    review_items_enqueue_for_article,
    tag_for_name,
    take_next,
)
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, hand_over, publish


@pytest.fixture
def other(workflow):
    return UserFactory.create(username="other", roles=["Fact-checkers"])


def test_take_next_hands_out_the_most_urgent_unassigned_claim(user, other):
    low = ReviewItemFactory.create(priority=0.2)
    high = ReviewItemFactory.create(priority=0.9)
    assert take_next(user=user) == high.pk
    assert take_next(user=other) == low.pk
    assert take_next(user=user) is None  # nothing left
    first = ReviewItem.objects.get(pk=high.pk)
    assert first.assignee == user
    assert first.lease_expires_at is not None
    assert first.lease_expires_at > timezone.now()
    assert Activity.objects.filter(claim=high.claim, verb="took", actor=user).exists()


def test_take_next_skips_statuses_not_in_take_next(user):
    item = ReviewItemFactory.create()
    hand_over(item, user, "in-progress")
    assert take_next(user=user) is None


def test_second_review_goes_to_someone_else(user, other):
    item = ReviewItemFactory.create()
    hand_over(item, user, "needs-second-review", "false")
    assert take_next(user=user) is None  # the author of the verdict is not the second reviewer
    assert take_next(user=other) == item.pk


def test_someone_without_a_role_cannot_take(workflow):
    ReviewItemFactory.create()
    nobody = UserFactory.create(username="visitor")
    with pytest.raises(ApplicationError) as info:
        take_next(user=nobody)
    assert info.value.status == 403
    assert "fact-checker role" in info.value.message


def test_acting_on_a_claim_leased_to_someone_else_is_refused(user, other):
    item = ReviewItemFactory.create()
    take_next(user=user)
    with pytest.raises(ApplicationError) as info:
        review_item_update(item_id=item.pk, user=other, expected_version=2, explanation="mine")
    assert info.value.code == "leased"
    assert "checker is working on this claim" in info.value.message
    item.refresh_from_db()
    assert item.explanation == ""
    assert item.assignee == user


def test_an_expired_lease_is_swept_back_and_the_old_holder_is_refused(user, other):
    item = ReviewItemFactory.create()
    take_next(user=user)
    ReviewItem.objects.filter(pk=item.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert leases_expire() == 1
    item.refresh_from_db()
    assert item.assignee is None
    assert Activity.objects.filter(claim=item.claim, verb="lease expired").exists()
    assert take_next(user=other) == item.pk
    # The first reviewer comes back to their open tab and saves: refused, nothing lost.
    with pytest.raises(ApplicationError) as info:
        review_item_update(item_id=item.pk, user=user, expected_version=4, explanation="late")
    assert info.value.code == "leased"


def test_an_expired_lease_not_yet_swept_can_be_picked_up_by_whoever_acts(user, other):
    item = ReviewItemFactory.create()
    take_next(user=user)
    ReviewItem.objects.filter(pk=item.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    updated = review_item_update(item_id=item.pk, user=other, expected_version=2, explanation="x")
    assert updated.assignee == other
    event = Activity.objects.get(claim=item.claim, verb="updated")
    assert event.changes["assignee"] == ["checker", "other"]


def test_release_returns_the_claim_and_only_the_holder_or_an_editor_may(user, other, editor):
    item = ReviewItemFactory.create()
    take_next(user=user)
    with pytest.raises(ApplicationError) as info:
        review_item_release(item_id=item.pk, user=other)
    assert info.value.status == 403
    review_item_release(item_id=item.pk, user=user)
    item.refresh_from_db()
    assert item.assignee is None
    assert item.lease_expires_at is None
    take_next(user=other)
    review_item_release(item_id=item.pk, user=editor)  # editors may release anyone's claim
    item.refresh_from_db()
    assert item.assignee is None


def test_editors_assign_without_expiry_fact_checkers_cannot(user, other, editor):
    item = ReviewItemFactory.create()
    with pytest.raises(ApplicationError):
        review_item_assign(item_id=item.pk, user=user, assignee=other)
    review_item_assign(item_id=item.pk, user=editor, assignee=other)
    item.refresh_from_db()
    assert item.assignee == other
    assert item.lease_expires_at is None
    assert leases_expire() == 0  # an assignment has no lease to run out
    assert take_next(user=user) is None
    visitor = UserFactory.create(username="visitor")
    with pytest.raises(ApplicationError):
        review_item_assign(item_id=item.pk, user=editor, assignee=visitor)


def test_bulk_status_change_follows_the_workflow_per_claim(user):
    movable = ReviewItemFactory.create_batch(2)
    stuck = ReviewItemFactory.create()
    hand_over(stuck, user, "ready-to-publish")
    in_progress = Status.objects.get(slug="in-progress")
    needs_second = Status.objects.get(slug="needs-second-review")
    # ready-to-publish → in-progress is allowed, unstarted → in-progress too: all three move.
    result = review_items_bulk(
        user=user, items=[i.pk for i in [*movable, stuck]], action="status", value=in_progress
    )
    assert result == {"done": 3, "skipped": 0}
    # In progress → Published is not a transition of the default workflow: all skipped.
    published = Status.objects.get(slug="published")
    result = review_items_bulk(
        user=user, items=ReviewItem.objects.all(), action="status", value=published
    )
    assert result == {"done": 0, "skipped": 3}
    result = review_items_bulk(
        user=user, items=ReviewItem.objects.all(), action="status", value=needs_second
    )
    assert result == {"done": 3, "skipped": 0}


def test_bulk_without_the_role_says_so_once(workflow):
    ReviewItemFactory.create_batch(3)
    visitor = UserFactory.create(username="visitor")
    with pytest.raises(ApplicationError) as info:
        review_items_bulk(
            user=visitor,
            items=ReviewItem.objects.all(),
            action="verdict",
            value=Verdict.objects.get(slug="not-check-worthy"),
        )
    assert info.value.status == 403


def test_bulk_tag_and_verdict(user):
    items = ReviewItemFactory.create_batch(2)
    tag = tag_for_name("Election 2026")
    assert tag.slug == "election-2026"
    ids = [i.pk for i in items]
    assert review_items_bulk(user=user, items=ids, action="tag", value=tag)["done"] == 2
    assert review_items_bulk(user=user, items=ids, action="tag", value=tag)["done"] == 2
    assert all(list(i.tags.all()) == [tag] for i in ReviewItem.objects.all())
    assert Activity.objects.filter(verb="tagged").count() == 2  # the repeat was a no-op
    ncw = Verdict.objects.get(slug="not-check-worthy")
    assert review_items_bulk(user=user, items=ids, action="verdict", value=ncw)["done"] == 2
    assert set(ReviewItem.objects.values_list("verdict", flat=True)) == {ncw.pk}
    with pytest.raises(ApplicationError):
        tag_for_name("  !! ")
    with pytest.raises(ApplicationError):
        review_items_bulk(user=user, items=ids, action="delete")


def test_an_auto_linked_claim_starts_with_its_clusters_verdict(user, editor):
    root = publish(ReviewItemFactory.create(), checker=user, editor=editor, verdict="false")
    repeat = ClaimFactory.create(cluster=root.claim, similar_claim=root.claim, similarity=0.97)
    review_items_enqueue_for_article(article_id=repeat.article_id)
    item = ReviewItem.objects.get(claim=repeat)
    assert item.verdict is not None
    assert item.verdict.slug == "false"
    assert item.status.slug == "unstarted"  # a reviewer still confirms it
    queued = Activity.objects.get(claim=repeat, verb="queued")
    assert queued.changes["verdict"] == [None, f"False (from claim #{root.claim_id})"]
    assert [i.pk for i in similar_reviewed(claim=repeat)] == [root.pk]
    # Nobody has confirmed the carried-over verdict yet: it cannot be published as it is.
    hand_over(item, editor, "ready-to-publish")
    item.refresh_from_db()
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk,
            user=editor,
            expected_version=item.version,
            status=Status.objects.get(slug="published"),
        )
    assert info.value.code == "verdict_unconfirmed"


def test_take_next_moves_an_unstarted_claim_to_in_progress_and_logs_it(user):
    item = ReviewItemFactory.create()
    assert take_next(user=user) == item.pk
    item.refresh_from_db()
    assert item.status.slug == "in-progress"
    assert item.in_take_next is False  # mirrors the status: out of the take-next index
    assert item.version == 2  # the status changed
    event = Activity.objects.get(claim=item.claim, verb="took")
    assert event.changes == {"assignee": [None, "checker"], "status": ["Unstarted", "In progress"]}
    # The claim page renders after the take: its form carries the new version, no conflict.
    saved = review_item_update(
        item_id=item.pk, user=user, expected_version=item.version, explanation="Checked."
    )
    assert saved.version == 3


def test_take_next_keeps_a_status_that_is_not_the_initial_one(user, other):
    item = ReviewItemFactory.create(status=Status.objects.get(slug="needs-second-review"))
    ReviewItem.objects.filter(pk=item.pk).update(in_take_next=True)
    assert take_next(user=user) == item.pk
    item.refresh_from_db()
    assert item.status.slug == "needs-second-review"
    assert item.version == 1
    assert "status" not in Activity.objects.get(claim=item.claim, verb="took").changes


def test_take_next_keeps_the_initial_status_when_the_team_deleted_in_progress(user, editor):
    from reviews.services.workflow import status_delete

    status_delete(status_id=Status.objects.get(slug="in-progress").pk, move_to=None, user=editor)
    item = ReviewItemFactory.create()
    assert take_next(user=user) == item.pk
    item.refresh_from_db()
    assert item.status.slug == "unstarted"
    assert item.assignee == user
    assert item.version == 1


def test_an_untouched_claim_goes_back_to_unstarted_on_release_or_expiry(user, other):
    first, second = ReviewItemFactory.create(priority=0.9), ReviewItemFactory.create(priority=0.1)
    take_next(user=user)
    review_item_release(item_id=first.pk, user=user)
    first.refresh_from_db()
    assert (first.status.slug, first.in_take_next, first.version) == ("unstarted", True, 3)
    assert Activity.objects.get(claim=first.claim, verb="released").changes["status"] == [
        "In progress",
        "Unstarted",
    ]
    assert take_next(user=other) == first.pk  # back in take next's reach
    take_next(user=user)
    review_item_update(item_id=second.pk, user=user, expected_version=2, explanation="Half done.")
    ReviewItem.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert leases_expire() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status.slug == "unstarted"
    assert first.in_take_next is True
    assert second.status.slug == "in-progress"  # worked on: stays where the reviewer left it
