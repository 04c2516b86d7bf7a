"""`socialmap` commands for accounts, upkeep and the municipality: create-admin, create-user, stale,
duplicates, import-intakes, gaps."""
from __future__ import annotations

import getpass
import re
import sys

from api import cli_support
from catalog.csv_cells import write_rows
from catalog.records import ROLES, User

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")  # the same rule as POST /users


def _password(args) -> str:
    """From stdin (--password-stdin, for scripts) or asked twice at the terminal; never an argument,
    which would end up in the shell history and the process list."""
    from api.auth import check_new_password
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ValueError("the two passwords differ")
    check_new_password(password)
    return password


def cmd_create_user(args) -> int:
    from api.accounts import check_account
    from api.auth import hash_password
    check_account(args.role, args.organisation)
    if not USERNAME.match(args.username):
        raise ValueError(f"a username has 2-100 letters, digits or . _ @ -, not '{args.username}'")
    cli_support.store(args).accounts.add_user(User(args.username, hash_password(_password(args)), args.role, args.organisation))
    print(f"created {args.role} '{args.username}'" + (f" of {args.organisation}" if args.organisation else ""))
    return 0


def cmd_create_admin(args) -> int:
    args.role, args.organisation = "admin", None
    return cmd_create_user(args)


def cmd_stale(args) -> int:
    from catalog.freshness import stale_listings
    after = args.settings.stale_after_days
    rows = [(a.organisation, a.contact, a.id, a.title, a.last_verified.isoformat(), days)
            for a, days in stale_listings(cli_support.store(args).activities(), after, args.organisation)]
    out = open(args.csv, "w", newline="", encoding="utf-8") if args.csv else sys.stdout
    try:
        write_rows(out, ("organisation", "contact", "id", "title", "last_verified", "days_unverified"), rows)
    finally:
        if args.csv:
            out.close()
    print(f"{len(rows)} listings not confirmed for over {after} days"
          + (f", written to {args.csv}" if args.csv else ""), file=sys.stderr)
    return 0


def cmd_duplicates(args) -> int:
    from catalog.duplicates import find_duplicates
    store = cli_support.store(args)
    listings = {a.id: a for a in store.activities()}
    pairs = find_duplicates(list(listings.values()), store.decided_pairs())
    for p in pairs[:args.limit]:
        a, b = listings[p.a], listings[p.b]
        print(f"{p.score:.2f}  {a.id} {a.title} ({a.organisation})  ~  {b.id} {b.title} ({b.organisation})")
        print("      " + "; ".join(p.reasons))
    print(f"{len(pairs)} candidate pairs", file=sys.stderr)
    return 0


def cmd_import_intakes(args) -> int:
    from analysis.intakes import read_intakes_csv
    records = read_intakes_csv(args.csv)
    added = cli_support.store(args).intakes.add(records)
    print(f"imported {args.csv}: {added} intake records added, {len(records) - added} already there")
    return 0


def cmd_gaps(args) -> int:
    from analysis.gaps import is_gap
    from analysis.report import gap_report
    from analysis.report import GAP_CSV_COLUMNS, gap_csv_row
    rows = [r for r in gap_report(cli_support.store(args), args.settings) if is_gap(r) or args.all]
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            write_rows(f, GAP_CSV_COLUMNS, (gap_csv_row(r) for r in rows))
        print(f"{len(rows)} rows written to {args.csv}", file=sys.stderr)
    else:
        for r in rows[:args.limit]:
            print(r["sentence"])
    return 0


def _sqlite_path(args, what: str) -> str:
    url = cli_support.database_url(args)
    if url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"{what} is for the embedded store; for PostGIS use pg_dump -Fc and pg_restore (README)")
    return url.removeprefix("sqlite:///")


def cmd_backup(args) -> int:
    from catalog.sqlite_backup import backup
    counts = backup(_sqlite_path(args, "backup"), args.file)
    print(f"backed up to {args.file}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def cmd_restore(args) -> int:
    from catalog.sqlite_backup import restore
    path = _sqlite_path(args, "restore")
    counts = restore(args.file, path, replace=args.replace)
    print(f"restored {args.file} into {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items())
          + "; start the service again")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("create-admin", help="create an admin account (the first one, too); asks for a password")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser("create-user", help="create an account: editor (of an organisation), coach, analyst, admin")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--organisation", help="for an editor: the organisation name its listings carry")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("stale", help="listings not confirmed for longer than SOCIALMAP_STALE_AFTER_MONTHS, as CSV")
    p.add_argument("--organisation")
    p.add_argument("--csv", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_stale)

    p = sub.add_parser("import-intakes", help="import anonymous intake records (CSV, e.g. the demo's)")
    p.add_argument("csv")
    p.set_defaults(func=cmd_import_intakes)

    p = sub.add_parser("gaps", help="the biggest gaps in the offer, as sentences (or all rows as CSV)")
    p.add_argument("--csv", help="write every row to this CSV file (the same as GET /gaps.csv)")
    p.add_argument("--all", action="store_true", help="also rows where nobody needed a tailored offer")
    p.add_argument("--limit", type=int, default=15)
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser("backup", help="a consistent copy of the embedded store, also while the service runs")
    p.add_argument("file", help="the new backup file (never overwritten)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup back as the embedded store (stop the service first)")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="overwrite a store that holds data")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("duplicates", help="candidate pairs of listings that are one activity listed twice")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_duplicates)

