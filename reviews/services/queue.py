"""Who works on what: the pipeline hand-off, take next, leases, assignment and bulk actions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from claims.models import Article, Claim
from claims.services.matching import match_candidates_changed
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit
from reviews import roles, selectors
from reviews.metrics import TAKE_NEXT_SECONDS
from reviews.models import Activity, ReviewItem, Status, Tag, Verdict
from reviews.services.common import hold, lease_end, lock_item, log
from reviews.services.notifications import notify_assigned
from reviews.services.priority import claim_priority, trending_counts
from reviews.services.publication import api_url
from reviews.services.workflow import review_item_update
from webhooks.services import event_publish


def _initial_status_or_none() -> Status | None:
    return Status.objects.filter(is_initial=True).order_by("position").first()


def _initial_status() -> Status:
    status = _initial_status_or_none()
    if status is None:
        raise ApplicationError(
            "No status is marked initial; mark one in the admin.", code="no_initial_status"
        )
    return status


def _queued_changes(
    claim: Claim, status: Status, inherited: dict[int, int], verdicts: dict[int, Verdict]
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {"status": [None, status.name]}
    verdict = verdicts.get(inherited.get(claim.cluster_id or 0, 0))
    if verdict is not None:
        changes["verdict"] = [None, f"{verdict.name} (from claim #{claim.cluster_id})"]
    return changes


@transaction.atomic
def review_items_enqueue_for_article(*, article_id: int) -> int:
    """The pipeline's hand-off: put every claim of the article in the queue (idempotent)."""
    article = Article.objects.get(pk=article_id)
    status = _initial_status()
    now = timezone.now()
    claims = list(Claim.objects.filter(article=article, review__isnull=True))
    trending = trending_counts((c.fingerprint for c in claims), now)
    # An auto-linked claim (claims.services.matching) starts with its cluster's verdict, for a
    # reviewer to confirm: the same claim repeated needs a check, not a new investigation.
    inherited = dict(
        ReviewItem.objects.filter(
            claim_id__in={c.cluster_id for c in claims if c.cluster_id}, verdict__isnull=False
        ).values_list("claim_id", "verdict")
    )
    verdicts = {v.pk: v for v in Verdict.objects.filter(pk__in=inherited.values())}
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                claim=claim,
                status=status,
                in_take_next=status.in_take_next,
                verdict=verdicts.get(inherited.get(claim.cluster_id or 0, 0)),
                priority=claim_priority(
                    claim=claim,
                    article=article,
                    now=now,
                    same_fingerprint=trending.get(claim.fingerprint, 1),
                ),
            )
            for claim in claims
        ],
        ignore_conflicts=True,
    )
    # Claims that start with an inherited verdict count as reviewed from now on.
    match_candidates_changed(
        claim_ids=[c.pk for c in claims if inherited.get(c.cluster_id or 0) in verdicts]
    )
    Activity.objects.bulk_create(
        [
            Activity(
                claim=c, verb="queued", changes=_queued_changes(c, status, inherited, verdicts)
            )
            for c in claims
        ]
    )
    if claims:  # the first hand-off only: a re-run of an idempotent task announces nothing
        event_publish(
            event="article.processed",
            data={
                "article_id": article.pk,
                "claims": len(claims),
                "url": api_url(f"/api/v1/articles/{article.pk}"),
            },
        )
    return len(claims)


# Take next moves a claim that nobody has started into this status (when the team's workflow
# still has it), so the queue and the claim page show that someone is on it.
IN_PROGRESS_SLUG = "in-progress"


def take_next(*, user: User) -> int | None:
    """Hand `user` the most urgent unassigned claim (its review item id); no one else can get
    the same one. None when nothing is left to take.

    A claim still in the initial status moves to In progress in the same statement (logged
    with the take, version bumped); other statuses (e.g. Needs second review) are kept.
    """
    roles.require(user, roles.REVIEW, to="take claims")
    started = time.perf_counter()
    item_id = _take_next(user)
    outcome = "empty" if item_id is None else "taken"
    TAKE_NEXT_SECONDS.labels(outcome=outcome).observe(time.perf_counter() - started)
    return item_id


