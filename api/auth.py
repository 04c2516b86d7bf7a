"""Who is calling: passwords, session tokens, API keys and the role each endpoint needs.

People log in with a password (scrypt, a memory-hard hash from the standard library) and get a
bearer token that expires; systems send an API key in X-API-Key. Only hashes of tokens and keys
are stored. An endpoint declares its roles with `Depends(allow(...))` (api/deps.py); `document_roles` writes
them into the OpenAPI schema, so the documentation and the check are one and the same.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Callable

from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPBearer

from catalog.errors import AppError, InvalidInput, NotLoggedIn
from catalog.records import LoginLimits

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
        raise InvalidInput.of_field("password", "too_short", f"a password needs at least {MIN_PASSWORD} characters",
                                    min_length=MIN_PASSWORD)
    if len(password) > 200:
        raise InvalidInput.of_field("password", "too_long", "a password can have at most 200 characters", max_length=200)


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def expiry(hours: float) -> str:
    """When a session that starts now ends (Settings.session_hours)."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Caller:
    name: str                 # the username, or "key:<name>" for an API key: what the audit trail shows
    role: str
    organisation: str | None

    def may_edit(self, organisation: str) -> bool:
        return self.role == "admin" or (self.role == "editor" and self.organisation is not None
                                        and self.organisation.casefold() == organisation.casefold())


LOGIN_LIMITS = LoginLimits()
TOO_MANY = {"account_and_address": "too many wrong passwords for this username from here",
            "address": "too many failed logins from this address",
            "account": "too many failed logins for this username"}


NOT_LOGGED_IN = ("log in first (POST /auth/login) and send 'Authorization: Bearer <token>', or send an API key "
                 "in X-API-Key")
bearer = HTTPBearer(auto_error=False, description="a token from POST /auth/login")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key made by an admin")


def caller_from(store, token: str | None, api_key: str | None) -> Caller | None:
    """The caller a bearer token or API key stands for; None without either; 401 for a bad one."""
    if token is not None:
        user = store.accounts.session_user(secret_hash(token))
        if user is None:
            raise NotLoggedIn("the token is unknown or has expired: log in again at POST /auth/login",
                              "token_expired")
        return Caller(user.username, user.role, user.organisation)
    if api_key is not None:
        key = store.accounts.api_key(secret_hash(api_key))
        if key is None:
            raise NotLoggedIn("the API key is unknown or revoked", "api_key_unknown")
        return Caller(f"key:{key.name}", key.role, key.organisation)
    return None


def caller_of_headers(store, headers: dict[str, str]) -> tuple[Caller | None, AppError | None]:
    """The caller raw request headers stand for, or what is wrong with them (the request guard asks
    before it reads a body; the error is the one the route itself would give)."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    try:
        caller = caller_from(store, token.strip() if scheme.lower() == "bearer" and token.strip() else None,
                             headers.get("x-api-key"))
    except NotLoggedIn as e:
        return None, e
    return (caller, None) if caller is not None else (None, NotLoggedIn(NOT_LOGGED_IN))


def needs_login(routes) -> Callable[[str, str], bool]:
    """For the request guard: whether the route a method and path reach takes only logged-in callers."""
    guarded = [(route.path_regex, route.methods, roles_of(route) != ("anyone",))
               for route in routes if isinstance(route, APIRoute)]

    def check(method: str, path: str) -> bool:
        return any(login for regex, methods, login in guarded if method in methods and regex.match(path))
    return check


def roles_of(route: APIRoute) -> tuple[str, ...]:
    return next((getattr(d.call, "roles") for d in route.dependant.dependencies if hasattr(d.call, "roles")),
                ("anyone",))


def document_roles(routes) -> None:
    """Write each endpoint's roles into its OpenAPI entry (x-roles, and a line in the description)."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        roles = roles_of(route)
        route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": list(roles)}
        if "\n\nRoles: " not in (route.description or ""):  # routers are shared by every app made
            route.description = (route.description or "").rstrip() + f"\n\nRoles: {', '.join(roles)}."
