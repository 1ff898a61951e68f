"""Evidence providers by short name: CLAIMDESK_EVIDENCE_PROVIDERS lists names from PROVIDERS.

The setting can come from the environment, so it only ever selects among the classes below;
it is never turned into an import path. A new provider is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.core.exceptions import ImproperlyConfigured

from library.conf import conf
from library.evidence.base import EvidenceProvider
from library.evidence.library import FactCheckProvider, LibraryProvider
from library.evidence.providers.google_factcheck import GoogleFactCheckProvider
from library.evidence.providers.mediawiki import MediaWikiProvider
from library.evidence.resilience import ResilientProvider

PROVIDERS: dict[str, Callable[[], EvidenceProvider]] = {
    "library": LibraryProvider,
    "factchecks": FactCheckProvider,
    "google_factcheck": GoogleFactCheckProvider,
    "mediawiki": MediaWikiProvider,
}

# How the claim page names a provider ("consulted: library, fact-checks, Wikipedia").
LABELS = {
    "library": "library",
    "factchecks": "fact-checks",
    "google_factcheck": "Google Fact Check Tools",
    "mediawiki": "Wikipedia",
}


def provider_label(name: str) -> str:
    return LABELS.get(name, name)


def build_provider(name: str) -> EvidenceProvider:
    """The provider called `name`; external ones (`external = True`) go behind retries, a rate
    limit and a circuit breaker."""
    factory = PROVIDERS.get(name)
    if factory is None:
        raise ImproperlyConfigured(
            f"CLAIMDESK_EVIDENCE_PROVIDERS names an unknown provider {name!r}; "
            f"known providers: {', '.join(PROVIDERS)}."
        )
    provider = factory()
    return ResilientProvider(provider) if getattr(provider, "external", False) else provider


@cache
def get_providers() -> tuple[EvidenceProvider, ...]:
    """The providers named in CLAIMDESK_EVIDENCE_PROVIDERS, in order, built once per process."""
    return tuple(build_provider(name) for name in conf().evidence_providers)
