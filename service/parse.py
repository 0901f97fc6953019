"""Turns a feed body into item drafts: richest text field, HTML stripped, stable identities.

RSS 0.9x/1.0/2.0 and Atom are read by feedparser, JSON Feed by `service.jsonfeed`.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag

import feedparser
from selectolax.lexbor import LexborHTMLParser

from service.errors import FeedParseError
from service.jsonfeed import JsonFeed, looks_like_json, parse_json_feed

_SPACE = re.compile(r"\s+")
# Shorter texts ("Live updates", "Breaking") are too common to identify a story by.
MIN_TEXT_IDENTITY_CHARS = 40


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """An item as read from a feed, before it is stored."""

    key: str
    guid: str | None
    link: str | None
    title: str
    text: str
    published_at: datetime | None
    source: str | None
    external_id: str | None = None
    # The article's text fetched from its page, when the feed carried only a short summary.
    full_text: str | None = None


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace folded."""
    if "<" not in html and "&" not in html:
        return _SPACE.sub(" ", html).strip()
    return _SPACE.sub(" ", LexborHTMLParser(html).text(separator=" ")).strip()


def _sha(basis: str) -> str:
    return hashlib.sha256(basis.encode()).hexdigest()


def normalised_text(title: str, text: str) -> str:
    """Title and text, whitespace folded and lower-cased: what syndicated copies share."""
    return _SPACE.sub(" ", f"{title} {text}").strip().lower()


def item_key(guid: str | None, link: str | None, title: str, text: str) -> str:
    """Identity of an item: its guid, else its link, else its normalised text."""
    if guid:
        return _sha("guid:" + guid.strip())
    if link:
        return _sha("link:" + link.strip())
    return _sha("text:" + normalised_text(title, text))


def link_key(link: str | None) -> str | None:
    """Identity by link (fragment dropped), or None without a link."""
    if not link or not link.strip():
        return None
    return _sha("link:" + urldefrag(link.strip()).url)


def content_hash(title: str, text: str) -> str:
    """Fingerprint of what a feed says about a story, to tell an update in place."""
    return _sha(normalised_text(title, text))


def text_hash(title: str, text: str) -> str | None:
    """Identity by normalised text, or None when the text is too short to tell stories apart."""
    basis = normalised_text(title, text)
    return _sha("text:" + basis) if len(basis) >= MIN_TEXT_IDENTITY_CHARS else None


def draft(
    *,
    guid: str | None,
    link: str | None,
    title: str,
    text: str,
    published_at: datetime | None,
    source: str | None,
    external_id: str | None = None,
) -> ItemDraft:
    """A draft with its key computed from the other fields (an external id wins when given)."""
    key = _sha("external:" + external_id) if external_id else item_key(guid, link, title, text)
    return ItemDraft(key, guid, link, title, text, published_at, source, external_id)


def _text_of(entry: Any) -> str:
    """Content, then summary; the title is scored on its own, so it is not repeated here."""
    for content in entry.get("content") or []:
        if content.get("value"):
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary") or "")


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _from_json_feed(feed: JsonFeed) -> list[ItemDraft]:
    drafts = []
    for entry in feed.items:
        title = html_to_text(entry.title or "")
        body = entry.content_html or entry.content_text or entry.summary or ""
        text = html_to_text(body)
        if title or text:
            link = entry.url or entry.external_url
            drafts.append(
                draft(
                    guid=entry.id,
                    link=link,
                    title=title,
                    text=text,
                    published_at=entry.published(),
                    source=feed.title,
                )
            )
    return drafts


def parse_feed(body: bytes) -> tuple[str | None, list[ItemDraft]]:
    """The feed's title and its items; raises FeedParseError when the body is not a feed."""
    if looks_like_json(body):
        feed = parse_json_feed(body)
        return feed.title, _from_json_feed(feed)
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedParseError(f"not a feed: {parsed.get('bozo_exception', 'unknown error')}")
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError("not a feed: no RSS, Atom or RDF structure found")
    source = parsed.feed.get("title")
    drafts = []
    for entry in parsed.entries:
        title = html_to_text(entry.get("title") or "")
        text = _text_of(entry)
        if title or text:
            drafts.append(
                draft(
                    guid=entry.get("id"),
                    link=entry.get("link"),
                    title=title,
                    text=text,
                    published_at=_published(entry),
                    source=source,
                )
            )
    return source, drafts
