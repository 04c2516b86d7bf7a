"""The HTTP API. It only translates between HTTP and calls into matcher/ and catalog/."""
from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from analysis.intakes import record_match
from api import accounts, hsds_routes, listings, municipality, upkeep
from api.auth import caller_of_headers, document_roles, needs_login
from api.deps import Coach, MatcherDep, SettingsDep, StoreDep, get_directory, get_matcher, get_store, provided
from api.errors import ErrorDocs, add_error_handlers
from api.guard import RequestGuard
from api.headers import SecurityHeaders
from api.pages import add_pages
from api.schemas import Health, MatchRequest, MatchResponse, TaxonomyOut, Vocabulary
from api.settings import limit_blas_threads
from catalog.config import Settings
from catalog.hsds.directory import Directory
from catalog.stores import open_store
from catalog.taxonomy import taxonomy
from catalog.vocabulary import for_pages
from matcher import signals as model
from matcher.engine import Matcher
from matcher.index.retype import retype

log = logging.getLogger("socialmap.api")
ERRORS = ErrorDocs({422: "The input is wrong; the message says what to fix",
                    401: "Not logged in, or the token expired",
                    403: "Only coaches and admins match clients"})


def _preload(matcher: Matcher) -> None:
    """Type again what older knowledge typed (matcher/index/retype.py); decode the catalog into
    memory (with each listing's words and knowledge bits), then keep those long-lived objects out
    of the garbage collector's full passes (they made the slowest requests several times slower)."""
    try:
        retype(matcher.store)
        count = matcher.warm()
        gc.collect()
        gc.freeze()
        log.info("preloaded %d activities", count)
    except Exception:  # the service still works, only the first queries per area are slower
        log.exception("preloading the catalog failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service. `settings`: read from the environment here, once, when not given (a wrong value
    stops the start, not the first request that needs it). The store and the matcher are made at
    start-up, unless a test has put its own in `app.dependency_overrides` (api/deps.py)."""
    settings = settings or Settings.from_environment()

    def make_matcher() -> Matcher:
        from matcher.encoder import Encoder   # torch is loaded only by a service that encodes
        encoder = Encoder(settings.model, settings.query_prefix, settings.passage_prefix)
        return Matcher(app.state.store, encoder, settings.stale_after_days)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        limit_blas_threads()
        if model.LOAD_PROBLEM:   # never serve on hand weights by accident
            raise RuntimeError(f"cannot start: {model.LOAD_PROBLEM}")
        # What the routes share, read by api/deps.py only.
        app.state.settings = settings
        app.state.store = provided(app, get_store, lambda: open_store(settings.database_url))
        app.state.matcher = provided(app, get_matcher, make_matcher)
        app.state.directory = provided(app, get_directory, Directory)
        log.info("serving %d activities", app.state.store.count())
        threading.Thread(target=_preload, args=(app.state.matcher,), daemon=True).start()
        yield
        if get_store not in app.dependency_overrides:   # a test's store is the test's to close
            app.state.store.close()

    app = FastAPI(title="Social map matcher", version="0.1.0", lifespan=lifespan,
                  description="Suggests neighbourhood activities for a Welzijn op Recept client, "
                              "explained in Dutch, and says when a tailored offer is needed.")

    add_error_handlers(app)

    @app.get("/health", response_model=Health, tags=["service"])
    def health(store: StoreDep, matcher: MatcherDep):
        return Health(status="ok", activities=store.count(), schema_version=store.schema_version(),
                      model=matcher.encoder.name)

    @app.get("/taxonomy", response_model=TaxonomyOut, tags=["matching"])
    def activity_taxonomy():
        """The activity types, needs and target groups the matcher assigns (the keys in `types` and
        `target_groups` of an activity, which an editor may correct)."""
        return TaxonomyOut.of(taxonomy())

    @app.get("/vocabulary", response_model=Vocabulary, tags=["service"])
    def vocabulary():
        """The Dutch names the pages show for languages, weekdays, categories, capacity and wheelchair
        access (catalog/vocabulary.py): one table for the service and the pages."""
        return for_pages()

    @app.post("/match", response_model=MatchResponse, responses=ERRORS(422, 401, 403), tags=["matching"])
    def match(request: MatchRequest, store: StoreDep, matcher: MatcherDep, settings: SettingsDep, caller: Coach):
        """Ranked, explained suggestions for one client, and whether a tailored offer is needed."""
        result = matcher.match(request, limit=request.limit)
        intake_id = record_match(store, request, result).id if request.record else None
        return MatchResponse.of(result, settings.stale_after_days, intake_id)

    for router in (listings.router, upkeep.router, accounts.router, municipality.router, hsds_routes.router):
        document_roles(router.routes)
        app.include_router(router)
    document_roles(app.routes)
    add_pages(app)
    # Outermost last: the guard's refusals carry the security headers too.
    app.add_middleware(RequestGuard, needs_login=needs_login(app.routes),
                       identify=lambda headers: caller_of_headers(app.state.store, headers),
                       max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app
