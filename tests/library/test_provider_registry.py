"""Evidence providers are chosen by short name from a registry, never by import path."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from library.evidence.library import FactCheckProvider, LibraryProvider
from library.evidence.registry import build_provider, get_providers
from library.evidence.resilience import ResilientProvider


def test_default_providers_are_the_local_ones():
    get_providers.cache_clear()
    try:
        providers = get_providers()
    finally:
        get_providers.cache_clear()
    assert [type(p) for p in providers] == [LibraryProvider, FactCheckProvider]


def test_external_providers_go_behind_the_resilient_wrapper():
    assert isinstance(build_provider("mediawiki"), ResilientProvider)


def test_an_unknown_name_is_a_clear_error(settings):
    settings.CLAIMDESK_EVIDENCE_PROVIDERS = ["library", "library.evidence.library.LibraryProvider"]
    get_providers.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="CLAIMDESK_EVIDENCE_PROVIDERS") as error:
            get_providers()
    finally:
        get_providers.cache_clear()
    assert "factchecks" in str(error.value)
