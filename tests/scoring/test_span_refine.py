"""The span tagger's second pass: window features and how it is fitted and used."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.span_refine import FloatArray, IntArray, WindowRefiner, window_features
from scoring.tagger import REFINED, SpanTagger


def test_window_features_stay_inside_their_sentence() -> None:
    # two sentences: tokens 0-2 and 3-4; two heads, the focus is head 1
    logits = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, -1.0], [4.0, 5.0]])
    sentence = np.array([0, 0, 0, 1, 1])
    x = window_features(logits, sentence, width=1, focus=1)
    assert x.shape == (5, 3 * 2 + 3)
    before, here, after, extra = x[:, 0:2], x[:, 2:4], x[:, 4:6], x[:, 6:]
    np.testing.assert_array_equal(here, logits)
    # no neighbour across the sentence boundary (between tokens 2 and 3) or the ends
    np.testing.assert_array_equal(before[[0, 3], :], np.full((2, 2), -10.0))
    np.testing.assert_array_equal(after[[2, 4], :], np.full((2, 2), -10.0))
    np.testing.assert_array_equal(before[4], logits[3])
    np.testing.assert_array_equal(after[0], logits[1])
    # position / length, length, focus minus the sentence's best focus
    np.testing.assert_allclose(extra[:, 0], [0, 1 / 3, 2 / 3, 0, 1 / 2])
    np.testing.assert_array_equal(extra[:, 1], [3, 3, 3, 2, 2])
    np.testing.assert_array_equal(extra[:, 2], [-2.0, 0.0, -1.0, -6.0, 0.0])
    # column-major, the layout the trees predict fastest from
    assert x.flags.f_contiguous


def test_window_features_give_each_focus_its_own_column() -> None:
    logits = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, -1.0], [4.0, 5.0]])
    sentence = np.array([0, 0, 0, 1, 1])
    one = window_features(logits, sentence, width=1, focus=1)
    np.testing.assert_array_equal(window_features(logits, sentence, 1, (1,)), one)
    both = window_features(logits, sentence, width=1, focus=(1, 0))
    assert both.shape == (5, 3 * 2 + 4)
    np.testing.assert_array_equal(both[:, :-1], one)
    np.testing.assert_array_equal(both[:, -1], [-2.0, -1.0, 0.0, -1.0, 0.0])


def test_window_features_of_no_tokens() -> None:
    x = window_features(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), width=2, focus=0)
    assert x.shape == (0, 5 * 2 + 3)


def test_refiner_learns_from_neighbours() -> None:
    # The label of a token is its right neighbour's sign: no per-token model sees it.
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2000, 1))
    sentence = np.repeat(np.arange(200), 10)
    nxt = np.append(logits[1:, 0], -1.0)
    y = ((nxt > 0) & (np.roll(sentence, -1) == sentence)).astype(np.int64)
    refiner = WindowRefiner(focus=0, width=1, iterations=50).fit(logits, sentence, [y])
    p = refiner.predict_proba(logits, sentence)
    assert p.shape == (2000, 1)
    assert ((p[:, 0] > 0.5) == y).mean() > 0.95


def test_each_head_can_have_its_own_tree_settings() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(400, 2))
    sentence = np.repeat(np.arange(40), 10)
    labels = [(logits[:, 0] > 0).astype(np.int64), (logits[:, 1] > 0).astype(np.int64)]
    refiner = WindowRefiner(focus=(0, 1), width=1, iterations=(20, 10), leaves=(7, 3))
    refiner.fit(logits, sentence, labels)
    assert [(m.max_iter, m.max_leaf_nodes) for m in refiner.models_] == [(20, 7), (10, 3)]
    assert [m.n_iter_ for m in refiner.models_] == [20, 10]
    shared = WindowRefiner(focus=(0, 1), width=1, iterations=5).fit(logits, sentence, labels)
    assert [m.max_iter for m in shared.models_] == [5, 5]
    with pytest.raises(ValueError, match="2 settings for 1 refined heads"):
        WindowRefiner(iterations=(20, 10)).fit(logits, sentence, labels[:1])


def test_a_head_added_later_leaves_the_earlier_heads_trees_alone() -> None:
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(600, 3))
    sentence = np.repeat(np.arange(60), 10)
    first = (np.roll(logits[:, 0], 1) > 0.3).astype(np.int64)
    second = (logits[:, 1] + logits[:, 2] > 0).astype(np.int64)
    alone = WindowRefiner(focus=(0,), width=1, iterations=20).fit(logits, sentence, [first])
    both = WindowRefiner(focus=(0, 2), width=1, iterations=20)
    both.fit(logits, sentence, [first, second])
    # the window (3 x 3 heads), position, length, then one focus column per head
    assert [m.n_features_in_ for m in both.models_] == [9 + 2 + 1, 9 + 2 + 2]
    p_alone, p_both = alone.predict_proba(logits, sentence), both.predict_proba(logits, sentence)
    np.testing.assert_array_equal(p_both[:, 0], p_alone[:, 0])
    assert p_both.shape == (600, 2) and ((p_both[:, 1] > 0.5) == second).mean() > 0.9


# own words: threat sentences with their actor, target, condition and action
_SENTENCES = [
    (
        "If the siege goes on, the brigade will shell the depot, its commander said.",
        ("the brigade", "the depot", "If the siege goes on", "shell the depot"),
    ),
    (
        "The cartel vowed to burn the trucks unless the tolls are paid.",
        ("The cartel", "the trucks", "unless the tolls are paid", "burn the trucks"),
    ),
    (
        "Should the talks fail, the navy will block the strait, the admiral warned.",
        ("the navy", "the strait", "Should the talks fail", "block the strait"),
    ),
    (
        "Unless the envoy leaves, the ministry will cut trade ties.",
        ("the ministry", "trade ties", "Unless the envoy leaves", "cut trade ties"),
    ),
    (
        "If the bridge is rebuilt, we will destroy it again, the militia said.",
        ("we", "it", "If the bridge is rebuilt", "destroy it again"),
    ),
]
_FIELDS = ("actor", "target", "condition", "action")


def _fit(refine: bool, docs: int, refined: tuple[str, ...] = ("action",)) -> SpanTagger:
    texts = [t for t, _ in _SENTENCES] * 3
    once: list[dict[str, str | None]] = [
        dict(zip(_FIELDS, spans, strict=True)) for _, spans in _SENTENCES
    ]
    gold = once * 3
    groups = [f"doc-{i % docs}" for i in range(len(texts))]  # a sentence's copies share a doc
    tagger = SpanTagger(c=10.0, refine=refine, refined=refined, refine_iterations=50)
    return tagger.fit(texts, [True] * len(texts), gold, groups)


class _Nothing(WindowRefiner):
    """A second pass that finds nothing anywhere in the heads it refines."""

    def __init__(self, heads: int = 1) -> None:
        self.heads = heads

    def predict_proba(self, logits: FloatArray, sentence: IntArray) -> FloatArray:
        return np.zeros((len(logits), self.heads))


def test_refined_heads_replace_the_first_pass() -> None:
    refined, plain = _fit(True, 5), _fit(False, 5)
    assert plain.refiner_ is None and refined.refiner_ is not None
    assert len(refined.refiner_.models_) == 1
    # the first pass is the same; the action spans still come out of the sentence
    np.testing.assert_array_equal(refined.coef_.toarray(), plain.coef_.toarray())
    text = "If the port stays closed, the army will storm the harbour, the general said."
    span = refined.predict([text], [True])[0]["action"]
    assert span is not None and text[span.start : span.end] == span.text
    # the action is decoded from the second pass's probabilities, not the first's
    refined.refiner_ = _Nothing()
    spans = refined.predict([text], [True])[0]
    assert spans["action"] is None and spans["condition"] is not None
    assert plain.predict([text], [True])[0]["action"] is not None


def test_no_second_pass_without_two_documents_to_fold() -> None:
    tagger = _fit(True, 1)
    assert tagger.refiner_ is None
    assert tagger.predict([_SENTENCES[0][0]], [True])[0]["action"] is not None


def test_a_tagger_pickled_before_the_second_pass_still_predicts() -> None:
    tagger = _fit(False, 5)
    del tagger.refiner_  # as unpickled from an artefact made before the attribute existed
    spans = tagger.predict([_SENTENCES[0][0]], [True])[0]
    assert spans["action"] is not None and spans["condition"] is not None


def test_each_refined_head_gets_its_own_trees() -> None:
    assert SpanTagger().refined == REFINED == ("action", "target")
    both = _fit(True, 5, REFINED)
    assert both.refiner_ is not None and len(both.refiner_.models_) == 2
    assert both.refiner_.focus == (3, 1)  # the action's and the target's inside heads
    text = "If the port stays closed, the army will storm the harbour, the general said."
    spans = both.predict([text], [True])[0]
    assert spans["action"] is not None and spans["target"] is not None
    # both come from the second pass: with it finding nothing, neither is decoded
    both.refiner_ = _Nothing(2)
    spans = both.predict([text], [True])[0]
    assert spans["action"] is None and spans["target"] is None
    assert spans["actor"] is not None and spans["condition"] is not None


def test_each_head_has_its_own_default_trees() -> None:
    once: list[dict[str, str | None]] = [
        dict(zip(_FIELDS, spans, strict=True)) for _, spans in _SENTENCES
    ]
    texts = [t for t, _ in _SENTENCES] * 3
    groups = [f"doc-{i % 5}" for i in range(len(texts))]
    tagger = SpanTagger(refined=("target", "condition", "action"), refine_width=2)
    tagger.fit(texts, [True] * len(texts), once * 3, groups)
    assert tagger.refiner_ is not None and tagger.refiner_.width == 2
    # a +-2-token window of the 8 heads, position, length, then the three focus columns
    assert [m.n_features_in_ for m in tagger.refiner_.models_] == [5 * 8 + 2 + k for k in (1, 2, 3)]
    trees = [(m.max_iter, m.max_leaf_nodes) for m in tagger.refiner_.models_]
    assert trees == [(50, 31), (200, 15), (200, 15)]


def test_only_heads_can_be_refined() -> None:
    with pytest.raises(ValueError, match=r"\['place'\] are not heads"):
        _fit(True, 5, ("action", "place"))
