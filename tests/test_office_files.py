"""Files as county offices send them: made by LibreOffice in this test run (.xls, .ods, .xlsx resaved) and by
openpyxl (merged ranges, several sheets, real date cells, 1904 dates, hidden rows), checked by the rows
stored and the notes of the report."""

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from jinguo import ingest
from jinguo.ingest import cells, mappings, office
from jinguo.ingest.messages import message

ROOM_HEAD = ["编号", "名称", "所在区县", "地址", "经度", "纬度", "类型", "可上锁", "开放时间", "关闭时间", "启用日期"]
EVENT_HEAD = ["编号", "日期", "城市", "形式", "专场类型", "主办", "红娘人数", "参与单位", "参与人数", "牵手对数"]


def room(i, **kw):
    r = {"编号": f"R37OF{i:04d}", "名称": f"测试小屋{i}", "所在区县": "济南市历下区", "地址": f"泉城路{i}号",
         "经度": 117.023, "纬度": 36.665, "类型": "public", "可上锁": "是", "开放时间": "08:30",
         "关闭时间": "17:30", "启用日期": date(2023, 5, 1)}
    r.update(kw)
    return [r[h] for h in ROOM_HEAD]


def two_sheets(path: Path) -> None:
    """An instructions sheet first, the data on the second sheet under a merged title row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.append(["填表说明：每个妈妈小屋一行，编号不能重复。"])
    ws.append(["经度、纬度请用高德坐标。"])
    d = wb.create_sheet("小屋台账")
    d.append(["济南市总工会妈妈小屋登记表（2023 年）"])
    d.merge_cells("A1:K1")
    d.append(ROOM_HEAD)
    d.append(room(1))
    wb.save(path)


def hand_typed(path: Path) -> None:
    """Cells the way people type them: full-width digits, units, thousands separators, odd dates, √/×."""
    wb = openpyxl.Workbook()
    d = wb.active
    d.title = "活动"
    d.append(EVENT_HEAD)
    d.append(["E2023-OF-0001", "2023.5.1", "哈尔滨", "offline", "读书会", "哈尔滨市总工会", "１２", "30个",
              "1,200", "18对"])
    d.append(["E2023-OF-0002", "2023年5月20日", "哈尔滨", "offline", "读书会", "哈尔滨市总工会", "8人", "20",
              "200人", "9"])
    d.append(["\u200bE2023-OF-0003\u00a0", 45047, "哈尔滨", "ｏｆｆｌｉｎｅ", "读书会", "哈尔滨市总工会", "5", "10",
              "1.2万", "100"])
    d.append(["E2023-OF-0004", date(2023, 6, 1), "哈尔滨", "offline", "读书会", "哈尔滨市总工会", "5", "十个",
              "100", "10"])
    wb.save(path)


def merged_regions(path: Path) -> None:
    """A district written once and merged down over its rows; one row's district is simply left blank."""
    wb = openpyxl.Workbook()
    d = wb.active
    d.title = "小屋"
    d.append(["妈妈小屋台账"])
    d.merge_cells("A1:K1")
    d.append(ROOM_HEAD)
    d.append(room(11, 所在区县="济南市历下区"))
    d.append(room(12, 所在区县=None))
    d.append(room(13, 所在区县=None))
    d.merge_cells("C3:C5")
    d.append(room(14, 所在区县="济南市市中区"))
    d.append(room(15, 所在区县=None))          # blank, not merged: must not be filled
    wb.save(path)


def formulas_and_shapes(path: Path) -> None:
    """Formulas (cached values only after an office suite saved the file), a header typed over two lines,
    trailing spaces, a hidden row, √/× and 有/无, empty columns far to the right, a signature footer."""
    wb = openpyxl.Workbook()
    d = wb.active
    d.title = "活动"
    d.append(["编号", "日期", "城市", "形式", "专场\n类型", "主办", "红娘人数", "参与单位", "参与人数\n（人）", "牵手对数"])
    d.append(["E2023-OF-0101 ", date(2023, 7, 1), "哈尔滨 ", "offline", "读书会", "哈尔滨市总工会", 3, 4, "=100+100",
              "=B2*0+18"])
    d.append(["E2023-OF-0102", date(2023, 7, 2), "哈尔滨", "offline", "读书会", "哈尔滨市总工会", 3, 4, 50, 5])
    d.row_dimensions[3].hidden = True
    d["P1"] = None
    d["P3"].number_format = "0.00"           # a formatted but empty cell far right
    d.append([])
    d.append(["填表人：张三", None, None, None, None, None, "联系电话：0451-1234567"])
    wb.save(path)


