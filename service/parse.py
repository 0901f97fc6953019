"""Turns a feed body into item drafts: richest text field, HTML stripped, a stable identity."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from selectolax.lexbor import LexborHTMLParser

from service.errors import FeedParseError

_SPACE = re.compile(r"\s+")


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


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace folded."""
    if "<" not in html and "&" not in html:
        return _SPACE.sub(" ", html).strip()
    return _SPACE.sub(" ", LexborHTMLParser(html).text(separator=" ")).strip()


def item_key(guid: str | None, link: str | None, title: str, text: str) -> str:
    """Identity of an item: its guid, else its link, else its normalised text."""
    if guid:
        basis = "guid:" + guid.strip()
    elif link:
        basis = "link:" + link.strip()
    else:
        basis = "text:" + _SPACE.sub(" ", f"{title} {text}").strip().lower()
    return hashlib.sha256(basis.encode()).hexdigest()


def _text_of(entry: Any) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary") or "")


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def parse_feed(body: bytes) -> tuple[str | None, list[ItemDraft]]:
    """The feed's title and its items; raises FeedParseError when the body is not a feed."""
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
        guid, link = entry.get("id"), entry.get("link")
        if not (title or text):
            continue
        drafts.append(
            ItemDraft(
                key=item_key(guid, link, title, text),
                guid=guid,
                link=link,
                title=title,
                text=text,
                published_at=_published(entry),
                source=source,
            )
        )
    return source, drafts
