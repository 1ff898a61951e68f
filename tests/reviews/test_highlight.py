"""Cutting an article's text into highlighted pieces from claim offsets (reviews.highlight)."""

from reviews.highlight import Segment, Span, highlight_segments

TEXT = "One. Two two. Three."


def _shape(segments: list[Segment]) -> list[tuple[str, str | None]]:
    return [(s.text, s.span.href if s.span else None) for s in segments]


def test_pieces_join_back_to_the_text():
    spans = [Span(5, 13, "/claims/1/")]
    segments = highlight_segments(TEXT, spans)
    assert "".join(s.text for s in segments) == TEXT
    assert _shape(segments) == [("One. ", None), ("Two two.", "/claims/1/"), (" Three.", None)]


def test_spans_at_both_ends_leave_no_empty_pieces():
    segments = highlight_segments(TEXT, [Span(14, 20, "/b/"), Span(0, 4, "/a/")])
    assert _shape(segments) == [("One.", "/a/"), (" Two two. ", None), ("Three.", "/b/")]


def test_adjacent_spans_stay_two_highlights():
    segments = highlight_segments(TEXT, [Span(0, 5, "/a/"), Span(5, 13, "/b/")])
    assert _shape(segments) == [("One. ", "/a/"), ("Two two.", "/b/"), (" Three.", None)]


def test_an_overlapping_span_keeps_only_what_comes_after_the_earlier_one():
    segments = highlight_segments(TEXT, [Span(5, 13, "/b/"), Span(0, 9, "/a/")])
    assert _shape(segments) == [("One. Two ", "/a/"), ("two.", "/b/"), (" Three.", None)]
    assert "".join(s.text for s in segments) == TEXT


def test_a_span_inside_another_is_dropped():
    segments = highlight_segments(TEXT, [Span(0, 13, "/a/"), Span(5, 8, "/b/")])
    assert _shape(segments) == [("One. Two two.", "/a/"), (" Three.", None)]


def test_offsets_outside_the_text_are_clamped_or_dropped():
    segments = highlight_segments(TEXT, [Span(-3, 4, "/a/"), Span(14, 99, "/b/"), Span(50, 60)])
    assert _shape(segments) == [("One.", "/a/"), (" Two two. ", None), ("Three.", "/b/")]
    assert highlight_segments(TEXT, [Span(7, 7, "/empty/")]) == [Segment(TEXT)]


def test_no_text_and_no_spans():
    assert highlight_segments("", [Span(0, 5, "/a/")]) == []
    assert highlight_segments(TEXT, []) == [Segment(TEXT)]
