"""Reads for the review queue, the claim page and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Trunc, TruncDate
from django.utils import timezone

from claims.models import EVIDENCE_ORDER, Claim, Evidence
from library.evidence.registry import provider_label
from reviews.conf import conf
from reviews.models import (
    Activity,
    Note,
    Notification,
    NotificationSettings,
    PublicationChange,
    ReviewItem,
    Status,
    Verdict,
)

SORTS = {
    "priority": ("-priority", "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "score": ("-claim__checkworthiness", "id"),
}


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page's filter form accepted (all optional)."""

    status: str = ""
    verdict: str = ""
    assignee: str = ""  # "me", "none" or a username
    language: str = ""
    outlet: str = ""
    speaker: str = ""
    tag: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "priority"
    open_only: bool = False  # leave out published claims
    mentioned: str = ""  # "me" or a username: claims with a note that mentions them
    article: int | None = None  # claims found in this article (its page links here)
    evidence: str = ""  # a Claim.EvidenceState: "none" lists claims with no relevant source

    def describe(self) -> str:
        """The filter in words, for confirmations: "text ‘Korean’, status ‘unstarted’"."""
        assignee = {"me": "assigned to me", "none": "unassigned"}.get(
            self.assignee, f"assigned to {self.assignee}"
        )
        parts = [
            (self.q, f"text ‘{self.q}’"),
            (self.status, f"status ‘{self.status}’"),
            (
                self.verdict,
                "no verdict yet" if self.verdict == "none" else f"verdict ‘{self.verdict}’",
            ),
            (self.assignee, assignee),
            (self.language, f"language ‘{self.language}’"),
            (self.outlet, f"outlet ‘{self.outlet}’"),
            (self.speaker, f"speaker ‘{self.speaker}’"),
            (self.tag, f"tag ‘{self.tag}’"),
            (self.date_from, f"from {self.date_from}"),
            (self.date_to, f"to {self.date_to}"),
            (self.open_only, "not published"),
            (
                self.mentioned,
                "mentioning me" if self.mentioned == "me" else f"mentioning {self.mentioned}",
            ),
            (self.article, f"article #{self.article}"),
            (self.evidence, f"evidence ‘{_evidence_label(self.evidence)}’"),
        ]
        return ", ".join(words for value, words in parts if value) or "no filter (the whole queue)"


def _evidence_label(state: str) -> str:
    return str(dict(Claim.EvidenceState.choices).get(state, state))


# Views everyone has, next to the ones they save themselves.
BUILTIN_VIEWS: dict[str, tuple[str, dict[str, Any]]] = {
    "mine": ("My claims", {"assignee": "me", "open_only": True}),
    "unassigned": ("Unassigned", {"assignee": "none", "open_only": True}),
    # Published claims too: a question in a note matters after publication as well.
    "mentions": ("Mentions me", {"mentioned": "me"}),
}


def _mentioning(user: User | None = None, username: str = "") -> Exists:
    """A note on the claim mentions the user: EXISTS, so a claim with many such notes is
    listed once (a join would repeat it)."""
    notes = Note.mentions.through.objects.filter(note__claim_id=OuterRef("claim_id"))
    return Exists(
        notes.filter(user=user) if user is not None else notes.filter(user__username=username)
    )


