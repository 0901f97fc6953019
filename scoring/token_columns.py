"""The span tagger's token features straight as hashed columns, without building strings.

`scoring.tagger.token_features` spells every feature of every token as a string ("w=port",
"p=the", "pw=the|port", ...) and `scoring.hashed.CachedHasher` then looks each string up:
about 15 strings per token, most of them made and hashed afresh. Here each distinct word
is looked up once for all its word features (as itself, as the previous word, the next,
two before, two after) and each word pair once, so the per-token work is indexing. The
matrix is the one `token_features` + `CachedHasher` give (a test compares them); only the
default features are covered (``rules=False, rich=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from scoring.hashed import CachedHasher

# Remembered words and word pairs before the memory starts over.
CACHE_ENTRIES = 200_000


class TokenColumns:
    """Hashed feature columns of a batch of tokenised sentences (see module docstring)."""

    def __init__(
        self,
        hasher: CachedHasher,
        cues: dict[str, str],
        adjuncts: frozenset[str],
        shape: Callable[[str], str],
        since: Callable[[int], str],
    ) -> None:
        self.hasher = hasher
        self.cues = cues
        self.adjuncts = adjuncts
        self.shape = shape
        self._col = hasher.column_of
        self._words: dict[str, tuple[int, int, int, int, int, int, int]] = {}
        self._pairs: dict[tuple[str, str], tuple[int, int]] = {}
        self._pos = [self._col[f"pos={i}"] for i in range(5)]
        # "since=" by distance from the last opener (the bucket is the same from 6 on); -1: none
        self._since = [self._col["since=" + since(d)] for d in range(7)]
        self._since.append(self._col["since=none"])

    def _word(self, w: str) -> tuple[int, int, int, int, int, int, int]:
        """Columns of w as the word, previous, next, two before, two after, of
        "pc=" + its cue (what it tells the next token) and of "cue=" + its cue."""
        got = self._words.get(w)
        if got is None:
            col = self._col
            got = (
                col["w=" + w],
                col["p=" + w],
                col["n=" + w],
                col["pp=" + w],
                col["nn=" + w],
                col["pc=" + self.cues.get(w, "")],
                col["cue=" + self.cues.get(w, "")],
            )
            self._words[w] = got
        return got

    def _pair(self, a: str, b: str) -> tuple[int, int]:
        """Columns of "pw=a|b" and "wn=a|b"."""
        got = self._pairs.get((a, b))
        if got is None:
            got = (self._col["pw=" + a + "|" + b], self._col["wn=" + a + "|" + b])
            self._pairs[(a, b)] = got
        return got

    def matrix(
        self,
        texts: Sequence[str],
        toks: Sequence[list[tuple[int, int]]],
        conditional: Sequence[bool],
    ) -> sparse.csr_matrix:
        """(tokens, n_features) count matrix, one row per token of the batch, in order."""
        self.hasher.trim()
        if len(self._words) + len(self._pairs) > CACHE_ENTRIES:
            self._words.clear()
            self._pairs.clear()
        cols: list[int] = []
        lengths: list[int] = []
        for text, tk, cond in zip(texts, toks, conditional, strict=True):
            self._sentence(text, tk, cond, cols, lengths)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        out = sparse.csr_matrix(
            (np.ones(len(cols)), np.asarray(cols, dtype=np.int32), indptr),
            shape=(len(lengths), self.hasher.n_features),
        )
        out.sum_duplicates()
        return out

    def _sentence(
        self,
        text: str,
        toks: list[tuple[int, int]],
        conditional: bool,
        cols: list[int],
        lengths: list[int],
    ) -> None:
        col, cues, pos, since = self._col, self.cues, self._pos, self._since
        words = [text[s:e].lower() for s, e in toks]
        ctx = ["<s>", "<s>", *words, "</s>", "</s>"]
        wc = [self._word(w) for w in ctx]
        n = len(words)
        flag = col["cond" if conditional else "uncond"]
        state: list[str] = []
        opener = -1
        for i, w in enumerate(words):
            cue = cues.get(w, "")
            if state and w in ",;:" and "in_COND" in state:
                state.remove("in_COND")
            k = i + 2
            prev, nxt = ctx[k - 1], ctx[k + 1]
            pw = self._pair(prev, w)
            wn = self._pair(w, nxt)
            start = len(cols)
            cols.extend(
                (
                    wc[k][0],
                    wc[k - 1][1],
                    wc[k + 1][2],
                    wc[k - 2][3],
                    wc[k + 2][4],
                    col["s=" + self.shape(text[toks[i][0] : toks[i][1]])],
                    pos[5 * i // n],
                    wc[k][6],
                    wc[k - 1][5],
                    flag,
                    pw[0],
                    wn[1],
                    since[min(i - opener, 6)] if opener >= 0 else since[7],
                )
            )
            cols.extend(col[s] for s in state)
            if w in self.adjuncts and opener >= 0 and "in_ADJ" not in state:
                state.append("in_ADJ")
            elif w in ',;:."”“' and "in_ADJ" in state:
                state.remove("in_ADJ")
            lengths.append(len(cols) - start)
            if cue in ("MODAL", "WARN"):
                opener = i
            if cue and "in_" + cue not in state:
                state.append("in_" + cue)
