"""The Articles pages: submitting from the workspace, the list polling itself, an article's own
page (highlights, sentences, make-a-claim, retry) and the queue's article filter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article, ArticleSentence
from reviews.models import ReviewItem
from tests.claims.factories import ArticleFactory, ClaimFactory
from tests.factories import UserFactory
from tests.reviews.factories import ReviewItemFactory

ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
"The rate of rise has doubled since the 1990s," said Dr. Jane Smith, an oceanographer.
Is this the end of coastal cities? We should all worry.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def submit(logged_in, django_capture_on_commit_callbacks):
    """POST the submit form and run the pipeline it starts (tasks are eager, on commit)."""

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return logged_in.post("/articles/submit/", data)

    return post


def test_submitting_pasted_text_runs_the_pipeline_and_lists_the_article(submit, logged_in, user):
    response = submit({"text": ARTICLE})
    assert response.status_code == 302
    assert response["Location"] == "/articles/"
    article = Article.objects.get()
    assert article.submitted_by == user
    assert article.input_kind == Article.InputKind.TEXT
    assert article.state == Article.State.READY
    body = logged_in.get("/articles/").content.decode()
    assert f"Submitted as article #{article.pk}" in body
    assert f'<a href="/articles/{article.pk}/">Sea levels rising faster</a>' in body


def test_submitting_a_url_fetches_the_page(submit, local_server):
    page = (
        "<html><head><title>Reef report</title></head>"
        f"<body><article><p>{ARTICLE}</p></article></body></html>"
    )
    local_server.routes["/reef"] = (200, {"Content-Type": "text/html"}, page.encode())
    assert submit({"url": local_server.url("/reef")}).status_code == 302
    article = Article.objects.get()
    assert article.input_kind == Article.InputKind.URL
    assert article.state == Article.State.READY
    assert local_server.requests == ["/reef"]


def test_submitting_a_file_decodes_it_whatever_its_encoding(submit):
    text = ARTICLE.replace("Sea levels", "Les océans")
    upload = SimpleUploadedFile("story.txt", text.encode("cp1252"), content_type="text/plain")
    assert submit({"file": upload}).status_code == 302
    article = Article.objects.get()
    assert article.input_kind == Article.InputKind.TEXT
    assert article.raw_content.startswith("Les océans")


def test_an_html_file_is_submitted_as_html(submit):
    html = f"<p>{ARTICLE}</p>".encode()
    assert submit({"file": SimpleUploadedFile("story.html", html)}).status_code == 302
    assert Article.objects.get().input_kind == Article.InputKind.HTML


def test_a_duplicate_says_already_submitted_and_links_to_the_first(submit):
    submit({"text": ARTICLE})
    first = Article.objects.get()
    response = submit({"text": ARTICLE + "\n"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Already submitted" in body
    assert f'href="/articles/{first.pk}/"' in body
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give a URL, paste the text or choose a file."),
        ({"text": "   \n "}, "The text is empty."),
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"url": "ftp://example.org/story"}, "Only absolute http(s) URLs can be submitted"),
        # These three were 500s: an IPv6 literal lost its brackets, a port out of range.
        ({"url": "http://[::1]:8080/x"}, "::1 is a private or reserved address"),
        ({"url": "http://[2001:db8::1]/news"}, "2001:db8::1 is a private or reserved address"),
        ({"url": "http://example.org:99999/x"}, "has an invalid port."),
        ({"url": "https://example.org/a", "text": "Some text."}, "not several"),
        ({"text": "x" * 200}, "The text is 200 bytes; the limit is 100 bytes."),
    ],
)
def test_errors_are_clear_and_nothing_is_submitted(submit, settings, data, message):
    settings.CLAIMDESK_MAX_ARTICLE_BYTES = 100
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = submit(data)
    assert response.status_code in (400, 413)
    assert message in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("big.txt", b"y" * 200), "The file is 200 bytes; the limit is 100"),
        (SimpleUploadedFile("story.pdf", b"%PDF-1.4"), "Upload a .txt or .html file."),
        (SimpleUploadedFile("bin.txt", b"ab\x00cd"), "looks binary"),
        (SimpleUploadedFile("empty.txt", b""), "The submitted file is empty."),
    ],
)
def test_file_errors_are_clear(submit, settings, upload, message):
    settings.CLAIMDESK_MAX_ARTICLE_BYTES = 100
    response = submit({"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_the_list_polls_while_an_article_is_working_and_stops_when_none_is(logged_in, workflow):
    working = ArticleFactory.create(state=Article.State.EXTRACTING)
    page = logged_in.get("/articles/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    partial = logged_in.get("/articles/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="articles-table"' in partial
    assert "<html" not in partial
    assert "extracting claims" in partial
    Article.objects.filter(pk=working.pk).update(state=Article.State.READY)
    partial = logged_in.get("/articles/", headers={"HX-Request": "true"}).content.decode()
    assert "ready for review" in partial
    assert "hx-trigger" not in partial


def _article_with_claims(n: int) -> Article:
    """A ready article of n sentences; the even ones are claims in the queue."""
    sentences = [f"In {2000 + i} the rate was {i} percent." for i in range(n)]
    article = ArticleFactory.create(text=" ".join(sentences), claims_total=(n + 1) // 2)
    start = 0
    for i, sentence in enumerate(sentences):
        end = start + len(sentence)
        claim = None
        if i % 2 == 0:
            claim = ClaimFactory.create(
                article=article,
                text=sentence,
                sentence=sentence,
                sentence_start=start,
                sentence_end=end,
            )
            ReviewItemFactory.create(claim=claim)
        ArticleSentence.objects.create(
            article=article,
            start=start,
            end=end,
            score=0.9 if claim else 0.2,
            check_worthy=claim is not None,
            reason="" if claim else "no checkable fact",
            claim=claim,
        )
        start = end + 1
    return article


def test_article_page_highlights_claims_and_lists_sentences(logged_in, workflow):
    article = _article_with_claims(3)
    items = list(
        ReviewItem.objects.filter(claim__article=article).order_by("claim__sentence_start")
    )
    body = logged_in.get(f"/articles/{article.pk}/").content.decode()
    for item in items:
        assert (
            f'<a class="claim-hl" href="/claims/{item.pk}/" title="Claim #{item.claim_id}">'
            f"<mark>{item.claim.sentence}</mark></a>"
        ) in body
    # The passed-over sentence, between the two claims, is plain text in the article...
    assert "</a> In 2001 the rate was 1 percent. <a" in body
    # ...and a row with its score and reason, and a button to make it a claim.
    assert "0.20" in body
    assert "no checkable fact" in body
    assert body.count(">Make this a claim</button>") == 1
    assert "ready for review" in body
    assert f'href="/?article={article.pk}"' in body


def test_article_page_highlights_a_premise_at_its_offsets(submit, logged_in):
    text = (
        "Trust in the council\r\n"
        "Given that the 2015 budget was never passed, how can we trust them?\r\n"
        "The council met 12 times in 2024, the clerk's office reported."
    )
    submit({"text": text})
    article = Article.objects.get()
    premise = article.claims.get(text="the 2015 budget was never passed")
    assert article.text[premise.sentence_start : premise.sentence_end] == premise.sentence
    item = ReviewItem.objects.get(claim=premise)
    body = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert (
        f'Given that <a class="claim-hl" href="/claims/{item.pk}/" title="Claim #{premise.pk}">'
        "<mark>the 2015 budget was never passed</mark></a>, how can we trust them?"
    ) in body


def test_article_text_is_escaped(logged_in, workflow):
    text = 'Intro <script>alert(1)</script>. "<b>Bold</b>" claim here. End.'
    article = ArticleFactory.create(text=text)
    start = text.index('"<b>')
    end = text.index(" End.")
    claim = ClaimFactory.create(article=article, sentence_start=start, sentence_end=end)
    item = ReviewItemFactory.create(claim=claim)
    body = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert f'href="/claims/{item.pk}/" title="Claim #{claim.pk}"><mark>&quot;&lt;b&gt;Bold' in body


def test_article_page_costs_the_same_queries_for_more_rows(logged_in, workflow):
    small = _article_with_claims(3)
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get(f"/articles/{small.pk}/").status_code == 200
    large = _article_with_claims(40)
    with CaptureQueriesContext(connection) as many:
        body = logged_in.get(f"/articles/{large.pk}/").content.decode()
    assert len(many) == len(few)
    assert body.count('class="claim-hl"') == 20


def test_articles_list_costs_the_same_queries_for_more_rows(logged_in, workflow):
    ArticleFactory.create_batch(2, state=Article.State.FETCHING)
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/articles/").status_code == 200
    ArticleFactory.create_batch(30, state=Article.State.FETCHING)
    with CaptureQueriesContext(connection) as many:
        body = logged_in.get("/articles/").content.decode()
    assert len(many) == len(few)
    assert body.count("data-article-row=") == 32


def test_make_this_a_claim_puts_the_sentence_in_the_queue(logged_in, workflow, user):
    article = _article_with_claims(3)
    passed_over = ArticleSentence.objects.get(article=article, claim__isnull=True)
    response = logged_in.post(f"/articles/{article.pk}/sentences/{passed_over.pk}/promote/")
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    passed_over.refresh_from_db()
    assert passed_over.claim is not None
    assert passed_over.claim.promoted_by == user
    item = ReviewItem.objects.get(claim=passed_over.claim)
    body = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert f"Claim #{passed_over.claim_id} is in the review queue." in body
    assert f'href="/claims/{item.pk}/"' in body
    assert ">Make this a claim</button>" not in body


def test_make_this_a_claim_of_another_articles_sentence_is_404(logged_in, workflow):
    article = _article_with_claims(3)
    other = ArticleFactory.create()
    sentence = ArticleSentence.objects.get(article=article, start=0)
    assert (
        logged_in.post(f"/articles/{other.pk}/sentences/{sentence.pk}/promote/").status_code == 404
    )


def test_retry_a_failed_article(logged_in, workflow):
    article = ArticleFactory.create(state=Article.State.FAILED, last_error="HTTP 503")
    page = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert "failed: HTTP 503" in page
    assert ">Retry</button>" in page
    response = logged_in.post(f"/articles/{article.pk}/retry/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == Article.State.QUEUED
    page = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert "Retrying" in page
    assert ">Retry</button>" not in page


def test_retry_of_an_article_that_has_not_failed_says_why(logged_in, workflow):
    article = ArticleFactory.create(state=Article.State.READY)
    logged_in.post(f"/articles/{article.pk}/retry/")
    page = logged_in.get(f"/articles/{article.pk}/").content.decode()
    assert "Only failed articles can be retried" in page
    assert logged_in.post("/articles/999999/retry/").status_code == 404


def test_unknown_article_is_404(logged_in, workflow):
    assert logged_in.get("/articles/999999/").status_code == 404


def test_article_pages_need_a_reviewing_role(client, workflow):
    article = ArticleFactory.create()
    client.force_login(UserFactory.create(username="apionly"))
    assert client.get(f"/articles/{article.pk}/").status_code == 403
    assert client.post("/articles/submit/", {"text": ARTICLE}).status_code == 403
    assert not Article.objects.exclude(pk=article.pk).exists()


def test_queue_filters_by_article_and_carries_it_to_bulk_and_saved_views(logged_in, workflow):
    mine = ReviewItemFactory.create()
    other = ReviewItemFactory.create()
    article_id = mine.claim.article_id
    body = logged_in.get(f"/?article={article_id}").content.decode()
    assert f'href="/claims/{mine.pk}/"' in body
    assert f'href="/claims/{other.pk}/"' not in body
    assert f'name="article" value="{article_id}"' in body
    partial = logged_in.get(
        f"/?article={article_id}&q=sea", headers={"HX-Request": "true"}
    ).content.decode()
    assert f'name="query" value="article={article_id}&amp;q=sea" form="bulk-form"' in partial
    response = logged_in.post(
        "/bulk/",
        {"action": "tag", "tag": "Oceans", "all_matching": "1", "query": f"article={article_id}"},
    )
    assert f"article #{article_id}" in response.content.decode()
    assert "1 claim" in response.content.decode()
