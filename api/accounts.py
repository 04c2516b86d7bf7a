"""Logging in and out, and the accounts and API keys an admin hands out."""
from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import (
    LOGIN_LIMITS, TOO_MANY, bearer, check_new_password, expiry, hash_password, new_secret, secret_hash,
    verify_password,
)
from api.deps import Admin, LoggedIn, SettingsDep, StoreDep
from api.errors import ErrorDocs
from api.schemas import ApiKeyIn, ApiKeyOut, Login, Me, Token, UserIn, UserOut
from catalog.errors import Conflict, InvalidInput, NotFound, NotLoggedIn, TooManyAttempts
from catalog.records import ApiKey, User

ERRORS = ErrorDocs({
    401: "Wrong username or password, or not logged in", 403: "Not your role", 404: "No such account",
    409: "The name is taken", 422: "The input is wrong; the message says what to fix",
    429: "Too many wrong passwords; wait a while"})
# Spent on an unknown username too, so that a wrong name and a wrong password take as long.
DUMMY_HASH = hash_password("not a real password, only for timing")

router = APIRouter(tags=["accounts"])


def check_account(role: str, organisation: str | None) -> None:
    if role == "editor" and not organisation:
        raise InvalidInput.of_field("organisation", "organisation_needed", "an editor belongs to one organisation: "
                                    "give 'organisation', the name its listings carry")


@router.post("/auth/login", response_model=Token, responses=ERRORS(401, 422, 429))
def login(request: Request, body: Login, store: StoreDep, settings: SettingsDep):
    """Exchange a username and password for a bearer token that expires (SOCIALMAP_SESSION_HOURS, default 8)."""
    address = request.client.host if request.client else "unknown"
    # Counted before the password is checked: sixty guesses at once are sixty attempts.
    attempt, limit = store.accounts.begin_login(body.username, address, LOGIN_LIMITS, time.time())
    if attempt is None:
        minutes = round(LOGIN_LIMITS.window_s / 60)
        raise TooManyAttempts(f"{TOO_MANY[limit]}: try again in {minutes} minutes", limit=limit, minutes=minutes,
                              headers={"Retry-After": str(int(LOGIN_LIMITS.window_s))})
    user = store.accounts.user(body.username)
    if not verify_password(body.password, user.password_hash if user else DUMMY_HASH) or user is None:
        raise NotLoggedIn("wrong username or password", "login_failed")   # the attempt stays counted
    store.accounts.login_succeeded(attempt, body.username, address)
    token, expires_at = new_secret("sm_s_"), expiry(settings.session_hours)
    store.accounts.add_session(secret_hash(token), user.username, expires_at)
    return Token(access_token=token, expires_at=expires_at, role=user.role, organisation=user.organisation)


@router.post("/auth/logout", status_code=204, response_class=Response, responses=ERRORS(401))
def logout(store: StoreDep, caller: LoggedIn, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)):
    """End this session: the token stops working at once."""
    if credentials is not None:
        store.accounts.end_session(secret_hash(credentials.credentials))
    return Response(status_code=204)


@router.get("/auth/me", response_model=Me, responses=ERRORS(401))
def me(caller: LoggedIn):
    """Who you are logged in as."""
    return Me(name=caller.name, role=caller.role, organisation=caller.organisation)


@router.post("/users", status_code=201, response_model=UserOut, responses=ERRORS(401, 403, 409, 422))
def create_user(body: UserIn, store: StoreDep, caller: Admin):
    """Make an account: admin, editor (of one organisation), coach or analyst (municipality)."""
    check_new_password(body.password)
    check_account(body.role, body.organisation)
    store.accounts.add_user(User(body.username, hash_password(body.password), body.role, body.organisation))
    user = store.accounts.user(body.username)
    return UserOut(username=user.username, role=user.role, organisation=user.organisation, created_at=user.created_at)


@router.get("/users", response_model=list[UserOut], responses=ERRORS(401, 403))
def users(store: StoreDep, caller: Admin):
    return [UserOut(username=u.username, role=u.role, organisation=u.organisation, created_at=u.created_at)
            for u in store.accounts.users()]


@router.delete("/users/{username}", status_code=204, response_class=Response,
               responses=ERRORS(401, 403, 404, 409))
def delete_user(username: str, store: StoreDep, caller: Admin):
    """Remove an account; its sessions end at once. The audit trail keeps its name."""
    if username == caller.name:
        raise Conflict("you cannot remove your own account; ask another admin", "own_account")
    if not store.accounts.delete_user(username):
        raise NotFound(f"no user '{username}'", "user_unknown", name=username)
    return Response(status_code=204)


@router.post("/api-keys", status_code=201, response_model=ApiKeyOut, responses=ERRORS(401, 403, 409, 422))
def create_api_key(body: ApiKeyIn, store: StoreDep, caller: Admin):
    """A key for a system (e.g. an organisation's own registration software). The key is shown once."""
    check_account(body.role, body.organisation)
    key = new_secret("sm_k_")
    store.accounts.add_api_key(ApiKey(body.name, secret_hash(key), body.role, body.organisation))
    made = next(k for k in store.accounts.api_keys() if k.name == body.name)
    return ApiKeyOut(name=made.name, role=made.role, organisation=made.organisation, created_at=made.created_at,
                     revoked=made.revoked, key=key)


@router.get("/api-keys", response_model=list[ApiKeyOut], responses=ERRORS(401, 403))
def api_keys(store: StoreDep, caller: Admin):
    return [ApiKeyOut(name=k.name, role=k.role, organisation=k.organisation, created_at=k.created_at,
                      revoked=k.revoked) for k in store.accounts.api_keys()]


@router.delete("/api-keys/{name}", status_code=204, response_class=Response,
               responses=ERRORS(401, 403, 404))
def revoke_api_key(name: str, store: StoreDep, caller: Admin):
    """Revoke a key: it stops working at once."""
    if not store.accounts.revoke_api_key(name):
        raise NotFound(f"no active API key named '{name}'", "api_key_unknown", name=name)
    return Response(status_code=204)