def _take_next(user: User) -> int | None:
    now = timezone.now()
    lease = lease_end(now)
    change = {"assignee": [None, user.get_username()]}
    if connection.vendor == "postgresql":
        return _take_next_postgresql(user, now, lease, change)
    # Elsewhere (SQLite: one writer at a time, IMMEDIATE transactions) the same steps run as
    # ORM calls; the conditional UPDATE only succeeds while the row is still unassigned.
    with transaction.atomic():
        candidate = (
            ReviewItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(in_take_next=True, assignee__isnull=True)
            .exclude(decided_by=user)  # a second review must be someone else's
            .order_by("-priority", "id")
            .values_list("pk", "claim_id", "status__is_initial", "status__name")
            .first()
        )
        if candidate is None:
            return None
        item_id, claim_id, is_initial, status_name = candidate
        fields: dict[str, Any] = {"assignee": user, "lease_expires_at": lease, "updated_at": now}
        target = (
            Status.objects.filter(slug=IN_PROGRESS_SLUG).exclude(name=status_name).first()
            if is_initial
            else None
        )
        if target is not None:
            fields.update(
                status=target,
                in_take_next=target.in_take_next,
                status_changed_at=now,
                version=F("version") + 1,
            )
        taken = ReviewItem.objects.filter(pk=item_id, assignee__isnull=True).update(**fields)
        if not taken:
            return None
        changes: dict[str, list[Any]] = dict(change)
        if target is not None:
            changes["status"] = [status_name, target.name]
        Activity.objects.create(claim_id=claim_id, actor=user, verb="took", changes=changes)
        return item_id


# One statement, one round trip: pick the head of the take-next index, stepping over rows
# other reviewers hold locked (SKIP LOCKED), assign it (moving an unstarted claim to In
# progress) and append the log entry. The ORM version of the same steps takes five round
# trips; at 50 concurrent reviewers that made take next several times slower than the bare
# query (benchmarks/queue.py measures both). `moved` has a row only when the status changes:
# the picked claim is in an initial status and the In progress status still exists.
_TAKE_NEXT_SQL = """
WITH picked AS MATERIALIZED (
    SELECT id, status_id FROM {items}
    WHERE in_take_next AND assignee_id IS NULL
      AND decided_by_id IS DISTINCT FROM %(user)s
    ORDER BY priority DESC, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
), moved AS (
    SELECT picked.id, current.name AS before, target.id AS status_id, target.name AS after,
           target.in_take_next
    FROM picked
    JOIN {statuses} AS current ON current.id = picked.status_id AND current.is_initial
    JOIN {statuses} AS target ON target.slug = %(target)s AND target.id <> current.id
), taken AS (
    UPDATE {items} AS item
    SET assignee_id = %(user)s, lease_expires_at = %(lease)s, updated_at = %(now)s,
        status_id = COALESCE(moved.status_id, item.status_id),
        in_take_next = COALESCE(moved.in_take_next, item.in_take_next),
        status_changed_at = CASE WHEN moved.id IS NULL THEN item.status_changed_at
                                 ELSE %(now)s END,
        version = item.version + CASE WHEN moved.id IS NULL THEN 0 ELSE 1 END
    FROM picked LEFT JOIN moved ON moved.id = picked.id
    WHERE item.id = picked.id
    RETURNING item.id, item.claim_id, moved.before, moved.after
), logged AS (
    INSERT INTO {activity} (claim_id, actor_id, verb, changes, created_at)
    SELECT claim_id, %(user)s, 'took',
           CASE WHEN after IS NULL THEN %(change)s::jsonb
                ELSE %(change)s::jsonb
                     || jsonb_build_object('status', jsonb_build_array(before, after)) END,
           %(now)s
    FROM taken
)
SELECT id FROM taken
"""


def _take_next_postgresql(
    user: User, now: datetime, lease: datetime, change: dict[str, list[str | None]]
) -> int | None:
    sql = _TAKE_NEXT_SQL.format(
        items=ReviewItem._meta.db_table,
        statuses=Status._meta.db_table,
        activity=Activity._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "user": user.pk,
                "lease": lease,
                "now": now,
                "change": json.dumps(change),
                "target": IN_PROGRESS_SLUG,
            },
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


@transaction.atomic
def review_item_release(*, item_id: int, user: User) -> ReviewItem:
    """Give the claim back to the queue (the holder, or an editor)."""
    item = lock_item(item_id)
    if item.assignee_id is None:
        return item
    if item.assignee_id != user.pk:
        roles.require(user, roles.ASSIGN, to="release a claim someone else holds")
    changes: dict[str, list[Any]] = {"assignee": [item.assignee.get_username(), None]}  # type: ignore[union-attr]
    changes.update(_back_to_unstarted(item, timezone.now()))
    log(item, user, "released", changes)
    item.assignee = None
    item.lease_expires_at = None
    item.save()
    return item


