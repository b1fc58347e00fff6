"""The import page with office files: sheet chooser, which header became which field, the first rows as read,
a column mapped by hand and remembered for the province, and the dry-run plan before confirming."""

import io
import shutil
import subprocess
import sys
from datetime import date

import openpyxl
import pytest

from jinguo.ingest import mappings
from tests.util import SD_OFFICER, no_exception, open_app

HEAD = ["编号", "名称", "所在区县", "地址", "经度", "纬度", "类型", "启用日期"]


def row(i):
    return [f"R37PG{i:03d}", f"页面小屋{i}", "济南市历下区", f"泉城路{i}号", 117.023, 36.665, "public", date(2023, 5, 1)]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture()
def live(built_db, tmp_path, monkeypatch):
    p = tmp_path / "live.duckdb"
    shutil.copyfile(built_db, p)
    monkeypatch.setenv("JINGUO_DB", str(p))
    monkeypatch.setenv("JINGUO_MAPPINGS_DB", str(tmp_path / "maps.db"))
    return p


def upload(at, name, data):
    at.file_uploader(key="imp_file").upload(name, data)
    at.run()
    no_exception(at)
    return at


def texts(at):
    return [m.value for m in at.markdown]


def test_sheet_chooser_plan_and_confirm(live):
    """Two data sheets: the first is read (plan: add 1); choosing 2024年 plans 2 and confirming stores 2."""
    at = open_app("app_pages/import_data.py", user=SD_OFFICER)
    data = workbook({"填表说明": [["请每个小屋填一行"]], "2023年": [HEAD, row(1)], "2024年": [HEAD, row(2), row(3)]})
    upload(at, "rooms.xlsx", data)
    chooser = next(s for s in at.selectbox if s.label == "工作表")
    assert chooser.options == ["2023年", "2024年"] and chooser.value == "2023年"
    assert "**将新增 1，更新 0，未变 0，拒绝 0**" in texts(at)
    assert "已跳过的工作表：填表说明、2024年。" in [i.value for i in at.info]
    chooser.set_value("2024年").run()
    no_exception(at)
    assert "**将新增 2，更新 0，未变 0，拒绝 0**" in texts(at)
    at.button(key="imp_go").click().run()
    no_exception(at)
    assert at.success[0].value.startswith("已导入：新增 2，更新 0，未变 0，拒绝 0")
    # Another process: this one still holds the app's connection to the renamed-over file (DuckDB would
    # hand back that old instance for the same path).
    code = ("import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).execute("
            "\"select string_agg(room_id, ',' order by room_id) from mother_room where room_id like 'R37PG%'\""
            ").fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code, str(live)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "R37PG002,R37PG003"


def test_an_unknown_column_is_mapped_by_hand_and_remembered(live):
    """小屋编号 is not a known header: the page says 编号 is missing, shows the first rows and which header became
    which field, offers a field for 小屋编号; saved, the file validates and the mapping is kept for 370000."""
    at = open_app("app_pages/import_data.py", user=SD_OFFICER)
    upload(at, "rooms.xlsx", workbook({"小屋": [["小屋编号", *HEAD[1:]], row(7)]}))
    assert "缺少" in at.error[0].value or "编号" in at.error[0].value
    mapped = at.dataframe[0].value
    assert list(mapped.iloc[:, 0]) == ["小屋编号", *HEAD[1:]]
    assert list(mapped.iloc[:, 1])[:2] == ["（不导入）", "名称 · name"]
    assert list(at.dataframe[1].value.iloc[0])[:2] == ["R37PG007", "页面小屋7"]     # the first rows as read
    at.selectbox(key="imp_map_mother_rooms_小屋编号").set_value("room_id")
    at.button[0].click().run()          # the form's save button
    no_exception(at)
    assert mappings.remembered("370000", "mother_rooms") == {"小屋编号": "room_id"}
    assert not at.error
    assert "**将新增 1，更新 0，未变 0，拒绝 0**" in texts(at)
