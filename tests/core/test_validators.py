"""core/validators.py: web addresses that are URIs, as the API's `format: uri` says."""

from __future__ import annotations

import jsonschema_rs
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.validators import WEB_URI, validate_web_uri

# The validator schemathesis checks the API's responses with.
URI_FORMAT = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ipcc.ch/report/ar6/wg1/",
        "HTTP://Example.org:8080/a;b/c?d=e&f=g%20h#top",
        "https://user:pw@example.org/",
        "http://[2001:db8::1]:8080/news",
        "http://127.0.0.1/x",
        "https://example.org/wiki/%C3%9Cber",
        "https://example.org/a/:@!$&'()*+,;=?q=/?#/?",
    ],
)
def test_web_uris_are_accepted(url):
    validate_web_uri(url)
    assert URI_FORMAT.is_valid(url)


@pytest.mark.parametrize(
    "url",
    [
        'http://localhost/a"onmouseover="x',  # the example: Django's URLValidator takes it
        "http://example.org/a b",
        "http://example.org/<script>",
        "https://example.org/wiki/Über",
        "http://example.org/%zz",
        "http://example.org/a|b",
        "http://example.org/#a#b",
        "http://[::1/",
        "http://[not:an:address]/",
        "http://example.org:99999/",
        "http://example.org:" + "9" * 5000 + "/",
        "ftp://example.org/x",
        "javascript:alert(1)",
        "http:///no-host",
        "//example.org/x",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(ValidationError) as info:
        validate_web_uri(url)
    assert info.value.code == "invalid_uri"


@given(st.from_regex(WEB_URI, fullmatch=True))
def test_whatever_the_validator_takes_is_a_uri_for_the_api_schema(url):
    try:
        validate_web_uri(url)
    except ValidationError:
        return  # a bad IPv6 literal or port: refused, fine
    assert URI_FORMAT.is_valid(url), url