def mac_1904(path: Path) -> None:
    """A workbook in the 1904 date system: a real date cell and a serial typed as a plain number."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(ROOM_HEAD)
    ws.append(room(51))
    ws.append(room(52, 启用日期=43585))
    wb.save(path)


def several_data_sheets(path: Path) -> None:
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "2023年"
    a.append(ROOM_HEAD)
    a.append(room(21))
    b = wb.create_sheet("2024年")
    b.append(ROOM_HEAD)
    b.append(room(22))
    b.append(room(23))
    wb.save(path)


SOURCES = {"two_sheets": two_sheets, "hand_typed": hand_typed, "merged": merged_regions,
           "formulas": formulas_and_shapes, "mac1904": mac_1904}


@pytest.fixture(scope="session")
def office_files(tmp_path_factory):
    """{name: {'openpyxl': path, 'xls': path, 'ods': path, 'xlsx': path}}: LibreOffice converts each
    openpyxl file once per session (one soffice start per format)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the office-made .xls/.ods files cannot be made")
    src = tmp_path_factory.mktemp("office_src")
    files = {}
    for name, make in SOURCES.items():
        make(src / f"{name}.xlsx")
        files[name] = {"openpyxl": src / f"{name}.xlsx"}
    profile = tmp_path_factory.mktemp("lo_profile")
    for fmt in ("xls", "ods", "xlsx"):
        out = tmp_path_factory.mktemp(f"office_{fmt}")
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                        "--outdir", str(out), *(str(f["openpyxl"]) for f in files.values())],
                       check=True, capture_output=True, timeout=300)
        for name in files:
            p = out / f"{name}.{fmt}"
            assert p.exists(), f"LibreOffice did not write {p.name}"
            files[name][fmt] = p
    return files


@pytest.fixture()
def db(built_db, tmp_path):
    p = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, p)
    return p


def validate(db, data, dataset="mother_rooms", **kw):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return ingest.validate(data, dataset, con, **kw)
    finally:
        con.close()


def notes(rep, lang="zh"):
    return [message(n, lang) for n in rep.notes]


