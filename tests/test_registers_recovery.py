"""The store of record on an operator's bad day (issue 26, findings 1-4): a lost or older manifest loses
nothing and is recovered by one command; restore checks every file of a backup before it changes
anything, says what it replaces and keeps it aside; backup and build refuse a damaged batch by name."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from jinguo import auth, ingest
from jinguo.__main__ import main
from jinguo.ingest import ops
from jinguo.store import registers
from jinguo.store.build import build
from jinguo.store.stale import is_stale
from tests.test_registers import EV_HEAD, ROOM, ROOM_HEAD, digest, q, write
from tests.util import ADMIN, no_exception, open_app

EVENTS_B = ("E25REG1,2025-03-01,济南,offline,读书会,济南市总工会,2,3,100,10\n"
            "E25REG2,2025-06-01,济南,online,读书会,济南市总工会,1,2,50,5\n")
def manifest_file() -> Path:
    return registers.data_dir() / "manifest.json"


EVENT_C = "E24REG9,2024-03-01,青岛,offline,读书会,青岛市总工会,2,3,70,7\n"


@pytest.fixture()
def db(built_db, tmp_path):
    p = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, p)
    return p


def imported(db) -> tuple[list, list]:
    """The imported rooms and events (ids) the analytics file holds."""
    return ([r[0] for r in q(db, "select room_id from mother_room where origin = 'imported' order by 1")],
            [r[0] for r in q(db, "select event_id from matchmaking_event where origin = 'imported' order by 1")])


def files(root: Path) -> dict[str, bytes]:
    """Every file of a registers folder, by relative path (not the lock file)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "write.lock"}


def accounts_state() -> tuple:
    """Accounts (name, role, province, disabled) and the audit trail (time, user, action)."""
    con = sqlite3.connect(str(auth.accounts_path()))
    try:
        return (con.execute("select name, role, province, disabled from account order by name").fetchall(),
                con.execute("select ts, user_name, action from audit_log order by id").fetchall())
    finally:
        con.close()


def three_imports(db, tmp_path) -> list[str]:
    """A: one Jinan room; B: two Jinan events; C: one Qingdao event, reverted by the admin."""
    a = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db).import_id
    b = ingest.run_import("matchmaking_events", write(tmp_path, "b.csv", EV_HEAD + EVENTS_B), db=db).import_id
    c = ingest.run_import("matchmaking_events", write(tmp_path, "c.csv", EV_HEAD + EVENT_C), db=db).import_id
    ops.revert(c, ADMIN, db=db)
    return [a, b, c]


