"""The HTTP API. It only translates between HTTP and calls into matcher/ and catalog/."""
from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from analysis.intakes import record_match
from api import accounts, listings, municipality, settings, upkeep
from api.auth import Caller, allow, caller_of_headers, document_roles, needs_login
from api.guard import RequestGuard
from api.headers import SecurityHeaders
from api.hsds_routes import hsds_router
from api.pages import add_pages
from api.schemas import ErrorResponse, Health, MatchRequest, MatchResponse, TaxonomyOut
from catalog.freshness import stale_after_days
from catalog.store import Store
from catalog.stores import open_store
from catalog.taxonomy import taxonomy
from matcher import signals as model
from matcher.engine import LocationUnknown, Matcher

log = logging.getLogger("socialmap.api")
ERRORS = {422: {"model": ErrorResponse, "description": "The input is wrong; the message says what to fix"},
          401: {"model": ErrorResponse, "description": "Not logged in, or the token expired"},
          403: {"model": ErrorResponse, "description": "Only coaches and admins match clients"}}


def _preload(matcher: Matcher) -> None:
    """Decode the catalog into memory (with each listing's words and knowledge bits), then keep
    those long-lived objects out of the garbage collector's full passes (they made the slowest
    requests several times slower)."""
    try:
        count = matcher.warm()
        gc.collect()
        gc.freeze()
        log.info("preloaded %d activities", count)
    except Exception:  # the service still works, only the first queries per area are slower
        log.exception("preloading the catalog failed")


def create_app(database_url: str | None = None, store: Store | None = None, encoder=None) -> FastAPI:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.limit_blas_threads()
        if model.LOAD_PROBLEM:   # never serve on hand weights by accident
            raise RuntimeError(f"cannot start: {model.LOAD_PROBLEM}")
        stale_after_days()  # a wrong freshness setting stops the start, not the first request
        state["store"] = app.state.store = store or open_store(database_url or settings.database_url())
        if encoder is None:
            from matcher.encoder import Encoder
            state["matcher"] = Matcher(state["store"], Encoder())
        else:
            state["matcher"] = Matcher(state["store"], encoder)
        app.state.matcher = state["matcher"]
        log.info("serving %d activities", state["store"].count())
        threading.Thread(target=_preload, args=(state["matcher"],), daemon=True).start()
        yield
        if store is None:
            state["store"].close()

    app = FastAPI(title="Social map matcher", version="0.1.0", lifespan=lifespan,
                  description="Suggests neighbourhood activities for a Welzijn op Recept client, "
                              "explained in Dutch, and says when a tailored offer is needed.")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        details = [{"field": "body" if e["type"] == "json_invalid"
                    else ".".join(str(p) for p in e["loc"] if p != "body") or "body",
                    "message": e["msg"].removeprefix("Value error, ")} for e in exc.errors()]
        return JSONResponse(status_code=422, content={"error": "invalid input: " + "; ".join(
            f"{d['field']}: {d['message']}" for d in details), "details": details})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse(status_code=exc.status_code,
                            content={"error": str(exc.detail), "details": getattr(exc, "details", [])},
                            headers=getattr(exc, "headers", None))

    @app.get("/health", response_model=Health, tags=["service"])
    def health():
        s = state["store"]
        return Health(status="ok", activities=s.count(), schema_version=s.schema_version(),
                      model=state["matcher"].encoder.name)

    @app.get("/taxonomy", response_model=TaxonomyOut, tags=["matching"])
    def activity_taxonomy():
        """The activity types, needs and target groups the matcher assigns (the keys in `types` and
        `target_groups` of an activity, which an editor may correct)."""
        return TaxonomyOut.of(taxonomy())

    @app.post("/match", response_model=MatchResponse, responses=ERRORS, tags=["matching"])
    def match(request: MatchRequest, caller: Caller = Depends(allow("coach"))):
        """Ranked, explained suggestions for one client, and whether a tailored offer is needed."""
        try:
            result = state["matcher"].match(request, limit=request.limit)
        except LocationUnknown as e:
            raise HTTPException(422, str(e))
        intake_id = record_match(state["store"], request, result).id if request.record else None
        return MatchResponse.of(result, intake_id)

    for router in (listings.router, upkeep.router, accounts.router, municipality.router,
                   hsds_router(lambda: state["store"])):
        document_roles(router.routes)
        app.include_router(router)
    document_roles(app.routes)
    add_pages(app)
    # Outermost last: the guard's refusals carry the security headers too.
    app.add_middleware(RequestGuard, needs_login=needs_login(app.routes),
                       identify=lambda headers: caller_of_headers(app.state.store, headers))
    app.add_middleware(SecurityHeaders)
    return app