def stored(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- formats, told by content
@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx", "openpyxl"])
def test_the_data_sheet_after_an_instructions_sheet_loads_in_every_format(office_files, db, tmp_path, fmt):
    """.xls, .ods and .xlsx made by LibreOffice (and openpyxl's .xlsx) load the one room of the second sheet."""
    f = tmp_path / f"rooms.{'xlsx' if fmt == 'openpyxl' else fmt}"
    shutil.copyfile(office_files["two_sheets"][fmt], f)
    rep = ingest.run_import("mother_rooms", f, db=db)
    assert (rep.added, rep.rejected, rep.sheet) == (1, 0, "小屋台账")
    said = notes(rep)
    assert "读取的是工作表“小屋台账”。" in said
    assert "已跳过的工作表：填表说明。" in said
    assert "表头上方有 1 行标题，已跳过。" in said
    assert stored(db, "select name, lon, lat, opened_date, open_time::varchar, has_lock, district_code from mother_room "
                      "where room_id = 'R37OF0001'") == [("测试小屋1", 117.023, 36.665, date(2023, 5, 1), "08:30:00",
                                                          True, "370102")]


@pytest.mark.parametrize("name", ["rooms.et", "rooms.xls.txt", "rooms"])
def test_wps_et_and_odd_names_are_read_by_content_not_by_name(office_files, db, tmp_path, name):
    """A WPS .et (BIFF8 underneath), or the same bytes under any name, reads as the workbook it is."""
    f = tmp_path / name
    shutil.copyfile(office_files["two_sheets"]["xls"], f)
    rep = ingest.run_import("mother_rooms", f, db=db, dry_run=True)
    assert (rep.kind, rep.added, rep.rejected) == ("xls", 1, 0)


def test_an_xlsx_saved_as_wps_et_and_an_xlsm_with_macros_read_as_ooxml(office_files, db, tmp_path):
    """.et in OOXML form and a macro-enabled .xlsm (a vbaProject part, never run) are read like .xlsx."""
    data = office_files["two_sheets"]["xlsx"].read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
            zout.writestr(item, body)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real macro")
    assert office.sniff(buf.getvalue()) == "xlsm"
    assert office.sniff(data) == "xlsx"
    for name, body in (("rooms.xlsm", buf.getvalue()), ("rooms.et", data)):
        f = tmp_path / name
        f.write_bytes(body)
        rep = ingest.run_import("mother_rooms", f, db=db, dry_run=True)
        assert (rep.added, rep.rejected) == (1, 0), name


def test_a_gbk_csv_named_xls_is_read_as_csv(db):
    """Some systems export CSV text in GBK under a .xls name: it is read as the CSV it is."""
    text = ",".join(ROOM_HEAD) + "\nR37OF0031,测试小屋,济南市历下区,泉城路1号,117.023,36.665,public,是,08:30,17:30," \
                                 "2023-05-01\n"
    rep = validate(db, text.encode("gbk"), file_name="rooms.xls")
    assert (rep.kind, len(rep.good), rep.rejected) == ("csv", 1, 0)
    assert rep.good.iloc[0]["name"] == "测试小屋"


def test_a_web_page_named_xls_is_refused_with_a_clear_message(db):
    """An HTML table saved as .xls is refused in words the officer can act on, not a traceback."""
    with pytest.raises(ingest.ImportError_) as e:
        validate(db, b"<html><body><table><tr><td>\xe7\xbc\x96\xe5\x8f\xb7</td></tr></table></body></html>",
                 file_name="rooms.xls")
    assert e.value.key == "import.web_page"
    assert "另存为 .xlsx" in message(e.value.key)


def test_a_docx_is_refused_as_not_a_table(db):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ingest.ImportError_) as e:
        validate(db, buf.getvalue(), file_name="rooms.xlsx")
    assert e.value.key == "import.not_table"


# --------------------------------------------------------------------------- sheets
def test_with_several_data_sheets_the_best_is_used_the_others_named_and_sheet_chooses(db, tmp_path):
    """Both sheets match; the first visible one is read, both are listed, --sheet (name or number) chooses."""
    f = tmp_path / "rooms.xlsx"
    several_data_sheets(f)
    rep = validate(db, f.read_bytes())
    assert (rep.sheet, rep.sheets, len(rep.good)) == ("2023年", ["2023年", "2024年"], 1)
    assert "有几个工作表的表头都对得上：2023年、2024年。可以另选一个（命令行：--sheet 名称或序号）。" in notes(rep)
    by_name = validate(db, f.read_bytes(), sheet="2024年")
    by_number = validate(db, f.read_bytes(), sheet="2")
    assert list(by_name.good["room_id"]) == list(by_number.good["room_id"]) == ["R37OF0022", "R37OF0023"]
    with pytest.raises(ingest.ImportError_) as e:
        validate(db, f.read_bytes(), sheet="2025年")
    assert e.value.key == "import.no_sheet" and e.value.kw["sheets"] == "2023年、2024年"


