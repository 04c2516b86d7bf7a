"""`socialmap backup` and `socialmap restore` of the embedded store (catalog/sqlite_backup.py): a
backup taken while listings are being written is whole and consistent, and restores."""
from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time

import pytest

from api import cli
from catalog.sqlite_store import SqliteStore
from tests.conftest import copy_store


def test_a_backup_taken_during_writes_restores_whole(demo_store, tmp_path, encoder, capsys):
    live = copy_store(demo_store, tmp_path / "live.db")
    template = live.activities()[0]
    acknowledged, stop = [], threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            activity = dataclasses.replace(template, id=f"nieuw-{i:05d}", title=f"Nieuwe activiteit {i}")
            live.create_activity(activity, "editor1", encoder.name)
            acknowledged.append((time.monotonic(), activity.id))
            i += 1
    thread = threading.Thread(target=writer)
    thread.start()
    while len(acknowledged) < 20:
        time.sleep(0.01)
    started = time.monotonic()
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'live.db'}", "backup", str(tmp_path / "backup.db")]) == 0
    stop.set()
    thread.join()
    live.close()
    assert "backed up to" in capsys.readouterr().out

    assert cli.main(["--db", f"sqlite:///{tmp_path / 'restored.db'}", "restore", str(tmp_path / "backup.db")]) == 0
    restored = SqliteStore(tmp_path / "restored.db")
    ids = {a.id for a in restored.activities()}
    before = {i for t, i in acknowledged if t < started}
    assert before <= ids, "a write acknowledged before the backup began is missing"
    created = {e.activity_id for e in restored.audit.trail(limit=100000) if e.action == "create"}
    assert {i for i in ids if i.startswith("nieuw-")} == created, "a listing and its audit entry were split"
    assert restored.count() == len(demo_store.activities()) + len(created)
    restored.close()


def test_restore_never_overwrites_data_unless_asked(demo_store, tmp_path, capsys):
    copy_store(demo_store, tmp_path / "a.db").close()
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'a.db'}", "backup", str(tmp_path / "a.backup")]) == 0
    other = copy_store(demo_store, tmp_path / "b.db")
    other.delete_activity(other.activities()[0].id, None, "admin1")
    other.close()
    capsys.readouterr()
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'b.db'}", "restore", str(tmp_path / "a.backup")]) == 2
    err = capsys.readouterr().err
    assert "holds data" in err and "pass --replace" in err
    assert SqliteStore(tmp_path / "b.db").count() == demo_store.count() - 1
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'b.db'}", "restore", str(tmp_path / "a.backup"), "--replace"]) == 0
    assert SqliteStore(tmp_path / "b.db").count() == demo_store.count()


def test_a_backup_never_overwrites_a_file(demo_store, tmp_path, capsys):
    copy_store(demo_store, tmp_path / "a.db").close()
    (tmp_path / "taken.db").write_text("iets anders")
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'a.db'}", "backup", str(tmp_path / "taken.db")]) == 2
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "taken.db").read_text() == "iets anders"


@pytest.mark.parametrize("content", [b"dit is geen database" * 100, b""])
def test_restore_refuses_a_file_that_is_no_store(tmp_path, content, capsys):
    (tmp_path / "bad.backup").write_bytes(content)
    if not content:   # an empty SQLite database: readable, but no socialmap store
        sqlite3.connect(tmp_path / "bad.backup").execute("CREATE TABLE x (y)").connection.close()
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'new.db'}", "restore", str(tmp_path / "bad.backup")]) == 2
    err = capsys.readouterr().err
    assert "socialmap:" in err and ("no SQLite database" in err or "schema version" in err or "no socialmap store" in err)
    assert not (tmp_path / "new.db").exists()


def test_postgis_points_to_pg_dump(capsys):
    assert cli.main(["--db", "postgresql://postgres@127.0.0.1:5432/x", "backup", "/tmp/never.db"]) == 2
    assert "pg_dump" in capsys.readouterr().err
