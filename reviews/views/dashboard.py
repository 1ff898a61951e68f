"""The dashboard: backlog, throughput, verdicts and queue precision at a glance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from reviews import selectors
from reviews.views.common import reviewer_required


def _bars(rows: list[tuple[str, int, str, str]]) -> list[dict[str, Any]]:
    """(label, count, colour class, link) rows as bars scaled to the largest count. The colour
    is a class from reviews/views/colours.py (empty: the accent colour)."""
    largest = max((n for _, n, _, _ in rows), default=0) or 1
    return [
        {
            "label": label,
            "count": n,
            "pct": round(100 * n / largest),
            "colour_class": colour_class,
            "url": url,
        }
        for label, n, colour_class, url in rows
    ]


@reviewer_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    stats = selectors.dashboard()
    queue_url = reverse("reviews:queue")
    charts = [
        (
            "Backlog by status",
            _bars(
                [
                    (s.name, n, f"status-{s.slug}", f"{queue_url}?status={s.slug}")
                    for s, n in stats.backlog
                ]
            ),
        ),
        (
            "Claims decided per day",
            _bars([(f"{day:%a %d %b}", n, "", "") for day, n in stats.reviewed_per_day]),
        ),
        (
            "Verdicts of published claims",
            _bars([(v.name, n, f"verdict-{v.slug}", "") for v, n in stats.verdicts]),
        ),
    ]
    period = "day" if request.GET.get("precision") == "day" else "week"
    # One bar chart per model version (version names are long: a heading, not a row label),
    # its rows the periods in order.
    precision: dict[str, list[dict[str, object]]] = {}
    for row in selectors.queue_precision(period=period):
        precision.setdefault(row.version or "(unrecorded)", []).append(
            {
                "period": row.period,
                "pct": round(100 * row.precision),
                "kept": row.kept,
                "decided": row.decided,
            }
        )
    return render(
        request,
        "reviews/dashboard.html",
        {
            "stats": stats,
            "charts": charts,
            "precision": list(precision.items()),
            "precision_period": period,
        },
    )
