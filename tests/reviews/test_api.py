from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.services.citations import citation_add
from tests.factories import ReviewItemFactory, publish


def test_only_reviewed_claims_are_listed(api_client, workflow, user, editor):
    ReviewItemFactory.create()  # untouched: not listed
    item = ReviewItemFactory.create()
    citation_add(claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/", title="IPCC")
    publish(item, checker=user, editor=editor)
    body = api_client.get("/api/v1/claims").json()
    assert [c["id"] for c in body["results"]] == [item.claim_id]
    claim = body["results"][0]
    assert claim["verdict"] == "false"
    assert claim["status"] == "published"
    assert claim["citations"][0]["url"] == "https://www.ipcc.ch/"
    assert api_client.get("/api/v1/claims?status=in-progress").json()["results"] == []
    assert len(api_client.get("/api/v1/claims?status=published").json()["results"]) == 1


def test_list_query_count_does_not_grow_with_rows(api_client, workflow, user, editor):
    def add(n):
        for item in ReviewItemFactory.create_batch(n):
            citation_add(claim_id=item.claim_id, user=user, url="https://a.org/")
            publish(item, checker=user, editor=editor)

    add(2)
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/v1/claims")
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = api_client.get("/api/v1/claims")
    assert len(response.json()["results"]) == 22
    assert len(many) == len(few)
