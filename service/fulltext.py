"""Optional full-article fetch: an entry with only a title or a short summary gets its page's text.

Off by default (`REDLINE_FULL_TEXT`); the page is fetched with the feed fetcher (same timeouts,
size cap and User-Agent) and its main text extracted by trafilatura.
"""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import urlsplit

from service.errors import FeedError
from service.fetch import FeedFetcher
from service.parse import ItemDraft

logger = logging.getLogger(__name__)


class FullText:
    """Fills `ItemDraft.full_text` for drafts whose own text is shorter than `min_chars`."""

    def __init__(self, fetcher: FeedFetcher, *, min_chars: int) -> None:
        self._fetcher = fetcher
        self._min_chars = min_chars

    def wants(self, draft: ItemDraft) -> bool:
        """True when the draft's text is short and it links to a web page."""
        link = draft.link or ""
        return len(draft.text) < self._min_chars and urlsplit(link).scheme in ("http", "https")

    def enrich(self, draft: ItemDraft) -> ItemDraft:
        """The draft with the article text when it can be had and is longer; else as it was."""
        if not self.wants(draft) or draft.link is None:
            return draft
        try:
            page = self._fetcher.fetch(draft.link, etag=None, last_modified=None).body
        except FeedError as exc:
            logger.info("full text unavailable: %s", exc)
            return draft
        import trafilatura  # heavy, and only needed when the feature is on

        text = trafilatura.extract(page.decode("utf-8", "replace")) if page else None
        if not text or len(text) <= len(draft.text):
            return draft
        return dataclasses.replace(draft, full_text=" ".join(text.split()))
