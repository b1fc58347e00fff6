"""The store of record (issue 11): imports survive rebuilds, years come from the data, a revert restores
exactly, production mode has no demo rows, one writer at a time, and kill -9 changes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from jinguo import ingest
from jinguo.auth.access import User
from jinguo.ingest import ops
from jinguo.store import registers
from jinguo.store.build import build
from jinguo.store.stale import build_info, is_stale, registers_digest
from jinguo.web.pages import PAGES
from tests.util import ADMIN, SD_OFFICER, no_exception, open_app

ROOT = Path(__file__).resolve().parents[1]
ROOM_HEAD = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
ROOM = "R37REG01,登记测试小屋,济南市历下区,山东省济南市历下区泉城路1号,117.023,36.665,public,是,08:30,17:30,2023-05-01\n"
EV_HEAD = "event_id,event_date,region,format,session_type,organiser,matchmakers,units,participants,pairs\n"
TABLES = ("mother_room", "matchmaking_event", "innovation_studio", "studio_output", "indicator_value")


@pytest.fixture()
def db(built_db, tmp_path):
    p = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, p)
    return p


def q(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def digest(db) -> str:
    """Every row of every data table (not import_log, build_info)."""
    con = duckdb.connect(str(db), read_only=True)
    h = hashlib.sha256()
    for t in TABLES:
        for row in con.execute(f"select * from {t} order by all").fetchall():
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def write(tmp_path, name, text) -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_an_import_survives_a_rebuild_and_a_revert_restores_exactly_and_survives_too(db, tmp_path):
    before = digest(db)
    jinan_demo = q(db, "select count(*) from mother_room where city_code = '370100'")[0][0]
    assert jinan_demo > 1
    rep = ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db,
                            user=SD_OFFICER)
    assert rep.added == 1 and rep.import_id
    # The register: one batch, its rows on disk, what it replaced.
    (batch,) = registers.read_manifest()
    assert (batch["dataset"], batch["rows"], batch["province"], batch["user"]) == \
        ("mother_rooms", 1, "370000", "sd_officer")
    assert batch["replaced"] == {"rows": 0, "demo_rows": jinan_demo}
    assert not is_stale(db)
    # Rebuild at scale 1 (as `python -m jinguo build` does): the imported room is still there, and its
    # city's demo rooms are again replaced.
    build(db, scale=1)
    assert q(db, "select room_id, origin from mother_room where city_code = '370100'") == \
        [("R37REG01", "imported")]
    assert q(db, "select import_id, rows_added, user_name from import_log") == [(batch["id"], 1, "sd_officer")]
    # Only an admin may revert.
    with pytest.raises(ops.OpError, match="admin_only"):
        ops.revert(batch["id"], SD_OFFICER, db=db)
    ops.revert(batch["id"], ADMIN, db=db)
    assert digest(db) == before                      # Jinan's demo rooms are back, exactly
    assert registers.read_manifest()[0]["reverted"]["by"] == "admin"
    build(db, scale=1)                               # the revert survives a rebuild
    assert digest(db) == before
    assert not is_stale(db)
    from jinguo import auth

    assert [r["action"] for r in auth.audit_rows()].count("import_revert") == 1
    with pytest.raises(ops.OpError, match="already"):
        ops.revert(batch["id"], ADMIN, db=db)


def test_a_2025_import_reaches_the_rollups_the_derived_stocks_and_the_year_slider(db, tmp_path, monkeypatch):
    rows = ("E25REG1,2025-03-01,济南,offline,读书会,济南市总工会,2,3,100,10\n"
            "E25REG2,2025-06-01,济南,online,读书会,济南市总工会,1,2,50,5\n")
    rep = ingest.run_import("matchmaking_events", write(tmp_path, "e.csv", EV_HEAD + rows), db=db)
    assert (rep.added, rep.rejected) == (2, 0)
    vals = dict(q(db, "select indicator_code, value from indicator_value where region_code = '370100' "
                      "and year = 2025 and indicator_code like 'mm_%'"))
    assert vals == {"mm_events": 2, "mm_participants": 150, "mm_pairs": 15, "mm_matchmakers": 3, "mm_units": 5}
    # Stocks carry into 2025: Jinan's rooms in 2025 = in 2024 (none opened in 2025).
    rooms = dict(q(db, "select year, value from indicator_value where indicator_code = 'mr_rooms' "
                       "and region_code = '370100' and year >= 2024"))
    assert rooms[2025] == rooms[2024] > 0
    from jinguo.store.db import query

    con = duckdb.connect(str(db), read_only=True)
    prov = query(con, "years_available")
    con.close()
    assert (int(prov["year_min"][0]), int(prov["year_max"][0])) == (2019, 2025)
    monkeypatch.setenv("JINGUO_DB", str(db))
    at = open_app()
    no_exception(at)
    s = at.slider(key="f_years")
    assert (s.proto.min, s.proto.max) == (2019, 2025)


@pytest.fixture(scope="session")
def none_db(tmp_path_factory):
    from tests.conftest import empty_registers

    path = tmp_path_factory.mktemp("none") / "jinguo.duckdb"
    with empty_registers(tmp_path_factory):
        build(path, scale=1, demo_fill="none")
    return path


def test_production_mode_has_no_demo_rows_only_reported_ones(none_db):
    for t in TABLES:
        assert q(none_db, f"select count(*) from {t} where origin = 'demo'") == [(0,)], t
    assert q(none_db, "select count(*) from matchmaking_event where origin = 'reported'")[0][0] > 0
    assert build_info(none_db)["demo"] == "none"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.key)
def test_every_page_renders_in_production_mode(none_db, monkeypatch, spec, lang):
    monkeypatch.setenv("JINGUO_DB", str(none_db))
    at = open_app(spec.script, params={"lang": lang}, user=ADMIN)
    no_exception(at)
    if spec.key == "overview":   # says plainly that nothing is imported yet, and never "demo data"
        assert [i.value for i in at.info][:1] == [{"zh": "还没有导入任何数据。", "en": "Nothing has been imported yet."}[lang]]


def test_is_stale_when_the_demo_setting_or_the_registers_change(db, monkeypatch, tmp_path):
    assert not is_stale(db)
    monkeypatch.setenv("JINGUO_DEMO", "none")
    assert is_stale(db)
    monkeypatch.delenv("JINGUO_DEMO")
    # A batch the analytics file does not hold (a writer killed after its manifest, before its rename).
    registers.write_manifest([{"id": "x", "reverted": None}])
    assert is_stale(db)


def test_a_build_during_an_import_waits_for_it_and_keeps_it(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    rep = ingest.validate((ROOM_HEAD + ROOM).encode(), "mother_rooms", con)
    con.close()
    copying, release = threading.Event(), threading.Event()

    def hold(_tmp):
        copying.set()
        release.wait(60)

    errors = []

    def do_import():
        try:
            from jinguo.ingest.load import load

            load(rep, db, "r.csv", "sha", "sd_officer", on_copy=hold)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    def do_build():
        try:
            build(db, scale=1)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ti = threading.Thread(target=do_import)
    ti.start()
    assert copying.wait(60)
    tb = threading.Thread(target=do_build)
    tb.start()
    # While the import holds the lock, a build that will not wait stops with Busy and changes nothing.
    with pytest.raises(registers.Busy):
        with registers.write_lock(wait=0):
            pass
    release.set()
    ti.join(120)
    tb.join(300)
    assert not errors
    assert q(db, "select room_id, origin from mother_room where city_code = '370100'") == \
        [("R37REG01", "imported")]
    assert build_info(db)["registers"] == registers_digest(registers.read_manifest())
    assert len(registers.read_manifest()) == 1


def test_a_build_that_cannot_get_the_lock_stops_with_a_clear_message(db, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JINGUO_LOCK_WAIT": "0.5"}
    before = digest(db)
    with registers.write_lock():
        p = subprocess.run([sys.executable, "-m", "jinguo", "build", "--db", str(db)], env=env,
                           capture_output=True, text=True, timeout=300)
    assert p.returncode == 3
    assert "nothing was changed" in p.stderr
    assert digest(db) == before


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from jinguo.store.build import build
def pause(tmp):
    print("REPLAYING", flush=True)
    time.sleep(120)
build(Path(sys.argv[1]), scale=1, on_replay=pause)
"""