def queue_items(*, user: User, filters: QueueFilters) -> QuerySet[ReviewItem]:
    """Claims in the queue matching `filters`, with everything the list shows in one query."""
    items = ReviewItem.objects.select_related(
        "claim", "claim__article", "status", "verdict", "assignee"
    ).prefetch_related("tags")
    conditions = Q()
    if filters.status:
        conditions &= Q(status__slug=filters.status)
    if filters.verdict:
        conditions &= (
            Q(verdict__isnull=True)
            if filters.verdict == "none"
            else Q(verdict__slug=filters.verdict)
        )
    if filters.assignee == "me":
        conditions &= Q(assignee=user)
    elif filters.assignee == "none":
        conditions &= Q(assignee__isnull=True)
    elif filters.assignee:
        conditions &= Q(assignee__username=filters.assignee)
    if filters.language:
        conditions &= Q(claim__article__language=filters.language)
    if filters.evidence:
        conditions &= Q(claim__evidence_state=filters.evidence)
    if filters.outlet:
        conditions &= Q(claim__outlet__iexact=filters.outlet) | Q(
            claim__article__outlet__iexact=filters.outlet
        )
    if filters.speaker:
        conditions &= Q(claim__speaker__icontains=filters.speaker)
    if filters.tag:
        conditions &= Q(tags__slug=filters.tag)
    if filters.date_from:
        conditions &= Q(created_at__date__gte=filters.date_from)
    if filters.date_to:
        conditions &= Q(created_at__date__lte=filters.date_to)
    if filters.q:
        conditions &= Q(claim__text__icontains=filters.q) | Q(claim__speaker__icontains=filters.q)
    if filters.open_only:
        conditions &= Q(status__is_published=False)
    if filters.mentioned == "me":
        conditions &= Q(_mentioning(user))
    elif filters.mentioned:
        conditions &= Q(_mentioning(username=filters.mentioned))
    if filters.article:
        conditions &= Q(claim__article_id=filters.article)
    return items.filter(conditions).order_by(*SORTS.get(filters.sort, SORTS["priority"]))


QUEUE_COUNTS_KEY = "reviews:queue-counts"


def view_counts(*, user: User) -> dict[str, int]:
    """Claims per built-in view and per status: the team's `queue_counts`, and the reviewer's
    own count, an indexed read, fresh on every page."""
    mine = ReviewItem.objects.filter(assignee=user, status__is_published=False).count()
    mentions = ReviewItem.objects.filter(_mentioning(user)).count()
    return {**queue_counts(), "mine": mine, "mentions": mentions}


def queue_counts() -> dict[str, int]:
    """Claims per status slug, in `all`, and `unassigned` (unpublished, nobody on them).

    One grouped scan, shared by everyone (the queue page, /metrics) and cached for
    CLAIMDESK_QUEUE_COUNTS_CACHE_S: over a million rows the scan costs more than the rest of
    the page.
    """
    counts: dict[str, int] | None = cache.get(QUEUE_COUNTS_KEY)
    if counts is None:
        statuses = {status.pk: status for status in Status.objects.all()}
        rows = (
            ReviewItem.objects.values_list("status_id")
            .annotate(n=Count("id"), unassigned=Count("id", filter=Q(assignee__isnull=True)))
            .order_by()
        )
        counts = {"all": 0, "unassigned": 0}
        for status_id, n, unassigned in rows:
            status = statuses[status_id]
            counts[status.slug] = n
            counts["all"] += n
            if not status.is_published:
                counts["unassigned"] += unassigned
        cache.set(QUEUE_COUNTS_KEY, counts, conf().queue_counts_cache_s)
    return counts


def status_slugs() -> list[str]:
    """Every status, in the workflow's order."""
    return list(Status.objects.order_by("position").values_list("slug", flat=True))


def workflow_colours() -> list[tuple[str, str, str]]:
    """(class prefix, slug, colour) of every status and verdict, for reviews/views/colours.py."""
    return [
        *(
            ("status", slug, colour)
            for slug, colour in Status.objects.values_list("slug", "colour")
        ),
        *(
            ("verdict", slug, colour)
            for slug, colour in Verdict.objects.values_list("slug", "colour")
        ),
    ]


def review_item_detail(*, item_id: int) -> ReviewItem | None:
    return (
        ReviewItem.objects.select_related(
            "claim", "claim__article", "status", "verdict", "assignee", "decided_by"
        )
        .prefetch_related(
            "tags",
            "status__allowed_next",
            Prefetch("claim__evidence", queryset=Evidence.objects.order_by(*EVIDENCE_ORDER)),
            "claim__citations__added_by",
            Prefetch(
                "claim__notes",
                queryset=Note.objects.select_related("author").prefetch_related("mentions"),
            ),
            Prefetch("claim__activity", queryset=Activity.objects.select_related("actor")),
        )
        .filter(pk=item_id)
        .first()
    )


