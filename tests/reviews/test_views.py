"""The queue and claim pages, rendered by Django's test client."""

import json
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Citation, ReviewItem, Status, Verdict
from reviews.services import queue as queue_services
from reviews.services.queue import take_next
from tests.claims.factories import SENTENCE
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory, publish


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_queue_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_lists_claims_with_a_constant_number_of_queries(logged_in, workflow):
    ReviewItemFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/").status_code == 200
    ReviewItemFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        response = logged_in.get("/")
    assert len(many) == len(few)  # no N+1 over the rows
    assert len(many) <= 30
    assert response.content.count(b'href="/claims/') == 33


def test_queue_filters_by_status(logged_in, workflow):
    item = ReviewItemFactory.create()
    response = logged_in.get("/?status=in-progress")
    assert f'href="/claims/{item.pk}/"'.encode() not in response.content
    response = logged_in.get("/?status=unstarted")
    assert f'href="/claims/{item.pk}/"'.encode() in response.content


def test_claim_page_highlights_sentence_and_saves_review(logged_in, workflow):
    item = ReviewItemFactory.create(claim__source="a study by NASA")
    page = logged_in.get(f"/claims/{item.pk}/")
    assert page.status_code == 200
    assert b"<mark>Global sea level rose" in page.content
    assert b"source: a study by NASA" in page.content
    response = logged_in.post(
        f"/claims/{item.pk}/",
        {
            "action": "update",
            "version": 1,
            "status": Status.objects.get(slug="in-progress").pk,
            "verdict": Verdict.objects.get(slug="mostly-true").pk,
            "explanation": "Matches IPCC AR6.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.verdict is not None
    assert (item.status.slug, item.verdict.slug, item.version) == ("in-progress", "mostly-true", 2)
    history = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert "checker updated" in history


def test_stale_form_shows_conflict_with_both_versions(logged_in, workflow):
    item = ReviewItemFactory.create(explanation="their careful explanation", version=3)
    response = logged_in.post(
        f"/claims/{item.pk}/",
        {"action": "update", "version": 2, "status": item.status.pk, "explanation": "my edit"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "their careful explanation" in body
    assert "my edit" in body
    item.refresh_from_db()
    assert item.explanation == "their careful explanation"


def _stale_save(client, item, version, **fields):
    data = {"action": "update", "version": version, "status": item.status.pk, **fields}
    return client.post(f"/claims/{item.pk}/", data)


def test_conflict_names_who_saved_and_keeps_the_whole_edit(logged_in, workflow):
    from reviews.services.workflow import review_item_update

    item = ReviewItemFactory.create()
    other = UserFactory.create(username="colleague", roles=["Fact-checkers"])
    review_item_update(item_id=item.pk, user=other, expected_version=1, explanation="theirs")
    ready = Status.objects.get(slug="ready-to-publish")
    false = Verdict.objects.get(slug="false")
    response = _stale_save(
        logged_in, item, 1, status=ready.pk, verdict=false.pk, explanation="my reasons"
    )
    assert response.status_code == 409
    page: Any = lxml.html.fromstring(response.content)

    def first(path: str) -> Any:
        return page.xpath(path)[0]

    alert = first("//*[@role='alert']").text_content()
    assert "Not saved: colleague saved this claim" in alert
    mine = first("//*[@data-conflict='mine']").text_content()
    assert "Ready to publish" in mine
    assert "False" in mine
    assert "my reasons" in mine
    # The form keeps the edit, based on the current version (saving again is deliberate).
    form = "//form[@id='review-form']"
    assert first(f"{form}//*[@name='version']").get("value") == "2"
    assert first(f"{form}//*[@name='status']/option[@selected]").text == "Ready to publish"
    assert first(f"{form}//*[@name='verdict']/option[@selected]").text == "False"
    assert first(f"{form}//*[@name='explanation']").text_content().strip() == "my reasons"


def test_conflict_with_my_own_save_says_another_tab(logged_in, workflow, user):
    item = ReviewItemFactory.create()
    assert _stale_save(logged_in, item, 1, explanation="tab one").status_code == 302
    response = _stale_save(logged_in, item, 1, explanation="tab two")
    assert response.status_code == 409
    assert "Not saved: you, in another tab saved this claim" in response.content.decode()


def test_add_citation_and_refuse_javascript_urls(logged_in, workflow):
    item = ReviewItemFactory.create()
    ok = logged_in.post(
        f"/claims/{item.pk}/",
        {"action": "cite", "url": "https://www.ipcc.ch/", "title": "IPCC", "quote": "15–25 cm"},
    )
    assert ok.status_code == 302
    bad = logged_in.post(f"/claims/{item.pk}/", {"action": "cite", "url": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert item.claim.citations.count() == 1


def test_citation_forms_refuse_a_url_that_is_no_uri(logged_in, workflow):
    """`http://localhost/a"onmouseover="x` passed the desk's URL field, on adding and editing."""
    item = ReviewItemFactory.create()
    url = 'http://localhost/a"onmouseover="x'
    added = logged_in.post(f"/claims/{item.pk}/", {"action": "cite", "url": url})
    assert added.status_code == 400
    assert "must be percent-encoded" in added.content.decode()
    assert not item.claim.citations.exists()

    logged_in.post(f"/claims/{item.pk}/", {"action": "cite", "url": "https://www.ipcc.ch/"})
    citation = item.claim.citations.get()
    edited = logged_in.post(
        f"/claims/{item.pk}/",
        {"action": "cite-edit", "citation": citation.pk, "url": url},
        follow=True,
    )
    assert "Citation not saved" in edited.content.decode()
    citation.refresh_from_db()
    assert citation.url == "https://www.ipcc.ch/"


def test_user_text_is_escaped(logged_in, workflow):
    item = ReviewItemFactory.create(
        claim__text='<script>alert("x")</script>', explanation="<img src=x onerror=alert(1)>"
    )
    body = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
    assert "<img src=x" not in body


def test_unknown_claim_is_404(logged_in, workflow):
    assert logged_in.get("/claims/999999/").status_code == 404


def test_articles_page_shows_pipeline_state(logged_in, workflow):
    item = ReviewItemFactory.create(
        claim__article__state="failed", claim__article__last_error="HTTP 404"
    )
    body = logged_in.get("/articles/").content.decode()
    assert "failed: HTTP 404" in body
    assert item.claim.article.title in body


def test_articles_page_counts_progress_without_a_query_per_row(logged_in, workflow):
    ReviewItemFactory.create_batch(
        2, claim__article__state="gathering", claim__article__claims_total=1
    )
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/articles/").status_code == 200
    ReviewItemFactory.create_batch(
        20, claim__article__state="gathering", claim__article__claims_total=1
    )
    with CaptureQueriesContext(connection) as many:
        body = logged_in.get("/articles/").content.decode()
    assert len(many) == len(few)
    assert body.count("gathering evidence (1/1)") == 22


def test_view_counts_arrive_out_of_band(logged_in, workflow, user):
    ReviewItemFactory.create_batch(3)
    logged_in.post("/take-next/")
    body = logged_in.get("/queue/counts/").content.decode()
    assert '<span class="count" id="count-all" hx-swap-oob="true">3</span>' in body
    assert 'id="count-mine" hx-swap-oob="true">1</span>' in body
    assert 'id="count-unassigned" hx-swap-oob="true">2</span>' in body
    assert 'id="count-status-unstarted" hx-swap-oob="true">2</span>' in body
    assert 'id="count-status-in-progress" hx-swap-oob="true">1</span>' in body  # taken
    ReviewItemFactory.create()
    body = logged_in.get("/queue/counts/").content.decode()
    assert 'id="count-all" hx-swap-oob="true">3</span>' in body  # team counts are cached
    assert 'id="count-mine" hx-swap-oob="true">1</span>' in body


def test_take_next_opens_the_most_urgent_claim(logged_in, workflow):
    ReviewItemFactory.create(priority=0.1)
    urgent = ReviewItemFactory.create(priority=0.9)
    response = logged_in.post("/take-next/")
    assert response["Location"] == f"/claims/{urgent.pk}/"
    page = logged_in.get(response["Location"]).content.decode()
    assert "You hold this claim" in page


def test_queue_filters_search_and_builtin_views(logged_in, workflow, user):
    mine = ReviewItemFactory.create(claim__text="Inflation fell to 2 percent in May.")
    other = ReviewItemFactory.create(claim__speaker="Minister Rossi")
    logged_in.post("/take-next/")  # takes one of them
    mine.refresh_from_db()
    held = mine if mine.assignee_id else other
    body = logged_in.get("/?view=mine").content.decode()
    assert f'href="/claims/{held.pk}/"' in body
    body = logged_in.get("/?q=inflation").content.decode()
    assert f'href="/claims/{mine.pk}/"' in body
    assert f'href="/claims/{other.pk}/"' not in body
    body = logged_in.get("/?speaker=rossi&date_from=not-a-date").content.decode()
    assert f'href="/claims/{other.pk}/"' in body  # the bad date is ignored, not a 500
    assert f'href="/claims/{mine.pk}/"' not in body


def test_htmx_filter_request_gets_only_the_results(logged_in, workflow):
    ReviewItemFactory.create()
    full = logged_in.get("/").content.decode()
    partial = logged_in.get("/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full
    assert "<html" not in partial
    assert "<table" in partial


def test_saved_views_are_per_user(logged_in, client, workflow):
    logged_in.post("/views/", {"name": "Rossi", "query": "speaker=rossi"})
    assert 'href="?speaker=rossi"' in logged_in.get("/").content.decode()
    other = UserFactory.create(username="someone", roles=["Fact-checkers"])
    client.force_login(other)
    assert 'href="?speaker=rossi"' not in client.get("/").content.decode()


def test_bulk_action_over_ticked_rows(logged_in, workflow):
    items = ReviewItemFactory.create_batch(3)
    # Each ticked checkbox sends its own `ids` value; every one of them counts.
    response = logged_in.post(
        "/bulk/", {"action": "tag", "tag": "Health", "ids": [items[0].pk, items[1].pk]}
    )
    assert response.status_code == 302
    assert set(ReviewItem.objects.filter(tags__slug="health").values_list("pk", flat=True)) == {
        items[0].pk,
        items[1].pk,
    }
    response = logged_in.post("/bulk/", {"action": "status", "ids": "1"}, follow=True)
    assert "Choose a value" in response.content.decode()


def test_bulk_over_a_filter_asks_with_the_count_then_changes_only_the_matching_claims(
    logged_in, workflow
):
    korean = ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")
    others = ReviewItemFactory.create_batch(3)
    form = {
        "action": "verdict",
        "verdict": "not-check-worthy",
        "all_matching": "1",
        "query": "q=Korean&status=&page=",
    }
    confirm = logged_in.post("/bulk/", form)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "apply to <strong>1 claim</strong> matching: text ‘Korean’?" in text
    assert 'name="expected_count" value="1"' in text
    assert not ReviewItem.objects.filter(verdict__isnull=False).exists()  # asking changes nothing

    response = logged_in.post("/bulk/", {**form, "expected_count": "1"}, follow=True)
    assert "Updated 1 claim." in response.content.decode()
    changed = ReviewItem.objects.filter(verdict__slug="not-check-worthy")
    assert list(changed.values_list("pk", flat=True)) == [korean.pk]
    assert all(ReviewItem.objects.get(pk=o.pk).verdict is None for o in others)


def test_editor_bulk_assigns_ticked_claims_then_a_whole_filter_after_confirming(
    client, editor, user
):
    """The queue page's "Assign to", as it posts it (a 500 every time, for editors too)."""
    client.force_login(editor)
    assert '<option value="assign">Assign to</option>' in client.get("/").content.decode()
    korean = ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")
    others = ReviewItemFactory.create_batch(2)

    response = client.post(
        "/bulk/", {"action": "assign", "assignee": "checker", "ids": [others[0].pk]}, follow=True
    )
    assert "Updated 1 claim." in response.content.decode()
    assert ReviewItem.objects.get(pk=others[0].pk).assignee == user

    form = {"action": "assign", "assignee": "checker", "all_matching": "1", "query": "q=Korean"}
    confirm = client.post("/bulk/", form)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Assign to checker: apply to <strong>1 claim</strong> matching: text ‘Korean’?" in text
    assert 'name="assignee" value="checker"' in text  # carried to the final submit
    assert ReviewItem.objects.get(pk=korean.pk).assignee is None  # asking changes nothing

    response = client.post("/bulk/", {**form, "expected_count": "1"}, follow=True)
    assert "Updated 1 claim." in response.content.decode()
    assert ReviewItem.objects.get(pk=korean.pk).assignee == user
    assert ReviewItem.objects.get(pk=others[1].pk).assignee is None

    # "nobody" unassigns: the empty choice is a value of its own, not a missing one.
    response = client.post(
        "/bulk/", {"action": "assign", "assignee": "", "ids": [korean.pk]}, follow=True
    )
    assert "Updated 1 claim." in response.content.decode()
    assert ReviewItem.objects.get(pk=korean.pk).assignee is None


def test_bulk_over_a_filter_refuses_a_count_other_than_the_one_confirmed(logged_in, workflow):
    ReviewItemFactory.create(claim__text="Korean exports rose 8% last year.")
    form = {"action": "tag", "tag": "Trade", "all_matching": "1", "query": "q=Korean"}
    ReviewItemFactory.create(claim__text="Korean imports fell 3%.")  # arrives after the confirm
    response = logged_in.post("/bulk/", {**form, "expected_count": "1"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "now matches 2 claims, not the 1 you confirmed; nothing was changed" in text
    assert 'name="expected_count" value="2"' in text  # the page asks again with the new count
    assert not ReviewItem.objects.filter(tags__slug="trade").exists()


def test_bulk_confirmation_describes_views_and_filters(logged_in, workflow):
    ReviewItemFactory.create()
    response = logged_in.post(
        "/bulk/",
        {
            "action": "tag",
            "tag": "Budget",
            "all_matching": "1",
            "query": "view=unassigned&speaker=Rossi&verdict=none",
        },
    )
    assert (
        "matching: no verdict yet, unassigned, speaker ‘Rossi’, not published?"
        in response.content.decode()
    )
    assert not ReviewItem.objects.filter(tags__slug="budget").exists()  # nor a tag made early


def test_queue_results_carry_the_filter_they_show(logged_in, workflow):
    """The hidden filter of the bulk and saved-view forms lives in the partial that HTMX swaps
    on every filter change, so it is the filter on screen (the bug: it kept the page's first)."""
    partial = logged_in.get("/?q=Korean&status=", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert 'name="query" value="q=Korean&amp;status=" form="bulk-form"' in text
    assert 'name="query" value="q=Korean&amp;status=" form="saved-view-form"' in text


def test_large_bulk_actions_run_in_background_chunks(
    logged_in, workflow, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(queue_services, "BULK_IN_REQUEST_LIMIT", 2)
    monkeypatch.setattr(queue_services, "BULK_CHUNK", 2)
    ReviewItemFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = logged_in.post(
            "/bulk/",
            {
                "action": "tag",
                "tag": "Budget",
                "all_matching": "1",
                "query": "",
                "expected_count": "5",
            },
            follow=True,
        )
    assert "Applying to 5 claims in the background" in response.content.decode()
    assert len(callbacks) == 3  # chunks of 2, 2 and 1, each a task (eager in tests)
    assert ReviewItem.objects.filter(tags__slug="budget").count() == 5


def test_dashboard_shows_backlog_and_verdicts(logged_in, workflow, user, editor):
    ReviewItemFactory.create_batch(2)
    publish(ReviewItemFactory.create(), checker=user, editor=editor, verdict="misleading")
    body = logged_in.get("/dashboard/").content.decode()
    assert "Backlog by status" in body
    assert "Misleading" in body
    assert "Median age of open claims" in body


def test_history_exports_as_csv_and_jsonl(logged_in, workflow, user, editor):
    item = publish(ReviewItemFactory.create(), checker=user, editor=editor)
    csv_body = b"".join(logged_in.get(f"/claims/{item.pk}/history.csv").streaming_content)
    lines = csv_body.decode().splitlines()
    assert lines[0] == "at,actor,verb,field,before,after"
    assert any(",editor,published,status,Ready to publish,Published" in line for line in lines)
    jsonl = b"".join(logged_in.get(f"/claims/{item.pk}/history.jsonl").streaming_content)
    assert [json.loads(line)["verb"] for line in jsonl.decode().splitlines()][-1] == "published"
    assert logged_in.get(f"/claims/{item.pk}/history.xml").status_code == 404


def test_a_claim_leased_to_someone_else_shows_who_and_refuses_edits(client, workflow, user):
    item = ReviewItemFactory.create()
    take_next(user=user)
    other = UserFactory.create(username="someone", roles=["Fact-checkers"])
    client.force_login(other)
    page = client.get(f"/claims/{item.pk}/").content.decode()
    assert "checker is working on this claim" in page
    response = client.post(
        f"/claims/{item.pk}/",
        {"action": "update", "version": 1, "status": item.status.pk, "explanation": "x"},
    )
    assert response.status_code == 409
    assert "checker is working on this claim" in response.content.decode()


def test_release_and_note_from_the_claim_page(logged_in, workflow, user):
    item = ReviewItemFactory.create()
    logged_in.post("/take-next/")
    logged_in.post(f"/claims/{item.pk}/", {"action": "note", "body": "Ask the ministry @checker"})
    page = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert '<a class="mention" rel="noopener noreferrer">@checker</a>' in page
    logged_in.post(f"/claims/{item.pk}/", {"action": "release"})
    item.refresh_from_db()
    assert item.assignee is None
    assert logged_in.post(f"/claims/{item.pk}/", {"action": "explode"}).status_code == 400


def test_article_text_around_the_claim_is_escaped(logged_in, workflow):
    text = f'<img src=x onerror="alert(1)"> Intro. {SENTENCE} <script>alert(2)</script>'
    start = text.index(SENTENCE)
    item = ReviewItemFactory.create(
        claim__article__text=text,
        claim__sentence_start=start,
        claim__sentence_end=start + len(SENTENCE),
    )
    body = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert "<script>alert(2)" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_queue_search_has_a_trigram_index_on_postgresql(logged_in, workflow):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["reviews_claim_text_upper_trgm"],
        )
        (indexdef,) = cursor.fetchone()
    assert "gin_trgm_ops" in indexdef
    mine = ReviewItemFactory.create(claim__text="Unemployment hit 7 percent in Lisbon.")
    body = logged_in.get("/?q=LISBON").content.decode()
    assert f'href="/claims/{mine.pk}/"' in body


def test_the_workspace_is_for_reviewers_only(client, workflow):
    item = ReviewItemFactory.create()
    client.force_login(UserFactory.create(username="api-only"))
    for url in ("/", f"/claims/{item.pk}/", f"/claims/{item.pk}/history.csv", "/dashboard/"):
        assert client.get(url).status_code == 403


def test_queue_lists_each_view_once_and_tags_apart(logged_in, workflow):
    item = ReviewItemFactory.create()
    item.tags.add(queue_services.tag_for_name("ux"), queue_services.tag_for_name("budget"))
    text = logged_in.get("/").content.decode()
    # One entry in the views list: the status (a built-in view repeated it).
    assert text.count('href="?status=needs-second-review"') == 1
    assert "view=second-review" not in text
    # Tags stand apart in the text (they ran together: "uxbudget").
    assert '<span class="tag">budget</span> <span class="tag">ux</span>' in text or (
        '<span class="tag">ux</span> <span class="tag">budget</span>' in text
    )
    assert "{#" not in text  # no template comment shows as text
    assert "#}" not in text


def test_bulk_assignee_has_a_label(logged_in, workflow, editor, client):
    client.force_login(editor)
    text = client.get("/").content.decode()
    assert '<label for="bulk-assignee"' in text
    assert '<select id="bulk-assignee" name="assignee">' in text


def test_claim_page_titles_links_and_public_page(logged_in, workflow, user, editor):
    item = ReviewItemFactory.create(claim__text="“We will cut taxes by half.")
    Citation.objects.create(claim=item.claim, url="https://www.example.org/report/7", added_by=user)
    text = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert '<h1 class="claim-text">We will cut taxes by half.</h1>' in text
    assert 'nofollow">example.org</a>' in text  # an untitled citation shows its site
    assert 'id="public-page"' not in text  # not published yet
    publish(item, checker=user, editor=editor)
    text = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert (
        f'href="/fact-checks/{item.claim_id}-we-will-cut-taxes-by-half/" id="public-page"' in text
    )


def test_citations_poll_while_pending_and_say_failures_plainly(logged_in, workflow):
    item = ReviewItemFactory.create()
    citation = Citation.objects.create(claim=item.claim, url="https://example.org/a")
    page = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page  # pending: the block asks for itself again
    Citation.objects.filter(pk=citation.pk).update(
        fetch_state="failed",
        fetch_error="Could not resolve host 'example.org': [Errno -2] Name or service not known",
    )
    block = logged_in.get(f"/claims/{item.pk}/citations/").content.decode()
    assert "could not reach example.org: name not found" in block
    assert "every 2s" not in block  # nothing pending: polling stops
    assert ">Retry</button>" in block
    retried = logged_in.post(
        f"/claims/{item.pk}/", {"action": "cite-retry", "citation": citation.pk}
    )
    assert retried.status_code == 302
    removed = logged_in.post(
        f"/claims/{item.pk}/", {"action": "cite-remove", "citation": citation.pk}
    )
    assert removed.status_code == 302
    assert not Citation.objects.filter(pk=citation.pk).exists()
