"""Learnt span tagger: which tokens of a threat sentence are its actor, target, condition
and action.

`SpanTagger` follows scikit-learn conventions. Each token gets string features (the word,
its neighbours and the word bigrams around it, its shape, the clause cues before it, its
distance from the last modal or threat verb, whether an adjunct such as "for", "after" or
"over" has opened since), hashed into a fixed space so no vocabulary is stored or looked
up. One logistic regression per field says whether the token is inside that field; for
the condition and the action two more say whether a span begins or ends at the token.
A second pass (`scoring.span_refine`) re-scores the action's and the target's inside
probabilities from a window of the first pass's log-odds. Decoding, one span per field at
most, as in LABELS.md:

* actor: the contiguous run with the largest sum of (p - threshold);
* target, condition, action: the run with the largest expected token F1 against the
  unknown gold span, ``2 * sum(p in run) / (len(run) + sum(p))`` (the evaluation's own
  measure, under the token probabilities p), plus, for condition and action,
  ``boundary_weight`` times the log-probabilities that the run begins at its first
  token and ends at its last. No span when no token reaches half the field's threshold;
* no span either when the run is only articles, prepositions and conjunctions ("The",
  "Amid the"): such a run names nobody. In the same CV below, 28 of 1,342 actors and 48
  of 1,351 targets were such runs.

In document-grouped CV on the training documents the boundary heads lifted condition
token F1 0.79 -> 0.85 and action 0.66 -> 0.71; expected-F1 decoding then took action
0.714 -> 0.724, condition 0.852 -> 0.860 and target overlap 0.716 -> 0.736 (for the
actor it was 0.006 lower, so the actor keeps the thresholded run). The thresholds (0.2
for condition and action, 0.15 for actor and target) and the other settings were chosen
by the same CV. The rule spans of `scoring.extract` as features (``rules=True``) cost half
the tagger's time for no gain in that CV, so they are off by default.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from scoring.extract import Extraction, extract
from scoring.hashed import CachedHasher
from scoring.span_refine import WindowRefiner
from scoring.token_columns import TokenColumns
from scoring.types import Span

FIELDS = ("actor", "target", "condition", "action")
BOUNDED = ("condition", "action")
HEADS = (*FIELDS, *(f + k for f in BOUNDED for k in ("_b", "_e")))
_HEAD_INDEX = {h: j for j, h in enumerate(HEADS)}
# Heads the second pass (`scoring.span_refine`) scores again by default: the action's and
# the target's inside heads. Re-scoring the action's begin and end heads too gave the same
# CV figure (0.7360 against 0.7368) for three times the trees.
REFINED = ("action", "target")
# Each head's trees (iterations, leaves) unless `SpanTagger` is given its own settings.
_TREES = {"action": (200, 15), "target": (50, 31)}
_HASHER = CachedHasher(2**18)
FloatArray = npt.NDArray[np.float64]
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
# Prepositions and conjunctions that open an adjunct after the threatened action.
_ADJUNCT = frozenset(
    (
        *("for", "over", "following", "after", "amid", "during", "because", "as"),
        *("while", "before", "since", "despite", "unless", "if", "until"),
    )
)
# Articles, prepositions and conjunctions: a run of only these (with punctuation) names
# nobody and nothing ("The", "Amid the", "of the"), so it is no span. Pronouns stay: "he"
# and "them" are real actors and targets.
_FILLER = frozenset(
    (
        *("a", "an", "the", "and", "or", "but", "nor", "so", "yet", "that", "which", "who"),
        *("of", "in", "on", "at", "to", "for", "with", "from", "by", "into", "onto", "about"),
        *("amid", "while", "as", "after", "before", "during", "since", "because", "when"),
        *("where", "although", "though", "if", "unless", "until", "over", "against"),
    )
)


def unknown_heads(names: Sequence[str]) -> list[str]:
    """The names in `names` that are not heads of the tagger (what `refined` may list)."""
    return sorted(set(names) - set(HEADS))


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


def _since(k: int) -> str:
    """Bucket of the distance (tokens) from the last action opener."""
    return "0" if k == 0 else "1" if k == 1 else "2" if k == 2 else "3-5" if k < 6 else "6+"


def token_features(
    text: str, toks: Tokens, conditional: bool, rules: bool = True, rich: bool = True
) -> list[list[str]]:
    """Feature strings of every token of `text`."""
    words = [text[s:e].lower() for s, e in toks]
    shapes = [_shape(text[s:e]) for s, e in toks]
    tags = _rule_tags(toks, extract(text, conditional)) if rules else [""] * len(toks)
    ctx = ["<s>", "<s>", *words, "</s>", "</s>"]
    n, flag = len(words), "cond" if conditional else "uncond"
    feats: list[list[str]] = []
    state: list[str] = []
    opener = -1
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
        if rich:
            row.append("pw=" + prev + "|" + w)
            row.append("wn=" + w + "|" + ctx[i + 3])
            row.append("since=" + (_since(i - opener) if opener >= 0 else "none"))
            if w in _ADJUNCT and opener >= 0 and "in_ADJ" not in state:
                state.append("in_ADJ")
            elif w in ',;:."”“' and "in_ADJ" in state:
                state.remove("in_ADJ")
        if tags[i]:
            row.extend(tags[i].split())
        feats.append(row)
        if cue in ("MODAL", "WARN"):
            opener = i
        if cue and "in_" + cue not in state:
            state.append("in_" + cue)
    return feats


def token_columns(hasher: CachedHasher) -> TokenColumns:
    """`token_features` (rules off, rich on) as columns of `hasher`, made faster."""
    return TokenColumns(hasher, _CUE, _ADJUNCT, _shape, _since)


_COLUMNS = token_columns(_HASHER)


class SpanTagger(BaseEstimator):  # type: ignore[misc]
    """Token classifiers over hashed binary features: inside-span heads for the four fields,
    plus begin and end heads for the action and the condition (their boundaries)."""

    def __init__(
        self,
        c: float = 1.0,
        threshold: float = 0.2,
        party_threshold: float = 0.15,
        boundary_weight: float = 0.1,
        rules: bool = False,
        rich: bool = True,
        refine: bool = True,
        refined: tuple[str, ...] = REFINED,
        refine_iterations: int | tuple[int, ...] | None = None,
        refine_leaves: int | tuple[int, ...] | None = None,
        refine_width: int = 3,
        folds: int = 5,
    ) -> None:
        self.c = c
        self.threshold = threshold
        self.party_threshold = party_threshold
        self.boundary_weight = boundary_weight
        self.rules = rules
        self.rich = rich
        self.refine = refine
        self.refined = refined
        self.refine_iterations = refine_iterations
        self.refine_leaves = refine_leaves
        self.refine_width = refine_width
        self.folds = folds

    def _matrix(
        self, texts: Sequence[str], toks: list[Tokens], conditional: Sequence[bool]
    ) -> sparse.csr_matrix:
        """Hashed feature matrix of every token (no vocabulary to look up or to store)."""
        if not self.rules and self.rich:
            return _COLUMNS.matrix(texts, toks, conditional)
        return _HASHER.transform(self._rows(texts, toks, conditional)).tocsr()

    def _rows(
        self, texts: Sequence[str], toks: list[Tokens], conditional: Sequence[bool]
    ) -> list[list[str]]:
        return [
            r
            for t, tk, c in zip(texts, toks, conditional, strict=True)
            for r in token_features(t, tk, c, self.rules, self.rich)
        ]

    def fit(
        self,
        texts: Sequence[str],
        conditional: Sequence[bool],
        gold: Sequence[dict[str, str | None]],
        groups: Sequence[str] | None = None,
    ) -> SpanTagger:
        """Learn from threat sentences and their labelled span texts; `groups` (the
        document of each sentence) keep the second pass's folds apart."""
        if unknown := unknown_heads(self.refined):
            raise ValueError(f"refined: {unknown} are not heads; the heads are {list(HEADS)}")
        toks = [tokenize(t) for t in texts]
        y: dict[str, list[int]] = {h: [] for h in HEADS}
        for text, tk, spans in zip(texts, toks, gold, strict=True):
            for f in FIELDS:
                inside = _inside(text, tk, spans.get(f))
                y[f].extend(inside)
                if f in BOUNDED:
                    y[f + "_b"].extend(
                        int(v and (i == 0 or not inside[i - 1])) for i, v in enumerate(inside)
                    )
                    y[f + "_e"].extend(
                        int(v and (i + 1 == len(inside) or not inside[i + 1]))
                        for i, v in enumerate(inside)
                    )
        x = self._matrix(texts, toks, conditional)
        labels = {h: np.asarray(v, dtype=np.int64) for h, v in y.items()}
        self.coef_, self.intercept_ = _fit_heads(x, labels, self.c)
        self.refiner_ = self._fit_refiner(x, toks, labels, groups) if self.refine else None
        return self

    def _fit_refiner(
        self,
        x: sparse.csr_matrix,
        toks: list[Tokens],
        labels: dict[str, npt.NDArray[np.int64]],
        groups: Sequence[str] | None,
    ) -> WindowRefiner | None:
        """The second pass, fitted on out-of-fold first-pass log-odds (folds never split a
        group); None when there are too few groups to fold."""
        sentence = np.repeat(np.arange(len(toks)), [len(t) for t in toks])
        keys = list(groups) if groups is not None else list(range(len(toks)))
        folds = min(self.folds, len(set(keys)))
        if folds < 2:
            return None
        oof = np.zeros((x.shape[0], len(HEADS)))
        for train, test in GroupKFold(folds).split(toks, groups=keys):
            fit_rows, out_rows = np.isin(sentence, train), np.isin(sentence, test)
            part = {h: v[fit_rows] for h, v in labels.items()}
            coef, icpt = _fit_heads(x[fit_rows], part, self.c)
            oof[out_rows] = (x[out_rows] @ coef).toarray() + icpt
        trees = [_TREES.get(h, _TREES["action"]) for h in self.refined]
        iterations, leaves = self.refine_iterations, self.refine_leaves
        return WindowRefiner(
            focus=tuple(_HEAD_INDEX[h] for h in self.refined),
            iterations=tuple(t for t, _ in trees) if iterations is None else iterations,
            leaves=tuple(n for _, n in trees) if leaves is None else leaves,
            width=self.refine_width,
        ).fit(oof, sentence, [labels[h] for h in self.refined])

    def predict(
        self, texts: Sequence[str], conditional: Sequence[bool]
    ) -> list[dict[str, Span | None]]:
        """The spans of each sentence (condition only when conditional)."""
        toks = [tokenize(t) for t in texts]
        if not any(toks):
            return [dict.fromkeys(FIELDS) for _ in texts]
        logits = (self._matrix(texts, toks, conditional) @ self.coef_).toarray() + self.intercept_
        probs = 1.0 / (1.0 + np.exp(-logits))
        # getattr: an artefact pickled before the second pass existed has no refiner_.
        refiner = getattr(self, "refiner_", None)
        if refiner is not None:
            sentence = np.repeat(np.arange(len(toks)), [len(t) for t in toks])
            # getattr: one pickled before `refined` was a setting refines the action only.
            refined = getattr(self, "refined", ("action",))
            probs[:, [_HEAD_INDEX[h] for h in refined]] = refiner.predict_proba(logits, sentence)
        # Batch-wide arrays, so each sentence only slices: prefix sums of the inside
        # probabilities and weighted log-probabilities of the boundaries.
        cums = np.vstack((np.zeros((1, len(HEADS))), np.cumsum(probs, axis=0)))
        bounds = np.log(np.maximum(probs, 1e-9)) * self.boundary_weight
        ends = np.cumsum([len(tk) for tk in toks]).tolist()
        firsts = sorted({0, *ends[:-1]} - {len(probs)})  # first token of each non-empty sentence
        peaks = dict(zip(firsts, np.maximum.reduceat(probs, firsts, axis=0), strict=True))
        out, pos = [], 0
        for text, tk, cond, end in zip(texts, toks, conditional, ends, strict=True):
            found: dict[str, Span | None] = dict.fromkeys(FIELDS)
            out.append(found)
            if pos == end:
                continue
            found["actor"] = _decode_actor(text, tk, probs[pos:end, 0] - self.party_threshold)
            for f in ("target", "condition", "action"):
                j = _HEAD_INDEX[f]
                if (f == "condition" and not cond) or peaks[pos][j] < 0.5 * self._cut(f):
                    continue
                edge = None
                if f in BOUNDED:
                    b = _HEAD_INDEX[f + "_b"]
                    edge = (bounds[pos:end, b], bounds[pos:end, b + 1])
                found[f] = span_of(text, tk, *expected_f1_run(cums[pos : end + 1, j], edge))
            pos = end
        return out

    def _cut(self, field: str) -> float:
        return self.party_threshold if field in ("actor", "target") else self.threshold


