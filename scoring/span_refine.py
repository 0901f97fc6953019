"""Second pass of the span tagger: the action's and the target's token probabilities read
again in context.

The tagger's logistic regressions score each token on its own. `WindowRefiner` re-scores
chosen heads (`scoring.tagger.REFINED`: the action's and the target's inside heads) of
every token from the first pass's log-odds of all heads at that token and up to `width`
tokens either side, plus the token's relative position, the sentence length and, for each
refined head, how far the token's log-odds are below the sentence's best. The model is
gradient-boosted trees, so it can learn shapes a linear model cannot ("a run of likely
action tokens ends where the target ends", "a lone high token between two low ones is
noise"). It is trained on out-of-fold first-pass log-odds (document-grouped folds), so it
learns what the first pass's errors look like on sentences it did not see.

Chosen by nested document-grouped CV on the training documents (the inner folds give the
out-of-fold log-odds), one OpenMP thread as in training. The action: token F1 0.7235 ->
0.7368 re-scoring the inside head alone, 0.7360 re-scoring its begin and end heads too
(three times the trees). With two threads the trees differ slightly: 0.7394 for all three
heads, and with two other shuffles of the outer folds 0.7252 -> 0.7428 and 0.7317 ->
0.7463; in that setting a window of 2 gave 0.7299, 100 trees at rate 0.2 0.7315, and
adding the tokens' cue, shape and punctuation flags 0.7324. The target (`redline cv
--tagger`, three outer partitions): overlap 0.7253 / 0.7281 / 0.7433 without its pass,
0.7690 / 0.7747 / 0.7738 with 50 trees of 31 leaves (token F1 0.599 / 0.597 / 0.611 ->
0.641 / 0.641 / 0.645); 100 trees of 31 leaves 0.7519 / 0.7671 / 0.7652; on the first
partition 200 of 15 0.7433, 50 of 15 0.7576, 25 of 31 0.7709 (token F1 0.635). The
target's focus column leaves the action flat (0.7399 / 0.7427 / 0.7436 against 0.7368 /
0.7452 / 0.7459). The action's 200 trees take about 110 ms on the 15,057 tokens of the 508
held-out gold threat sentences, on one core of a slow machine, against 157 ms when the
features were row-major.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# Log-odds given to the positions beyond a sentence's ends (sigmoid(-10) ~ 0.00005).
_PAD = -10.0


def window_features(
    logits: FloatArray, sentence: IntArray, width: int, focus: int | Sequence[int]
) -> FloatArray:
    """Per token: the log-odds of every head at offsets -width..width within its sentence
    (`_PAD` beyond its ends), its position / length, the length, and for each column of
    `focus` that column minus its maximum over the sentence. `sentence` numbers the
    sentence of each token, in non-decreasing order."""
    n, heads = logits.shape
    focused = [focus] if isinstance(focus, int) else list(focus)
    idx = np.arange(n)
    # Column-major: the trees read one feature of consecutive tokens at a time, which is
    # about 1.4x faster to predict than row-major (same values, same predictions).
    out: FloatArray = np.empty((n, (2 * width + 1) * heads + 2 + len(focused)), order="F")
    for k, d in enumerate(range(-width, width + 1)):
        at = np.clip(idx + d, 0, max(n - 1, 0))
        ok = (idx + d >= 0) & (idx + d < n) & (sentence[at] == sentence)
        out[:, k * heads : (k + 1) * heads] = np.where(ok[:, None], logits[at], _PAD)
    _, first, inverse, counts = np.unique(
        sentence, return_index=True, return_inverse=True, return_counts=True
    )
    length = counts[inverse].astype(np.float64)
    at_end = (2 * width + 1) * heads
    out[:, at_end] = (idx - first[inverse]) / length
    out[:, at_end + 1] = length
    for k, column in enumerate(focused):
        peak = np.maximum.reduceat(logits[:, column], first)[inverse] if n else np.zeros(0)
        out[:, at_end + 2 + k] = logits[:, column] - peak
    return out


class WindowRefiner(BaseEstimator):  # type: ignore[misc]
    """Gradient-boosted trees over windows of first-pass log-odds, one model per refined
    head; `iterations` and `leaves` are one setting for all heads or one per head.

    The model of the k-th head of `focus` sees the focus columns of heads 0..k only, so
    adding a head after the others leaves their trees as they were."""

    def __init__(
        self,
        focus: int | tuple[int, ...] = 0,
        width: int = 3,
        iterations: int | tuple[int, ...] = 200,
        leaves: int | tuple[int, ...] = 15,
        learning_rate: float = 0.1,
    ) -> None:
        self.focus = focus
        self.width = width
        self.iterations = iterations
        self.leaves = leaves
        self.learning_rate = learning_rate

    def fit(
        self, logits: FloatArray, sentence: IntArray, labels: Sequence[npt.ArrayLike]
    ) -> WindowRefiner:
        """Learn each head of `labels` (0/1 per token) from out-of-fold `logits`."""
        x = window_features(logits, sentence, self.width, self.focus)
        n = len(labels)
        columns = _columns(x, n)
        self.models_ = [
            HistGradientBoostingClassifier(
                max_iter=iterations,
                max_leaf_nodes=leaves,
                learning_rate=self.learning_rate,
                early_stopping=False,
                random_state=0,
            ).fit(x[:, :cols], np.asarray(y))
            for y, cols, iterations, leaves in zip(
                labels,
                columns,
                _per_head(self.iterations, n),
                _per_head(self.leaves, n),
                strict=True,
            )
        ]
        return self

    def predict_proba(self, logits: FloatArray, sentence: IntArray) -> FloatArray:
        """P(positive) per token (rows) and refined head (columns)."""
        x = window_features(logits, sentence, self.width, self.focus)
        out: FloatArray = np.column_stack(
            [
                m.predict_proba(x[:, :cols])[:, 1]
                for m, cols in zip(self.models_, _columns(x, len(self.models_)), strict=True)
            ]
        )
        return out


def _columns(x: FloatArray, heads: int) -> list[int]:
    """How many leading columns of `x` each head's model reads: the window and the focus
    columns up to its own (a leading slice of a column-major array is not copied)."""
    return [x.shape[1] - heads + k + 1 for k in range(heads)]


def _per_head(setting: int | tuple[int, ...], heads: int) -> tuple[int, ...]:
    if isinstance(setting, int):
        return (setting,) * heads
    if len(setting) != heads:
        raise ValueError(f"{len(setting)} settings for {heads} refined heads")
    return tuple(setting)