def test_kill_9_during_a_rebuild_and_replay_leaves_everything_as_it_was(db, tmp_path):
    ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db)
    reg = registers.data_dir()
    files_before = {p: p.read_bytes() for p in reg.rglob("*") if p.is_file() and p.name != "write.lock"}
    before = digest(db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db)], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    assert p.stdout.readline().strip() == "REPLAYING"
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert digest(db) == before
    assert {p: p.read_bytes() for p in reg.rglob("*") if p.is_file() and p.name != "write.lock"} == files_before
    assert q(db, "select room_id from mother_room where origin = 'imported'") == [("R37REG01",)]
    # The lock died with the process; the next build sweeps the half-written file and keeps the import.
    build(db, scale=1)
    assert not list(db.parent.glob("db.duckdb.*.building*"))
    assert q(db, "select room_id from mother_room where origin = 'imported'") == [("R37REG01",)]


def test_backup_and_restore_bring_back_registers_and_accounts(db, tmp_path):
    from jinguo import auth

    auth.add_user("boss", "admin", "a-long-password-1", actor="test")
    ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db)
    manifest = registers.read_manifest()
    info = ops.backup(tmp_path / "bk")
    assert info["batches"] == 1 and (tmp_path / "bk" / "accounts.db").exists()
    with pytest.raises(ops.OpError, match="not_empty"):
        ops.backup(tmp_path / "bk")
    # Disaster: registers and accounts gone, database rebuilt without them.
    shutil.rmtree(registers.data_dir())
    auth.accounts_path().unlink()
    for extra in auth.accounts_path().parent.glob("accounts.db-*"):
        extra.unlink()
    build(db, scale=1)
    assert q(db, "select count(*) from mother_room where origin = 'imported'") == [(0,)]
    assert ops.restore(tmp_path / "bk", db=db)["applied"] is False     # without yes: the plan only
    assert registers.read_manifest() == []
    ops.restore(tmp_path / "bk", db=db, yes=True)
    assert registers.read_manifest() == manifest
    assert q(db, "select room_id from mother_room where origin = 'imported'") == [("R37REG01",)]
    assert [u["name"] for u in auth.list_users()] == ["boss"]


