"""Stance hints: the shipped model (training and evaluation commands: tests/lab)."""

from library.evidence.stance import get_stance_model

CLAIM = "Global warming is causing sea levels to rise."
PASSAGES = [
    "Sea level rise is caused primarily by global warming through thermal expansion.",
    "Penguins are flightless birds of the Southern Hemisphere.",
]


def test_hints_are_a_stance_or_unclear_with_the_model_confidence():
    model = get_stance_model()
    hints = model.predict(CLAIM, PASSAGES)
    assert len(hints) == 2
    for hint, (label, confidence) in zip(hints, model.top_labels(CLAIM, PASSAGES), strict=True):
        assert label in {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"}
        assert 1 / 3 <= confidence <= 1
        assert hint.confidence == confidence
        assert hint.stance in {"supports", "refutes", "neither", ""}
    assert model.predict("anything", []) == []
