"""Feed files written for the ingestion tests (own words), and a threaded local HTTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape

from pytest_httpserver import HTTPServer

# Own words, written for these tests.
THREAT = (
    "The movement's leader warned that foreign embassies in the capital would be attacked "
    "if the government signed the basing agreement."
)
CALM = "The city council opened a new library branch with a reading room for children."


@dataclass(frozen=True)
class Entry:
    title: str
    text: str = ""
    guid: str | None = None
    link: str | None = None


def rss2(entries: list[Entry], title: str = "Wire Two") -> bytes:
    items = "".join(
        "<item>"
        f"<title>{escape(e.title)}</title>"
        + (f"<guid isPermaLink='false'>{escape(e.guid)}</guid>" if e.guid else "")
        + (f"<link>{escape(e.link)}</link>" if e.link else "")
        + (f"<description>{escape('<p>' + e.text + '</p>')}</description>" if e.text else "")
        + "<pubDate>Mon, 01 Jul 2024 08:00:00 GMT</pubDate></item>"
        for e in entries
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def rss091(entries: list[Entry], title: str = "Wire Old") -> bytes:
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link or '')}</link>"
        f"<description>{escape(e.text)}</description></item>"
        for e in entries
    )
    return (
        f'<?xml version="1.0"?><rss version="0.91"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>"
        f"<language>en</language>{items}</channel></rss>"
    ).encode()


def rss10(entries: list[Entry], title: str = "Wire RDF") -> bytes:
    items = "".join(
        f'<item rdf:about="{escape(e.link or "")}"><title>{escape(e.title)}</title>'
        f"<link>{escape(e.link or '')}</link><description>{escape(e.text)}</description>"
        "<dc:date>2024-07-01T08:00:00Z</dc:date></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="http://127.0.0.1/"><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description></channel>{items}</rdf:RDF>"
    ).encode()


def atom(entries: list[Entry], title: str = "Wire Atom") -> bytes:
    items = "".join(
        f"<entry><title>{escape(e.title)}</title><id>{escape(e.guid or e.link or e.title)}</id>"
        + (f'<link href="{escape(e.link)}"/>' if e.link else "")
        + "<updated>2024-07-01T08:00:00Z</updated><summary>short</summary>"
        + f'<content type="html">{escape("<div><b>" + e.text + "</b></div>")}</content></entry>'
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test</id><updated>2024-07-01T08:00:00Z</updated>"
        f"{items}</feed>"
    ).encode()


def json_feed(entries: list[Entry], title: str = "Wire JSON") -> bytes:
    items = [
        {
            "id": e.guid or e.link or e.title,
            "url": e.link,
            "title": e.title,
            "content_html": f"<p>{escape(e.text)}</p>",
            "summary": "short",
            "date_published": "2024-07-01T08:00:00+00:00",
        }
        for e in entries
    ]
    body = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    return json.dumps(body).encode()


@contextmanager
def threaded_server() -> Iterator[HTTPServer]:
    """A pytest-httpserver that answers requests concurrently (slow handlers block nobody)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()
