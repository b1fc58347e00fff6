"""Shared fixtures: a tiny hand-made database for rollup arithmetic, and the real
built database (scale 1) for calibration and page tests."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = (ROOT / "queries" / "schema.sql").read_text(encoding="utf-8")


def make_tiny(path: Path) -> Path:
    """Two provinces, three cities, two districts, hand-picked numbers (see test_rollups.py and
    test_queries.py): indicator values, three matchmaking events, four mother rooms, three studios
    with their outputs, two reported facts."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    con.execute("""
        insert into region values
        ('110000', null, 'province', '北京市', '北京', 'Beijing', '110000', null, 116.4, 39.9, true),
        ('110100', '110000', 'city', '北京市', '北京', 'Beijing', '110000', '110100', 116.4, 39.9, true),
        ('370000', null, 'province', '山东省', '山东', 'Shandong', '370000', null, 117.0, 36.7, true),
        ('370100', '370000', 'city', '济南市', '济南', 'Jinan', '370000', '370100', 117.0, 36.7, true),
        ('370200', '370000', 'city', '青岛市', '青岛', 'Qingdao', '370000', '370200', 120.4, 36.1, true),
        ('370102', '370100', 'district', '历下区', '历下', 'Lixia', '370000', '370100', 117.0, 36.7, true),
        ('370202', '370200', 'district', '市南区', '市南', 'Shinan', '370000', '370200', 120.4, 36.1, true);
        insert into indicator values
        ('flow_a', 'rights', '甲', 'A', '个', 'items', 'flow', null, null, null, null, true),
        ('stock_b', 'organisation', '乙', 'B', '个', 'items', 'stock', null, null, null, null, true),
        ('num', 'skills', '分子', 'Num', '人', 'people', 'stock', null, null, null, null, false),
        ('den', 'skills', '分母', 'Den', '人', 'people', 'stock', null, null, null, null, false),
        ('ratio_c', 'skills', '比率', 'Ratio', '%', '%', 'ratio', 'num', 'den', 100, null, false);
    """)
    rows = [
        # flow_a: Jinan 10, 20; Qingdao 5, 5; Beijing 30, 60 (years 2022, 2023)
        ("flow_a", "370100", "370000", 2022, 10), ("flow_a", "370100", "370000", 2023, 20),
        ("flow_a", "370200", "370000", 2022, 5), ("flow_a", "370200", "370000", 2023, 5),
        ("flow_a", "110100", "110000", 2022, 30), ("flow_a", "110100", "110000", 2023, 60),
        # stock_b: Shandong cities 100+50 then 120+60; Beijing 40 then 45
        ("stock_b", "370100", "370000", 2022, 100), ("stock_b", "370100", "370000", 2023, 120),
        ("stock_b", "370200", "370000", 2022, 50), ("stock_b", "370200", "370000", 2023, 60),
        ("stock_b", "110100", "110000", 2022, 40), ("stock_b", "110100", "110000", 2023, 45),
        # ratio parts, 2023 only: Jinan 1/4, Qingdao 9/16 -> Shandong 10/20 = 50 % (the mean of
        # 25 % and 56.25 % would be 40.6 %); Beijing 3/12 = 25 %
        ("num", "370100", "370000", 2023, 1), ("den", "370100", "370000", 2023, 4),
        ("num", "370200", "370000", 2023, 9), ("den", "370200", "370000", 2023, 16),
        ("num", "110100", "110000", 2023, 3), ("den", "110100", "110000", 2023, 12),
    ]
    con.executemany("insert into indicator_value values (?, ?, ?, ?, ?, 'demo')", rows)
    con.execute("""
        insert into matchmaking_event values
        ('e1', '2023-05-01', '370000', '370100', 'online', '读书会', 'x', 3, 4, 100, 10, 'demo', null),
        ('e2', '2023-06-01', '370000', '370200', 'offline', '综合联谊', 'x', 3, 4, 300, 60, 'demo', null),
        ('e3', '2022-06-01', '110000', '110100', 'offline', '综合联谊', 'x', 3, 4, 50, 5, 'reported', 'f1');
        insert into reported_fact values
        ('f1', '北京市总工会', '110000', null, '2022-06-01', '2022-06-30', 5, '对', 'exact', '联谊活动牵手5对。'),
        ('sd_b', '山东省总工会', '370000', 'stock_b', '2023-12-31', '2023-12-31', 180, '个', 'exact',
         '全省乙达到180个。'),
        ('f_s2', '山东省总工会', '370000', null, '2023-01-01', '2023-12-31', 100, '人次', 'exact',
         '乙工作室培训人才100人次。');
        insert into reported_fact_context (fact_id, subject) values ('f1', '2022年6月联谊活动'), ('f_s2', '乙工作室');
        -- Mother rooms: r1 and r2 at the centre of 历下区 (r2 internal, with a contact), r3 a bus in
        -- 青岛 serving 市南区 (370202), r4 in Beijing (imported, no district).
        insert into mother_room values
        ('r1', '泉城广场小屋', '370000', '370100', '370102', '济南市历下区泉城路1号', 117.0, 36.7, 'gcj02',
         'public', true, true, true, true, true, true, null, null, '1234567', '2022-01-01', true, true,
         false, null, 'demo', null),
        ('r2', '某厂小屋', '370000', '370100', '370102', '济南市历下区某路2号', 117.0, 36.7, 'gcj02',
         'workplace_room', true, false, false, true, true, false, '08:00', '17:00', '12345', '2023-01-01',
         true, false, true, '张三 0531-1', 'demo', null),
        ('r3', '5路公交小屋', '370000', '370200', '370202', '青岛市市南区5路', 120.4, 36.1, 'gcj02',
         'mobile_bus', false, false, false, false, true, false, null, null, '1234567', '2023-05-01', false,
         false, false, null, 'reported', '370202'),
        ('r4', '北京站小屋', '110000', '110100', null, '北京市北京站', 116.4, 39.9, 'gcj02',
         'public', true, true, false, true, true, true, null, null, '1234567', '2021-03-01', true, true,
         false, null, 'imported', null);
        insert into innovation_studio values
        ('s1', '甲工作室', '李一', '甲厂', '370000', '370100', 'provincial', '制造', 2020, 'demo', null),
        ('s2', '乙工作室', '王二', '乙电', '370000', '370200', 'national', '电力', 2023, 'reported', 'f_s2'),
        ('s3', '丙工作室', '赵三', '丙厂', '110000', '110100', 'city', '制造', 2021, 'demo', null);
        insert into studio_output values
        ('s1', 2022, 1, 2, 0, 4, 40, 3, 'demo'),
        ('s1', 2023, 3, 1, 1, 6, 60, 2, 'demo'),
        ('s2', 2023, 5, 0, 2, 10, 100, 5, 'reported'),
        ('s3', 2022, 0, 1, 0, 2, 20, 1, 'demo');
    """)
    con.close()
    return path


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    return make_tiny(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture()
def tiny(tiny_db):
    con = duckdb.connect(str(tiny_db), read_only=True)
    yield con
    con.close()


@contextlib.contextmanager
def empty_registers(tmp_path_factory):
    """Build a session fixture with a registers folder of its own, empty: imports made earlier in the
    session (by browser servers, subprocesses) must never be replayed into the shared built database."""
    old = os.environ.get("JINGUO_DATA_DIR")
    os.environ["JINGUO_DATA_DIR"] = str(tmp_path_factory.mktemp("registers-empty"))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("JINGUO_DATA_DIR", None)
        else:
            os.environ["JINGUO_DATA_DIR"] = old


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real build at scale 1 from the committed data files, in a temp folder."""
    from jinguo.store.build import build

    path = tmp_path_factory.mktemp("built") / "jinguo.duckdb"
    with empty_registers(tmp_path_factory):
        build(path, scale=1.0)
    return path


@pytest.fixture()
def built(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def app_db(built_db, monkeypatch):
    """Point the app (AppTest) at the built test database."""
    monkeypatch.setenv("JINGUO_DB", str(built_db))
    return built_db


@pytest.fixture(autouse=True)
def _registers_dir(tmp_path, monkeypatch):
    """Every test gets its own, empty registers folder; none reads or writes data/registers."""
    monkeypatch.setenv("JINGUO_DATA_DIR", str(tmp_path / "registers"))
    return tmp_path / "registers"


@pytest.fixture(autouse=True)
def _accounts_db(tmp_path, monkeypatch):
    """Every test gets its own accounts/audit file; none writes data/accounts.db."""
    monkeypatch.setenv("JINGUO_ACCOUNTS_DB", str(tmp_path / "accounts.db"))
    return tmp_path / "accounts.db"


os.environ.setdefault("JINGUO_OFFLINE", "1")
# Session fixtures (built_db) build before any per-test folder exists: an empty registers folder of their own.
os.environ["JINGUO_DATA_DIR"] = tempfile.mkdtemp(prefix="jinguo-test-registers-")
os.environ.pop("JINGUO_DEMO", None)