def test_cli_sheet_option_and_dry_run_say_what_the_load_would_do(db, tmp_path, capsys):
    """`--dry-run --sheet 2` prints 将新增 2 … and changes nothing; the real import then adds exactly that."""
    from jinguo.__main__ import main

    f = tmp_path / "rooms.xlsx"
    several_data_sheets(f)
    before = stored(db, "select count(*) from mother_room")[0][0]
    assert main(["import", "mother_rooms", str(f), "--db", str(db), "--dry-run", "--sheet", "2"]) == 0
    out = capsys.readouterr().out
    assert "将新增 2，更新 0，未变 0，拒绝 0" in out
    assert stored(db, "select count(*) from mother_room")[0][0] == before
    assert main(["import", "mother_rooms", str(f), "--db", str(db), "--sheet", "2024年"]) == 0
    assert "新增 2，更新 0，未变 0，拒绝 0" in capsys.readouterr().out
    assert stored(db, "select count(*) from mother_room where room_id in ('R37OF0022', 'R37OF0023')") == [(2,)]
    assert main(["import", "mother_rooms", str(f), "--db", str(db), "--dry-run", "--sheet", "2"]) == 0
    assert "将新增 0，更新 0，未变 2，拒绝 0" in capsys.readouterr().out


def test_dry_run_counts_updates_and_rejects_as_the_load_would(db, tmp_path):
    """One row changed, one new, one bad: the dry run says 1/1/0/1 and a skip-bad-rows load does the same."""
    f = tmp_path / "rooms.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ROOM_HEAD)
    ws.append(room(41))
    wb.save(f)
    assert ingest.run_import("mother_rooms", f, db=db).added == 1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ROOM_HEAD)
    ws.append(room(41, 名称="改名后的小屋"))
    ws.append(room(42))
    ws.append(room(43, 经度="东经一百一十七度"))
    wb.save(f)
    dry = ingest.run_import("mother_rooms", f, db=db, dry_run=True)
    assert (dry.added, dry.updated, dry.unchanged, dry.rejected) == (1, 1, 0, 1)
    real = ingest.run_import("mother_rooms", f, db=db, skip_bad_rows=True)
    assert (real.added, real.updated, real.unchanged, real.rejected) == (1, 1, 0, 1)
    assert stored(db, "select name from mother_room where room_id = 'R37OF0041'") == [("改名后的小屋",)]


# --------------------------------------------------------------------------- hand-typed cells
@pytest.mark.parametrize("fmt", ["xls", "ods", "openpyxl"])
def test_hand_typed_numbers_dates_and_codes_are_read_and_each_change_noted(office_files, db, tmp_path, fmt):
    """Full-width digits, units, 1,200, 1.2万, 2023.5.1, 2023年5月20日, a serial 45047, NBSP and zero-width
    characters: stored as numbers and dates; the one unreadable cell (十个) gets its reason."""
    f = tmp_path / f"events.{'xlsx' if fmt == 'openpyxl' else fmt}"
    shutil.copyfile(office_files["hand_typed"][fmt], f)
    rep = ingest.run_import("matchmaking_events", f, db=db, skip_bad_rows=True)
    assert (rep.added, rep.rejected) == (3, 1)
    bad = rep.problems.iloc[0]
    assert (bad["row"], bad["column"], bad["value"], bad["reason"]) == (5, "units", "十个", "import.err_number")
    got = stored(db, "select event_id, event_date, matchmakers, units, participants, pairs, format "
                     "from matchmaking_event where event_id like 'E2023-OF-000%' order by event_id")
    assert got == [("E2023-OF-0001", date(2023, 5, 1), 12, 30, 1200, 18, "offline"),
                   ("E2023-OF-0002", date(2023, 5, 20), 8, 20, 200, 9, "offline"),
                   ("E2023-OF-0003", date(2023, 5, 1), 5, 10, 12000, 100, "offline")]
    said = notes(rep)
    for line in ("列 红娘人数：1 个单元格的全角字符已转为半角。", "列 形式：1 个单元格的全角字符已转为半角。",
                 "列 参与人数：1 个数字去掉了千位分隔符。", "列 参与人数：1 个带“万/亿”的数字已换算。",
                 "列 参与人数：1 个数字后面的单位已去掉。", "列 牵手对数：1 个数字后面的单位已去掉。",
                 "列 日期：1 个“2023年5月1日”式日期已读作 2023-05-01。",
                 "列 日期：1 个“2023.5.1”或“2023/5/1”式日期已读作 2023-05-01。",
                 "列 日期：1 个 Excel 日期序号已转为日期。",
                 "列 编号：1 个单元格里的不可见字符或特殊空格已去掉。"):
        assert line in said, (line, said)


