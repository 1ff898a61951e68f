"""The claims API for clients: visibility by scope, filters, pagination, conditional GETs,
ClaimReview, the changes feed and exports."""

import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from reviews.models import PublicationChange, Tag
from reviews.services.citations import citation_add, note_add
from reviews.services.workflow import review_item_update
from tests.reviews.factories import ReviewItemFactory, publish


@pytest.fixture
def published(workflow, user, editor):
    item = ReviewItemFactory.create(claim__speaker="Dr Jane Smith")
    citation_add(claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/", title="IPCC")
    note_add(claim_id=item.claim_id, user=user, body="internal: asked the author")
    return publish(item, checker=user, editor=editor)


def test_public_clients_see_published_claims_only_and_no_internals(published, key_client):
    ReviewItemFactory.create()  # unpublished
    body = key_client("claims:read").get("/api/v1/claims").json()
    assert [c["id"] for c in body["results"]] == [published.claim_id]
    claim = body["results"][0]
    assert (claim["speaker"], claim["speaker_kind"], claim["source"]) == (
        "Dr Jane Smith",
        "person",
        "",
    )
    assert claim["verdict"]["slug"] == "false"
    assert claim["verdict"]["rating_value"] == 1
    assert claim["citations"][0]["url"] == "https://www.ipcc.ch/"
    assert claim["fact_check_url"].endswith(
        f"/fact-checks/{published.claim_id}-global-sea-level-rose-by-about-20-centimetres-between-1900-and-2018/"
    )
    for internal in ("notes", "decided_by", "published_by", "assignee"):
        assert internal not in claim


def test_unpublished_claims_need_the_read_all_scope(published, key_client, workflow):
    draft = ReviewItemFactory.create()
    reader = key_client("claims:read")
    assert reader.get(f"/api/v1/claims/{draft.claim_id}").status_code == 404
    assert reader.get("/api/v1/claims?status=unstarted").status_code == 403
    insider = key_client("claims:read_all")
    body = insider.get("/api/v1/claims?status=unstarted").json()
    assert [c["id"] for c in body["results"]] == [draft.claim_id]
    detail = insider.get(f"/api/v1/claims/{published.claim_id}").json()
    assert detail["notes"][0]["body"] == "internal: asked the author"
    assert detail["decided_by"] == "checker"
    assert detail["published_by"] == "editor"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("published_after=yesterday", "published_after"),
        ("updated_since=2026-13-45", "updated_since"),
        ("cursor=not-a-cursor", "cursor"),
        ("verdict=" + "0" * 201, "verdict"),  # the schema's maxLength (200)
        ("speaker=" + "x" * 201, "speaker"),
        ("page_size=abc", None),
    ],
)
def test_malformed_filters_and_cursors_are_400_naming_the_field(
    published, key_client, query, field
):
    response = key_client("claims:read").get(f"/api/v1/claims?{query}")
    if field is None:  # DRF falls back to the default page size for a bad page_size
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/claims?updated_since=", "updated_since"),
        ("/api/v1/claimreview.jsonld?updated_since=", "updated_since"),
        ("/api/v1/claims/export.csv?updated_since=", "updated_since"),
        ("/api/v1/claims/export.jsonl?published_after=&q=sea", "published_after"),
        ("/api/v1/claims?status=", "status"),
        ("/api/v1/claims?speaker=&verdict=false", "speaker"),
        ("/api/v1/changes?after=", "after"),
        ("/api/v1/changes?after=3&limit=", "limit"),
    ],
)
def test_an_empty_filter_is_400_on_every_list_endpoint(published, key_client, path, field):
    """`updated_since=` was read as no filter at all (the schema says it is a date-time), and
    the ClaimReview feed skipped it too: every list endpoint now says which filter is empty."""
    response = key_client("claims:read").get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {
        field: ["Empty: give a value, or leave the parameter out."]
    }


def test_filters(published, key_client, workflow, user, editor):
    other = publish(
        ReviewItemFactory.create(claim__speaker="Minister Rossi"),
        checker=user,
        editor=editor,
        verdict="true",
    )
    client = key_client("claims:read")

    def ids(query: str) -> list[int]:
        return [c["id"] for c in client.get(f"/api/v1/claims?{query}").json()["results"]]

    assert ids("verdict=true") == [other.claim_id]
    assert ids("speaker=rossi") == [other.claim_id]
    assert ids("q=sea+level") == [other.claim_id, published.claim_id]
    assert ids("published_after=2000-01-01T00:00:00Z") == [other.claim_id, published.claim_id]
    assert ids("published_before=2000-01-01T00:00:00Z") == []


def test_cursor_pages_are_stable_and_complete(workflow, user, editor, key_client):
    items = [publish(ReviewItemFactory.create(), checker=user, editor=editor) for _ in range(5)]
    client = key_client("claims:read")
    seen: list[int] = []
    url = "/api/v1/claims?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [c["id"] for c in body["results"]]
        url = body["next"]
    assert seen == sorted((i.claim_id for i in items), reverse=True)


def test_list_query_count_does_not_grow_with_rows(workflow, user, editor, key_client):
    client = key_client("claims:read_all")

    def add(n: int) -> None:
        for item in ReviewItemFactory.create_batch(n):
            citation_add(claim_id=item.claim_id, user=user, url="https://a.org/")
            note_add(claim_id=item.claim_id, user=user, body="n")
            publish(item, checker=user, editor=editor)

    add(2)
    client.get("/api/v1/claims")  # the key's last-used time is written once a minute, not here
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/claims")
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/claims")
    assert len(response.json()["results"]) == 22
    assert len(many) == len(few)


