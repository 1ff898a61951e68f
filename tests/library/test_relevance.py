"""Evidence relevance: the shipped calibrated model, its gate, and judging's fault outcomes."""

from __future__ import annotations

import json

import pytest

from library.evidence import embedder, judge, relevance, stance
from library.evidence.base import EvidenceCandidate
from library.evidence.judge import NONE_RELEVANT, RELEVANT, UNAVAILABLE
from library.evidence.relevance import RelevanceModel, RelevanceUnavailableError

SEA_CLAIM = "Global sea level rose by about 20 centimetres between 1900 and 2018."
# The report: a claim about a nuclear plant and peace talks was shown climate passages.
NUCLEAR_CLAIM = (
    "Russian forces shelled the Zaporizhzhia nuclear power plant on the eve of the peace talks."
)
ON_TOPIC = "Between 1901 and 2018, the global mean sea level rose by 15–25 cm."
OFF_TOPIC = [
    "Moscow recorded its highest temperature ever, 38.2 °C, in July 2010.",
    "Arctic sea ice extent reached a record low in September 2012.",
    "Global mean surface temperature has risen about 1.1 °C since pre-industrial times.",
]


def passage(text: str, **fields: object) -> EvidenceCandidate:
    values: dict[str, object] = {
        "url": "https://example.org/a",
        "title": "",
        "publisher": "Example",
        "snippet": text,
        "score": 1.0,
    }
    values.update(fields)
    return EvidenceCandidate(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _fresh_models():
    """Each test loads the models as they are on disk now (some move them)."""
    _clear_model_caches()
    yield
    _clear_model_caches()


def _clear_model_caches() -> None:
    relevance.get_relevance_model.cache_clear()
    stance.get_stance_model.cache_clear()
    embedder.get_embedder.cache_clear()


def test_the_shipped_model_was_calibrated_by_grouped_cross_validation():
    card = json.loads(relevance.MODEL_PATH.read_text())
    cv = card["grouped_cv"]
    assert cv["chosen"] in cv["methods"]
    assert card["model"]["threshold"] == cv["gate"]["threshold"]
    assert card["pairs"]["claims"] > 700  # SciFact's train claims with judgements
    # Calibrated: each reliability bin's predictions are near what was observed.
    assert cv["methods"][cv["chosen"]]["ece"] < 0.05
    model = relevance.get_relevance_model()
    assert 0 < model.threshold < 1


def test_an_on_topic_passage_passes_the_gate_and_off_topic_ones_do_not():
    model = relevance.get_relevance_model()
    scores = relevance.score_relevance(SEA_CLAIM, None, [ON_TOPIC, *OFF_TOPIC])
    assert all(0 <= s <= 1 for s in scores)
    assert scores[0] >= model.threshold
    assert max(scores[1:]) < model.threshold
    assert scores[0] > max(scores[1:])


def test_the_reported_off_topic_case_says_nothing_is_relevant(db):
    judged = judge.judge(NUCLEAR_CLAIM, [passage(t) for t in OFF_TOPIC], claim_vector=None)
    assert judged.outcome == NONE_RELEVANT
    assert not any(c.relevant for c in judged.candidates)
    # No stance hint on low-relevance items.
    assert all((c.stance, c.stance_confidence) == ("", None) for c in judged.candidates)


def test_relevant_passages_get_a_stance_only_above_its_calibrated_threshold(db):
    judged = judge.judge(SEA_CLAIM, [passage(ON_TOPIC), passage(OFF_TOPIC[0])], claim_vector=None)
    assert judged.outcome == RELEVANT
    listed, low = judged.candidates
    assert listed.relevant
    assert not low.relevant
    assert listed.stance_confidence is not None
    thresholds = stance.get_stance_model().thresholds
    if listed.stance:
        label = {v: k for k, v in stance.STANCE_OF_LABEL.items()}[listed.stance]
        assert listed.stance_confidence >= (thresholds[label] or 0)
    assert (low.stance, low.stance_confidence) == ("", None)


def test_earlier_fact_checks_are_judged_for_relevance_but_get_no_stance(db):
    judged = judge.judge(
        SEA_CLAIM,
        [passage("Sea levels rose 20 cm since 1900, says the IPCC.", rating="Mostly true")],
        claim_vector=None,
    )
    (check,) = judged.candidates
    assert check.relevance is not None
    assert (check.stance, check.stance_confidence) == ("", None)


def test_stance_hints_follow_the_thresholds_in_the_card():
    model = stance.get_stance_model()
    pairs = [ON_TOPIC, *OFF_TOPIC]
    shown = model.predict(SEA_CLAIM, pairs)

    def with_thresholds(thresholds: dict[str, float | None]) -> stance.StanceModel:
        return stance.StanceModel(
            model.pipeline, thresholds, cross=model.cross, mix_weight=model.mix_weight
        )

    never = with_thresholds({}).predict(SEA_CLAIM, pairs)
    always = with_thresholds(dict.fromkeys(stance.LABELS, 0.0)).predict(SEA_CLAIM, pairs)
    assert [h.stance for h in never] == [""] * len(pairs)
    assert all(h.stance in {"supports", "refutes", "neither"} for h in always)
    assert [h.confidence for h in shown] == [h.confidence for h in always]


@pytest.mark.parametrize(
    "content",
    [None, "{not json", json.dumps({"model": {"features": ["cosine"], "coefficients": [1.0]}})],
    ids=["missing", "corrupt", "other features"],
)
def test_a_missing_or_unreadable_relevance_model_is_a_clear_error(tmp_path, content):
    path = tmp_path / "relevance.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(RelevanceUnavailableError, match="train_relevance"):
        RelevanceModel.load(path)


@pytest.mark.parametrize("which", ["relevance", "embedder"])
def test_a_missing_model_leaves_candidates_unscored_and_says_why(db, tmp_path, monkeypatch, which):
    module = relevance if which == "relevance" else embedder
    monkeypatch.setattr(module, "MODEL_PATH", tmp_path / "gone")
    judged = judge.judge(SEA_CLAIM, [passage(ON_TOPIC)], claim_vector=None)
    assert judged.outcome == UNAVAILABLE
    assert judged.problems[0].startswith(judge.MODEL_MISSING)
    (kept,) = judged.candidates
    assert (kept.relevance, kept.relevant, kept.stance) == (None, False, "")


def test_a_corrupt_stance_model_turns_hints_off_but_not_relevance(db, tmp_path, monkeypatch):
    broken = tmp_path / "stance.skops"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(stance, "MODEL_PATH", broken)
    judged = judge.judge(SEA_CLAIM, [passage(ON_TOPIC)], claim_vector=None)
    assert judged.outcome == RELEVANT
    assert judged.problems == [judge.STANCE_OFF]
    assert judged.candidates[0].stance == ""


@pytest.mark.parametrize(
    "claim",
    ["የባህር ከፍታ ከ1900 ጀምሮ በ20 ሴንቲ ሜትር ጨምሯል", "ᏌᏊ ᎢᏳᏩᎪᏗ ᎤᏓᏅᏘ ᎠᏂᏴᏫ"],
    ids=["Ethiopic", "Cherokee"],
)
def test_a_claim_in_a_script_no_model_covers_is_marked_not_guessed(db, claim):
    judged = judge.judge(claim, [passage(ON_TOPIC)], claim_vector=None)
    assert judged.outcome == UNAVAILABLE
    assert judged.problems == [judge.SCRIPT_NOT_COVERED]


@pytest.mark.parametrize(
    "claim",
    [
        "Le niveau mondial de la mer a augmenté de 20 centimètres entre 1900 et 2018.",
        "ارتفع مستوى سطح البحر العالمي بنحو 20 سنتيمترا بين عامي 1900 و2018.",
        "वैश्विक समुद्र स्तर 1900 और 2018 के बीच लगभग 20 सेंटीमीटर बढ़ा।",
    ],
    ids=["French", "Arabic", "Hindi"],
)
def test_scripts_the_vocabulary_covers_are_scored(db, claim):
    judged = judge.judge(claim, [passage(ON_TOPIC)], claim_vector=None)
    assert judged.outcome in {RELEVANT, NONE_RELEVANT}


def test_nothing_to_judge_is_no_relevant_source(db):
    judged = judge.judge(SEA_CLAIM, [], claim_vector=None)
    assert (judged.outcome, judged.candidates, judged.problems) == (NONE_RELEVANT, [], [])


def test_judging_outcomes_are_claim_evidence_states():
    from claims.models import Claim

    assert {RELEVANT, NONE_RELEVANT, UNAVAILABLE} <= set(Claim.EvidenceState.values)


def test_a_newsroom_threshold_overrides_the_calibrated_one(db, settings):
    candidates = [passage(ON_TOPIC)]
    assert judge.judge(SEA_CLAIM, candidates, claim_vector=None).outcome == RELEVANT
    settings.CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD = 0.99
    judged = judge.judge(SEA_CLAIM, candidates, claim_vector=None)
    assert judged.outcome == NONE_RELEVANT
    assert judged.candidates[0].relevance is not None
