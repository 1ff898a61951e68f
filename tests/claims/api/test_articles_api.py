"""POST /api/v1/articles and the status resource, through the real DRF stack."""

import pytest
from rest_framework.test import APIClient

from claims.models import Article

TEXT = "Arctic sea ice fell to 4.1 million square kilometres in September 2023, scientists said."
URL = "/api/v1/articles"


def test_submit_returns_202_and_location(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post(URL, {"text": TEXT}, format="json")
    assert response.status_code == 202
    article = Article.objects.get()
    assert response["Location"].endswith(f"/api/v1/articles/{article.pk}")
    assert response.json()["state"] == "queued"
    assert len(callbacks) == 1


def test_status_resource_shows_progress(api_client, workflow, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(URL, {"text": TEXT}, format="json")
    body = api_client.get(created["Location"]).json()
    assert body["state"] == "ready"
    assert body["status"] == "ready for review"
    assert body["claims_total"] == body["claims_with_evidence"] == 1


def test_claim_offsets_in_the_api_index_the_stored_article_text(
    api_client, workflow, django_capture_on_commit_callbacks
):
    text = (
        "Kyiv talks\r\nGiven that the 2015 budget was never passed, how can we trust them?\r\n"
        "Café owners in Zürich said prices rose 12 percent in 2023, the chamber reported."
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(URL, {"text": text}, format="json")
    article = Article.objects.get(pk=created.json()["id"])
    claims = [api_client.get(f"/api/v1/claims/{c.pk}").json() for c in article.claims.all()]
    assert "the 2015 budget was never passed" in [c["sentence"] for c in claims]
    for claim in claims:
        assert article.text[claim["sentence_start"] : claim["sentence_end"]] == claim["sentence"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("the level of the sea keeps rising along the coast " * 100_000, id="5MB"),
        pytest.param("Le niveau de la mer a augmenté de 20 centimètres depuis 1900.", id="fr"),
    ],
)
def test_hard_texts_are_accepted_and_end_ready_not_500(
    api_client, workflow, django_capture_on_commit_callbacks, text
):
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(URL, {"text": text}, format="json")
    assert created.status_code == 202
    body = api_client.get(created["Location"]).json()
    assert (body["state"], body["claims_total"]) == ("ready", 0)


def test_duplicate_submission_returns_existing_article(api_client):
    first = api_client.post(URL, {"text": TEXT}, format="json")
    second = api_client.post(URL, {"text": TEXT + "  "}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({}, "invalid_input", None),
        ({"text": "   "}, "empty", None),
        ({"url": "not a url"}, "invalid", "url"),
        # What the schema says: a URI (an IRI is sent percent-encoded), and no blank fields.
        ({"url": "https://fr.wikipedia.org/wiki/Élection"}, "invalid", "url"),
        ({"url": 'http://localhost/a"onmouseover="x'}, "invalid", "url"),
        ({"html": "<p>Sea level rose.</p>", "url": ""}, "invalid", "url"),
        ({"text": ""}, "invalid", "text"),
    ],
)
def test_bad_input_is_a_problem_response(api_client, payload, code, field):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == code
    if field:
        assert field in body["errors"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"text": 123},
        {"text": True},
        {"html": 5.5},
        {"html": ["<p>Sea level rose 20 cm.</p>"]},
        {"url": 7},
        {"url": {"href": "https://example.org/a"}},
    ],
)
def test_fields_that_are_not_strings_are_refused(api_client, payload):
    """DRF's CharField turns 123 into "123": a client's wrong type passed unnoticed (202)."""
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    [field] = payload
    assert response.json()["errors"] == {field: ["Must be a string."]}
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://[::1]:8080/x", "blocked_address"),
        ("http://[2001:db8::1]/news", "blocked_address"),
        ("http://example.org:99999/x", "invalid"),  # no URI: refused with the fields
        ("http://93.184.215.14?q=" + "x" * 2025, "invalid"),  # 2,049 characters normalised
    ],
)
def test_urls_that_cannot_be_checked_are_a_400_not_a_500(api_client, settings, url, code):
    """IPv6 literals lost their brackets (and full_clean's error was a 500); the SSRF guard now
    refuses private addresses at submission, like the sources and webhooks APIs."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = api_client.post(URL, {"url": url}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert response.json()["errors"]
    assert Article.objects.count() == 0


def test_a_field_the_schema_does_not_name_is_refused(api_client):
    """The schema closes the object; a misspelt field ("txt") used to be dropped silently."""
    response = api_client.post(URL, {"text": TEXT, "txt": "typo"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"txt": ["Unknown field."]}
    assert Article.objects.count() == 0


def test_body_over_the_cap_is_413(api_client, settings):
    settings.CLAIMDESK_MAX_ARTICLE_BYTES = 2000
    response = api_client.post(URL, {"text": "word " * 1000}, format="json")
    assert response.status_code == 413
    assert "limit is 2000 bytes" in response.json()["detail"]
    huge = api_client.post(URL, "x" * 200_000, content_type="text/plain")
    assert huge.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "text/html", "application/json", None])
def test_an_empty_body_is_a_400(api_client, content_type):
    """No body at all, whatever the Content-Type (or none): a 400 that says so (the raw-body
    path answered 500, KeyError 'raw')."""
    response = api_client.generic("POST", URL, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "empty"
    assert response.json()["detail"] == "The request body is empty: send url, html or text."
    assert Article.objects.count() == 0


def test_raw_body_in_a_legacy_encoding_is_decoded(api_client):
    body = "Le niveau de la mer a augmenté de 20 centimètres depuis 1900, selon le GIEC."
    response = api_client.post(
        URL, body.encode("cp1252"), content_type="text/plain; charset=windows-1252"
    )
    assert response.status_code == 202
    assert Article.objects.get().raw_content == body


def test_raw_body_with_undeclared_wrong_encoding_is_not_a_500(api_client):
    body = ("Température record: 48,8 °C à Syracuse, a annoncé le service météo. " * 3).encode(
        "latin-1"
    )
    response = api_client.post(URL, body, content_type="text/plain")
    assert response.status_code == 202
    assert "Syracuse" in Article.objects.get().raw_content


def test_binary_body_is_refused(api_client):
    response = api_client.post(URL, b"\x89PNG\r\n\x1a\n\x00\x00\x00", content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["code"] == "not_text"


def test_raw_html_with_url_dedups_by_url(api_client):
    html = f"<html><body><p>{TEXT}</p></body></html>"
    first = api_client.post(f"{URL}?url=https://ex.org/a", html, content_type="text/html")
    second = api_client.post(URL, {"url": "https://ex.org/a?utm_source=feed"}, format="json")
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]


def test_wrong_content_type_is_415(api_client):
    response = api_client.post(URL, b"<x/>", content_type="application/xml")
    assert response.status_code == 415


def test_unknown_article_is_404(api_client):
    response = api_client.get(f"{URL}/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_is_refused(db):
    response = APIClient().post(URL, {"text": TEXT}, format="json")
    assert response.status_code in (401, 403)
    assert Article.objects.count() == 0


def test_retry_only_failed_articles(api_client, workflow, local_server):
    local_server.routes["/x"] = (404, {}, b"")
    from claims.services.articles import article_submit
    from claims.steps import run_step

    article, _ = article_submit(url=local_server.url("/x"))
    run_step("claims.article_fetch", article_id=article.pk)
    response = api_client.post(f"{URL}/{article.pk}/retry")
    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    again = api_client.post(f"{URL}/{article.pk}/retry")
    assert again.status_code == 409


def test_a_source_url_on_a_private_address_does_not_reveal_it(api_client, settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = api_client.post("/api/v1/sources", {"url": "http://10.1.2.3/report"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Could not fetch http://10.1.2.3/report: it resolves to a private address."
    )
