"""The articles pages: the list with each article's progress and a form to submit one, and an
article's own page (its text with the claims highlighted, every sentence considered)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims import selectors as claim_selectors
from claims.models import Article
from claims.services.articles import article_retry, article_submit
from claims.services.sentences import sentence_promote
from claims.steps import WORKING_STATES
from core.errors import ApplicationError
from reviews import roles, selectors
from reviews.forms import ArticleSubmitForm
from reviews.highlight import Span, highlight_segments
from reviews.views.common import QUEUE_PAGE_SIZE, _user, reviewer_required


def _articles_page(
    request: HttpRequest,
    *,
    form: ArticleSubmitForm | None = None,
    duplicate: Article | None = None,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(claim_selectors.articles_with_progress(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(article, claim_selectors.article_progress(article=article)) for article in page]
    context = {
        "page": page,
        "rows": rows,
        # The table polls itself while one of its articles is still in the pipeline; the
        # partial it fetches drops the trigger once none is, so polling stops by itself.
        "working": any(article.state in WORKING_STATES for article, _ in rows),
        "form": form or ArticleSubmitForm(),
        "duplicate": duplicate,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reviews/_articles_table.html", context)
    return render(request, "reviews/articles.html", context, status=status)


@reviewer_required
@require_GET
def articles(request: HttpRequest) -> HttpResponse:
    return _articles_page(request)


@reviewer_required
@require_POST
def article_submit_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ArticleSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            roles.require(user, roles.REVIEW, to="submit articles")
            article, created = article_submit(**form.submission(), submitted_by=user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return _articles_page(request, form=form, status=exc.status)
        if not created:
            return _articles_page(request, duplicate=article)
        messages.success(request, f"Submitted as article #{article.pk}; its progress shows below.")
        return redirect("reviews:articles")
    return _articles_page(request, form=form, status=400)


@reviewer_required
@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = claim_selectors.article_with_progress(article_id=article_id)
    if article is None:
        raise Http404("No such article.")
    item_ids = selectors.review_item_ids_for_article(article_id=article.pk)
    claims = claim_selectors.article_claim_spans(article_id=article.pk)

    def claim_href(claim_id: int) -> str:
        return reverse("reviews:claim", args=[item_ids[claim_id]]) if claim_id in item_ids else ""

    spans = [
        Span(c.sentence_start, c.sentence_end, href=claim_href(c.pk), label=f"Claim #{c.pk}")
        for c in claims
    ]
    sentences = [
        (s, article.text[s.start : s.end], item_ids.get(s.claim_id or 0))  # ids start at 1
        for s in claim_selectors.article_sentences(article_id=article.pk)
    ]
    user = _user(request)
    context = {
        "article": article,
        "progress": claim_selectors.article_progress(article=article),
        "segments": highlight_segments(article.text, spans),
        "sentences": sentences,
        "claims_count": len(claims),
        "can_promote": article.state == Article.State.READY and roles.has(user, roles.REVIEW),
        "can_retry": article.state == Article.State.FAILED and roles.has(user, roles.REVIEW),
    }
    return render(request, "reviews/article_detail.html", context)


@reviewer_required
@require_POST
def article_retry_view(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        roles.require(_user(request), roles.REVIEW, to="retry articles")
        article_retry(article_id=article_id)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Retrying: the article is back in the pipeline.")
    return redirect("reviews:article", article_id=article_id)


@reviewer_required
@require_POST
def sentence_promote_view(request: HttpRequest, article_id: int, sentence_id: int) -> HttpResponse:
    """ "Make this a claim": a sentence the model passed over goes to the review queue."""
    if claim_selectors.article_sentence_get(article_id=article_id, sentence_id=sentence_id) is None:
        raise Http404("No such sentence in this article.")
    user = _user(request)
    try:
        roles.require(user, roles.REVIEW, to="make a claim of a sentence")
        claim = sentence_promote(sentence_id=sentence_id, user=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Claim #{claim.pk} is in the review queue.")
    return redirect("reviews:article", article_id=article_id)
