"""The web pages, served by the service itself: the coach's intake page (/), the organisation's
listings (/organisatie) and the municipality's gap map (/gemeente). Static files only; every figure
comes from the JSON API. The map library is served from node_modules (installed by setup.sh from
the npm registry): no CDN, no map tiles from the internet."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.settings import ROOT

WEB = Path(__file__).resolve().parent / "web"
LEAFLET = ROOT / "node_modules" / "leaflet" / "dist"
PAGES = {"/": "coach.html", "/organisatie": "organisatie.html", "/gemeente": "gemeente.html"}

log = logging.getLogger("socialmap.pages")


def add_pages(app: FastAPI) -> None:
    for path, filename in PAGES.items():
        app.add_api_route(path, _page(filename), methods=["GET"], include_in_schema=False)
    app.mount("/web", StaticFiles(directory=WEB), name="web")
    if LEAFLET.is_dir():
        app.mount("/vendor/leaflet", StaticFiles(directory=LEAFLET), name="leaflet")
    else:  # the pages still work; the map says it is missing
        log.warning("no map library at %s: run scripts/setup.sh (npm ci)", LEAFLET)


def _page(filename: str):
    def page() -> FileResponse:
        return FileResponse(WEB / filename, media_type="text/html")   # headers: api/headers.py
    page.__name__ = f"page_{filename.split('.')[0]}"
    return page
