"""Validators shared by models and forms of every app."""

from __future__ import annotations

import ipaddress
import re

from django.core.exceptions import ValidationError

# RFC 3986, appendix A, for the "http" and "https" schemes (RFC 9110 §4.2: a host is required).
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT_ENCODED})"
WEB_URI = re.compile(
    rf"[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT_ENCODED})*@)?"  # userinfo
    rf"(?P<host>\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT_ENCODED})+)"
    rf"(?::(?P<port>[0-9]*))?"
    rf"(?:/{_PCHAR}*)*"  # path-abempty
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"  # query
    rf"(?:#(?:{_PCHAR}|[/?])*)?"  # fragment
)


def validate_web_uri(value: str) -> None:
    """An http(s) URL that is a URI as RFC 3986 spells it, as the API's `format: uri` promises.

    Django's URLValidator lets through what a browser would repair, such as quotes or spaces in
    the path (`http://localhost/a"onmouseover="x`): such a URL is no URI, and it is one quote
    away from breaking out of an HTML attribute.
    """
    match = WEB_URI.fullmatch(value)
    valid = match is not None
    if match and match["ipv6"]:
        try:
            ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            valid = False
    port = match["port"] if match else ""
    if port and (len(port) > 5 or int(port) > 65535):
        valid = False
    if not valid:
        raise ValidationError(
            "Enter a web address (http:// or https://) with only the characters a URL may "
            "hold: spaces, quotes, <, > and non-ASCII letters must be percent-encoded.",
            code="invalid_uri",
        )