def _fit_heads(
    x: sparse.csr_matrix, labels: dict[str, npt.NDArray[np.int64]], c: float
) -> tuple[sparse.csc_matrix, FloatArray]:
    """One logistic regression per head, as one coefficient matrix (one sparse product
    then scores every head at once) and their intercepts."""
    heads = [
        LogisticRegression(C=c, solver="liblinear", random_state=0).fit(x, labels[h]) for h in HEADS
    ]
    coef = sparse.csc_matrix(np.vstack([h.coef_[0] for h in heads]).T)
    coef.eliminate_zeros()
    return coef, np.array([h.intercept_[0] for h in heads])


def _decode_actor(text: str, toks: Tokens, p: FloatArray) -> Span | None:
    """The contiguous run of tokens with the largest positive sum of `p`."""
    best, best_sum, start, run = None, 0.0, 0, 0.0
    for i, v in enumerate(p):
        if run <= 0:
            start, run = i, 0.0
        run += float(v)
        if run > best_sum:
            best, best_sum = (start, i), run
    return None if best is None else span_of(text, toks, *best)


def span_of(text: str, toks: Tokens, s: int, e: int) -> Span | None:
    """Tokens s..e of `text` as a span; None when they are only articles, prepositions,
    conjunctions and punctuation."""
    if all(not text[a].isalnum() or text[a:b].lower() in _FILLER for a, b in toks[s : e + 1]):
        return None
    return Span(text[toks[s][0] : toks[e][1]], toks[s][0], toks[e][1])


