"""The import page opens for data officers and admins only, and offers the templates."""

import pytest

from tests.util import ADMIN, NATIONAL, SD_OFFICER, SHANDONG, no_exception, open_app


@pytest.mark.parametrize("user", [SD_OFFICER, ADMIN])
def test_officers_and_admins_get_the_uploader_and_templates(app_db, user):
    at = open_app("views/import_data.py", user=user)
    no_exception(at)
    assert at.title[0].value == "数据导入"
    assert len(at.get("file_uploader")) == 1
    assert [b.label for b in at.download_button] == ["ZH · CSV", "ZH · XLSX", "EN · CSV", "EN · XLSX"]


@pytest.mark.parametrize("user", [SHANDONG, NATIONAL, None])
def test_viewers_and_the_public_cannot_reach_it(app_db, user):
    at = open_app(user=user)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/import_data.py")


def test_every_template_imports_cleanly(built_db, tmp_path):
    import shutil

    from jinguo import importer
    from jinguo.paths import DATA_DIR

    db = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, db)
    order = ["mother_rooms", "matchmaking_events", "studios", "studio_outputs", "indicator_values"]
    for ds in order:
        for name in (f"{ds}_zh.csv", f"{ds}_en.xlsx"):
            rep = importer.run_import(ds, DATA_DIR / "templates" / name, db=db)
            assert rep.rejected == 0 and rep.added + rep.updated + rep.unchanged == 1, (name, rep.problems)