@dataclass(frozen=True)
class EvidencePanel:
    """The claim page's evidence section: listed items, the collapsed low-relevance ones, and
    which providers were consulted (name, and whether it failed)."""

    state: str  # Claim.EvidenceState
    listed: list[Evidence]
    low_relevance: list[Evidence]
    consulted: list[tuple[str, bool]]
    problems: list[str]  # judging problems (model missing, script), not provider failures


def evidence_panel(*, claim: Claim) -> EvidencePanel:
    """From the claim's prefetched evidence (review_item_detail): no query of its own."""
    items = list(claim.evidence.all())
    failed = {error.removesuffix(" unavailable") for error in claim.evidence_errors}
    return EvidencePanel(
        state=claim.evidence_state,
        listed=[e for e in items if e.relevant],
        low_relevance=[e for e in items if not e.relevant],
        consulted=[(provider_label(name), name in failed) for name in claim.evidence_providers],
        problems=[e for e in claim.evidence_errors if not e.endswith(" unavailable")],
    )


def review_item_ids_for_article(*, article_id: int) -> dict[int, int]:
    """Claim id → review item id for an article's claims that are in the queue (one query)."""
    rows = ReviewItem.objects.filter(claim__article_id=article_id).values_list("claim_id", "pk")
    return dict(rows)


def claims_reviewed() -> QuerySet[Claim]:
    """Claims someone has given a verdict: what claim matching compares new claims with
    (registered as the claims.ports match_candidates port in ReviewsConfig.ready)."""
    return Claim.objects.filter(review__verdict__isnull=False)


def similar_reviewed(*, claim: Claim, limit: int = 5) -> list[ReviewItem]:
    """Earlier reviewed claims like this one: the match claim matching found (semantic
    similarity + entities), its cluster's root, and claims with the same fingerprint."""
    related = [pk for pk in (claim.similar_claim_id, claim.cluster_id) if pk is not None]
    return list(
        ReviewItem.objects.filter(
            Q(claim_id__in=related) | Q(claim__fingerprint=claim.fingerprint),
            verdict__isnull=False,
        )
        .exclude(claim=claim)
        .select_related("claim", "verdict", "status")
        .order_by("-updated_at")[:limit]
    )


def reviewed_in_other_language(*, claim: Claim) -> ReviewItem | None:
    """The earlier reviewed claim that claim matching found in another language (the same
    claim, translated: claims.services.matching), with its verdict; None when the match, if
    any, is in the claim's own language."""
    if claim.similar_claim_id is None or not claim.language:
        return None
    return (
        ReviewItem.objects.filter(claim_id=claim.similar_claim_id, verdict__isnull=False)
        .exclude(claim__language__in=(claim.language, ""))
        .select_related("claim", "verdict", "status")
        .first()
    )


def allowed_statuses(*, item: ReviewItem) -> list[Status]:
    allowed = list(item.status.allowed_next.all())
    return [item.status, *allowed] if allowed else list(Status.objects.all())


def api_claims(*, include_internal: bool) -> QuerySet[ReviewItem]:
    """Claims as API clients see them: published ones, or all of them with `include_internal`
    (then with notes and reviewers too), with everything the representation reads."""
    items = ReviewItem.objects.select_related(
        "claim", "claim__article", "status", "verdict"
    ).prefetch_related("tags", "claim__citations")
    if include_internal:
        return items.select_related("decided_by", "published_by", "assignee").prefetch_related(
            Prefetch("claim__notes", queryset=Note.objects.select_related("author"))
        )
    return items.filter(status__is_published=True)


def api_changes(*, after: int, limit: int) -> list[PublicationChange]:
    return list(PublicationChange.objects.filter(seq__gt=after).order_by("seq")[:limit])