def refused_everywhere(db, tmp_path, capsys, words: str) -> None:
    """List, build, import, revert and backup all refuse, name the recovery command, change nothing."""
    reg = registers.data_dir()
    before_files, before_db = files(reg), digest(db)
    assert main(["imports", "list", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert words in err and "python -m jinguo imports recover" in err
    assert main(["build", "--db", str(db)]) == 2
    assert "python -m jinguo imports recover" in capsys.readouterr().err
    assert is_stale(db)
    with pytest.raises(registers.RegistersError):
        ingest.run_import("mother_rooms", write(tmp_path, "x.csv", ROOM_HEAD + ROOM.replace("R37REG01", "R37REG02")),
                          db=db)
    assert main(["import", "mother_rooms", str(tmp_path / "x.csv"), "--db", str(db), "--lang", "en"]) == 2
    assert "python -m jinguo imports recover" in capsys.readouterr().err
    with pytest.raises(registers.RegistersError):
        ops.revert(registers.read_manifest()[0]["id"] if registers.read_manifest() else "x", ADMIN, db=db)
    assert main(["backup", str(tmp_path / "bk"), "--lang", "en"]) == 2
    assert "python -m jinguo imports recover" in capsys.readouterr().err
    assert not (tmp_path / "bk" / "BACKUP.json").exists()
    assert files(reg) == before_files and digest(db) == before_db


def test_a_deleted_manifest_loses_nothing_is_refused_and_recover_brings_back_the_exact_rows(db, tmp_path, capsys):
    ids = three_imports(db, tmp_path)
    manifest = registers.read_manifest()
    held = digest(db)
    assert imported(db) == (["R37REG01"], ["E25REG1", "E25REG2"])
    manifest_file().unlink()
    refused_everywhere(db, tmp_path, capsys, "is missing")
    assert sorted(p.stem for p in (registers.data_dir() / "batches").glob("*.parquet")) == sorted(ids)
    assert main(["imports", "recover", "--db", str(db), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "3 imports, 1 of them reverted" in out
    assert registers.read_manifest() == manifest        # order, entries, checksums and the revert of C
    assert registers.read_manifest()[2]["reverted"]["by"] == "admin"
    assert main(["imports", "list"]) == 0
    listed = capsys.readouterr().out
    assert all(i in listed for i in ids)
    assert not is_stale(db) and digest(db) == held
    build(db, scale=1)                                   # a rebuild replays A and B, not C
    assert imported(db) == (["R37REG01"], ["E25REG1", "E25REG2"])
    assert digest(db) == held
    # The registers work again: one more import.
    ingest.run_import("matchmaking_events", write(tmp_path, "d.csv", EV_HEAD + EVENT_C.replace("E24REG9", "E24REG8")),
                      db=db)
    assert imported(db) == (["R37REG01"], ["E24REG8", "E25REG1", "E25REG2"])


def test_an_older_manifest_put_back_is_refused_and_recover_keeps_the_newer_imports_and_reverts(db, tmp_path, capsys):
    a = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db).import_id
    old = manifest_file().read_bytes()          # lists A, active
    b = ingest.run_import("matchmaking_events", write(tmp_path, "b.csv", EV_HEAD + EVENTS_B), db=db).import_id
    ops.revert(a, ADMIN, db=db)
    assert imported(db) == ([], ["E25REG1", "E25REG2"])
    manifest_file().write_bytes(old)  # an older copy put back by hand
    refused_everywhere(db, tmp_path, capsys, "is behind")
    assert main(["imports", "recover", "--db", str(db), "--lang", "en"]) == 0
    assert [(m["id"], bool(m["reverted"])) for m in registers.read_manifest()] == [(a, True), (b, False)]
    # The older manifest is kept aside, byte for byte.
    (kept,) = (registers.data_dir() / "replaced").glob("*/manifest.json")
    assert kept.read_bytes() == old
    build(db, scale=1)
    assert imported(db) == ([], ["E25REG1", "E25REG2"])
    assert q(db, "select sum(participants) from matchmaking_event where origin = 'imported'") == [(150,)]


def test_a_fresh_install_with_no_manifest_and_no_batches_just_works(db, tmp_path, capsys):
    assert not registers.data_dir().exists()
    assert main(["imports", "list"]) == 0 and capsys.readouterr().out == ""
    assert main(["imports", "recover", "--db", str(db), "--lang", "en"]) == 0
    assert "nothing to recover" in capsys.readouterr().out
    rep = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db)
    assert rep.added == 1 and imported(db) == (["R37REG01"], [])


def test_a_batch_its_writer_never_committed_is_moved_to_quarantine_never_deleted(db, tmp_path):
    """A complete batch file with its own entry but no manifest line and no commit record: a writer
    killed between the batch's rename and the manifest. Not an error; the next writer moves it aside."""
    ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db)
    con = duckdb.connect()
    con.execute("create temp table _new as select 'E99ORPH1' as event_id")
    leftover = registers.write_batch(con, "_new", "20990101000000-deadbeef", entry={"dataset": "matchmaking_events"})
    con.close()
    data = leftover.read_bytes()
    assert main(["imports", "list"]) == 0
    assert not is_stale(db)
    ingest.run_import("matchmaking_events", write(tmp_path, "b.csv", EV_HEAD + EVENTS_B), db=db)
    assert not leftover.exists()
    (moved,) = (registers.data_dir() / "quarantine").glob("*/20990101000000-deadbeef.parquet")
    assert moved.read_bytes() == data
    assert len(registers.read_manifest()) == 2
    assert imported(db) == (["R37REG01"], ["E25REG1", "E25REG2"])


def test_recover_uses_the_analytics_files_log_for_a_batch_without_its_own_entry(db, tmp_path, capsys):
    """An old-format batch (written before batches carried their entry, so no commit record) and a lost
    manifest: the analytics file's import_log proves it was committed and gives its entry."""
    a = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db).import_id
    p = registers.batch_path(a)
    con = duckdb.connect()
    con.execute("copy (select * from read_parquet($p)) to '" + str(p) + ".old' (format parquet)", {"p": str(p)})
    con.close()
    Path(str(p) + ".old").replace(p)
    assert registers.own_entry(p) is None
    registers.record_path(a).unlink()
    manifest_file().unlink()
    assert main(["imports", "list", "--lang", "en"]) == 2
    assert "is missing" in capsys.readouterr().err
    assert main(["imports", "recover", "--db", str(db), "--lang", "en"]) == 0
    assert "import log" in capsys.readouterr().out
    (m,) = registers.read_manifest()
    assert (m["id"], m["dataset"], m["file_name"], m["rows"], m["added"], m["reverted"]) == \
        (a, "mother_rooms", "a.csv", 1, 1, None)
    assert m["batch_sha256"] == registers.file_sha256(p)
    build(db, scale=1)
    assert imported(db) == (["R37REG01"], [])