def test_imports_cli_lists_and_reverts_for_admins_only(db, tmp_path, capsys):
    from jinguo import auth
    from jinguo.__main__ import main

    auth.add_user("boss", "admin", "a-long-password-1", actor="test")
    auth.add_user("sdo", "data_officer", "a-long-password-2", province="370000", actor="test")
    ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db)
    (batch,) = registers.read_manifest()
    assert main(["imports", "list"]) == 0
    assert batch["id"] in capsys.readouterr().out
    assert main(["imports", "revert", batch["id"], "--user", "sdo", "--db", str(db), "--lang", "en"]) == 2
    assert "Only an administrator" in capsys.readouterr().err
    assert main(["imports", "revert", batch["id"], "--user", "boss", "--db", str(db)]) == 0
    assert q(db, "select count(*) from mother_room where origin = 'imported'") == [(0,)]


def test_the_import_page_lists_the_provinces_imports_and_an_admin_reverts_there(db, tmp_path, monkeypatch):
    monkeypatch.setenv("JINGUO_DB", str(db))
    ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db, user=SD_OFFICER)
    gd = User("gd_officer", "data_officer", "440000")
    at = open_app("app_pages/import_data.py", user=gd)
    no_exception(at)
    assert [i.value for i in at.info] == ["还没有导入记录。"]          # Shandong's import is not Guangdong's
    at = open_app("app_pages/import_data.py", user=SD_OFFICER)
    table = at.dataframe[0].value
    assert table[["导入人", "文件", "行数", "新增"]].values.tolist() == [["sd_officer", "r.csv", 1, 1]]
    assert not [b for b in at.button if b.key == "imp_revert_go"]     # officers cannot revert
    at = open_app("app_pages/import_data.py", user=ADMIN)
    at.button(key="imp_revert_go").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == ["已撤销，数据已恢复到这次导入之前。"]
    at.run()   # the app reopens the renamed-in file (and closes its connection to the old one)
    assert registers.read_manifest()[0]["reverted"]["by"] == "admin"
    assert q(db, "select count(*) from mother_room where origin = 'imported'") == [(0,)]


