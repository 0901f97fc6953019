"""Comparison of sentence splitters on the labelled data and the canonical article.

Labelled data: the sentences of each document (with at least two) are joined with one
space; a splitter is scored on the boundaries it recovers (precision, recall, F1) and on
the share of sentences it returns exactly. Article: no gold exists, so the figures are
the sentence count, splits right after an abbreviation, and sentences that run across a
line break (a heading glued to its paragraph).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import blingfire
import pysbd
import syntok.segmenter as syntok_segmenter

from scoring.data import load_dir
from scoring.split import split_sentences

Splitter = Callable[[str], list[tuple[int, int]]]
ARTICLE = "memri_sd11431_2024-07-03.txt"
_ABBR = re.compile(r"\b(?:U\.S|No|Gen|Jan|Feb|Mr|Dr|St|Lt|Col|Maj|Sept?|Oct|Nov|Dec|Aug)\.$")
_PYSBD = pysbd.Segmenter(language="en", clean=False, char_span=True)


def _blingfire(text: str) -> list[tuple[int, int]]:
    if not text.strip():
        return []
    return [(int(s), int(e)) for s, e in blingfire.text_to_sentences_and_offsets(text)[1]]


def _pysbd(text: str) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in _PYSBD.segment(text)]


def _syntok(text: str) -> list[tuple[int, int]]:
    out = []
    for paragraph in syntok_segmenter.analyze(text):
        for sentence in paragraph:
            toks = list(sentence)
            out.append((toks[0].offset, toks[-1].offset + len(toks[-1].value)))
    return out


SPLITTERS: dict[str, Splitter] = {
    "blingfire": _blingfire,
    "pysbd": _pysbd,
    "syntok": _syntok,
    "redline (blingfire + fixes)": split_sentences,
}


def _norm(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def _on_labelled(split: Splitter, docs: list[list[str]]) -> dict[str, float]:
    tp = fp = fn = exact = total = 0
    t0 = time.perf_counter()
    for sents in docs:
        text, gold, pos = " ".join(sents), [], 0
        for s in sents:
            gold.append((pos, pos + len(s)))
            pos += len(s) + 1
        pred = _norm(text, split(text))
        gb, pb = {e for _, e in gold[:-1]}, {e for _, e in pred[:-1]}
        tp, fp, fn = tp + len(gb & pb), fp + len(pb - gb), fn + len(gb - pb)
        exact, total = exact + len(set(gold) & set(pred)), total + len(gold)
    rate = total / (time.perf_counter() - t0)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "boundary_precision": round(p, 3),
        "boundary_recall": round(r, 3),
        "boundary_f1": round(f1, 3),
        "exact_sentences": round(exact / total, 3),
        "sentences_per_s": round(rate),
    }


def _on_article(split: Splitter, text: str) -> dict[str, int]:
    spans = _norm(text, split(text))
    return {
        "sentences": len(spans),
        "splits_after_abbreviation": sum(bool(_ABBR.search(text[s:e])) for s, e in spans[:-1]),
        "sentences_across_line_break": sum("\n" in text[s:e] for s, e in spans),
    }


def compare_splitters(data_dir: Path) -> dict[str, Any]:
    """Figures of every splitter in `SPLITTERS` on the labelled data and the article."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for ex in load_dir(data_dir):
        by_doc[ex.doc].append(ex.text.strip())
    docs = [v for v in by_doc.values() if len(v) > 1]
    article = (data_dir / ARTICLE).read_text(encoding="utf-8")
    return {
        name: {"labelled": _on_labelled(fn, docs), "article": _on_article(fn, article)}
        for name, fn in SPLITTERS.items()
    }
