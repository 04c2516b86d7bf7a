"""Who is calling: passwords, session tokens, API keys and the role each endpoint needs.

People log in with a password (scrypt, a memory-hard hash from the standard library) and get a
bearer token that expires; systems send an API key in X-API-Key. Only hashes of tokens and keys
are stored. An endpoint declares its roles with `Depends(allow(...))`; `document_roles` writes
them into the OpenAPI schema, so the documentation and the check are one and the same.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from catalog.records import ROLES
from catalog.setting import number_setting

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # OWASP's minimum for scrypt; about 50 ms a hash here
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT, dklen=32)
    return "scrypt${n}${r}${p}$".format(**SCRYPT) + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 200:
        raise ValueError("a password can have at most 200 characters")


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def session_hours() -> float:
    return number_setting("SOCIALMAP_SESSION_HOURS", 8, 0, 720, "a number of hours", above_low=True)


def expiry() -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=session_hours())).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Caller:
    name: str                 # the username, or "key:<name>" for an API key: what the audit trail shows
    role: str
    organisation: str | None

    def may_edit(self, organisation: str) -> bool:
        return self.role == "admin" or (self.role == "editor" and self.organisation is not None
                                        and self.organisation.casefold() == organisation.casefold())


class LoginThrottle:
    """After too many wrong passwords for one username, refuse that username for a while."""

    def __init__(self, attempts: int = 10, window_s: float = 900):
        self.attempts, self.window_s = attempts, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, username: str) -> bool:
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if time.monotonic() - t < self.window_s]
            self._failures[username] = recent
            return len(recent) >= self.attempts

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username, []).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


bearer = HTTPBearer(auto_error=False, description="a token from POST /auth/login")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key made by an admin")


def caller_of(request: Request, credentials: HTTPAuthorizationCredentials | None,
              api_key: str | None) -> Caller | None:
    store = request.app.state.store
    if credentials is not None:
        user = store.session_user(secret_hash(credentials.credentials))
        if user is None:
            raise HTTPException(401, "the token is unknown or has expired: log in again at POST /auth/login",
                                headers={"WWW-Authenticate": "Bearer"})
        return Caller(user.username, user.role, user.organisation)
    if api_key is not None:
        key = store.api_key(secret_hash(api_key))
        if key is None:
            raise HTTPException(401, "the API key is unknown or revoked", headers={"WWW-Authenticate": "Bearer"})
        return Caller(f"key:{key.name}", key.role, key.organisation)
    return None


def allow(*roles: str):
    """A dependency that lets only these roles through (admin always), and returns the Caller."""
    assert all(r in ROLES for r in roles), roles
    allowed = tuple(dict.fromkeys(("admin", *roles)))

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                   api_key: str | None = Depends(api_key_header)) -> Caller:
        caller = caller_of(request, credentials, api_key)
        if caller is None:
            raise HTTPException(401, "log in first (POST /auth/login) and send 'Authorization: Bearer <token>',"
                                " or send an API key in X-API-Key", headers={"WWW-Authenticate": "Bearer"})
        if caller.role not in allowed:
            raise HTTPException(403, f"this needs the role {' or '.join(allowed)}; you are {caller.role}")
        return caller

    dependency.roles = allowed
    return dependency


def document_roles(routes) -> None:
    """Write each endpoint's roles into its OpenAPI entry (x-roles, and a line in the description)."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        roles = next((getattr(d.call, "roles") for d in route.dependant.dependencies
                      if hasattr(d.call, "roles")), ("anyone",))
        route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": list(roles)}
        if "\n\nRoles: " not in (route.description or ""):  # routers are shared by every app made
            route.description = (route.description or "").rstrip() + f"\n\nRoles: {', '.join(roles)}."
