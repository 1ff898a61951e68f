"""The claim as the API's JSON, defined once: the field lists below say each key, the
`values()` column it is read from and its type. From them come both

- the fast builder (`claim_rows` + `claims_json`): `values()` rows, not model instances, with
  one query each for citations, tags (and notes): the list endpoint spends its time on the
  database, not on Python objects; and
- the documented schema: serializers generated from the same lists (`ClaimOutputSerializer`
  and its parts), which drf-spectacular turns into the OpenAPI components. They describe;
  they never build a claim (the verdict and citation ones also serialize model instances,
  whose attributes bear the same names: the verdict scale, a claim's citations).

tests/reviews/test_claims_api.py checks real responses against the schema at /api/schema/.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from reviews.claimreview import fact_check_url_for
from reviews.models import Citation, Note, ReviewItem
from reviews.public_urls import public_base_url

Row = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One key of a JSON object: its `values()` column, and its type in the schema."""

    name: str
    source: str | None  # None: filled in by claims_json (other queries, or computed)
    type: type[serializers.Field[Any, Any, Any, Any]]
    nullable: bool = False
    internal: bool = False  # only with the claims:read_all scope
    many: bool = False  # a list of `type` (tags)


@dataclass(frozen=True)
class Shape:
    """A JSON object: its fields in order, and its name in the schema."""

    component: str
    fields: tuple[Field | Nested, ...]


@dataclass(frozen=True)
class Nested:
    """A key holding an object (or, with many, a list of them read by a query of its own)."""

    name: str
    shape: Shape
    nullable: bool = False  # null when the object's first column is NULL (no verdict)
    many: bool = False
    internal: bool = False


VERDICT = Shape(
    "VerdictOutput",
    (
        Field("slug", "verdict__slug", serializers.SlugField),
        Field("name", "verdict__name", serializers.CharField),
        Field("rating_value", "verdict__rating_value", serializers.IntegerField, nullable=True),
        Field("position", "verdict__position", serializers.IntegerField),
    ),
)
ARTICLE = Shape(
    "ArticleRef",
    (
        Field("id", "claim__article_id", serializers.IntegerField),
        Field("url", "claim__article__source_url", serializers.CharField),
        Field("title", "claim__article__title", serializers.CharField),
        Field("outlet", "claim__article__outlet", serializers.CharField),
        Field("language", "claim__article__language", serializers.CharField),
        Field(
            "published_at", "claim__article__published_at", serializers.DateTimeField, nullable=True
        ),
    ),
)
# Read from Citation.objects.values() (and so also the attributes of a Citation).
CITATION = Shape(
    "CitationOutput",
    (
        Field("url", "url", serializers.URLField),
        Field("title", "title", serializers.CharField),
        Field("publisher", "publisher", serializers.CharField),
        Field("quote", "quote", serializers.CharField),
        Field("added_at", "added_at", serializers.DateTimeField),
    ),
)
NOTE = Shape(
    "NoteOutput",
    (
        Field("author", "author__username", serializers.CharField, nullable=True),
        Field("body", "body", serializers.CharField),
        Field("created_at", "created_at", serializers.DateTimeField),
    ),
)
# The earlier claim claim matching found (claims.services.matching), possibly in another
# language: compare its language with the claim's. Internal: it may not be published.
SIMILAR_CLAIM = Shape(
    "SimilarClaimRef",
    (
        Field("id", "claim__similar_claim_id", serializers.IntegerField),
        Field("language", "claim__similar_claim__language", serializers.CharField),
        Field("similarity", "claim__similarity", serializers.FloatField, nullable=True),
        Field("text", "claim__similar_claim__text", serializers.CharField),
    ),
)
CLAIM = Shape(
    "ClaimOutput",
    (
        Field("id", "claim_id", serializers.IntegerField),
        Field("text", "claim__text", serializers.CharField),
        Field("self_contained_text", "claim__self_contained_text", serializers.CharField),
        Field("speaker", "claim__speaker", serializers.CharField),
        Field("speaker_kind", "claim__speaker_kind", serializers.CharField),
        Field("source", "claim__source", serializers.CharField),
        Field("language", "claim__language", serializers.CharField),
        Field("sentence", "claim__sentence", serializers.CharField),
        Field("sentence_start", "claim__sentence_start", serializers.IntegerField),
        Field("sentence_end", "claim__sentence_end", serializers.IntegerField),
        Nested("article", ARTICLE),
        Field("status", "status__slug", serializers.CharField),
        Nested("verdict", VERDICT, nullable=True),
        Field("explanation", "explanation", serializers.CharField),
        Field("tags", None, serializers.CharField, many=True),
        Nested("citations", CITATION, many=True),
        Field("published_at", "published_at", serializers.DateTimeField, nullable=True),
        Field("updated_at", "updated_at", serializers.DateTimeField),
        Field("fact_check_url", None, serializers.CharField, nullable=True),
        *(
            Field(name, f"{name}__username", serializers.CharField, nullable=True, internal=True)
            for name in ("assignee", "decided_by", "published_by")
        ),
        Nested("notes", NOTE, many=True, internal=True),
        Nested("similar_claim", SIMILAR_CLAIM, nullable=True, internal=True),
        # pending, relevant, none (nothing above the relevance threshold), unavailable, failed
        Field("evidence_state", "claim__evidence_state", serializers.CharField, internal=True),
    ),
)
# Read by the builder but not keys of the JSON.
_EXTRA_COLUMNS = ("id", "status__is_published")


