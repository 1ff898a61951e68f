"""Stance hints: the shipped model (training and evaluation commands: tests/lab)."""

from library.evidence.stance import get_stance_model


def test_hints_are_one_of_three_stances_with_a_confidence():
    hints = get_stance_model().predict(
        "Global warming is causing sea levels to rise.",
        [
            "Sea level rise is caused primarily by global warming through thermal expansion.",
            "Penguins are flightless birds of the Southern Hemisphere.",
        ],
    )
    assert len(hints) == 2
    for hint in hints:
        assert hint.stance in {"supports", "refutes", "neither"}
        assert 1 / 3 <= hint.confidence <= 1
    assert get_stance_model().predict("anything", []) == []
