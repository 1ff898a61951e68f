"""Citation pages fetched in the background, mentions in notes, and sanitised rendering."""

import importlib

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.errors import ApplicationError, TransientError
from core.validators import validate_web_uri
from reviews.models import Citation, Note
from reviews.services.citations import citation_add, citation_fetch, note_add
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

PAGE = b"""<html><head><title>Sea level report</title>
<meta property="og:site_name" content="Met Office"></head>
<body><article><h1>Sea level report</h1><p>Global mean sea level rose 20 cm since 1900,
according to the latest assessment of tide gauges and satellites.</p>
<p>The rate has more than doubled since the 1990s.</p></article></body></html>"""


@pytest.fixture
def item(workflow):
    return ReviewItemFactory.create()


def test_citation_title_publisher_and_snapshot_are_fetched(item, user, local_server):
    local_server.routes["/report"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    # Eager tasks in tests: the fetch runs when the transaction commits.
    citation = citation_add(claim_id=item.claim_id, user=user, url=local_server.url("/report"))
    citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    assert citation.fetch_state == Citation.FetchState.DONE
    assert citation.title == "Sea level report"
    assert citation.publisher == "Met Office"
    assert "20 cm since 1900" in citation.snapshot
    citation_fetch(citation_id=citation.pk)  # running twice is harmless
    assert local_server.requests.count("/report") == 1


def test_a_title_the_reviewer_typed_is_kept(item, user, local_server):
    local_server.routes["/r"] = (200, {"Content-Type": "text/html"}, PAGE)
    citation = citation_add(
        claim_id=item.claim_id, user=user, url=local_server.url("/r"), title="Mine"
    )
    citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    assert citation.title == "Mine"


def test_a_citation_redirecting_to_a_private_address_is_not_fetched(item, user, local_server):
    local_server.routes["/evil"] = (302, {"Location": "http://169.254.169.254/latest/"}, b"")
    citation = citation_add(claim_id=item.claim_id, user=user, url=local_server.url("/evil"))
    citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    assert citation.fetch_state == Citation.FetchState.FAILED
    assert citation.fetch_error
    assert "/latest/" not in local_server.requests


def test_a_missing_page_marks_the_citation_failed_with_the_reason(item, user, local_server):
    citation = citation_add(claim_id=item.claim_id, user=user, url=local_server.url("/gone"))
    citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    assert citation.fetch_state == Citation.FetchState.FAILED
    assert "404" in citation.fetch_error


NOT_URIS = ['http://localhost/a"onmouseover="x', "https://example.org/a b", "https://ex.org/<x>"]


@pytest.mark.parametrize("url", NOT_URIS)
def test_citation_urls_must_be_uris_when_added_or_edited(item, user, url):
    """Django's URLValidator took these; the API then emitted them under `format: uri`."""
    from reviews.services.citations import citation_update

    with pytest.raises(ApplicationError) as info:
        citation_add(claim_id=item.claim_id, user=user, url=url)
    assert info.value.code == "invalid_url"
    assert "must be percent-encoded" in info.value.extra["errors"]["url"][0]
    citation = citation_add(claim_id=item.claim_id, user=user, url="https://example.org/a")
    with pytest.raises(ApplicationError):
        citation_update(citation_id=citation.pk, user=user, url=url)
    citation.refresh_from_db()
    assert citation.url == "https://example.org/a"


def test_the_model_refuses_a_citation_url_that_is_no_uri(item):
    """The rule is the model's own (full_clean), whatever writes the row."""
    citation = Citation(claim=item.claim, url=NOT_URIS[0])
    with pytest.raises(ValidationError) as info:
        citation.full_clean(exclude=["added_by"])
    assert list(info.value.message_dict) == ["url"]


def test_mentions_link_existing_users_only(item, user):
    colleague = UserFactory.create(username="amira", roles=["Fact-checkers"])
    note = note_add(
        claim_id=item.claim_id, user=user, body="@amira can you check? cc @nobody, mail x@amira"
    )
    assert list(note.mentions.all()) == [colleague]


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "@amira<svg onload=alert(1)>",
    ],
)
def test_notes_render_without_markup_from_users(item, user, payload):
    UserFactory.create(username="amira")
    note = note_add(claim_id=item.claim_id, user=user, body=f"{payload}\nsecond line @amira")
    html = Template("{% load review_text %}{{ note|note_html }}").render(
        Context({"note": Note.objects.get(pk=note.pk)})
    )
    elements = [
        el
        for fragment in lxml.html.fragments_fromstring(f"<div>{html}</div>")
        for el in fragment.iter()
    ]
    assert {el.tag for el in elements} <= {"div", "a", "br"}
    links = [el for el in elements if el.tag == "a"]
    assert [a.text for a in links] == ["@amira"] * len(links)
    assert len(links) >= 1
    assert all(set(a.attrib) <= {"class", "rel"} for a in links)  # no href, no on* handlers
    assert payload.split(">")[0].replace('"', "&quot;") in html or "&lt;" in html  # shown as text


def test_citation_on_unknown_claim_is_404(workflow, user):
    with pytest.raises(ApplicationError) as info:
        citation_add(claim_id=999999, user=user, url="https://example.org/")
    assert info.value.status == 404


def test_retries_used_up_mark_the_citation_failed(item, user):
    from reviews.tasks import citation_fetch as task

    citation = Citation.objects.create(claim=item.claim, url="https://example.org/", added_by=user)
    task.on_failure(TransientError("timed out"), "id", (), {"citation_id": citation.pk}, None)
    citation.refresh_from_db()
    assert citation.fetch_state == Citation.FetchState.FAILED
    assert citation.fetch_error == "timed out"


