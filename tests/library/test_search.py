"""Full-text search over the library, on whichever database the suite runs on."""

import pytest

from library.evidence.search import lexical_search, refresh_lexical_stats
from library.models import SourcePassage
from library.services.sources import source_document_upsert

TEXTS = {
    "https://w.example/sea": "Between 1901 and 2018 the global mean sea level rose by 15 to 25 cm.",
    "https://w.example/ice": "Arctic sea ice extent has declined by about 13 percent per decade.",
    "https://w.example/co2": "Carbon dioxide concentrations passed 420 parts per million in 2023.",
}


@pytest.fixture
def library(db):
    for url, text in TEXTS.items():
        source_document_upsert(url=url, title=url.rsplit("/", 1)[-1], text=text)
    refresh_lexical_stats()


def _urls(hits):
    rows = SourcePassage.objects.select_related("document").in_bulk([pid for pid, _ in hits])
    return [rows[pid].document.url for pid, _ in hits]


def test_the_relevant_passage_ranks_first(library):
    assert _urls(lexical_search("How much has global sea level risen since 1900?", limit=3))[0] == (
        "https://w.example/sea"
    )
    assert _urls(lexical_search("CO2 reached 420 ppm: carbon dioxide record", limit=3))[0] == (
        "https://w.example/co2"
    )


def test_stemming_matches_word_forms(library):
    assert _urls(lexical_search("declines in arctic ice", limit=1)) == ["https://w.example/ice"]


def test_no_terms_or_no_match(library):
    assert lexical_search("", limit=5) == []
    assert lexical_search("the of and a", limit=5) == []
    assert lexical_search("zyxwv qwert", limit=5) == []
    assert lexical_search('"; DROP TABLE claims_sourcepassage; --', limit=5) == []


def test_reindexing_keeps_the_index_in_step(library):
    source_document_upsert(
        url="https://w.example/sea", title="sea", text="Penguins live in the Southern Hemisphere."
    )
    refresh_lexical_stats()
    assert "https://w.example/sea" not in _urls(lexical_search("global mean sea level", limit=5))
    assert _urls(lexical_search("penguins southern hemisphere", limit=1)) == [
        "https://w.example/sea"
    ]