@pytest.mark.slow
def test_a_build_process_started_during_an_import_process_waits_and_keeps_it(db, tmp_path):
    rows = [f"R37P{i:06d},小屋{i},济南市历下区,地址{i},117.02,36.66,public,是,,,2023-05-01" for i in range(100_000)]
    f = write(tmp_path, "big.csv", ROOM_HEAD + "\n".join(rows) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    imp = subprocess.Popen([sys.executable, "-m", "jinguo", "import", "mother_rooms", str(f), "--db", str(db)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import time

    deadline = time.time() + 300
    while time.time() < deadline and not list(db.parent.glob("db.duckdb.importing.*")) and imp.poll() is None:
        time.sleep(0.05)
    bld = subprocess.run([sys.executable, "-m", "jinguo", "build", "--db", str(db)], env=env,
                         capture_output=True, text=True, timeout=600)
    assert imp.wait(600) == 0, imp.stderr.read()
    assert bld.returncode == 0, bld.stderr
    assert len(registers.read_manifest()) == 1
    assert q(db, "select count(*) from mother_room where origin = 'imported'") == [(100_000,)]
    assert not is_stale(db)


def test_an_import_after_a_writer_died_between_manifest_and_rename_catches_up_first(db, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(db, old)
    ingest.run_import("mother_rooms", write(tmp_path, "a.csv", ROOM_HEAD + ROOM), db=db)
    shutil.copyfile(old, db)            # as if killed after the manifest, before the rename
    assert is_stale(db)
    rows = "E24REG1,2024-03-01,青岛,offline,读书会,青岛市总工会,2,3,100,10\n"
    ingest.run_import("matchmaking_events", write(tmp_path, "e.csv", EV_HEAD + rows), db=db)
    assert q(db, "select room_id from mother_room where origin = 'imported'") == [("R37REG01",)]
    assert q(db, "select event_id from matchmaking_event where origin = 'imported'") == [("E24REG1",)]
    assert not is_stale(db)


def test_a_batch_kept_before_a_column_existed_still_replays(db, tmp_path):
    """An upgrade that adds a column must not break the replay of older registers: the column takes its
    default (here `internal`, default false, and `contact`, null)."""
    ingest.run_import("mother_rooms", write(tmp_path, "r.csv", ROOM_HEAD + ROOM), db=db)
    (b,) = registers.read_manifest()
    p = registers.batch_path(b["id"])
    con = duckdb.connect()
    con.execute("copy (select * exclude (contact, internal) from read_parquet($p)) to '" + str(p) + ".old' "
                "(format parquet)", {"p": str(p)})
    con.close()
    Path(str(p) + ".old").replace(p)
    # As kept then: no checksum of its own, no seq, no commit record.
    registers.write_manifest([{k: v for k, v in b.items() if k not in ("batch_sha256", "seq")}])
    registers.record_path(b["id"]).unlink()
    build(db, scale=1)
    assert q(db, "select room_id, internal, contact, origin from mother_room where origin = 'imported'") == \
        [("R37REG01", False, None, "imported")]
    # The upgrade recorded its checksum on that first whole read.
    assert registers.read_manifest()[0]["batch_sha256"] == registers.file_sha256(p)