@dataclass(frozen=True)
class Dashboard:
    backlog: list[tuple[Status, int]]
    median_age_h: float | None
    reviewed_per_day: list[tuple[date, int]]
    verdicts: list[tuple[Verdict, int]]


def dashboard(*, days: int = 14) -> Dashboard:
    """The editors' numbers: backlog by status, median age of open claims, claims decided per
    day (a verdict or explanation set) and the verdict distribution of published claims."""
    statuses = {s.pk: s for s in Status.objects.all()}
    backlog_rows = ReviewItem.objects.values_list("status").annotate(n=Count("id")).order_by()
    backlog = sorted(((statuses[pk], n) for pk, n in backlog_rows), key=lambda row: row[0].position)
    open_items = ReviewItem.objects.filter(status__is_published=False)
    now = timezone.now()
    median_age_h = None
    open_count = open_items.count()
    if open_count:
        # The middle row by age: portable (PostgreSQL and SQLite), one indexed read.
        middle: datetime = open_items.order_by("created_at").values_list("created_at", flat=True)[
            open_count // 2
        ]
        median_age_h = round((now - middle).total_seconds() / 3600, 1)
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    per_day = dict(
        Activity.objects.filter(created_at__gte=since, changes__has_key="verdict")
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("claim", distinct=True))
        .order_by()
    )
    reviewed_per_day = [
        (day, per_day.get(day, 0))
        for day in (since.date() + timedelta(days=i) for i in range(days))
    ]
    verdict_rows = dict(
        ReviewItem.objects.filter(status__is_published=True, verdict__isnull=False)
        .values_list("verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    verdicts = [(v, verdict_rows.get(v.pk, 0)) for v in Verdict.objects.all()]
    return Dashboard(backlog, median_age_h, reviewed_per_day, verdicts)


@dataclass(frozen=True)
class QueuePrecision:
    """Of the claims a model version queued in one period, how many reviewers decided on, and
    how many of those they kept (a verdict other than "Not check-worthy")."""

    period: datetime
    version: str  # the check-worthiness model that scored them ("" before versions existed)
    kept: int
    decided: int

    @property
    def precision(self) -> float:
        return self.kept / self.decided if self.decided else 0.0


def queue_precision(*, period: str = "week", periods: int = 12) -> list[QueuePrecision]:
    """Queue precision per model version and per day or week the claims were queued, oldest
    first: whether retraining put more claims worth checking in front of reviewers. Claims a
    reviewer promoted were not queued by the model, and undecided ones say nothing yet."""
    if period not in ("day", "week"):
        raise ValueError(f"period must be day or week, not {period!r}")
    span = timedelta(days=periods * (7 if period == "week" else 1))
    rows = (
        ReviewItem.objects.filter(
            verdict__isnull=False,
            claim__promoted_by__isnull=True,
            claim__created_at__gte=timezone.now() - span,
        )
        .annotate(period=Trunc("claim__created_at", period))
        .values_list("period", "claim__checkworthiness_model")
        .annotate(
            decided=Count("id"), kept=Count("id", filter=~Q(verdict__slug=Verdict.NOT_CHECKWORTHY))
        )
        .order_by("period", "claim__checkworthiness_model")
    )
    return [
        QueuePrecision(period=start, version=version, kept=kept, decided=decided)
        for start, version, decided, kept in rows
    ]


def notifications_unread_count(*, user: User) -> int:
    """The header's number: one COUNT over the partial unread index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_inbox(*, user: User) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with who did it and the claim in one query."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def notification_email_enabled(*, user: User) -> bool:
    return NotificationSettings.objects.filter(user=user, email=True).exists()


# The fields a versioned save changes: the last log entry touching one of them is the save
# a stale form conflicts with.
_VERSIONED_FIELDS = ["status", "verdict", "explanation"]


def last_save(*, claim_id: int) -> Activity | None:
    """The latest logged change to the claim's status, verdict or explanation (with its actor):
    who saved the version a conflicting edit was refused against."""
    return (
        Activity.objects.filter(claim_id=claim_id, changes__has_any_keys=_VERSIONED_FIELDS)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
