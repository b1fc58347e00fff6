"""The query layer: named queries, bound parameters, and the scope every detail query must carry."""

import re

import pytest

from jinguo.store import sql
from jinguo.store.db import query

ROW_IDS = ("event_id", "room_id", "studio_id")


def test_every_query_reading_a_detail_table_is_scoped_and_rows_need_the_detail_scope():
    """Rollups of detail tables may use the rollup scope (leaders compare provinces); a query that
    returns the rows themselves (an event, room or studio id) must use the detail scope."""
    for q in sql.load_queries().values():
        body = re.sub(r"--[^\n]*", "", q.sql)
        reads = [t for t in sql.DETAIL_TABLES if re.search(rf"\b(from|join)\s+{t}\b", body)]
        if not reads:
            continue
        assert q.params & {"scope", "rollup_scope"}, f"{q.name} reads {reads} unscoped"
        select_list = re.split(r"\bfrom\b", re.split(r"(?is)^.*\)\s*select\b|^\s*select\b", body)[-1], maxsplit=1)[0]
        items = [i.strip() for i in select_list.split(",")]
        if any(re.fullmatch(rf"(\w+\.)?{c}", i) for c in ROW_IDS for i in items):   # a bare id column
            assert "scope" in q.params, f"{q.name} returns detail rows without $scope"


def test_every_query_reading_indicator_values_binds_the_rollup_scope():
    for q in sql.load_queries().values():
        if re.search(r"\b(from|join)\s+indicator_value\b", q.sql):
            assert "rollup_scope" in q.params, q.name


def test_callers_cannot_pass_the_scope_themselves(tiny):
    with pytest.raises(sql.QueryError, match="context parameters"):
        query(tiny, "matchmaking_events", rollup_scope=["110000"], provinces=["110000"], origins=["demo"],
              year_from=2019, year_to=2024, limit=10)


def test_unknown_and_missing_parameters_are_refused(tiny):
    with pytest.raises(sql.QueryError, match="unknown parameters"):
        query(tiny, "provinces", extra=1)
    with pytest.raises(sql.QueryError, match="missing parameters"):
        query(tiny, "matchmaking_by_city")
    with pytest.raises(sql.QueryError, match="unknown query"):
        query(tiny, "drop_everything")


INJECTIONS = ["'; drop table region; --", "370000' or '1'='1", "%' or 1=1 --", "\\x00", "🙂' union select 1"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_parameters_never_become_sql(tiny, text):
    assert query(tiny, "matchmaking_by_city", province=text, origins=["demo"], year_from=2019,
                 year_to=2024).empty
    df = query(tiny, "matchmaking_events", provinces=[text], origins=[text], year_from=2019, year_to=2024,
               limit=10)
    assert df.empty
    assert len(query(tiny, "provinces")) == 2  # region table intact


def test_query_files_contain_no_string_formatting_markers():
    for q in sql.load_queries().values():
        assert "{" not in re.sub(r"--[^\n]*", "", q.sql), f"{q.name} looks like a Python format string"
