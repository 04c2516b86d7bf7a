"""The `socialmap hsds-export` and `socialmap hsds-import` commands (registered by add_commands; api/cli.py
turns a DatapackageError, a ValueError, into a one-line message)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from api import cli_support



def cmd_hsds_export(args) -> int:
    from catalog.hsds.export import export_datapackage, export_json
    store = cli_support.store(args)
    activities = store.activities()
    if args.format == "json":
        out = Path(args.out)
        out.write_text(json.dumps(export_json(activities, store.postcode), ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    else:
        out = export_datapackage(activities, args.out, store.postcode)
    print(f"exported {len(activities)} activities as HSDS 3.1 {args.format} to {out}")
    return 0


def cmd_hsds_import(args) -> int:
    from matcher.index.from_hsds import import_hsds
    store = cli_support.store(args)
    result = import_hsds(store, args.dir, cli_support.encoder(args.settings), skip_bad=args.skip_bad, progress=not args.quiet,
                         overwrite_edits=args.overwrite_edits, move_organisations=args.move_organisations)
    summary, *details = result.report.lines()
    cli_support.print_capped(details, "lines")
    if result.run is None:
        print(f"nothing imported: {len(result.report.skipped)} service(s) could not be imported; fix them, "
              "or pass --skip-bad to import the others", file=sys.stderr)
        return 1
    run = result.run
    cli_support.print_kept(args.dir, result.notes, result.conflicts)
    print(f"{summary}; {run.added} added, {run.updated} updated, {run.unchanged} unchanged, "
          f"{run.embedded} embedded; catalog holds {store.count()}")
    return 0


def add_commands(sub) -> None:
    """Register hsds-export and hsds-import on the `socialmap` sub-command parser."""
    p = sub.add_parser("hsds-export", help="write the catalog as Open Referral HSDS 3.1")
    p.add_argument("--format", choices=("datapackage", "json"), default="datapackage",
                   help="datapackage: a folder of CSV tables with datapackage.json; json: nested service objects")
    p.add_argument("--out", required=True, help="the folder (datapackage) or file (json) to write")
    p.set_defaults(func=cmd_hsds_export)

    p = sub.add_parser("hsds-import", help="import an Open Referral HSDS 3.1 tabular datapackage folder")
    p.add_argument("dir")
    p.add_argument("--skip-bad", action="store_true", help="import the services that map even when some do not")
    cli_support.add_edit_flags(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_hsds_import)
