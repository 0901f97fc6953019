"""JSON Feed 1.0/1.1 (jsonfeed.org/version/1.1), read through pydantic models of its JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service.errors import FeedParseError

VERSION_PREFIX = "https://jsonfeed.org/version/"


class JsonFeedItem(BaseModel):
    """One item; `id` is required by the spec, numbers are accepted as some publishers send them."""

    model_config = ConfigDict(extra="ignore")

    id: str
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: datetime | None = None
    date_modified: datetime | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    def published(self) -> datetime | None:
        """Publication (else modification) time, in UTC."""
        when = self.date_published or self.date_modified
        if when is None:
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class JsonFeed(BaseModel):
    """The top-level feed object."""

    model_config = ConfigDict(extra="ignore")

    version: str
    title: str | None = None
    home_page_url: str | None = None
    items: list[JsonFeedItem] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if not value.startswith(VERSION_PREFIX):
            raise ValueError(f"not a JSON Feed version URL: {value[:80]!r}")
        return value


def looks_like_json(body: bytes) -> bool:
    """True when the body starts like a JSON object (after a BOM and whitespace)."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_json_feed(body: bytes) -> JsonFeed:
    """The validated feed; raises FeedParseError naming the first problem."""
    try:
        return JsonFeed.model_validate_json(body.lstrip(b"\xef\xbb\xbf"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise FeedParseError(f"not a JSON Feed: {where}: {first['msg']}") from exc
