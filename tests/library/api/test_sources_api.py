"""/api/v1/sources and /api/v1/search through the real DRF stack."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.evidence.search import refresh_lexical_stats
from library.models import SourceDocument, SourcePassage

URL = "/api/v1/sources"
TEXT = (
    "Arctic sea ice extent has declined by about 13 percent per decade since 1979. "
    "The September minimum in 2012 was the lowest in the satellite record."
)


@pytest.fixture
def index_dir(settings, tmp_path):
    settings.CLAIMDESK_DENSE_INDEX_DIR = tmp_path / "dense"


def _create(api_client, django_capture_on_commit_callbacks, **payload):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, payload, format="json")
    refresh_lexical_stats()
    return response


def test_create_from_text_is_indexed(api_client, index_dir, django_capture_on_commit_callbacks):
    response = _create(
        api_client,
        django_capture_on_commit_callbacks,
        text=TEXT,
        url="https://nsidc.example/arctic",
        publisher="NSIDC",
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/sources/{body['id']}")
    assert body["publisher"] == "NSIDC"
    assert body["passages"] == SourcePassage.objects.count() >= 1
    assert body["index_state"] == "indexing"  # the indexing task runs after the commit
    detail = api_client.get(response["Location"]).json()
    assert detail["passages_embedded"] == detail["passages"]
    assert detail["index_state"] == "indexed"


def test_create_from_url_fetches_the_page(
    api_client, index_dir, local_server, django_capture_on_commit_callbacks
):
    page = f"<html><head><title>Sea ice</title></head><body><article><p>{TEXT}</p></article>"
    local_server.routes["/ice"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
    response = _create(api_client, django_capture_on_commit_callbacks, url=local_server.url("/ice"))
    assert response.status_code == 201
    assert response.json()["title"] == "Sea ice"
    assert SourceDocument.objects.get().url == local_server.url("/ice")


def test_a_url_that_cannot_be_fetched_is_a_problem(api_client, local_server):
    response = api_client.post(URL, {"url": local_server.url("/missing")}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "fetch_failed"


def test_an_empty_request_is_a_problem(api_client):
    response = api_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "empty"


@pytest.mark.parametrize("payload", [{"text": 42}, {"text": TEXT, "publisher": 1}])
def test_fields_that_are_not_strings_are_refused(api_client, payload):
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [next(k for k, v in payload.items() if v != TEXT)]
    assert not SourceDocument.objects.exists()


def test_the_same_source_twice_is_one_document(
    api_client, index_dir, django_capture_on_commit_callbacks
):
    first = _create(api_client, django_capture_on_commit_callbacks, text=TEXT)
    passages = SourcePassage.objects.count()
    second = _create(api_client, django_capture_on_commit_callbacks, text=TEXT)
    assert second.json()["id"] == first.json()["id"]
    assert SourcePassage.objects.count() == passages


def test_list_counts_in_one_query(api_client, index_dir, django_capture_on_commit_callbacks):
    for n in range(3):
        _create(api_client, django_capture_on_commit_callbacks, text=f"{TEXT} Note {n}.")
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["passages"] for row in rows] == [1, 1, 1]  # two sentences fit one passage
    assert {row["index_state"] for row in rows} == {"indexed"}
    assert len(queries) <= 3  # session/user lookups aside, one query for the page


def test_detail_of_a_missing_source_is_404(api_client):
    response = api_client.get(f"{URL}/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_search_returns_passages_with_highlights(
    api_client, index_dir, django_capture_on_commit_callbacks
):
    _create(api_client, django_capture_on_commit_callbacks, text=TEXT, url="https://n.example/a")
    response = api_client.get("/api/v1/search", {"q": "arctic ice minimum", "limit": 5})
    assert response.status_code == 200
    hits = response.json()
    assert hits
    first = hits[0]
    assert first["url"] == "https://n.example/a"
    words = {first["text"][start:end].lower() for start, end in first["highlights"]}
    assert words & {"arctic", "ice", "minimum"}


def test_a_search_hit_without_a_date_is_null_as_the_schema_says(
    api_client, index_dir, django_capture_on_commit_callbacks
):
    """The schema said published_at is never null; a document without a date made it so."""
    _create(api_client, django_capture_on_commit_callbacks, text=TEXT)
    [hit] = api_client.get("/api/v1/search", {"q": "arctic ice minimum", "limit": 1}).json()
    assert hit["published_at"] is None
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"]["/api/v1/search"]["get"]["responses"]
    items = responses["200"]["content"]["application/json"]["schema"]["items"]
    hit_schema = schema["components"]["schemas"][items["$ref"].rsplit("/", 1)[1]]
    assert hit_schema["properties"]["published_at"]["nullable"] is True


def test_an_empty_limit_is_a_400_not_the_default(api_client):
    response = api_client.get("/api/v1/search", {"q": "ice", "limit": ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "limit": ["Empty: give a value, or leave the parameter out."]
    }


@pytest.mark.parametrize("query", ["", "   "])
def test_search_needs_a_query(api_client, query):
    response = api_client.get("/api/v1/search", {"q": query})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_query_with_a_nul_is_refused_as_the_schema_says(api_client):
    """Refused (PostgreSQL cannot hold a NUL) while the schema allowed it: found by the contract
    test's stateful phase as a schema-valid request rejected."""
    assert api_client.get("/api/v1/search", {"q": "sea\x00level"}).status_code == 400
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    [q] = [p for p in schema["paths"]["/api/v1/search"]["get"]["parameters"] if p["name"] == "q"]
    assert re.fullmatch(q["schema"]["pattern"], "sea level")
    assert not re.fullmatch(q["schema"]["pattern"], "sea\x00level")


def test_search_with_a_very_long_query_is_refused_politely(api_client):
    response = api_client.get("/api/v1/search", {"q": "ice " * 1000})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_search_needs_a_login(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/search", {"q": "ice"}).status_code in (401, 403)
