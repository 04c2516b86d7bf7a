"""The routes' dependencies, typed, in one place: what a route needs is in its signature.

    def change(activity_id: str, store: StoreDep, matcher: MatcherDep, caller: Editor): ...

The app (api/app.py) puts the settings, one store, one matcher and one HSDS directory on its state
at start-up; only this module reads them. Tests swap any of them with `app.dependency_overrides`.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import Caller, allow
from catalog.config import Settings
from catalog.hsds.directory import Directory
from catalog.store import Store
from matcher.engine import Matcher


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_matcher(request: Request) -> Matcher:
    return request.app.state.matcher


def get_directory(request: Request) -> Directory:
    return request.app.state.directory


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[Store, Depends(get_store)]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

# Who may call: admin always, and the roles named (api/auth.py allow()).
Admin = Annotated[Caller, Depends(allow())]
Editor = Annotated[Caller, Depends(allow("editor"))]
Coach = Annotated[Caller, Depends(allow("coach"))]
Analyst = Annotated[Caller, Depends(allow("analyst"))]
Staff = Annotated[Caller, Depends(allow("editor", "analyst"))]   # the upkeep of listings
LoggedIn = Annotated[Caller, Depends(allow("editor", "coach", "analyst"))]
