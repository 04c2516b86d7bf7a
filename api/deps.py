"""The routes' dependencies, typed, in one place: what a route needs is in its signature.

    def change(activity_id: str, store: StoreDep, matcher: MatcherDep, caller: Editor): ...

The app (api/app.py) makes the settings, one store, one matcher and one HSDS directory at start-up
and keeps them on its state; only this module reads them. A test hands the app its own store or
matcher the FastAPI way, before the app starts:

    app.dependency_overrides[get_store] = lambda: store

and the start-up takes that override (`provided`) instead of opening one of its own, so the routes,
the request guard and the preloading all see the same object.
"""
from __future__ import annotations

from typing import Annotated, Callable, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import NOT_LOGGED_IN, Caller, api_key_header, bearer, caller_from
from catalog.config import Settings
from catalog.errors import Forbidden, NotLoggedIn
from catalog.hsds.directory import Directory
from catalog.records import ROLES
from catalog.store import Store
from matcher.engine import Matcher

T = TypeVar("T")


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_matcher(request: Request) -> Matcher:
    return request.app.state.matcher


def get_directory(request: Request) -> Directory:
    return request.app.state.directory


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def provided(app: FastAPI, dependency: Callable, make: Callable[[], T]) -> T:
    """What the app keeps for `dependency`, made once at start-up: a test's override (called
    without arguments) when there is one, else `make()`."""
    override = app.dependency_overrides.get(dependency)
    return override() if override is not None else make()


StoreDep = Annotated[Store, Depends(get_store)]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def allow(*roles: str):
    """A dependency that lets only these roles through (admin always), and returns the Caller."""
    assert all(r in ROLES for r in roles), roles
    allowed = tuple(dict.fromkeys(("admin", *roles)))

    def dependency(request: Request, store: StoreDep,
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
                   api_key: str | None = Depends(api_key_header)) -> Caller:
        # The request guard has looked the caller up already for a request with a body: once is enough.
        caller = getattr(request.state, "caller", None) or caller_from(
            store, credentials.credentials if credentials else None, api_key)
        if caller is None:
            raise NotLoggedIn(NOT_LOGGED_IN)
        if caller.role not in allowed:
            raise Forbidden(f"this needs the role {' or '.join(allowed)}; you are {caller.role}", "role_forbidden",
                            roles=list(allowed), role=caller.role)
        return caller

    dependency.roles = allowed   # read by api/auth.py roles_of: the OpenAPI entry and the request guard
    return dependency


# Who may call: admin always, and the roles named.
Admin = Annotated[Caller, Depends(allow())]
Editor = Annotated[Caller, Depends(allow("editor"))]
Coach = Annotated[Caller, Depends(allow("coach"))]
Analyst = Annotated[Caller, Depends(allow("analyst"))]
Staff = Annotated[Caller, Depends(allow("editor", "analyst"))]   # the upkeep of listings
LoggedIn = Annotated[Caller, Depends(allow("editor", "coach", "analyst"))]
