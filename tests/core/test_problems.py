"""core/problems.py: every error an API view lets through becomes an RFC 9457 problem."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


class _FullCleanFails(APIView):
    """A view whose service lets a model's full_clean() error through."""

    permission_classes = [AllowAny]
    error = ValidationError("unused")

    def post(self, request: Request) -> Response:
        raise self.error


def _post(error: ValidationError) -> Response:
    view = _FullCleanFails.as_view(error=error)
    response: Response = view(APIRequestFactory().post("/api/v1/x", {}, format="json"))
    response.render()  # sets the Content-Type the client would see
    return response


def test_a_model_validation_error_is_a_400_naming_the_fields(db):
    """Django's ValidationError reached the client as a 500 from any service that forgot it."""
    response = _post(ValidationError({"url": ["Enter a valid URL."]}))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.data["code"] == "invalid"
    assert response.data["errors"] == {"url": ["Enter a valid URL."]}
    assert response.data["detail"] == "url: Enter a valid URL."


def test_a_model_validation_error_without_fields_is_a_400_too(db):
    response = _post(ValidationError("Claims cannot cite themselves."))
    assert response.status_code == 400
    assert response.data["detail"] == "Claims cannot cite themselves."
    assert response.data["errors"] == {"__all__": ["Claims cannot cite themselves."]}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/no-such-thing"),
        ("get", "/api/v1/claims/%C2%84"),  # no id: the URL pattern does not match
        ("post", "/api/v1/articles/%C2%84/retry"),
        ("delete", "/api/"),
    ],
)
def test_an_unknown_url_under_api_is_a_problem_404_whatever_debug_says(
    client, settings, debug, method, path
):
    """With DEBUG on, Django answered an unmatched /api/ URL with its HTML debug page."""
    settings.DEBUG = debug
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_elsewhere_is_the_styled_404(client, settings, db):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
