"""The datasets a province may import: their fields, kinds and the value lists (enums).

The enum lists are defined here once. The validators use them, ``jinguo.store.build`` checks the committed
studio list against them, and a test parses ``queries/schema.sql`` and fails when a CHECK there lists
anything else (tests/test_ingest_registry.py), so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

ROOM_KINDS = ("workplace_room", "workplace_corner", "workplace_box", "public", "mobile_bus")
EVENT_FORMATS = ("online", "offline", "tv")
STUDIO_LEVELS = ("national", "provincial", "city", "industry")
ORIGINS = ("reported", "demo", "imported")
CRS_IN = ("wgs84", "gcj02", "bd09")

TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "t"}
FALSE = {"0", "false", "no", "n", "否", "无", "×", "f", ""}


class ImportError_(ValueError):
    """The whole file is refused (empty, not CSV/XLSX, too large, header missing)."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str = "text"          # id, text, int, float, date, time, bool, region, enum
    required: bool = True
    choices: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    id_cols: tuple[str, ...]
    fields: tuple[Field, ...]
    region_level: str = "city"  # the finest level the region column may name


B = "bool"
DATASETS = {d.name: d for d in (
    Dataset("mother_rooms", "mother_room", ("room_id",), (
        Field("room_id", "编号", "room_id", "id", example="R37IMP0001"),
        Field("name", "名称", "name", example="济南市总工会妈妈小屋"),
        Field("region", "所在区县", "region", "region", example="济南市历下区"),
        Field("address", "地址", "address", example="山东省济南市历下区泉城路1号"),
        Field("lon", "经度", "lon", "float", example="117.0230"),
        Field("lat", "纬度", "lat", "float", example="36.6650"),
        Field("kind", "类型", "kind", "enum", choices=ROOM_KINDS, example="public"),
        Field("has_lock", "可上锁", "has_lock", B, False, example="是"),
        Field("has_sink", "洗手池", "has_sink", B, False, example="是"),
        Field("has_fridge", "冰箱", "has_fridge", B, False, example="否"),
        Field("has_outlet", "电源插座", "has_outlet", B, False, example="是"),
        Field("has_seating", "座椅", "has_seating", B, False, example="是"),
        Field("has_changing_table", "尿布台", "has_changing_table", B, False, example="是"),
        Field("open_time", "开放时间", "open_time", "time", False, example="08:30"),
        Field("close_time", "关闭时间", "close_time", "time", False, example="17:30"),
        Field("open_days", "开放日", "open_days", "text", False, example="1234567"),
        Field("opened_date", "启用日期", "opened_date", "date", example="2023-05-01"),
        Field("digital", "数字化管理", "digital", B, False, example="是"),
        Field("navigable", "可线上导航", "navigable", B, False, example="是"),
        Field("internal", "仅限内部", "internal", B, False, example="否"),
        Field("contact", "联系人", "contact", "text", False, example="工会办公室"),
    ), region_level="district"),
    Dataset("matchmaking_events", "matchmaking_event", ("event_id",), (
        Field("event_id", "编号", "event_id", "id", example="E2024-IMP-0001"),
        Field("event_date", "日期", "event_date", "date", example="2024年5月20日"),
        Field("region", "城市", "region", "region", example="哈尔滨"),
        Field("format", "形式", "format", "enum", choices=EVENT_FORMATS, example="offline"),
        Field("session_type", "专场类型", "session_type", example="读书会"),
        Field("organiser", "主办", "organiser", example="哈尔滨市总工会"),
        Field("matchmakers", "红娘人数", "matchmakers", "int", example="12"),
        Field("units", "参与单位", "units", "int", example="30"),
        Field("participants", "参与人数", "participants", "int", example="200"),
        Field("pairs", "牵手对数", "pairs", "int", example="18"),
    )),
    Dataset("studios", "innovation_studio", ("studio_id",), (
        Field("studio_id", "编号", "studio_id", "id", example="S44IMP0001"),
        Field("name", "名称", "name", example="示例女职工创新工作室"),
        Field("lead", "领衔人", "lead", example="张某"),
        Field("employer", "单位", "employer", example="广州某公司"),
        Field("region", "城市", "region", "region", example="广州市"),
        Field("level", "层级", "level", "enum", choices=STUDIO_LEVELS, example="city"),
        Field("industry", "行业", "industry", example="制造"),
        Field("founded_year", "创建年份", "founded_year", "int", example="2021"),
    )),
    Dataset("studio_outputs", "studio_output", ("studio_id", "year"), (
        Field("studio_id", "工作室编号", "studio_id", "text", example="S44IMP0001"),
        Field("year", "年份", "year", "int", example="2023"),
        Field("patents", "专利", "patents", "int", example="2"),
        Field("problems_solved", "攻克难题", "problems_solved", "int", example="5"),
        Field("awards", "获奖", "awards", "int", example="1"),
        Field("trainings", "授课培训", "trainings", "int", example="10"),
        Field("trainees", "培训人次", "trainees", "int", example="240"),
        Field("talents", "培养人才", "talents", "int", example="6"),
    )),
    Dataset("indicator_values", "indicator_value", ("indicator_code", "region_code", "year"), (
        Field("indicator_code", "指标代码", "indicator_code", "text", example="og_orgs"),
        Field("region", "城市", "region", "region", example="重庆市"),
        Field("year", "年份", "year", "int", example="2023"),
        Field("value", "数值", "value", "float", example="41000"),
    )),
)}
