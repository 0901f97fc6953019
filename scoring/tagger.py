"""Learnt span tagger: which tokens of a threat sentence are its actor, target, condition
and action.

`SpanTagger` follows scikit-learn conventions. Each token gets string features
(the word, its neighbours, its shape, the clause cues before it and whether the rules of
`scoring.extract` put it in a span); one logistic regression per field says whether the
token is inside that field. Decoding takes the contiguous run of tokens with the largest
sum of (p - threshold): one span per field at most, as in LABELS.md. The thresholds
(0.2 for condition and action, 0.15 for actor and target) were chosen by document-grouped
cross-validation on the training documents (token F1 of condition/action; overlap match
of actor/target).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from scoring.extract import Extraction, extract
from scoring.types import Span

FIELDS = ("actor", "target", "condition", "action")
_TOKEN = re.compile(r"\w+(?:[’'.-]\w+)*|[^\w\s]")
_CUE = {
    **dict.fromkeys(("if", "unless", "until", "otherwise", "should", "once", "event"), "COND"),
    **dict.fromkeys(("will", "would", "shall", "ll", "going", "must"), "MODAL"),
    **dict.fromkeys(("said", "says", "say", "told", "added", "stated", "declared"), "SAY"),
    **dict.fromkeys(("warned", "warns", "warn", "warning", "threatened", "threatens"), "WARN"),
    **dict.fromkeys(("threaten", "vowed", "vows", "vow", "pledged", "threat", "threats"), "WARN"),
    **dict.fromkeys(("against", "on", "at", "with", "to", "of"), "PREP"),
}
Tokens = list[tuple[int, int]]


def tokenize(text: str) -> Tokens:
    """Word and punctuation token offsets of `text`."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _shape(tok: str) -> str:
    if tok[:1].isupper():
        return "X" if tok.isupper() and len(tok) > 1 else "Xx"
    if tok[:1].isdigit():
        return "d"
    return "x" if tok[:1].isalpha() else "p"


def _rule_tags(toks: Tokens, ext: Extraction) -> list[str]:
    """Per token, the names of the rule spans that contain it."""
    spans = [(f, getattr(ext, f)) for f in FIELDS]
    return [
        " ".join(f"r_{f}" for f, sp in spans if sp and sp.start <= s and e <= sp.end)
        for s, e in toks
    ]


def token_features(text: str, toks: Tokens, conditional: bool) -> list[list[str]]:
    """Feature strings of every token of `text`."""
    words = [text[s:e].lower() for s, e in toks]
    shapes = [_shape(text[s:e]) for s, e in toks]
    rules = _rule_tags(toks, extract(text, conditional))
    ctx = ["<s>", "<s>", *words, "</s>", "</s>"]
    n, flag = len(words), "cond" if conditional else "uncond"
    feats: list[list[str]] = []
    state: list[str] = []
    for i, w in enumerate(words):
        cue = _CUE.get(w, "")
        if state and w in ",;:" and "in_COND" in state:
            state.remove("in_COND")
        prev = ctx[i + 1]
        row = [
            "w=" + w,
            "p=" + prev,
            "n=" + ctx[i + 3],
            "pp=" + ctx[i],
            "nn=" + ctx[i + 4],
            "s=" + shapes[i],
            "pos=" + str(5 * i // n),
            "cue=" + cue,
            "pc=" + _CUE.get(prev, ""),
            flag,
            *state,
        ]
        if rules[i]:
            row.extend(rules[i].split())
        feats.append(row)
        if cue and "in_" + cue not in state:
            state.append("in_" + cue)
    return feats


class SpanTagger(BaseEstimator):  # type: ignore[misc]
    """Four token classifiers (actor, target, condition, action) over binary features."""

    def __init__(
        self, c: float = 1.0, threshold: float = 0.2, party_threshold: float = 0.15
    ) -> None:
        self.c = c
        self.threshold = threshold
        self.party_threshold = party_threshold

    def _matrix(self, rows: list[list[str]]) -> sparse.csr_matrix:
        """Binary feature matrix over the vocabulary learnt in `fit` (unknowns dropped)."""
        vocab = self.vocabulary_
        indices: list[int] = []
        indptr = [0]
        for row in rows:
            indices.extend(j for f in row if (j := vocab.get(f)) is not None)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocab)))

    def fit(
        self,
        texts: Sequence[str],
        conditional: Sequence[bool],
        gold: Sequence[dict[str, str | None]],
    ) -> SpanTagger:
        """Learn from threat sentences and their labelled span texts."""
        rows: list[list[str]] = []
        y: dict[str, list[int]] = {f: [] for f in FIELDS}
        for text, cond, spans in zip(texts, conditional, gold, strict=True):
            toks = tokenize(text)
            rows.extend(token_features(text, toks, cond))
            for f in FIELDS:
                y[f].extend(_inside(text, toks, spans.get(f)))
        self.vocabulary_ = {f: j for j, f in enumerate(sorted({f for r in rows for f in r}))}
        x = self._matrix(rows)
        self.heads_ = {
            f: LogisticRegression(C=self.c, solver="liblinear", random_state=0).fit(x, y[f])
            for f in FIELDS
        }
        return self

    def predict(
        self, texts: Sequence[str], conditional: Sequence[bool]
    ) -> list[dict[str, Span | None]]:
        """The spans of each sentence (condition only when conditional)."""
        toks = [tokenize(t) for t in texts]
        rows = [
            r
            for t, tk, c in zip(texts, toks, conditional, strict=True)
            for r in token_features(t, tk, c)
        ]
        if not rows:
            return [dict.fromkeys(FIELDS) for _ in texts]
        x = self._matrix(rows)
        probs = {f: h.predict_proba(x)[:, 1] for f, h in self.heads_.items()}
        out, pos = [], 0
        for text, tk, cond in zip(texts, toks, conditional, strict=True):
            end = pos + len(tk)
            out.append(
                {
                    f: self._decode(text, tk, probs[f][pos:end] - self._cut(f))
                    if cond or f != "condition"
                    else None
                    for f in FIELDS
                }
            )
            pos = end
        return out

    def _cut(self, field: str) -> float:
        return self.party_threshold if field in ("actor", "target") else self.threshold

    def _decode(self, text: str, toks: Tokens, p: npt.NDArray[np.float64]) -> Span | None:
        best, best_sum, start, run = None, 0.0, 0, 0.0
        for i, v in enumerate(p):
            if run <= 0:
                start, run = i, 0.0
            run += float(v)
            if run > best_sum:
                best, best_sum = (start, i), run
        if best is None:
            return None
        s, e = toks[best[0]][0], toks[best[1]][1]
        return Span(text[s:e], s, e)


def _inside(text: str, toks: Tokens, span: str | None) -> list[int]:
    """1 for tokens inside the first occurrence of `span` in `text`."""
    if not span:
        return [0] * len(toks)
    at = text.find(span)
    if at < 0:
        at = text.lower().find(span.lower())
    if at < 0:
        return [0] * len(toks)
    end = at + len(span)
    return [int(at <= s and e <= end) for s, e in toks]
