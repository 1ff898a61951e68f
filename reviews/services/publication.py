"""What API clients see change: the changes feed (and, through it, webhooks)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Max

from reviews.models import PublicationChange
from reviews.public_urls import public_base_url
from webhooks.services import event_publish

# Any constant: the key of the transaction-scoped advisory lock that orders the feed.
_FEED_LOCK = 0x636C61696D64  # "claimd"


def publication_change_record(*, claim_id: int, event: str) -> PublicationChange:
    """Append a change to the feed; call inside the transaction that made the change.

    The next seq is taken under a lock held until that transaction commits, so changes become
    visible in seq order and a reader never sees seq N+1 before N. On PostgreSQL that lock is
    a transaction advisory lock; SQLite runs one write transaction at a time anyway.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("publication_change_record must run inside the change's transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])
    last = PublicationChange.objects.aggregate(last=Max("seq"))["last"] or 0
    change = PublicationChange.objects.create(seq=last + 1, event=event, claim_id=claim_id)
    # Webhooks carry the change, not the claim: receivers fetch the claim (as their key may
    # see it) from the API, so a payload never shows more than the API would.
    event_publish(
        event=event,
        data={
            "seq": change.seq,
            "claim_id": claim_id,
            "url": api_url(f"/api/v1/claims/{claim_id}"),
            "changes_url": api_url(f"/api/v1/changes?after={change.seq - 1}"),
        },
    )
    return change


def api_url(path: str) -> str:
    # No request here (a commit, a task): the configured base, or the local fallback.
    return public_base_url() + path


def publication_event_for(*, claim_id: int, publishing: bool) -> str:
    """Publishing a claim clients already had is an update; taking it down, an unpublish."""
    if not publishing:
        return PublicationChange.Event.UNPUBLISHED
    seen = PublicationChange.objects.filter(
        claim_id=claim_id, event=PublicationChange.Event.PUBLISHED
    ).exists()
    return PublicationChange.Event.UPDATED if seen else PublicationChange.Event.PUBLISHED
