"""POST /api/v1/claimreview: earlier fact-checks (ClaimReview) in, as library.FactCheck."""

import json

from library.models import FactCheck


def test_claimreview_import_from_pages_and_json(workflow, key_client, recorded):
    client = key_client("articles:write")
    page = (recorded / "claimreview_html" / "afp_raw.html").read_bytes()
    response = client.generic("POST", "/api/v1/claimreview", page, content_type="text/html")
    assert response.status_code == 200, response.content
    assert response.json()["created"] >= 1
    line = (
        (recorded / "claimreview_feed" / "meedan_fixture_claimreviews.jsonl")
        .read_text()
        .splitlines()[0]
    )
    response = client.post("/api/v1/claimreview", json.loads(line), format="json")
    assert response.json()["found"] == 1
    assert FactCheck.objects.count() >= 2
    empty = client.post("/api/v1/claimreview", {"@type": "WebPage"}, format="json")
    assert empty.status_code == 400
    assert "body" in empty.json()["errors"]


def test_oversized_source_and_claimreview_bodies_are_413(api_client, settings):
    settings.CLAIMDESK_MAX_ARTICLE_BYTES = 1000
    big = "x " * 40_000
    assert api_client.post("/api/v1/sources", {"text": big}, format="json").status_code == 413
    response = api_client.generic("POST", "/api/v1/claimreview", big, content_type="text/html")
    assert response.status_code == 413