def test_merged_districts_are_filled_down_but_a_blank_cell_is_not(office_files, db, tmp_path):
    """C3:C5 merged (历下区) fills rows 4-5; row 7's blank district stays blank and is refused."""
    for fmt in ("openpyxl", "xls", "ods", "xlsx"):
        rep = validate(db, office_files["merged"][fmt].read_bytes())
        assert "列 所在区县：合并单元格已向下填充 2 格。" in notes(rep), fmt
        assert dict(zip(rep.good["room_id"], rep.good["region_code"])) == {
            "R37OF0011": "370102", "R37OF0012": "370102", "R37OF0013": "370102", "R37OF0014": "370103"}, fmt
        assert rep.problems[["row", "column", "reason"]].values.tolist() == [[7, "region", "import.err_required"]], fmt


@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx"])
def test_formula_values_line_broken_headers_hidden_rows_and_a_footer(office_files, db, tmp_path, fmt):
    """Office-saved formulas give their values (200, 18); 专场\\n类型 and 参与人数\\n（人） are matched; the
    hidden row is imported; the signature line is skipped with a note; trailing spaces are trimmed."""
    rep = validate(db, office_files["formulas"][fmt].read_bytes(), dataset="matchmaking_events")
    assert rep.rejected == 0
    g = rep.good.set_index("event_id")
    assert list(g.index) == ["E2023-OF-0101", "E2023-OF-0102"]
    assert (g.loc["E2023-OF-0101", "participants"], g.loc["E2023-OF-0101", "pairs"]) == (200, 18)
    assert g.loc["E2023-OF-0102", "participants"] == 50
    assert g.loc["E2023-OF-0101", "session_type"] == "读书会"
    assert ("专场 类型", "session_type") in rep.columns and ("参与人数 （人）", "participants") in rep.columns
    assert "第 5 行是落款（填表人等），已跳过。" in notes(rep)   # row 4 blank, row 5 the footer


@pytest.mark.parametrize("fmt", ["openpyxl", "xls", "ods", "xlsx"])
def test_a_1904_workbook_reads_date_cells_and_typed_serials_in_its_own_system(office_files, db, fmt):
    """In a 1904 workbook a real date cell stays 2023-05-01 and a typed serial 43585 is 2023-05-01 too
    (45047 - 1462 days), whichever office suite saved it."""
    rep = validate(db, office_files["mac1904"][fmt].read_bytes())
    assert rep.rejected == 0, rep.problems
    assert list(rep.good["opened_date"]) == [date(2023, 5, 1), date(2023, 5, 1)]
    assert "列 启用日期：1 个 Excel 日期序号已转为日期。" in notes(rep)


def test_yes_no_in_every_spelling(db, tmp_path):
    """是/否, 有/无, √/×, Y/N, TRUE/FALSE read as booleans; 也许 is refused with its reason."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ROOM_HEAD)
    for i, v in enumerate(["是", "否", "有", "无", "√", "×", "Y", "n", True, "也许"]):
        ws.append(room(60 + i, 可上锁=v))
    f = tmp_path / "yn.xlsx"
    wb.save(f)
    rep = validate(db, f.read_bytes())
    assert list(rep.good["has_lock"]) == [True, False, True, False, True, False, True, False, True]
    assert rep.problems[["row", "reason"]].values.tolist() == [[11, "import.err_bool"]]
    assert "列 可上锁：7 个 √/×、有/无、Y/N 等已读作 是/否。" in notes(rep)


# --------------------------------------------------------------------------- column mapping
def test_an_unknown_header_mapped_by_hand_is_used_and_remembered_for_the_province(db, tmp_path):
    """小屋编号 is unknown (编号 missing); mapped to room_id it loads; saved for 370000 it maps itself
    next time for that province only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["小屋编号", *ROOM_HEAD[1:]])
    ws.append(room(71))
    f = tmp_path / "rooms.xlsx"
    wb.save(f)
    with pytest.raises(ingest.ImportError_) as e:
        validate(db, f.read_bytes())
    assert e.value.key == "import.missing_columns"
    rep = validate(db, f.read_bytes(), mapping={"小屋编号": "room_id"})
    assert ("小屋编号", "room_id") in rep.columns and list(rep.good["room_id"]) == ["R37OF0071"]
    mappings.remember("370000", "mother_rooms", {"小屋 编号": "room_id"}, user="sd")
    assert mappings.remembered("370000", "mother_rooms") == {"小屋编号": "room_id"}
    assert mappings.remembered("440000", "mother_rooms") == {}
    again = validate(db, f.read_bytes(), mapping=mappings.remembered("370000", "mother_rooms"))
    assert list(again.good["room_id"]) == ["R37OF0071"]
    with pytest.raises(ingest.ImportError_) as e:
        mappings.remember("370000", "mother_rooms", {"小屋编号": "no_such_field"})
    assert e.value.key == "import.bad_map_field"


