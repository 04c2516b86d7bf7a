"""What a request must be before any route sees it: a body of bounded size, sent by someone who is
logged in (on every route that needs it), and text without control characters.

The body is read here, at most SOCIALMAP_MAX_BODY_BYTES of it, and only after the credentials have
been checked: an anonymous 100 MB upload costs the service nothing. Control characters (a NUL byte
above all: PostgreSQL cannot store one in text) are refused with 422 naming the field, the same on
both stores, instead of failing deep in a store.
"""
from __future__ import annotations

import json
from typing import Callable
from urllib.parse import parse_qsl, unquote

from starlette.concurrency import run_in_threadpool

from api.errors import error_response
from catalog.errors import AppError, Detail, InvalidInput
from catalog.validation import CONTROL_CHARACTER

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CONTROL = CONTROL_CHARACTER   # tabs and line breaks are text; NUL and the other C0 characters are not


def control_character_fields(value, path: str = "body") -> list[str]:
    """Where a JSON value holds text with a control character (keys included)."""
    if isinstance(value, str):
        return [path] if CONTROL.search(value) else []
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            found += [f"{path}.{k}"] if CONTROL.search(str(k)) else []
            found += control_character_fields(v, f"{path}.{k}" if path != "body" else str(k))
        return found
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in control_character_fields(v, f"{path}.{i}")]
    return []


def _invalid(fields: list[str]):
    message = "contains a control character (such as a NUL byte): remove it"
    return error_response(InvalidInput("invalid input: " + "; ".join(f"{f}: {message}" for f in fields),
                                       details=[Detail(f, "control_character", message) for f in fields]))


def _refusal(status: int, code: str, message: str, **params):
    return error_response(AppError(message, code, status=status, **params))


class RequestGuard:
    """`needs_login(method, path)`: whether the route behind it takes only logged-in callers;
    `identify(headers)`: (the caller, None) or (None, what is wrong with the token or key); run in
    a thread: it reads the store. The caller found is left in the request's state for the route."""

    def __init__(self, app, needs_login: Callable[[str, str], bool], identify: Callable[[dict], tuple],
                 max_body_bytes: int):
        self.app = app
        self.needs_login = needs_login
        self.identify = identify
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self._check_url(scope)
        if refusal is None and scope["method"] in BODY_METHODS:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            refusal = await self._check_sender(scope, headers)
            if refusal is None:
                body, refusal = await self._read_body(receive, headers)
                if refusal is None:
                    refusal = self._check_body(body, headers)
                    receive = _replay(body, receive)
        if refusal is not None:
            return await refusal(scope, receive, send)
        await self.app(scope, receive, send)

    def _check_url(self, scope):
        path = unquote(scope.get("raw_path", b"").decode("latin-1") or scope["path"])
        fields = ["path"] if CONTROL.search(path) else []
        for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            if CONTROL.search(name) or CONTROL.search(value):
                fields.append(f"query.{CONTROL.sub('', name)}")
        return _invalid(fields) if fields else None

    async def _check_sender(self, scope, headers):
        if not self.needs_login(scope["method"], scope["path"]):
            return None
        caller, problem = await run_in_threadpool(self.identify, headers)
        if problem is not None:
            return error_response(problem)
        scope.setdefault("state", {})["caller"] = caller
        return None

    async def _read_body(self, receive, headers):
        limit = self.max_body_bytes
        too_big = _refusal(413, "body_too_large", f"the request body is larger than {limit} bytes "
                                                  "(SOCIALMAP_MAX_BODY_BYTES): send less at once", limit=limit)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return b"", too_big
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", _refusal(400, "body_incomplete", "the client went away before the body was complete")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", too_big
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    @staticmethod
    def _check_body(body: bytes, headers):
        if not body or "json" not in headers.get("content-type", "json"):
            return None
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None   # the route's own parser reports bad JSON, with its position
        fields = control_character_fields(value)
        return _invalid(fields) if fields else None


def _replay(body: bytes, receive_more):
    """The body read once more for the route; after it, the connection's own messages (a disconnect)."""
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive_more()
    return receive
