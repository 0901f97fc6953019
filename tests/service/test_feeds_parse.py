"""Every feed format Redline reads, the richest text taken and HTML stripped (no network)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.errors import FeedParseError
from service.parse import link_key, parse_feed, text_hash
from tests.service.feedkit import THREAT, Entry, atom, json_feed, rss091, rss2, rss10

ENTRY = Entry(title="Militia issues warning", text=THREAT, guid="g-1", link="http://127.0.0.1/a/1")


@pytest.mark.parametrize(
    ("build", "source"),
    [
        (rss091, "Wire Old"),
        (rss10, "Wire RDF"),
        (rss2, "Wire Two"),
        (atom, "Wire Atom"),
        (json_feed, "Wire JSON"),
    ],
)
def test_each_format_gives_title_clean_text_link_and_source(
    build: Callable[[list[Entry]], bytes], source: str
) -> None:
    title, (draft,) = parse_feed(build([ENTRY]))
    assert title == source == draft.source
    assert draft.title == "Militia issues warning"
    assert draft.text == THREAT  # markup gone, the content (not the short summary) kept
    assert draft.link == "http://127.0.0.1/a/1"


def test_atom_and_json_feed_prefer_content_over_summary() -> None:
    for body in (atom([ENTRY]), json_feed([ENTRY])):
        _, (draft,) = parse_feed(body)
        assert draft.text != "short" and "<" not in draft.text


def test_summary_is_used_when_there_is_no_content() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<updated>2024-07-01T00:00:00Z</updated><entry><title>Head</title><id>urn:1</id>
<updated>2024-07-01T00:00:00Z</updated><summary type="html">&lt;i&gt;Only&lt;/i&gt; this.</summary>
</entry></feed>"""
    _, (draft,) = parse_feed(body)
    assert draft.text == "Only this."


def test_a_title_only_entry_keeps_its_title_to_score() -> None:
    _, (draft,) = parse_feed(rss2([Entry(title="Headline alone", guid="h")]))
    assert draft.title == "Headline alone" and draft.text == ""


def test_json_feed_numeric_ids_and_dates() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1", "title": "J", "items": '
        b'[{"id": 7, "content_text": "Plain words here.", '
        b'"date_modified": "2024-07-02T10:00:00Z"}]}'
    )
    _, (draft,) = parse_feed(body)
    assert draft.guid == "7" and draft.text == "Plain words here."
    assert draft.published_at is not None and draft.published_at.day == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"version": "1.1", "items": []}', "not a JSON Feed: version"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"title": "x"}]}',
            "items.0.id",
        ),
        (b'{"version": ', "not a JSON Feed"),
        (b'<?xml version="1.0"?><inventory><row>1</row></inventory>', "not a feed"),
    ],
)
def test_malformed_feeds_are_refused_with_the_reason(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body)


def test_identities_ignore_case_whitespace_and_fragments() -> None:
    assert text_hash("A  Title", "Some body text long enough to identify") == text_hash(
        "a title", "some body   text long enough to identify"
    )
    assert text_hash("Breaking", "") is None  # too short to tell stories apart
    assert link_key("http://x/a#top") == link_key("http://x/a") != link_key("http://x/b")
    assert link_key(None) is None