def expected_f1_run(
    cum: FloatArray, edge: tuple[FloatArray, FloatArray] | None = None
) -> tuple[int, int]:
    """The token run (s, e) with the best expected token F1 against an unknown gold span,
    given the prefix sums `cum` of the tokens' inside probabilities (len = tokens + 1),
    plus ``edge[0][s] + edge[1][e]`` (weighted boundary log-probabilities) when given."""
    n = len(cum) - 1
    # score[s, e] = 2 * sum(p[s..e]) / ((e - s + 1) + sum(p)); -inf where e < s
    score = 2.0 * (cum[None, 1:] - cum[:-1, None]) / (_run_lengths(n) + (cum[-1] - cum[0]))
    score += _not_a_run(n)
    if edge is not None:
        score += edge[0][:, None] + edge[1][None, :]
    s, e = divmod(int(score.argmax()), n)
    return s, e


@functools.lru_cache(maxsize=256)
def _run_lengths(n: int) -> FloatArray:
    """lengths[s, e] = e - s + 1; +inf below the diagonal, so that no denominator there is
    zero (the score there is then 0, and `_not_a_run` makes it -inf)."""
    idx = np.arange(n, dtype=np.float64)
    out: FloatArray = np.where(
        np.tri(n, n, -1, dtype=bool), np.inf, idx[None, :] - idx[:, None] + 1.0
    )
    return out


@functools.lru_cache(maxsize=256)
def _not_a_run(n: int) -> FloatArray:
    """0 for the (s, e) pairs with s <= e, -inf below the diagonal (e < s: not a span)."""
    out: FloatArray = np.where(np.tri(n, n, -1, dtype=bool), -np.inf, 0.0)
    return out


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
