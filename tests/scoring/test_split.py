"""Sentence splitting on news-like passages (all passages are in our own words)."""

from __future__ import annotations

import itertools

from scoring import split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    return [text[s:e] for s, e in spans]


def test_abbreviations_do_not_end_sentences() -> None:
    # own words, after a real pattern
    text = (
        "Gen. Harlan Voss told U.S. reporters on Jan. 4 that Bulletin No. 2207 was "
        "accurate. The Pentagon did not comment."
    )
    assert sentences(text) == [
        "Gen. Harlan Voss told U.S. reporters on Jan. 4 that Bulletin No. 2207 was accurate.",
        "The Pentagon did not comment.",
    ]


def test_quote_spanning_clauses_stays_whole() -> None:
    # own words, after a real pattern
    text = (
        '"If their ships enter our waters, we will sink them, and nobody will save them," '
        "the commander said. Talks are set for May."
    )
    out = sentences(text)
    assert len(out) == 2
    assert out[0].endswith("the commander said.")


def test_hyphenated_group_names_and_headings() -> None:
    # own words, after a real pattern
    text = (
        "Al-Nujaba Warns Of Wider War\n\n"
        "Kataib Al-Imam Ali said it was ready. Harakat Al-Nujaba agreed.\n"
        "- Fighters will move south if ordered\n"
        "- Supplies are stored near the border"
    )
    assert sentences(text) == [
        "Al-Nujaba Warns Of Wider War",
        "Kataib Al-Imam Ali said it was ready.",
        "Harakat Al-Nujaba agreed.",
        "Fighters will move south if ordered",
        "Supplies are stored near the border",
    ]


def test_wrapped_line_is_not_a_boundary() -> None:
    # own words
    text = "The council said it would\nmeet again on Monday. Nobody objected."
    assert sentences(text) == [
        "The council said it would\nmeet again on Monday.",
        "Nobody objected.",
    ]


def test_offsets_point_into_the_input() -> None:
    text = "  First one here.   Second one there!  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one here.", "Second one there!"]


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_odd_whitespace_keeps_exact_offsets() -> None:
    # own words
    text = "The  army\tsaid it would   strike.  Then\u00a0nothing happened.\r\nThe end came."
    assert sentences(text) == [
        "The  army\tsaid it would   strike.",
        "Then\u00a0nothing happened.",
        "The end came.",
    ]
