"""Admin paths that must go through services: article submission and library documents."""

from claims.models import Article


def test_admin_adds_an_article_through_the_submit_service(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            "/admin/claims/article/add/",
            {"source_url": "", "html": "", "text": "Arctic sea ice fell 13 percent per decade."},
        )
    assert response.status_code == 302
    assert Article.objects.get().input_kind == Article.InputKind.TEXT
    assert len(callbacks) == 1  # the pipeline was started