# --- The builder -------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    """What DRF's DateTimeField writes (ISO 8601 in the current time zone, UTC as Z), without
    its per-call overhead."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _columns(shape: Shape, *, internal: bool) -> tuple[str, ...]:
    """The `values()` columns of `shape`'s own row (not those of many-nested objects)."""
    out: list[str] = []
    for f in shape.fields:
        if f.internal and not internal:
            continue
        if isinstance(f, Nested):
            if not f.many:
                out += _columns(f.shape, internal=internal)
        elif f.source is not None:
            out.append(f.source)
    return tuple(out)


def _reader(shape: Shape, *, internal: bool) -> Callable[[Row], Row]:
    """A function from a `values()` row to `shape`'s JSON object; keys whose value comes from
    elsewhere (source None, many-nested) are None, in their place, for the caller to fill."""
    getters: list[tuple[str, Callable[[Row], Any] | None]] = []
    for f in shape.fields:
        if f.internal and not internal:
            continue
        getters.append((f.name, _getter(f, internal=internal)))
    plain = [(name, get) for name, get in getters if get is not None]
    if len(plain) == len(getters):
        return lambda row: {name: get(row) for name, get in plain}
    return lambda row: {name: get(row) if get else None for name, get in getters}


def _getter(f: Field | Nested, *, internal: bool) -> Callable[[Row], Any] | None:
    if isinstance(f, Nested):
        if f.many:
            return None
        read = _reader(f.shape, internal=internal)
        if not f.nullable:
            return read
        key = _columns(f.shape, internal=internal)[0]
        return lambda row: None if row[key] is None else read(row)
    if f.source is None:
        return None
    if f.type is serializers.DateTimeField:
        source = f.source
        return lambda row: _when(row[source])
    return itemgetter(f.source)


_COLUMNS = {
    internal: _columns(CLAIM, internal=internal) + _EXTRA_COLUMNS for internal in (False, True)
}
_READ_CLAIM = {internal: _reader(CLAIM, internal=internal) for internal in (False, True)}
_READ_CITATION = _reader(CITATION, internal=False)
_CITATION_COLUMNS = ("claim_id", *_columns(CITATION, internal=False))
_READ_NOTE = _reader(NOTE, internal=True)
_NOTE_COLUMNS = ("claim_id", *_columns(NOTE, internal=True))


def claim_rows(items: QuerySet[ReviewItem], *, internal: bool) -> QuerySet[Any]:
    """`values()` of what the representation needs (paginate this)."""
    rows: QuerySet[Any] = (
        items.select_related(None).prefetch_related(None).values(*_COLUMNS[internal])
    )
    return rows


def claims_json(rows: Sequence[Row], *, internal: bool, base: str | None = None) -> list[Row]:
    """The API representation of `rows`, with citations, tags (and notes) in one query each.
    `base`: public_base_url(request), computed once for the whole page."""
    if base is None:
        base = public_base_url()
    item_ids = [row["id"] for row in rows]
    claim_ids = [row["claim_id"] for row in rows]
    citations: dict[int, list[Row]] = defaultdict(list)
    for c in (
        Citation.objects.filter(claim_id__in=claim_ids)
        .order_by("added_at", "id")
        .values(*_CITATION_COLUMNS)
    ):
        citations[c["claim_id"]].append(_READ_CITATION(c))
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, slug in ReviewItem.tags.through.objects.filter(
        reviewitem_id__in=item_ids
    ).values_list("reviewitem_id", "tag__slug"):
        tags[item_id].append(slug)
    notes: dict[int, list[Row]] = defaultdict(list)
    if internal:
        for n in (
            Note.objects.filter(claim_id__in=claim_ids)
            .order_by("created_at", "id")
            .values(*_NOTE_COLUMNS)
        ):
            notes[n["claim_id"]].append(_READ_NOTE(n))
    read = _READ_CLAIM[internal]
    out = []
    for row in rows:
        claim_id = row["claim_id"]
        data = read(row)
        data["tags"] = tags[row["id"]]
        data["citations"] = citations[claim_id]
        data["fact_check_url"] = (
            fact_check_url_for(claim_id, row["claim__text"], base=base)
            if row["status__is_published"]
            else None
        )
        if internal:
            data["notes"] = notes[claim_id]
        out.append(data)
    return out


# --- The schema ----------------------------------------------------------------------------


@cache
def _serializer(shape: Shape) -> type[serializers.Serializer[Any]]:
    """A serializer with `shape`'s fields, named `<component>Serializer` (drf-spectacular
    names the component after it). Internal fields are optional: only read_all has them."""
    attrs: dict[str, Any] = {}
    for f in shape.fields:
        extra: dict[str, Any] = {}
        if f.internal:
            extra = {"required": False, "help_text": "Only with the claims:read_all scope."}
        elif isinstance(f, Field) and f.source is None:
            extra = {"read_only": True}  # computed: the schema has always said so
        if isinstance(f, Nested):
            field: serializers.Field[Any, Any, Any, Any] = _serializer(f.shape)(
                many=f.many, allow_null=f.nullable, **extra
            )
        elif f.many:
            field = serializers.ListField(child=f.type(), **extra)
        else:
            field = f.type(allow_null=f.nullable, **extra)
        attrs[f.name] = field
    return type(f"{shape.component}Serializer", (serializers.Serializer,), attrs)


VerdictOutputSerializer = _serializer(VERDICT)
CitationOutputSerializer = _serializer(CITATION)
ClaimOutputSerializer = _serializer(CLAIM)
ClaimPageSerializer: type[serializers.Serializer[Any]] = type(
    "ClaimPageSerializer",
    (serializers.Serializer,),
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": ClaimOutputSerializer(many=True),
    },
)
