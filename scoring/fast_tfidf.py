"""TF-IDF vectorizers whose `transform` gives scikit-learn's matrix at a fraction of the cost.

`TfidfVectorizer.transform` walks every n-gram of every sentence in Python. Both classes
here fit exactly as scikit-learn does (they inherit `fit`), and transform through the
fitted vocabulary with less Python per sentence:

* `WordCacheCharTfidf` (``analyzer="char_wb"``): a word's character n-grams do not depend
  on its neighbours, so the vocabulary columns of each distinct word are computed once
  and kept in a bounded cache (news text repeats its words; most sentences are all hits).
* `FastWordTfidf` (``analyzer="word"``): the token regex runs once per sentence and
  n-grams are looked up straight in the vocabulary, without the generic analyzer chain.

The counts go through the fitted `_tfidf` step, so the output equals the parent's
`transform` (tests compare them). Only the configurations Redline uses are accelerated;
any other falls back to the parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

# Distinct words kept per vectorizer before the cache starts over; about 10 MB when full.
CACHE_WORDS = 50_000


def _counts(cols: list[int], ends: list[int], width: int, dtype: Any) -> sparse.csr_matrix:
    """Sparse (len(ends), width) matrix counting column ids; row i is
    ``cols[ends[i - 1]:ends[i]]``."""
    indptr = np.array([0, *ends], dtype=np.int64)
    data = np.ones(len(cols), dtype=dtype)
    out = sparse.csr_matrix(
        (data, np.array(cols, dtype=np.int32), indptr), shape=(len(ends), width)
    )
    out.sum_duplicates()  # also sorts the indices, as scikit-learn leaves them
    return out


class WordCacheCharTfidf(TfidfVectorizer):  # type: ignore[misc]
    """char_wb TF-IDF with a per-word cache of vocabulary columns."""

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = dict(super().__getstate__())
        state.pop("_word_cols", None)
        return state

    def _columns(self, word: str) -> tuple[int, ...]:
        """Vocabulary columns of the padded char n-grams of one word (with repeats)."""
        vocab = self.vocabulary_
        return tuple(vocab[g] for g in self._char_wb_ngrams(word) if g in vocab)

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        """The parent's TF-IDF matrix of `raw_documents`."""
        if self.analyzer != "char_wb" or self.binary or self.input != "content":
            return super().transform(raw_documents)
        cache: dict[str, tuple[int, ...]] | None = self.__dict__.get("_word_cols")
        if cache is None or len(cache) > CACHE_WORDS:
            cache = self.__dict__["_word_cols"] = {}
        preprocess = self.build_preprocessor()
        cols: list[int] = []
        ends: list[int] = []
        for doc in raw_documents:
            for word in preprocess(self.decode(doc)).split():
                hit = cache.get(word)
                if hit is None:
                    hit = cache[word] = self._columns(word)
                cols.extend(hit)
            ends.append(len(cols))
        counts = _counts(cols, ends, len(self.vocabulary_), self.dtype)
        out: sparse.csr_matrix = self._tfidf.transform(counts, copy=False)
        return out


class FastWordTfidf(TfidfVectorizer):  # type: ignore[misc]
    """Word n-gram TF-IDF looked up without the generic analyzer chain."""

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        """The parent's TF-IDF matrix of `raw_documents`."""
        plain = self.analyzer == "word" and self.tokenizer is None and self.stop_words is None
        if not plain or self.binary or self.input != "content" or self.ngram_range[0] != 1:
            return super().transform(raw_documents)
        find = re.compile(self.token_pattern).findall
        preprocess = self.build_preprocessor()
        vocab = self.vocabulary_
        longest = self.ngram_range[1]
        cols: list[int] = []
        ends: list[int] = []
        for doc in raw_documents:
            toks = find(preprocess(self.decode(doc)))
            cols.extend([vocab[t] for t in toks if t in vocab])
            for n in range(2, longest + 1):
                grams = [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
                cols.extend([vocab[g] for g in grams if g in vocab])
            ends.append(len(cols))
        counts = _counts(cols, ends, len(vocab), self.dtype)
        out: sparse.csr_matrix = self._tfidf.transform(counts, copy=False)
        return out