def _back_to_unstarted(item: ReviewItem, now: datetime) -> dict[str, list[Any]]:
    """Undo take next's move to In progress when the claim goes back to the queue untouched
    (no verdict, no explanation): otherwise it would sit In progress with nobody on it, out
    of take next's reach. Changes `item` in memory; returns the status change, if any."""
    if item.status.slug != IN_PROGRESS_SLUG or item.verdict_id or item.explanation:
        return {}
    initial = _initial_status_or_none()
    if initial is None or initial.pk == item.status_id:
        return {}
    before = item.status.name
    item.status, item.in_take_next, item.status_changed_at = initial, initial.in_take_next, now
    item.version += 1
    return {"status": [before, initial.name]}


@transaction.atomic
def review_item_renew(*, item_id: int, user: User) -> ReviewItem:
    """Extend the holder's lease (the claim page calls this while a reviewer works)."""
    item = lock_item(item_id)
    changes = hold(item, user, timezone.now())
    item.save(update_fields=["assignee", "lease_expires_at", "updated_at"])
    if changes:
        log(item, user, "took", changes)
    return item


@transaction.atomic
def review_item_assign(*, item_id: int, user: User, assignee: User | None) -> ReviewItem:
    """An editor assigns the claim to someone (no lease expiry) or unassigns it."""
    roles.require(user, roles.ASSIGN, to="assign claims")
    if assignee is not None and not roles.has(assignee, roles.REVIEW):
        raise ApplicationError(
            f"{assignee.get_username()} is not a fact-checker.", code="invalid_assignee"
        )
    item = lock_item(item_id)
    before = item.assignee.get_username() if item.assignee else None
    after = assignee.get_username() if assignee else None
    if before != after:
        item.assignee = assignee
        item.lease_expires_at = None
        item.save(update_fields=["assignee", "lease_expires_at", "updated_at"])
        log(item, user, "assigned", {"assignee": [before, after]})
        if assignee is not None:
            notify_assigned(item=item, actor=user, assignee=assignee)
    return item


def leases_expire() -> int:
    """Return claims whose lease ran out to the queue (the periodic sweeper)."""
    now = timezone.now()
    expired = 0
    # Batches keep each transaction short while reviewers keep working.
    while True:
        with transaction.atomic():
            batch = list(
                ReviewItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(lease_expires_at__lt=now, assignee__isnull=False)
                .select_related("assignee", "status")[:500]
            )
            if not batch:
                return expired
            untouched = []
            for item in batch:
                changes: dict[str, list[Any]] = {"assignee": [item.assignee.get_username(), None]}  # type: ignore[union-attr]
                moved = _back_to_unstarted(item, now)
                if moved:
                    untouched.append(item)
                log(item, None, "lease expired", {**changes, **moved})
            ReviewItem.objects.filter(pk__in=[i.pk for i in batch]).update(
                assignee=None, lease_expires_at=None, updated_at=now
            )
            for item in untouched:  # each with its own bumped version
                ReviewItem.objects.filter(pk=item.pk).update(
                    status=item.status,
                    in_take_next=item.in_take_next,
                    status_changed_at=now,
                    version=item.version,
                )
            expired += len(batch)


BULK_ACTIONS = ("assign", "tag", "status", "verdict")
# Larger selections are applied by background tasks, in chunks, rather than in the request.
BULK_IN_REQUEST_LIMIT = 200
BULK_CHUNK = 500
_BULK_VALUE_MODELS: dict[str, type[Model]] = {
    "assign": User,
    "tag": Tag,
    "status": Status,
    "verdict": Verdict,
}


def review_items_bulk(
    *, user: User, items: QuerySet[ReviewItem] | Iterable[int], action: str, value: Any = None
) -> dict[str, int]:
    """Apply one action to many claims: a selection (ids) or a whole filter (a queryset).

    Each claim goes through the same service as a single edit (roles, workflow, leases,
    locked-after-publishing, the log); claims the action cannot apply to are counted as
    skipped, not failed as a whole.
    """
    if action not in BULK_ACTIONS:
        raise ApplicationError(f"Unknown bulk action {action!r}.", code="invalid_action")
    ids = list(items.values_list("pk", flat=True) if isinstance(items, QuerySet) else items)
    done = skipped = 0
    for item_id in ids:
        try:
            with transaction.atomic():
                _bulk_one(user=user, item_id=item_id, action=action, value=value)
            done += 1
        except ApplicationError as exc:
            if exc.code == "forbidden" and not done and not skipped:
                raise  # the user lacks the role: say so once, rather than skip every row
            skipped += 1
    return {"done": done, "skipped": skipped}