def corrupt(p: Path) -> None:
    b = bytearray(p.read_bytes())
    for i in range(len(b) // 3, len(b) // 3 + 64):
        b[i] ^= 0xFF
    p.write_bytes(bytes(b))


def test_backup_and_build_refuse_a_damaged_batch_by_name(db, tmp_path, capsys):
    a = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db).import_id
    corrupt(registers.batch_path(a))
    assert main(["backup", str(tmp_path / "bk"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert a in err and "damaged" in err and "a.csv" in err
    assert not (tmp_path / "bk" / "BACKUP.json").exists()
    before = digest(db)
    assert main(["build", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert a in err and "checksum" in err
    assert digest(db) == before and imported(db) == (["R37REG01"], [])
    # A way out the message names: revert the damaged import (its file is never replayed again); the
    # backup then copies it as it is and says so.
    ops.revert(a, ADMIN, db=db)
    assert imported(db) == ([], [])
    assert main(["backup", str(tmp_path / "bk2"), "--lang", "en"]) == 0
    assert f"damaged or missing; they are never replayed, so they are kept as they are: {a}" in capsys.readouterr().out


def backup_then_newer_state(db, tmp_path) -> tuple[str, str, Path]:
    """Accounts boss (admin) and A imported, backed up; then newbie added, boss's role changed and B
    imported: the live state is newer than the backup."""
    auth.add_user("boss", "admin", "a-long-password-1", actor="test")
    a = ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db).import_id
    bk = tmp_path / "bk"
    assert main(["backup", str(bk), "--lang", "en"]) == 0
    auth.add_user("newbie", "national_viewer", "a-long-password-2", actor="test")
    auth.set_role("boss", "national_viewer", actor="test")
    b = ingest.run_import("matchmaking_events", write(tmp_path, "b.csv", EV_HEAD + EVENTS_B), db=db).import_id
    return a, b, bk


def snapshot(db) -> tuple:
    return files(registers.data_dir()), digest(db), accounts_state(), imported(db)


def test_restore_refuses_a_backup_with_a_damaged_batch_and_changes_nothing(db, tmp_path, capsys):
    a, _, bk = backup_then_newer_state(db, tmp_path)
    corrupt(registers.batch_path(a, bk / "registers"))
    before = snapshot(db)
    assert before[3] == (["R37REG01"], ["E25REG1", "E25REG2"])
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert a in err and "damaged" in err and "Nothing was changed" in err
    assert snapshot(db) == before
    # An older backup (no checksums recorded): the batch is read whole and still refused.
    man = json.loads((bk / "registers" / "manifest.json").read_text())
    for m in man["batches"]:
        m.pop("batch_sha256")
        registers.write_record(m, bk / "registers")
    registers.write_manifest(man["batches"], bk / "registers")
    p = registers.batch_path(a, bk / "registers")
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])          # cut in half
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 2
    assert a in capsys.readouterr().err
    assert snapshot(db) == before


@pytest.mark.parametrize("older_backup", [False, True], ids=["checksum", "integrity-check"])
def test_restore_refuses_a_backup_with_a_damaged_accounts_file_and_changes_nothing(db, tmp_path, capsys,
                                                                                   older_backup):
    _, _, bk = backup_then_newer_state(db, tmp_path)
    acc = bk / "accounts.db"
    data = bytearray(acc.read_bytes())
    data[4096:8192] = b"\x5a" * 4096                    # page 2 overwritten
    acc.write_bytes(bytes(data))
    info = json.loads((bk / "BACKUP.json").read_text())
    if older_backup:                                    # no checksum recorded: SQLite's check finds it
        info.pop("accounts_sha256", None)
        (bk / "BACKUP.json").write_text(json.dumps(info))
    else:
        assert len(info["accounts_sha256"]) == 64
    before = snapshot(db)
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "accounts file in the backup is damaged" in err and "Nothing was changed" in err
    assert snapshot(db) == before


def test_restore_over_newer_state_says_what_it_replaces_and_keeps_it_aside(db, tmp_path, capsys):
    a, b, bk = backup_then_newer_state(db, tmp_path)
    before = snapshot(db)
    # Without --yes: the plan, nothing changed, a non-zero exit.
    assert main(["restore", str(bk), "--db", str(db), "--lang", "en"]) == 1
    cap = capsys.readouterr()
    assert "Imports kept now that the backup does not have (1)" in cap.out
    assert b in cap.out and "b.csv" in cap.out and a not in cap.out
    assert "Accounts that exist now but not in the backup (1): newbie" in cap.out
    assert "Accounts changed since the backup" in cap.out and "boss" in cap.out
    assert "--yes" in cap.err and "Nothing was changed" in cap.err
    assert snapshot(db) == before
    # With --yes: the backup's state, the newer one kept aside and readable.
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 0
    assert "kept in" in capsys.readouterr().out
    assert [m["id"] for m in registers.read_manifest()] == [a]
    assert imported(db) == (["R37REG01"], [])
    assert [(u["name"], u["role"]) for u in auth.list_users()] == [("boss", "admin")]
    assert not is_stale(db)
    (aside,) = (registers.data_dir() / "replaced").iterdir()
    assert json.loads((aside / "BACKUP.json").read_text())["kept_aside_by"] == "restore"
    assert [m["id"] for m in registers.read_manifest(aside / "registers")] == [a, b]
    con = duckdb.connect()
    assert con.execute("select count(*), sum(participants) from read_parquet($p)",
                       {"p": str(registers.batch_path(b, aside / "registers"))}).fetchall() == [(2, 150)]
    con.close()
    kept = sqlite3.connect(str(aside / "accounts.db"))
    assert kept.execute("select name, role from account order by name").fetchall() == \
        [("boss", "national_viewer"), ("newbie", "national_viewer")]
    kept.close()
    assert not (registers.data_dir() / "batches" / f"{b}.parquet").exists()
    # The restore is in the (restored) audit trail.
    assert [r["action"] for r in auth.audit_rows()][0] == "registers_restore"
    # What was set aside is laid out as a backup: restoring it undoes the restore.
    assert main(["restore", str(aside), "--db", str(db), "--yes", "--lang", "en"]) == 0
    assert [m["id"] for m in registers.read_manifest()] == [a, b]
    assert imported(db) == (["R37REG01"], ["E25REG1", "E25REG2"])
    assert [(u["name"], u["role"]) for u in auth.list_users()] == [("boss", "national_viewer"),
                                                                    ("newbie", "national_viewer")]


def test_the_import_page_says_the_manifest_needs_recovering_instead_of_no_imports(db, tmp_path, monkeypatch):
    monkeypatch.setenv("JINGUO_DB", str(db))
    ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db)
    manifest_file().unlink()
    at = open_app("app_pages/import_data.py", user=ADMIN, params={"lang": "en"})
    no_exception(at)
    assert not [i for i in at.info if "No imports yet" in i.value]
    (err,) = [e.value for e in at.error]
    assert "is missing" in err and "python -m jinguo imports recover" in err
    at = open_app("app_pages/import_data.py", user=ADMIN)
    assert "python -m jinguo imports recover" in at.error[0].value and "登记索引" in at.error[0].value


def test_a_restore_stopped_part_way_is_refused_everywhere_until_run_again(db, tmp_path, capsys, monkeypatch):
    """A full disk while the registers are switched: every reader and writer refuses and names the
    command that finishes it; running it again does."""
    a, b, bk = backup_then_newer_state(db, tmp_path)
    real = registers.write_record

    def disk_full(batch, root=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(registers, "write_record", disk_full)
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "stopped part way" in err and "No space left on device" in err
    monkeypatch.setattr(registers, "write_record", real)
    assert main(["imports", "list", "--lang", "en"]) == 2
    assert f"python -m jinguo restore {bk} --yes" in capsys.readouterr().err
    assert main(["build", "--db", str(db)]) == 2
    assert main(["imports", "recover", "--db", str(db), "--lang", "en"]) == 2
    assert imported(db) == (["R37REG01"], ["E25REG1", "E25REG2"])    # the database was not swapped yet
    assert main(["restore", str(bk), "--db", str(db), "--yes", "--lang", "en"]) == 0
    assert [m["id"] for m in registers.read_manifest()] == [a]
    assert imported(db) == (["R37REG01"], [])
    assert main(["imports", "list"]) == 0
    # The first attempt's aside folder holds the state before it, B included.
    first = sorted((registers.data_dir() / "replaced").iterdir())[0]
    assert [m["id"] for m in registers.read_manifest(first / "registers")] == [a, b]
