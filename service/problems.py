"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from scoring import ArtifactError
from service.errors import (
    ConflictError,
    InvalidInputError,
    InvalidQueryError,
    NotFoundError,
    RedlineError,
)

MEDIA_TYPE = "application/problem+json"

STATUS: dict[type[Exception], int] = {
    NotFoundError: 404,
    ArtifactError: 503,
    ConflictError: 409,
    InvalidInputError: 422,
    InvalidQueryError: 422,
}


def problem(status: int, detail: str, *, request: Request, **extra: Any) -> JSONResponse:
    """A problem-details response; `type` stays about:blank, so `title` is the status phrase."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=MEDIA_TYPE)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    response = problem(exc.status_code, str(exc.detail), request=request)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    return problem(422, f"{where}: {first['msg']}", request=request, errors=errors)


async def _redline_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 500)
    return problem(status, str(exc), request=request)


def install(app: FastAPI) -> None:
    """Routes every HTTP, validation and Redline error through `problem`."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RedlineError, _redline_error)
    app.add_exception_handler(ArtifactError, _redline_error)