def test_fetched_titles_are_shown_as_text(item, user, local_server, client):
    evil = (
        b"<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; Report</title></head>"
        b"<body>x</body></html>"
    )
    local_server.routes["/x"] = (200, {"Content-Type": "text/html"}, evil)
    citation = citation_add(claim_id=item.claim_id, user=user, url=local_server.url("/x"))
    citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    assert "<script>" in citation.title
    client.force_login(user)
    page = client.get(f"/claims/{item.pk}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Report" in page


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            "Could not resolve host 'example.org': [Errno -2] Name or service not known",
            "could not reach example.org: name not found",
        ),
        ("Timed out talking to https://example.org/a", "could not reach example.org: it did not"),
        ("Could not connect to https://example.org/a: refused", "could not reach example.org: the"),
        ("https://example.org/a answered HTTP 404", "example.org says the page does not exist"),
        ("https://example.org/a answered HTTP 503", "example.org had an error on its side"),
        ("Refusing to fetch 'example.org': it resolves to a non", "example.org is a private"),
        (
            "https://example.org/a is 30000000 bytes, over the 10-byte limit",
            "too large to keep (30.0 MB)",
        ),
        ("Too many redirects fetching https://example.org/a", "example.org redirected too many"),
        ("something new", "could not fetch the page: something new"),
    ],
)
def test_fetch_errors_are_said_in_plain_words(reason, words):
    from reviews.services.citations import fetch_error_in_words

    said = fetch_error_in_words("https://example.org/a", reason)
    assert said.startswith(words) or words in said
    assert "Errno" not in said


def test_retry_edit_and_remove_are_logged_and_refetch(item, user, local_server):
    from reviews.models import Activity
    from reviews.services.citations import citation_remove, citation_retry, citation_update

    local_server.routes["/report"] = (200, {"Content-Type": "text/html"}, PAGE)
    citation = citation_add(claim_id=item.claim_id, user=user, url=local_server.url("/gone"))
    citation = citation_fetch(citation_id=citation.pk)  # the task, run here: a 404
    assert citation.fetch_state == Citation.FetchState.FAILED
    local_server.routes["/gone"] = (200, {"Content-Type": "text/html"}, PAGE)
    citation = citation_retry(citation_id=citation.pk, user=user)
    assert citation.fetch_state == Citation.FetchState.PENDING
    citation = citation_fetch(citation_id=citation.pk)
    assert citation.fetch_state == Citation.FetchState.DONE  # the site is back
    assert citation.fetch_error == ""

    citation_update(
        citation_id=citation.pk,
        user=user,
        url=local_server.url("/report"),
        title=citation.title,
        quote="q",
    )
    citation.refresh_from_db()
    assert citation.url.endswith("/report")
    assert citation.quote == "q"
    assert citation.fetch_state == Citation.FetchState.PENDING  # a new URL is fetched again
    citation_fetch(citation_id=citation.pk)
    assert local_server.requests.count("/report") == 1
    edited = Activity.objects.get(claim=item.claim, verb="edited citation")
    assert set(edited.changes) == {"url", "quote"}

    citation_remove(citation_id=citation.pk, user=user)
    assert not Citation.objects.filter(pk=citation.pk).exists()
    removed = Activity.objects.get(claim=item.claim, verb="removed citation")
    assert removed.changes["citation"] == [citation.url, None]
    assert Activity.objects.filter(claim=item.claim, verb="retried citation").exists()


def test_citations_of_a_published_claim_cannot_change(user, editor, workflow):
    from reviews.services.citations import citation_remove, citation_retry, citation_update
    from tests.reviews.factories import publish

    item = ReviewItemFactory.create()
    citation = Citation.objects.create(claim=item.claim, url="https://example.org/")
    publish(item, checker=user, editor=editor)
    for change in (
        lambda: citation_retry(citation_id=citation.pk, user=editor),
        lambda: citation_remove(citation_id=citation.pk, user=editor),
        lambda: citation_update(citation_id=citation.pk, user=editor, url="https://x.org/"),
    ):
        with pytest.raises(ApplicationError) as info:
            change()
        assert info.value.code == "locked"
    assert Citation.objects.filter(pk=citation.pk, url="https://example.org/").exists()


def test_someone_without_a_role_cannot_remove_a_citation(item, workflow):
    from reviews.services.citations import citation_remove

    citation = Citation.objects.create(claim=item.claim, url="https://example.org/")
    nobody = UserFactory.create(username="nobody")
    with pytest.raises(ApplicationError) as info:
        citation_remove(citation_id=citation.pk, user=nobody)
    assert info.value.status == 403


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ('http://localhost/a"onmouseover="x', "http://localhost/a%22onmouseover=%22x"),
        (
            "https://example.org/wiki/Über?q=a b#x y",
            "https://example.org/wiki/%C3%9Cber?q=a%20b#x%20y",
        ),
        ("https://example.org/100%/x", "https://example.org/100%25/x"),
        ("http://[2001:db8::1]:8080/a|b", "http://[2001:db8::1]:8080/a%7Cb"),
    ],
)
def test_citation_urls_stored_before_the_rule_are_made_uris(stored, served):
    """reviews 0010 percent-encodes what the validator now refuses, as a browser would."""
    migration = importlib.import_module("reviews.migrations.0010_citation_url_is_a_uri")
    assert migration.as_uri(stored) == served
    validate_web_uri(served)