def test_conditional_get_with_etag_and_last_modified(published, key_client):
    client = key_client("claims:read")
    first = client.get(f"/api/v1/claims/{published.claim_id}")
    assert first["ETag"]
    assert first["Last-Modified"]
    again = client.get(f"/api/v1/claims/{published.claim_id}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    listing = client.get("/api/v1/claims")
    assert client.get("/api/v1/claims", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_citations_evidence_and_verdicts(published, key_client):
    client = key_client("claims:read")
    assert client.get(f"/api/v1/claims/{published.claim_id}/citations").json()[0]["title"] == "IPCC"
    assert client.get(f"/api/v1/claims/{published.claim_id}/evidence").json() == []
    scale = client.get("/api/v1/verdicts").json()
    assert [v["slug"] for v in scale][:4] == ["true", "mostly-true", "misleading", "false"]
    assert client.get("/api/v1/claims/999999/citations").status_code == 404


def test_changes_feed_follows_publish_reopen_and_republish(
    published, key_client, workflow, editor, user
):
    client = key_client("claims:read")
    body = client.get("/api/v1/changes").json()
    assert [(c["event"], c["claim_id"]) for c in body["results"]] == [
        ("claim.published", published.claim_id)
    ]
    after = body["next_after"]
    reopened = review_item_update(
        item_id=published.pk,
        user=editor,
        expected_version=published.version,
        status=published.status.allowed_next.get(slug="in-progress"),
        release=True,
    )
    publish(reopened, checker=user, editor=editor)
    events = [c["event"] for c in client.get(f"/api/v1/changes?after={after}").json()["results"]]
    assert events == ["claim.unpublished", "claim.updated"]
    assert client.get("/api/v1/changes?after=-1").status_code == 400
    assert client.get("/api/v1/changes?limit=5000").status_code == 400
    assert list(PublicationChange.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_export_streams_csv_and_jsonl_with_filters(published, key_client, workflow):
    ReviewItemFactory.create()  # unpublished: not exported to a public client
    client = key_client("claims:read")
    csv_response = client.get("/api/v1/claims/export.csv")
    assert csv_response.streaming
    lines = b"".join(csv_response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,text,speaker,outlet,article_url")
    assert len(lines) == 2
    jsonl = b"".join(client.get("/api/v1/claims/export.jsonl?verdict=false").streaming_content)
    rows = [json.loads(line) for line in jsonl.decode().splitlines()]
    assert [r["id"] for r in rows] == [published.claim_id]
    assert rows[0]["citations"][0]["url"] == "https://www.ipcc.ch/"  # as in the API
    assert client.get("/api/v1/claims/export.xml").status_code == 404
    assert client.get("/api/v1/claims/export.csv?updated_since=nope").status_code == 400


def _strict(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` as a null type, and objects closed
    (every key a response has must be documented)."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items() if k != "nullable"}
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.mark.parametrize("scope", ["claims:read", "claims:read_all"])
def test_responses_match_the_documented_schema(published, key_client, client, scope):
    """The schema at /api/schema/ (generated from the same field list as the responses)
    describes real list and detail responses exactly, for public and internal callers."""
    published.tags.add(Tag.objects.create(name="Climate", slug="climate"))
    ReviewItemFactory.create()  # unpublished: no verdict, no fact-check URL (read_all only)
    document = client.get("/api/schema/", {"format": "json"}).json()
    root = {"components": _strict(document["components"])}
    ref = "#/components/schemas/"

    def check(instance: Any, component: str) -> None:
        validator = jsonschema.Draft202012Validator({**root, "$ref": ref + component})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
        assert not errors, errors

    api = key_client(scope)
    page = api.get("/api/v1/claims").json()
    assert len(page["results"]) == (2 if scope == "claims:read_all" else 1)
    check(page, "ClaimPage")
    check(api.get(f"/api/v1/claims/{published.claim_id}").json(), "ClaimOutput")
    claim = page["results"][-1]
    assert claim["tags"] == ["climate"]
    assert claim["citations"]
    assert claim["verdict"]
    internal_keys = {"assignee", "decided_by", "published_by", "notes", "evidence_state"}
    assert (internal_keys <= claim.keys()) == (scope == "claims:read_all")
    if scope == "claims:read_all":
        assert claim["notes"][0]["body"] == "internal: asked the author"
        assert page["results"][0]["verdict"] is None


def test_offsets_postgresql_cannot_store_are_compared_in_utc(published, key_client):
    client = key_client("claims:read")
    response = client.get("/api/v1/claims?published_before=2999-03-14T19:48:28-16:28")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [published.claim_id]
    assert (
        client.get("/api/v1/claims?published_before=0001-01-01T00:00:00%2B05:00").status_code == 400
    )


def test_the_similar_claim_carries_its_language(published, key_client):
    """Claim matching found the published claim for a claim in another language: internal
    callers see which, in which language; public ones see only each claim's language."""

    other = ReviewItemFactory.create(claim__text="Le niveau de la mer a monté de 20 cm.")
    Claim.objects.filter(pk=published.claim_id).update(language="en")
    Claim.objects.filter(pk=other.claim_id).update(
        language="fr", similar_claim_id=published.claim_id, similarity=0.93
    )
    detail = key_client("claims:read_all").get(f"/api/v1/claims/{other.claim_id}").json()
    assert detail["language"] == "fr"
    assert detail["similar_claim"] == {
        "id": published.claim_id,
        "language": "en",
        "similarity": 0.93,
        "text": published.claim.text,
    }
    assert (
        key_client("claims:read_all")
        .get(f"/api/v1/claims/{published.claim_id}")
        .json()["similar_claim"]
        is None
    )
    public = key_client("claims:read").get(f"/api/v1/claims/{published.claim_id}").json()
    assert public["language"] == "en"
    assert "similar_claim" not in public
