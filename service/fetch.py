"""Fetches feed bodies: conditional GET, a size cap enforced while streaming, local sample files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from service.errors import FeedFetchError

USER_AGENT = "Redline/0.1 (+https://github.com/redline/redline; conditional-threat monitor)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)


def make_fetch_client(
    *, connect_timeout_s: float, read_timeout_s: float, max_redirects: int, max_connections: int
) -> httpx.Client:
    """A client for feeds: Redline's User-Agent, gzip (httpx decodes it), bounded redirects.

    The pool is as large as the number of concurrent fetches, so threads never wait for it.
    """
    return httpx.Client(
        timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
        follow_redirects=True,
        max_redirects=max_redirects,
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetch result; `body` is None when the server said 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    status_code: int = 200


class FeedFetcher:
    """Fetches feed URLs with the shared HTTP client (safe to call from several threads)."""

    def __init__(self, client: httpx.Client, *, max_bytes: int, file_dirs: list[Path]) -> None:
        self._client = client
        self._max_bytes = max_bytes
        self._file_dirs = [d.resolve() for d in file_dirs]

    def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        """The feed's body, or raises FeedFetchError saying why not."""
        scheme = urlsplit(url).scheme
        if scheme == "file":
            return self._read_file(url)
        if scheme not in ("http", "https"):
            raise FeedFetchError(f"unsupported URL scheme {scheme!r}")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(None, etag, last_modified, 304)
                if not response.is_success:
                    raise FeedFetchError(
                        f"HTTP {response.status_code}", status_code=response.status_code
                    )
                body = self._read_capped(response)
                return Fetched(
                    body,
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                    response.status_code,
                )
        except httpx.TooManyRedirects as exc:
            raise FeedFetchError("too many redirects") from exc
        except httpx.TimeoutException as exc:
            raise FeedFetchError(f"timeout ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FeedFetchError(f"{type(exc).__name__}: {exc}") from exc

    def _read_capped(self, response: httpx.Response) -> bytes:
        # Counted after decompression, so a small gzip bomb is cut off like a huge body.
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise FeedFetchError(f"body of {declared} bytes exceeds {self._max_bytes}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise FeedFetchError(f"body exceeds {self._max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _read_file(self, url: str) -> Fetched:
        # Only files inside the allowed directories: a feed URL must not read arbitrary files.
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(d) for d in self._file_dirs):
            raise FeedFetchError("file:// feeds are limited to the configured directories")
        try:
            if path.stat().st_size > self._max_bytes:
                raise FeedFetchError(f"file exceeds {self._max_bytes} bytes")
            return Fetched(path.read_bytes())
        except OSError as exc:
            raise FeedFetchError(f"cannot read file: {exc.strerror}") from exc
