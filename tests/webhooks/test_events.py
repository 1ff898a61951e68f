"""Where the product emits webhook events: publishing, reopening, republishing a claim, and an
article's claims reaching the queue. Deliveries go to the local server, signed."""

import json

import pytest
from django.db import transaction

from claims.models import Article
from reviews.services.queue import review_items_enqueue_for_article
from reviews.services.workflow import review_item_update
from tests.claims.factories import ClaimFactory
from tests.reviews.factories import ReviewItemFactory, publish
from webhooks.models import WebhookDelivery
from webhooks.signing import verify


def test_publish_reopen_republish_emit_claim_events(
    make_endpoint, local_server, workflow, user, editor, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(events=["claim.published", "claim.updated", "claim.unpublished"])
    local_server.routes["/hook"] = (200, {}, b"ok")
    item = ReviewItemFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(item, checker=user, editor=editor)
        item = review_item_update(
            item_id=item.pk,
            user=editor,
            expected_version=item.version,
            status=item.status.allowed_next.get(slug="in-progress"),
            release=True,
        )
        publish(item, checker=user, editor=editor)
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [d.event for d in deliveries] == [
        "claim.published",
        "claim.unpublished",
        "claim.updated",
    ]
    assert all(d.state == "succeeded" for d in deliveries)
    body = local_server.received[0].body
    payload = json.loads(body)
    assert payload["data"]["claim_id"] == item.claim_id
    assert payload["data"]["url"].endswith(f"/api/v1/claims/{item.claim_id}")
    signature = local_server.received[0].headers["claimdesk-signature"]
    assert verify(endpoint.secret, signature, body)


def test_article_processed_is_emitted_once(
    make_endpoint, workflow, django_capture_on_commit_callbacks
):
    make_endpoint(events=["article.processed"])
    claim = ClaimFactory.create()
    with django_capture_on_commit_callbacks(execute=False):
        assert review_items_enqueue_for_article(article_id=claim.article_id) == 1
        assert review_items_enqueue_for_article(article_id=claim.article_id) == 0  # re-run
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "article.processed"
    assert delivery.payload["data"]["article_id"] == claim.article_id
    assert Article.objects.count() == 1


def test_a_rolled_back_publish_sends_nothing(make_endpoint, workflow, user, editor):
    make_endpoint()
    item = ReviewItemFactory.create()

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(item, checker=user, editor=editor)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert not WebhookDelivery.objects.exists()
