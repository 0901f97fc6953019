"""Service errors, mapped to RFC 9457 problem details in `service/problems.py`."""

from __future__ import annotations


class RedlineError(Exception):
    """Base class of errors raised by the service."""


class FeedError(RedlineError):
    """A feed could not be fetched or parsed; recorded on the feed, other feeds go on."""


class FeedFetchError(FeedError):
    """The feed's server failed, timed out, or sent too much."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class FeedParseError(FeedError):
    """The body is not a feed."""


class NotFoundError(RedlineError):
    """An id that names nothing."""


class ConflictError(RedlineError):
    """The request clashes with what is stored (a duplicate name, URL, id or alias)."""


class InvalidInputError(RedlineError):
    """Well-formed input the service refuses (an unsafe address, an impossible rule)."""


class InvalidQueryError(RedlineError):
    """A query parameter is well-typed but unusable (a bad cursor, an empty window)."""
