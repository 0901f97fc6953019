"""The accelerated featurisers give exactly scikit-learn's matrices.

Sentences are our own words, chosen to cover repeats, punctuation, accents, case, empty
text and words unseen in fitting.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfVectorizer

from scoring import fast_tfidf
from scoring import token_columns as token_columns_module
from scoring.fast_tfidf import FastWordTfidf, WordCacheCharTfidf
from scoring.hashed import CachedHasher
from scoring.tagger import token_columns, token_features, tokenize

# own words
_FIT = [
    "If the convoy crosses the bridge, our units will shell the depot.",
    "The ministry warned it would cut trade ties unless the envoy leaves.",
    "Rain fell on the capital; the market closed early.",
    "The rebels vowed to attack the garrison, the garrison said nothing.",
    "Any strike on our ships will be met with a crushing response.",
]
_NEW = [
    *_FIT,
    "",
    "   ",
    "Ünïcode café résumé — the convoy’s route.",
    "THE CONVOY WILL SHELL THE DEPOT",
    "Brand-new words: zyxt qwop, and the bridge again the bridge.",
    "a\tb\n\nc  d",
]


def _same(a: sparse.spmatrix, b: sparse.spmatrix) -> None:
    a, b = sparse.csr_matrix(a), sparse.csr_matrix(b)
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("cls", "params"),
    [
        (WordCacheCharTfidf, {"analyzer": "char_wb", "ngram_range": (4, 4)}),
        (WordCacheCharTfidf, {"analyzer": "char_wb", "ngram_range": (2, 5), "max_features": 40}),
        (FastWordTfidf, {"ngram_range": (1, 2)}),
        (FastWordTfidf, {"ngram_range": (1, 3), "lowercase": False}),
        # settings outside the fast path fall back to the parent
        (FastWordTfidf, {"ngram_range": (2, 2)}),
        (WordCacheCharTfidf, {"analyzer": "char", "ngram_range": (3, 3)}),
    ],
)
def test_transform_equals_scikit_learn(
    cls: type[TfidfVectorizer], params: dict[str, object]
) -> None:
    common = {"min_df": 1, "sublinear_tf": True, "dtype": np.float32}
    fast = cls(**common, **params).fit(_FIT)
    stock = TfidfVectorizer(**common, **params).fit(_FIT)
    _same(fast.transform(_NEW), stock.transform(_NEW))
    _same(fast.transform(_NEW), stock.transform(_NEW))  # again, from a warm cache


def test_char_cache_is_bounded_and_not_pickled(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    monkeypatch.setattr(fast_tfidf, "CACHE_WORDS", 3)
    vec = WordCacheCharTfidf(analyzer="char_wb", ngram_range=(4, 4)).fit(_FIT)
    stock = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4)).fit(_FIT)
    for text in _NEW:
        vec.transform([text])
        assert len(vec.__dict__["_word_cols"]) <= 3 + len(text.split())
    _same(vec.transform(_NEW), stock.transform(_NEW))
    copy = pickle.loads(pickle.dumps(vec))
    assert "_word_cols" not in vars(copy)
    _same(copy.transform(_NEW), stock.transform(_NEW))


def test_cached_hasher_equals_feature_hasher() -> None:
    rows = [
        f
        for text in _NEW
        for f in token_features(text, tokenize(text), conditional=True, rules=False)
    ]
    rows += [["é=ünï", "w=日本", "x" * 300, "w=a", "w=a"], []]
    for width in (2**18, 7):  # a tiny width forces collisions inside rows
        stock = FeatureHasher(width, input_type="string", alternate_sign=False).transform(rows)
        hasher = CachedHasher(width)
        _same(hasher.transform(rows), stock)
        _same(hasher.transform(rows), stock)


_TAGGED = [
    *_NEW,
    # own words: a condition closed by a comma, adjuncts after an opener, quotes, one token
    "Unless the envoy leaves, we will cut ties over the arrests; after that, nothing.",
    "He warned: “they will strike the port as soon as the vote passes,” he said.",
    "Threats",
]


@pytest.mark.parametrize("width", [2**18, 7])  # a tiny width forces collisions inside rows
def test_token_columns_equal_hashed_token_features(width: int) -> None:
    hasher = CachedHasher(width)
    columns = token_columns(hasher)
    toks = [tokenize(t) for t in _TAGGED]
    for conditional in (True, False):
        flags = [conditional] * len(_TAGGED)
        rows = [
            f
            for t, tk in zip(_TAGGED, toks, strict=True)
            for f in token_features(t, tk, conditional, rules=False, rich=True)
        ]
        stock = FeatureHasher(width, input_type="string", alternate_sign=False).transform(rows)
        _same(columns.matrix(_TAGGED, toks, flags), stock)
        _same(columns.matrix(_TAGGED, toks, flags), stock)  # again, from a warm memory


def test_token_column_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_columns_module, "CACHE_ENTRIES", 3)
    hasher = CachedHasher(2**18)
    columns = token_columns(hasher)
    toks = [tokenize(t) for t in _TAGGED]
    rows = [
        f for t, tk in zip(_TAGGED, toks, strict=True) for f in token_features(t, tk, True, False)
    ]
    stock = FeatureHasher(2**18, input_type="string", alternate_sign=False).transform(rows)
    for text, tk in zip(_TAGGED, toks, strict=True):
        columns.matrix([text], [tk], [True])
        # cleared before each batch once over the bound, so at most one batch's worth
        assert len(columns._tokens) + len(columns._pairs) <= 3 + 3 * len(tk) + 2
    _same(columns.matrix(_TAGGED, toks, [True] * len(_TAGGED)), stock)
