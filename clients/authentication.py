"""`Authorization: Api-Key cdk_…` (or `Bearer cdk_…`) for DRF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from clients.models import ApiKey
from clients.services import api_key_check

_SCHEMES = ("api-key", "bearer")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() not in _SCHEMES or not credentials.strip():
            return None  # not ours: let session auth try
        key = api_key_check(credentials.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        if key.owner is not None and not key.owner.is_active:
            raise exceptions.AuthenticationFailed("This key's user is deactivated.")
        return (key.owner or AnonymousUser()), key

    def authenticate_header(self, request: Request) -> str:
        return 'Api-Key realm="api"'