def test_cli_map_option(db, tmp_path, capsys):
    from jinguo.__main__ import main

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["小屋编号", *ROOM_HEAD[1:]])
    ws.append(room(72))
    f = tmp_path / "rooms.xlsx"
    wb.save(f)
    assert main(["import", "mother_rooms", str(f), "--db", str(db), "--map", "小屋编号=room_id"]) == 0
    assert stored(db, "select count(*) from mother_room where room_id = 'R37OF0072'") == [(1,)]
    assert main(["import", "mother_rooms", str(f), "--db", str(db), "--map", "小屋编号"]) == 2
    assert "列对应写法不对" in capsys.readouterr().err


# --------------------------------------------------------------------------- cells, hand-worked answers
def test_cells_number_reads_what_people_type():
    import pandas as pd

    s = pd.Series(["117.0230", "1,200", "1200个", "12人", "29.3%", "1.2万", "3亿", "abc", "", "1,2,3"], dtype="str")
    got, counts = cells.number(s)
    assert got.tolist()[:7] == [117.023, 1200.0, 1200.0, 12.0, 29.3, 12000.0, 300000000.0]
    assert got[7:].isna().all()
    assert counts == {"import.note_thousands": 1, "import.note_unit": 3, "import.note_wan": 2}


def test_cells_fold_and_invisible():
    import pandas as pd

    s = pd.Series(["１１７．０２３０", "\u200bR1\u00a0", "济南\u3000市", "plain"], dtype="str")
    clean, c1 = cells.invisible(s)
    folded, c2 = cells.fold(clean)
    assert folded.tolist() == ["117.0230", "R1", "济南 市", "plain"]
    assert (c1, c2) == ({"import.note_invisible": 2}, {"import.note_fullwidth": 1})


def test_cells_dates_and_times():
    import pandas as pd

    d, _ = cells.date(pd.Series(["2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501", "45047",
                                 "2023-05-01 00:00:00", "2023-13-01", "5月1日"], dtype="str"))
    assert [x.date() if pd.notna(x) else None for x in d] == [date(2023, 5, 1)] * 7 + [None, None]
    t, _ = cells.time(pd.Series(["08:30", "8:30", "8点30分", "0.75", "17:30:00", "25:00"], dtype="str"))
    assert t.tolist()[:5] == ["08:30:00", "08:30:00", "08:30:00", "18:00:00", "17:30:00"]
    assert pd.isna(t.tolist()[5])


def test_cell_text_is_what_a_person_typed():
    import datetime as dt

    assert [office.cell_text(v) for v in (12.0, 117.02300000000001, 0.1 + 0.2, 45047, True, None,
                                          dt.datetime(2023, 5, 1), dt.datetime(2023, 5, 1, 8, 30),
                                          dt.time(8, 30), dt.timedelta(hours=17, minutes=30), "x")] == [
        "12", "117.023", "0.3", "45047", "TRUE", "", "2023-05-01", "2023-05-01 08:30:00", "08:30", "17:30", "x"]


def test_header_normalisation():
    assert [cells.norm_header(h) for h in ("经度\n（GCJ-02）", "*编号", "所在 区县", "Room_ID", "名称：", "ＩＤ")] == [
        "经度", "编号", "所在区县", "roomid", "名称", "id"]
