"""Feature hashing with a memory of the strings already hashed.

The span tagger's token features repeat heavily ("w=the", "cue=MODAL", ...), and hashing
every occurrence through `FeatureHasher` cost more than the rest of the tagger. Columns
are scikit-learn's own (`FeatureHasher(n_features, alternate_sign=False)`: signed
MurmurHash3 of the UTF-8 string, seed 0, absolute value modulo `n_features`); a test
compares the two matrices. `scoring.token_columns` reads the same memory (`column_of`)
to build the default features' matrix without feature rows.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from scipy import sparse
from sklearn.utils import murmurhash3_32

# Distinct feature strings remembered before the memory starts over (about 20 MB when full).
CACHE_STRINGS = 200_000


class _Columns(dict[str, int]):
    """feature string -> column, computed on first sight."""

    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.n_features = n_features

    def __missing__(self, feature: str) -> int:
        h = int(murmurhash3_32(feature, seed=0))
        # abs() of -2**31 overflows int32; FeatureHasher defines that case so.
        col = (
            (2**31 - self.n_features) % self.n_features
            if h == -(2**31)
            else abs(h) % self.n_features
        )
        self[feature] = col
        return col


class CachedHasher:
    """Binary hashed feature matrices, equal to FeatureHasher's with alternate_sign=False."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self._columns = _Columns(n_features)

    @property
    def column_of(self) -> dict[str, int]:
        """feature string -> column, remembered from the first look-up on."""
        return self._columns

    def trim(self) -> None:
        """Start the memory over when it is full."""
        if len(self._columns) > CACHE_STRINGS:
            self._columns.clear()

    def transform(self, rows: list[list[str]]) -> sparse.csr_matrix:
        """(len(rows), n_features) matrix counting each row's features."""
        self.trim()
        # map() and chain() keep the per-feature loop in C.
        cols = np.fromiter(map(self._columns.__getitem__, chain.from_iterable(rows)), np.int32)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, rows), np.int64, len(rows)), out=indptr[1:])
        out = sparse.csr_matrix(
            (np.ones(len(cols)), cols, indptr), shape=(len(rows), self.n_features)
        )
        out.sum_duplicates()
        return out