@dataclass(frozen=True)
class BulkOutcome:
    done: int = 0
    skipped: int = 0
    queued: int = 0  # claims handed to background tasks (see review_items_bulk_enqueue)


def review_items_bulk_apply(
    *, user: User, item_ids: list[int], action: str, value: Any
) -> BulkOutcome:
    """A bulk action over ids: in the request when small, else as background chunks."""
    if len(item_ids) > BULK_IN_REQUEST_LIMIT:
        review_items_bulk_enqueue(user=user, item_ids=item_ids, action=action, value=value)
        return BulkOutcome(queued=len(item_ids))
    result = review_items_bulk(user=user, items=item_ids, action=action, value=value)
    return BulkOutcome(done=result["done"], skipped=result["skipped"])


def review_items_bulk_matching(
    *,
    user: User,
    filters: selectors.QueueFilters,
    expected_count: int,
    action: str,
    value: Any,
) -> BulkOutcome:
    """A bulk action over every claim matching `filters`, as the person confirmed it.

    The filter is run again here; if it no longer matches `expected_count` claims (the count the
    person was shown), nothing is changed: a bulk status or verdict over a set nobody saw would
    rewrite claims by surprise.
    """
    ids = list(selectors.queue_items(user=user, filters=filters).values_list("pk", flat=True))
    if len(ids) != expected_count:
        raise ApplicationError(
            f"The filter now matches {len(ids)} claim{'s' if len(ids) != 1 else ''}, not the "
            f"{expected_count} you confirmed; nothing was changed.",
            code="bulk_count_changed",
            status=409,
            extra={"count": len(ids)},
        )
    return review_items_bulk_apply(user=user, item_ids=ids, action=action, value=value)


def review_items_bulk_enqueue(
    *, user: User, item_ids: list[int], action: str, value: Model | None
) -> int:
    """Queue a large bulk action as background tasks of BULK_CHUNK claims each; returns the
    number of tasks. Each task goes through review_items_bulk, so the same rules apply."""
    roles.require(user, roles.REVIEW, to="change claims in bulk")
    if action not in BULK_ACTIONS:
        raise ApplicationError(f"Unknown bulk action {action!r}.", code="invalid_action")
    chunks = [item_ids[i : i + BULK_CHUNK] for i in range(0, len(item_ids), BULK_CHUNK)]
    value_id = value.pk if value is not None else None
    for chunk in chunks:
        enqueue_on_commit(
            "reviews.bulk_apply",
            user_id=user.pk,
            item_ids=chunk,
            action=action,
            value_id=value_id,
        )
    return len(chunks)


def review_items_bulk_from_ids(
    *, user_id: int, item_ids: list[int], action: str, value_id: int | None
) -> dict[str, int]:
    """The background half of review_items_bulk_enqueue."""
    model = _BULK_VALUE_MODELS[action]
    value = model._default_manager.get(pk=value_id) if value_id is not None else None
    user = User.objects.get(pk=user_id)
    return review_items_bulk(user=user, items=item_ids, action=action, value=value)


def _bulk_one(*, user: User, item_id: int, action: str, value: Any) -> None:
    item = lock_item(item_id)
    if action == "assign":
        review_item_assign(item_id=item_id, user=user, assignee=value)
    elif action == "tag":
        roles.require(user, roles.REVIEW, to="tag claims")
        tag: Tag = value
        if not item.tags.filter(pk=tag.pk).exists():
            item.tags.add(tag)
            item.save(update_fields=["updated_at"])  # tags are part of what clients sync
            log(item, user, "tagged", {"tag": [None, tag.name]})
    elif action == "status":
        review_item_update(item_id=item_id, user=user, expected_version=item.version, status=value)
    else:  # verdict, e.g. "Not check-worthy"
        review_item_update(item_id=item_id, user=user, expected_version=item.version, verdict=value)


def tag_for_name(name: str) -> Tag:
    name = name.strip()
    slug = slugify(name)[:60]
    if not slug:
        raise ApplicationError("A tag needs letters or digits.", code="invalid_tag")
    tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:60]})
    return tag
