"""The span tagger's token features straight as hashed columns, without building strings.

`scoring.tagger.token_features` spells every feature of every token as a string ("w=port",
"p=the", "pw=the|port", ...) and `scoring.hashed.CachedHasher` then looks each string up:
about 15 strings per token, most of them made and hashed afresh. Here each distinct token
text is looked up once for all the features that depend on it alone (its word as itself,
as the previous word, the next, two before, two after; its cue; its shape) and each word
pair once, so the per-token work is indexing. The
matrix is the one `token_features` + `CachedHasher` give (a test compares them); only the
default features are covered (``rules=False, rich=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from scoring.hashed import CachedHasher

# Remembered token texts and word pairs before the memory starts over.
CACHE_ENTRIES = 200_000
# Per token text: its lower-cased word, its cue, and the columns of "w=", "p=", "n=", "pp=",
# "nn=" + the word, "pc=" + the cue (what it tells the next token), "cue=" + the cue, "s=" +
# its shape.
_Entry = tuple[str, str, int, int, int, int, int, int, int, int]


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
        self._tokens: dict[str, _Entry] = {}
        self._pairs: dict[tuple[str, str], tuple[int, int]] = {}
        self._pos = [self._col[f"pos={i}"] for i in range(5)]
        # "since=" by distance from the last opener (the bucket is the same from 6 on); -1: none
        self._since = [self._col["since=" + since(d)] for d in range(7)]
        self._since.append(self._col["since=none"])
        # Padding around a sentence ("<" is a token of its own, so never a token's text).
        self._start, self._end = self._token("<s>"), self._token("</s>")

    def _token(self, tok: str) -> _Entry:
        """What a token's text gives every feature that depends on it alone (see _Entry)."""
        got = self._tokens.get(tok)
        if got is None:
            w = tok.lower()
            cue = self.cues.get(w, "")
            col = self._col
            got = (
                *(w, cue),
                *(col["w=" + w], col["p=" + w], col["n=" + w], col["pp=" + w], col["nn=" + w]),
                *(col["pc=" + cue], col["cue=" + cue], col["s=" + self.shape(tok)]),
            )
            self._tokens[tok] = got
        return got

    def _pair(self, a: str, b: str) -> tuple[int, int]:
        """Columns of "pw=a|b" and "wn=a|b"."""
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
        if len(self._tokens) + len(self._pairs) > CACHE_ENTRIES:
            self._tokens.clear()
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
        col, pairs, pos, since = self._col, self._pairs, self._pos, self._since
        known, token = self._tokens.get, self._token
        ents = [self._start, self._start]
        ents.extend([known(t) or token(t) for t in [text[s:e] for s, e in toks]])
        ents += (self._end, self._end)
        n = len(toks)
        flag = col["cond" if conditional else "uncond"]
        state: list[str] = []
        state_cols: list[int] = []  # the columns of `state`, kept in step with it
        opener = -1
        for i in range(n):
            k = i + 2
            ent, before, after = ents[k], ents[k - 1], ents[k + 1]
            w, cue = ent[0], ent[1]
            if state and w in ",;:" and "in_COND" in state:
                del state_cols[state.index("in_COND")]
                state.remove("in_COND")
            pw = pairs.get((before[0], w)) or self._pair(before[0], w)
            wn = pairs.get((w, after[0])) or self._pair(w, after[0])
            start = len(cols)
            cols.extend(
                (
                    ent[2],  # w=
                    before[3],  # p=
                    after[4],  # n=
                    ents[k - 2][5],  # pp=
                    ents[k + 2][6],  # nn=
                    ent[9],  # s=
                    pos[5 * i // n],  # pos=
                    ent[8],  # cue=
                    before[7],  # pc=
                    flag,  # cond / uncond
                    pw[0],  # pw=
                    wn[1],  # wn=
                    since[min(i - opener, 6)] if opener >= 0 else since[7],  # since=
                )
            )
            cols.extend(state_cols)
            if w in self.adjuncts and opener >= 0 and "in_ADJ" not in state:
                state.append("in_ADJ")
                state_cols.append(col["in_ADJ"])
            elif w in ',;:."”“' and "in_ADJ" in state:
                del state_cols[state.index("in_ADJ")]
                state.remove("in_ADJ")
            lengths.append(len(cols) - start)
            if cue in ("MODAL", "WARN"):
                opener = i
            if cue and "in_" + cue not in state:
                state.append("in_" + cue)
                state_cols.append(col["in_" + cue])
