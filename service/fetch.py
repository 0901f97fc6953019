"""Fetches feed bodies: conditional GET, a size cap enforced while streaming, local sample files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from service.errors import FeedFetchError

USER_AGENT = "Redline/0.1 (+https://github.com/redline/redline; conditional-threat monitor)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetch result; `body` is None when the server said 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    status_code: int = 200


class FeedFetcher:
    """Fetches one feed URL at a time with the shared HTTP client."""

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
                    raise FeedFetchError(f"HTTP {response.status_code}")
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
