from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Status, Verdict
from reviews.services import citation_add, review_item_update
from tests.factories import ReviewItemFactory


def test_only_reviewed_claims_are_listed(api_client, workflow, user):
    ReviewItemFactory.create()  # untouched: not listed
    item = ReviewItemFactory.create()
    review_item_update(
        item_id=item.pk,
        user=user,
        expected_version=1,
        status=Status.objects.get(slug="published"),
        verdict=Verdict.objects.get(slug="false"),
    )
    citation_add(claim_id=item.claim_id, user=user, url="https://www.ipcc.ch/", title="IPCC")
    body = api_client.get("/api/v1/claims").json()
    assert [c["id"] for c in body["results"]] == [item.claim_id]
    claim = body["results"][0]
    assert claim["verdict"] == "false"
    assert claim["status"] == "published"
    assert claim["citations"][0]["url"] == "https://www.ipcc.ch/"
    assert api_client.get("/api/v1/claims?status=in-progress").json()["results"] == []
    assert len(api_client.get("/api/v1/claims?status=published").json()["results"]) == 1


def test_list_query_count_does_not_grow_with_rows(api_client, workflow, user):
    published = Status.objects.get(slug="published")

    def add(n):
        for item in ReviewItemFactory.create_batch(n):
            review_item_update(item_id=item.pk, user=user, expected_version=1, status=published)
            citation_add(claim_id=item.claim_id, user=user, url="https://a.org/")

    add(2)
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/v1/claims")
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = api_client.get("/api/v1/claims")
    assert len(response.json()["results"]) == 22
    assert len(many) == len(few)
