"""Sentence splitting fit for news.

`split_sentences(text)` returns ``[(start, end), ...]``: half-open character offsets into
`text`, in order, non-overlapping, each span stripped of surrounding whitespace and never
empty. ``text[start:end]`` is the sentence.
"""

from __future__ import annotations

import blingfire


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentence spans (character offsets into `text`)."""
    if not text.strip():
        return []
    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    spans: list[tuple[int, int]] = []
    for start, end in offsets:
        s, e = _strip(text, int(start), int(end))
        if s < e:
            spans.append((s, e))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
