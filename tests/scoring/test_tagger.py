"""The span tagger on its own: boundary decoding, hashed features, offsets.

Trained here on a few sentences written in our own words (never evaluation data), so the
tests check the mechanics, not the shipped figures.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from scoring import load_scorer
from scoring.tagger import SpanTagger, expected_f1_run, span_of, token_features, tokenize

# own words: (sentence, conditional, gold spans)
_TRAIN: list[tuple[str, bool, dict[str, str | None]]] = [
    (
        "If the convoy crosses the bridge, our units will shell the depot for a week, the "
        "colonel said.",
        True,
        {
            "actor": "the colonel",
            "target": "the depot",
            "condition": "If the convoy crosses the bridge",
            "action": "shell the depot",
        },
    ),
    (
        "Unless the envoy leaves, the ministry will cut trade ties after the summit, the "
        "spokesman said.",
        True,
        {
            "actor": "the spokesman",
            "target": "the envoy",
            "condition": "Unless the envoy leaves",
            "action": "cut trade ties",
        },
    ),
    (
        "The rebels vowed to attack the garrison over the arrests of their leaders.",
        False,
        {"actor": "The rebels", "target": "the garrison", "condition": None, "action": "attack"},
    ),
    (
        "If the strikes go on, we will target the harbour during the night, the general warned.",
        True,
        {
            "actor": "the general",
            "target": "the harbour",
            "condition": "If the strikes go on",
            "action": "target the harbour",
        },
    ),
    (
        "The militia threatened to burn the warehouse because of the raids.",
        False,
        {
            "actor": "The militia",
            "target": "the warehouse",
            "condition": None,
            "action": "burn the warehouse",
        },
    ),
]


@pytest.fixture(scope="module")
def tagger() -> SpanTagger:
    texts = [t for t, _, _ in _TRAIN * 4]
    return SpanTagger(c=10.0).fit(
        texts, [c for _, c, _ in _TRAIN * 4], [g for _, _, g in _TRAIN * 4]
    )


def test_spans_are_offsets_into_the_sentence(tagger: SpanTagger) -> None:
    # own words
    text = "If the convoy returns, our units will shell the bridge for a month, the major said."
    (spans,) = tagger.predict([text], [True])
    found = [s for s in spans.values() if s is not None]
    assert found
    for span in found:
        assert text[span.start : span.end] == span.text


def test_condition_and_action_boundaries(tagger: SpanTagger) -> None:
    # own words
    text = "If the convoy crosses the bridge, our units will shell the depot for a week."
    (spans,) = tagger.predict([text], [True])
    assert spans["condition"] is not None
    assert spans["condition"].text == "If the convoy crosses the bridge"
    assert spans["action"] is not None
    assert spans["action"].text.startswith("shell")
    assert "week" not in spans["action"].text  # the adjunct stays out


def test_no_condition_when_not_conditional(tagger: SpanTagger) -> None:
    # own words
    (spans,) = tagger.predict(["The rebels vowed to attack the garrison."], [False])
    assert spans["condition"] is None


def test_empty_batch_and_empty_sentence(tagger: SpanTagger) -> None:
    assert tagger.predict([], []) == []
    assert tagger.predict([""], [True]) == [
        dict.fromkeys(("actor", "target", "condition", "action"))
    ]


def test_features_mark_distance_and_adjuncts() -> None:
    # own words
    text = "We will strike the port after the vote."
    rows = token_features(text, tokenize(text), conditional=False)
    words = [text[s:e].lower() for s, e in tokenize(text)]
    after = words.index("after")
    strike, adjunct, inside = rows[words.index("strike")], rows[after], rows[after + 1]
    assert "since=1" in strike
    assert "in_ADJ" not in adjunct and "in_ADJ" in inside


def test_one_sparse_product_scores_all_heads(tagger: SpanTagger) -> None:
    assert tagger.coef_.shape[1] == len(tagger.intercept_) == 8
    assert np.isfinite(tagger.intercept_).all()


def _brute_f1_run(
    p: list[float], bounds: list[tuple[float, float]] | None, w: float
) -> tuple[int, int]:
    """The run maximising expected token F1 (plus boundary log-probabilities), by loops."""
    best, best_score = (0, 0), -np.inf
    for s in range(len(p)):
        for e in range(s, len(p)):
            score = 2 * sum(p[s : e + 1]) / ((e - s + 1) + sum(p))
            if bounds is not None:
                score += w * (np.log(bounds[s][0]) + np.log(bounds[e][1]))
            if score > best_score:
                best, best_score = (s, e), score
    return best


def _cum(p: list[float]) -> npt.NDArray[np.float64]:
    return np.concatenate(([0.0], np.cumsum(p)))


@pytest.mark.parametrize("seed", range(20))
def test_expected_f1_decoding_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    p = (rng.random(n) ** 2).tolist()
    bounds = rng.uniform(0.01, 1.0, size=(n, 2))
    assert expected_f1_run(_cum(p)) == _brute_f1_run(p, None, 0.0)
    edge = (0.3 * np.log(bounds[:, 0]), 0.3 * np.log(bounds[:, 1]))
    assert expected_f1_run(_cum(p), edge) == _brute_f1_run(p, bounds.tolist(), 0.3)
    # a slice of batch-wide prefix sums gives the same run as the sentence's own
    assert expected_f1_run(_cum([0.7, 0.2, *p])[2:], edge) == expected_f1_run(_cum(p), edge)


def test_expected_f1_never_divides_by_zero() -> None:
    # sum(p) = 2: below the diagonal a length of -2 would cancel it
    with np.errstate(all="raise"):
        assert expected_f1_run(_cum([0.5, 0.5, 0.5, 0.5])) == (0, 3)


def test_expected_f1_prefers_the_confident_core_over_a_long_tail() -> None:
    # two sure tokens, then a tail of weak ones: taking the tail lowers expected F1
    p = [0.95, 0.9, 0.3, 0.3, 0.3, 0.3]
    assert expected_f1_run(_cum(p)) == (0, 1)
    # strong evidence that the span ends at token 2 pulls the end there
    end = np.log([0.01, 0.01, 0.99, 0.01, 0.01, 0.01]) * 0.5
    begin = np.log([0.9, 0.1, 0.1, 0.1, 0.1, 0.1]) * 0.5
    assert expected_f1_run(_cum(p), (begin, end)) == (0, 2)


def test_spans_in_a_batch_with_empty_sentences(tagger: SpanTagger) -> None:
    # own words
    texts = ["", "If the convoy crosses the bridge, our units will shell the depot.", ""]
    alone = tagger.predict(texts[1:2], [True])[0]
    assert tagger.predict(texts, [True, True, True]) == [
        dict.fromkeys(alone),
        alone,
        dict.fromkeys(alone),
    ]


def test_a_run_of_only_function_words_is_no_span() -> None:
    text = "Amid the talks, he warned Al-Nujaba of sanctions."  # own words
    toks = tokenize(text)
    words = [text[a:b] for a, b in toks]

    def at(word: str) -> int:
        return words.index(word)

    assert span_of(text, toks, at("Amid"), at("the")) is None
    assert span_of(text, toks, at("of"), at("of")) is None
    assert span_of(text, toks, at(","), at(",")) is None
    # pronouns and hyphenated names are content; a run that has some keeps its filler
    for first, last, want in (
        ("he", "he", "he"),
        ("Al-Nujaba", "Al-Nujaba", "Al-Nujaba"),
        ("Amid", "talks", "Amid the talks"),
        ("of", "sanctions", "of sanctions"),
    ):
        got = span_of(text, toks, at(first), at(last))
        assert got is not None and got.text == want
        assert text[got.start : got.end] == want


@pytest.mark.parametrize(
    "text",
    [  # own words; before the filler rule the shipped tagger's target was "of" and "the"
        "As the deadline nears, the council warned of sanctions.",
        "Over the weekend the group threatened to attack the convoy.",
    ],
)
def test_shipped_tagger_names_no_filler_span(text: str) -> None:
    spans = load_scorer().tagger.predict([text], [False])[0]
    assert spans["actor"] is not None  # the sentence still gets its real spans
    # every span has a word that is none of the sentences' articles and prepositions
    filler = {"as", "the", "of", "over", "to"}
    for field, span in spans.items():
        if span is not None:
            assert any(w.isalnum() and w.lower() not in filler for w in span.text.split()), field
