"""The demo `make run` loads: every article yields claims, and evidence comes from the library."""

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from claims.models import Article, Claim, Evidence
from library.models import SourceDocument
from reviews.models import ReviewItem


def test_load_demo_fills_the_queue_with_evidenced_claims(
    workflow, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert User.objects.filter(username="demo", is_superuser=True).exists()
    assert SourceDocument.objects.count() > 30
    articles = list(Article.objects.all())
    assert len(articles) == 5
    for article in articles:
        assert article.state == Article.State.READY, article.last_error
        assert article.title
        assert article.claims.count() >= 3
    assert ReviewItem.objects.count() == Claim.objects.count()
    with_evidence = Claim.objects.filter(evidence__isnull=False).distinct().count()
    assert with_evidence / Claim.objects.count() > 0.8
    assert Evidence.objects.filter(publisher="Wikipedia").exists()
    # Running it again (make run every day) adds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert Article.objects.count() == 5
