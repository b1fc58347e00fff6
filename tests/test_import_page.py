"""The import page opens for data officers and admins only, and offers the templates."""

import pytest

from jinguo.text import i18n
from tests.util import ADMIN, NATIONAL, SD_OFFICER, SHANDONG, no_exception, open_app


@pytest.mark.parametrize("user", [SD_OFFICER, ADMIN])
def test_officers_and_admins_get_the_uploader_and_templates(app_db, user):
    at = open_app("app_pages/import_data.py", user=user)
    no_exception(at)
    assert at.title[0].value == "数据导入"
    assert len(at.get("file_uploader")) == 1
    assert [b.label for b in at.download_button] == ["ZH · CSV", "ZH · XLSX", "EN · CSV", "EN · XLSX"]


@pytest.mark.parametrize("user", [SHANDONG, NATIONAL, None])
def test_viewers_and_the_public_cannot_reach_it(app_db, user):
    """The page's URL exists for everyone (a shared link lands), but the frame stops a reader who may not
    import before the page runs: no uploader, no template, only why (and, signed out, the sign-in form)."""
    at = open_app(user=user)
    at.switch_page("app_pages/import_data.py")
    at.run()
    assert not at.exception
    assert not at.get("file_uploader") and not at.download_button
    if user is None:
        assert at.info[0].value.startswith("此页需要登录")
    else:
        assert [w.value for w in at.warning] == [i18n.t("auth.forbidden", "zh")]


def test_every_template_imports_cleanly(built_db, tmp_path):
    import shutil

    from jinguo import ingest
    from jinguo.paths import DATA_DIR

    db = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, db)
    order = ["mother_rooms", "matchmaking_events", "studios", "studio_outputs", "indicator_values"]
    for ds in order:
        for name in (f"{ds}_zh.csv", f"{ds}_en.xlsx"):
            rep = ingest.run_import(ds, DATA_DIR / "templates" / name, db=db)
            assert rep.rejected == 0 and rep.added + rep.updated + rep.unchanged == 1, (name, rep.problems)


def test_the_dashboard_shows_an_import_on_its_next_rerun(built_db, tmp_path, monkeypatch):
    """The server's read-only connection reopens the renamed-in file (DuckDB would otherwise hand back
    the old instance for the same path)."""
    import shutil

    from jinguo import ingest

    db = tmp_path / "live.duckdb"
    shutil.copyfile(built_db, db)
    monkeypatch.setenv("JINGUO_DB", str(db))
    at = open_app(user=None, params={"mr_q": "重跑测试小屋"})
    assert any("没有符合条件" in i.value for i in at.info)
    f = tmp_path / "r.csv"
    f.write_text("编号,名称,所在区县,地址,经度,纬度,类型,启用日期\n"
                 "R37RR1,重跑测试小屋,济南市历下区,山东省济南市历下区某路1号,117.02,36.66,public,2023-05-01\n",
                 encoding="utf-8")
    assert ingest.run_import("mother_rooms", f, db=db).added == 1
    at.run()
    no_exception(at)
    assert list(at.dataframe[0].value["名称"]) == ["重跑测试小屋"]
