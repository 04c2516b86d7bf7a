"""Every error answer of the API has one shape, made here:

    {"error": "what is wrong, in English", "code": "version_conflict", "params": {...},
     "details": [{"field": "schedule", "code": "schedule_invalid", "message": "...", "params": {...}}]}

Domain errors (catalog/errors.py) carry their status and code; the request's own validation
(pydantic) and Starlette's errors (unknown route, wrong method) get codes here. The pages translate
`code` and `params` into Dutch (api/web/common.js); nothing should ever parse `error`.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorResponse
from catalog.errors import AppError, Detail, InvalidInput

# Codes of Starlette's own errors and of what the request guard refuses, by status.
STATUS_CODES = {400: "bad_request", 401: "login_required", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type",
                422: "invalid_input", 429: "too_many_attempts"}
# pydantic's error types, as the codes the pages know.
PYDANTIC_CODES = {"missing": "required", "string_too_long": "too_long", "too_long": "too_long",
                  "string_too_short": "too_short", "too_short": "too_short",
                  "greater_than_equal": "too_small", "greater_than": "too_small",
                  "less_than_equal": "too_large", "less_than": "too_large",
                  "literal_error": "not_allowed", "enum": "not_allowed", "json_invalid": "json_invalid",
                  "extra_forbidden": "unknown_field", "uuid_parsing": "type_invalid"}


def error_response(error: AppError) -> JSONResponse:
    return JSONResponse(status_code=error.status, headers=error.headers or None, content={
        "error": error.message, "code": error.code, "params": _plain(error.params),
        "details": [{"field": d.field, "code": d.code, "message": d.message, "params": _plain(d.params)}
                    for d in error.details]})


def _plain(params: dict) -> dict:
    """Only what JSON can carry (pydantic's context holds exception objects too)."""
    return {k: v for k, v in params.items() if isinstance(v, (str, int, float, bool, list)) or v is None}


def _pydantic_detail(e: dict) -> Detail:
    field = "body" if e["type"] == "json_invalid" else ".".join(str(p) for p in e["loc"] if p != "body") or "body"
    context = e.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, AppError):   # our own validators raise coded errors
        return Detail(field, cause.code, cause.message, cause.params)
    kind = e["type"]
    code = PYDANTIC_CODES.get(kind) or ("type_invalid" if kind.endswith(("_parsing", "_type")) else
                                        "invalid" if kind == "value_error" else kind)
    return Detail(field, code, e["msg"].removeprefix("Value error, "), _plain(context))


def invalid_request(errors: list[dict]) -> InvalidInput:
    details = [_pydantic_detail(e) for e in errors]
    return InvalidInput("invalid input: " + "; ".join(f"{d.field}: {d.message}" for d in details), details=details)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError):
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return error_response(invalid_request(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(AppError(str(exc.detail), STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}"),
                                       headers=getattr(exc, "headers", None), status=exc.status_code))


class ErrorDocs(dict):
    """A router's error answers for the OpenAPI schema, by status: `ERRORS(401, 403)` picks some."""

    def __init__(self, descriptions: dict[int, str]):
        super().__init__({status: {"model": ErrorResponse, "description": text}
                          for status, text in descriptions.items()})

    def __call__(self, *statuses: int) -> dict:
        return {status: self[status] for status in statuses}
