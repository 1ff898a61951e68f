"""Notifications: who each trigger notifies (never the actor, only after commit), the inbox,
the header's unread count, the Mentions me view and the optional email."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reviews.models import Citation, Notification, ReviewItem, Status
from reviews.services.citations import citation_fetch_failed, note_add
from reviews.services.notifications import notification_email_send, notification_settings_set
from reviews.services.queue import review_item_assign
from reviews.services.workflow import review_item_update
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, hand_over, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(workflow) -> ReviewItem:
    return ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")


def _sent(recipient) -> list[tuple[str, int | None]]:
    return [
        (n.kind, n.actor_id)
        for n in Notification.objects.filter(recipient=recipient).order_by("id")
    ]


# --- Triggers --------------------------------------------------------------------------------


def test_mention_notifies_the_mentioned_only_after_commit(
    item, user, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note_add(claim_id=item.claim_id, user=user, body="@editor @checker @nobody see table 2")
        assert not Notification.objects.exists()  # nothing before the commit
    assert _sent(editor) == [("mention", user.pk)]
    assert _sent(user) == []  # the author mentioned themself: nothing
    notification = Notification.objects.get()
    assert notification.item_id == item.pk
    assert "checker mentioned you on claim" in notification.text
    assert "see table 2" in notification.text


def test_a_rolled_back_action_notifies_no_one(
    item, user, editor, django_capture_on_commit_callbacks
):
    def failing_request() -> None:
        with transaction.atomic():
            note_add(claim_id=item.claim_id, user=user, body="@editor look")
            raise RuntimeError("the request failed after the note")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_request()
    assert not Notification.objects.exists()


def test_inactive_people_are_not_notified(item, user, django_capture_on_commit_callbacks):
    UserFactory.create(username="gone", is_active=False, roles=["Fact-checkers"])
    with django_capture_on_commit_callbacks(execute=True):
        note_add(claim_id=item.claim_id, user=user, body="@gone ping")
    assert not Notification.objects.exists()


def test_assignment_notifies_the_new_assignee_not_the_editor(
    item, user, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_item_assign(item_id=item.pk, user=editor, assignee=user)
        review_item_assign(item_id=item.pk, user=editor, assignee=user)  # no change: no news
        review_item_assign(item_id=item.pk, user=editor, assignee=editor)  # their own doing
        review_item_assign(item_id=item.pk, user=editor, assignee=None)
    assert len(callbacks) == 1
    assert _sent(user) == [("assigned", editor.pk)]
    assert _sent(editor) == []


def test_needs_second_review_notifies_the_other_fact_checkers(
    item, user, editor, django_capture_on_commit_callbacks
):
    second = UserFactory.create(username="amira", roles=["Fact-checkers"])
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(item, user, "needs-second-review", "false")
    assert _sent(second) == [("second_review", user.pk)]
    assert _sent(user) == []  # the person asking
    assert _sent(editor) == []  # not in the Fact-checkers group


def test_other_status_moves_notify_no_one(item, user, django_capture_on_commit_callbacks):
    UserFactory.create(username="amira", roles=["Fact-checkers"])
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(item, user, "in-progress")
    assert not Notification.objects.exists()


def test_publish_and_reopen_notify_whoever_set_the_verdict(
    item, user, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(item, checker=user, editor=editor)
    assert _sent(user) == [("published", editor.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        review_item_update(
            item_id=item.pk,
            user=editor,
            expected_version=item.version,
            status=Status.objects.get(slug="in-progress"),
        )
    assert _sent(user) == [("published", editor.pk), ("reopened", editor.pk)]
    assert _sent(editor) == []


def test_citation_fetch_failure_notifies_who_added_it_once(
    item, user, django_capture_on_commit_callbacks
):
    citation = Citation.objects.create(claim=item.claim, url="https://example.org/x", added_by=user)
    with django_capture_on_commit_callbacks(execute=True):
        citation_fetch_failed(citation_id=citation.pk, reason="404 Not Found")
        citation_fetch_failed(citation_id=citation.pk, reason="404 Not Found")  # task rerun
    assert _sent(user) == [("citation_failed", None)]
    assert "404 Not Found" in Notification.objects.get().text


# --- Email -----------------------------------------------------------------------------------


def test_email_is_off_by_default(
    item, user, editor, mailoutbox, django_capture_on_commit_callbacks
):
    editor.email = "editor@example.org"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        note_add(claim_id=item.claim_id, user=user, body="@editor look")
    assert Notification.objects.count() == 1
    assert mailoutbox == []


def test_email_goes_out_once_for_people_who_switched_it_on(
    item, user, editor, mailoutbox, django_capture_on_commit_callbacks
):
    editor.email = "editor@example.org"
    editor.save()
    notification_settings_set(user=editor, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        note_add(claim_id=item.claim_id, user=user, body="@editor look at the source")
        assert mailoutbox == []  # the task is queued after commit
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["editor@example.org"]
    assert "checker mentioned you" in mail.subject
    notification = Notification.objects.get()
    assert f"/inbox/{notification.pk}/" in mail.body
    assert notification_email_send(notification_id=notification.pk) is False  # a rerun
    assert len(mailoutbox) == 1


def test_no_email_without_an_address(
    item, user, editor, mailoutbox, django_capture_on_commit_callbacks
):
    notification_settings_set(user=editor, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        note_add(claim_id=item.claim_id, user=user, body="@editor look")
    assert mailoutbox == []


# --- Pages -----------------------------------------------------------------------------------


def _notify(recipient, item, text: str = "something happened", **kwargs) -> Notification:
    return Notification.objects.create(
        recipient=recipient, item=item, kind="mention", text=text, **kwargs
    )


def test_unread_count_in_the_header(client, item, editor, user):
    client.force_login(editor)
    response = client.get("/")
    assert b'id="unread-count"' not in response.content
    _notify(editor, item)
    _notify(editor, item)
    _notify(user, item)  # someone else's
    response = client.get("/")
    assert b'aria-label="2 unread">2</span>' in response.content


def test_inbox_lists_newest_first_and_opening_one_marks_it_read(client, item, editor):
    older = _notify(editor, item, "older news")
    newer = _notify(editor, item, "newer news")
    client.force_login(editor)
    page = client.get("/inbox/").content.decode()
    assert page.index("newer news") < page.index("older news")
    assert f'href="/inbox/{older.pk}/"' in page

    response = client.get(f"/inbox/{older.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{item.pk}/"
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.read_at is not None
    assert newer.read_at is None
    assert b'aria-label="1 unread"' in client.get("/inbox/").content


def test_mark_one_and_all_read(client, item, editor, user):
    first, *_ = (_notify(editor, item, f"n{i}") for i in range(3))
    theirs = _notify(user, item)
    client.force_login(editor)
    assert client.post(f"/inbox/{first.pk}/read/").status_code == 302
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 302  # not theirs to mark
    assert list(
        Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)
    ) == [first.pk]
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert b'id="unread-count"' not in client.get("/inbox/").content


def test_inbox_needs_a_reviewer(client, db):
    assert client.get("/inbox/").status_code == 302  # to the login page
    client.force_login(UserFactory.create(username="api-only"))
    assert client.get("/inbox/").status_code == 403


def test_inbox_queries_stay_constant_with_rows(client, item, editor, user):
    for _ in range(3):
        _notify(editor, item, actor=user)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/inbox/").status_code == 200
    for _ in range(30):
        _notify(editor, item, actor=UserFactory.create())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/inbox/")
    assert len(many) == len(few)  # no N+1 over the rows or their actors
    assert len(many) <= 8
    assert response.content.count(b"data-notification") == 33


def test_email_switch_on_the_inbox(client, editor):
    client.force_login(editor)
    client.post("/inbox/settings/", {"email": "on"})
    assert editor.notification_settings.email is True
    assert b'name="email" id="id_email" checked' in client.get("/inbox/").content
    client.post("/inbox/settings/", {})
    editor.notification_settings.refresh_from_db()
    assert editor.notification_settings.email is False


def test_mentions_me_view(client, workflow, user, editor):
    mentioned = ReviewItemFactory.create(claim__text="Claim that mentions the editor.")
    other = ReviewItemFactory.create(claim__text="Claim with a note for someone else.")
    ReviewItemFactory.create(claim__text="Claim without notes.")
    note_add(claim_id=mentioned.claim_id, user=user, body="@editor first")
    note_add(claim_id=mentioned.claim_id, user=user, body="@editor again")  # listed once
    note_add(claim_id=other.claim_id, user=editor, body="@checker yours")
    client.force_login(editor)
    page = client.get("/?view=mentions").content.decode()
    assert page.count("data-queue-row") == 1
    assert "Claim that mentions the editor." in page
    assert "Mentions me" in page
    counts = client.get("/queue/counts/").content.decode()
    assert 'id="count-mentions" hx-swap-oob="true">1<' in counts
