"""Workflow rules: transitions, roles, the second person who publishes, locking, reopening,
and deleting a status that claims still use."""

import pytest

from core.errors import ApplicationError
from reviews.models import Activity, ReviewItem, Status, Verdict
from reviews.services.citations import citation_add
from reviews.services.workflow import review_item_update, status_delete, status_set_take_next
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, hand_over, publish


def _status(slug: str) -> Status:
    return Status.objects.get(slug=slug)


@pytest.fixture
def item(workflow):
    return ReviewItemFactory.create()


@pytest.fixture
def second_editor(workflow):
    return UserFactory.create(username="editor2", roles=["Editors"])


def test_a_move_the_workflow_does_not_allow_is_refused_with_the_allowed_moves(item, user):
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=user, expected_version=1, status=_status("published")
        )
    assert info.value.code == "transition_not_allowed"
    assert "In progress, Needs second review, Ready to publish" in info.value.message
    item.refresh_from_db()
    assert item.status.slug == "unstarted"
    assert item.version == 1


def test_a_fact_checker_cannot_publish(item, user):
    hand_over(item, user, "ready-to-publish", "false")
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=user, expected_version=2, status=_status("published")
        )
    assert info.value.status == 403
    assert "editor role" in info.value.message


def test_publishing_needs_a_verdict(item, user, editor):
    hand_over(item, user, "ready-to-publish")
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=editor, expected_version=2, status=_status("published")
        )
    assert info.value.code == "verdict_required"


def test_the_editor_who_decided_cannot_publish_their_own_verdict(item, editor, second_editor):
    hand_over(item, editor, "ready-to-publish", "false")
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=editor, expected_version=2, status=_status("published")
        )
    assert info.value.code == "second_person_required"
    published = review_item_update(
        item_id=item.pk, user=second_editor, expected_version=2, status=_status("published")
    )
    assert published.published_by == second_editor
    assert published.published_at is not None
    assert Activity.objects.filter(claim=item.claim, verb="published", actor=second_editor).exists()


def test_the_second_person_rule_is_a_setting(item, editor, settings):
    settings.CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON = False
    hand_over(item, editor, "ready-to-publish", "false")
    published = review_item_update(
        item_id=item.pk, user=editor, expected_version=2, status=_status("published")
    )
    assert published.status.is_published


def test_published_claims_are_locked_until_an_editor_reopens_them(
    item, user, editor, second_editor
):
    item = publish(item, checker=user, editor=editor)
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=editor, expected_version=item.version, explanation="rewritten"
        )
    assert info.value.code == "locked"
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk,
            user=editor,
            expected_version=item.version,
            verdict=Verdict.objects.get(slug="true"),
        )
    assert info.value.code == "locked"
    with pytest.raises(ApplicationError) as info:
        citation_add(claim_id=item.claim_id, user=user, url="https://example.org/late")
    assert info.value.code == "locked"
    # A fact-checker cannot reopen; an editor can, and it is logged.
    with pytest.raises(ApplicationError) as info:
        review_item_update(
            item_id=item.pk, user=user, expected_version=item.version, status=_status("in-progress")
        )
    assert info.value.status == 403
    reopened = review_item_update(
        item_id=item.pk,
        user=second_editor,
        expected_version=item.version,
        status=_status("in-progress"),
    )
    assert reopened.published_at is None
    assert Activity.objects.filter(claim=item.claim, verb="reopened").exists()
    review_item_update(
        item_id=item.pk, user=second_editor, expected_version=reopened.version, explanation="fixed"
    )


def test_deleting_a_status_in_use_asks_where_its_claims_go(workflow, editor, user):
    items = ReviewItemFactory.create_batch(2)
    unstarted = _status("unstarted")
    with pytest.raises(ApplicationError) as info:
        status_delete(status_id=unstarted.pk, move_to=None, user=editor)
    assert info.value.code == "status_in_use"
    assert "2 claims" in info.value.message
    with pytest.raises(ApplicationError):  # fact-checkers do not change the workflow
        status_delete(status_id=unstarted.pk, move_to=_status("in-progress"), user=user)
    moved = status_delete(status_id=unstarted.pk, move_to=_status("in-progress"), user=editor)
    assert moved == 2
    assert not Status.objects.filter(slug="unstarted").exists()
    assert set(ReviewItem.objects.values_list("status__slug", flat=True)) == {"in-progress"}
    assert Activity.objects.filter(verb="moved", claim__in=[i.claim for i in items]).count() == 2
    assert not ReviewItem.objects.filter(in_take_next=True).exists()


def test_switching_take_next_on_a_status_updates_its_claims(workflow, user):
    item = ReviewItemFactory.create(status=_status("in-progress"), in_take_next=False)
    status_set_take_next(status=_status("in-progress"), in_take_next=True)
    item.refresh_from_db()
    assert item.in_take_next


def test_admin_asks_where_the_claims_of_a_deleted_status_go(client, workflow):
    admin = UserFactory.create(username="boss", is_staff=True, is_superuser=True)
    items = ReviewItemFactory.create_batch(3)
    client.force_login(admin)
    status = _status("unstarted")
    url = f"/admin/reviews/status/{status.pk}/delete/"
    page = client.get(url).content.decode()
    assert "3 claims are in <strong>Unstarted</strong>" in page
    response = client.post(url, {"move_to": _status("in-progress").pk})
    assert response.status_code == 302
    assert not Status.objects.filter(pk=status.pk).exists()
    assert {i.status.slug for i in ReviewItem.objects.filter(pk__in=[i.pk for i in items])} == {
        "in-progress"
    }


def test_claims_cannot_be_moved_into_or_out_of_published_by_deleting_a_status(
    workflow, editor, user
):
    ReviewItemFactory.create()
    with pytest.raises(ApplicationError) as info:
        status_delete(status_id=_status("unstarted").pk, move_to=_status("published"), user=editor)
    assert info.value.code == "invalid_target"
    publish(ReviewItemFactory.create(), checker=user, editor=editor)
    with pytest.raises(ApplicationError):
        status_delete(
            status_id=_status("published").pk, move_to=_status("in-progress"), user=editor
        )


def test_claims_published_before_tracking_are_backfilled(workflow):
    import importlib

    from django.apps import apps

    from reviews.models import PublicationChange

    item = ReviewItemFactory.create(status=_status("published"), in_take_next=False)
    assert item.published_at is None
    importlib.import_module("reviews.migrations.0008_backfill_publication").backfill(apps, None)
    item.refresh_from_db()
    assert item.published_at == item.status_changed_at
    assert list(PublicationChange.objects.values_list("claim_id", "event")) == [
        (item.claim_id, "claim.published")
    ]
