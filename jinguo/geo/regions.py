"""The region table: provinces, prefecture-level cities and districts from ``cpca``.

``cpca`` (MIT) ships ``resources/adcodes.csv`` with 12-digit GB/T 2260 codes and
centroids; we keep the first six digits. Rows with no centroid are
placeholders (``市辖区`` of an ordinary city, ``省直辖县级行政区划``) and are
dropped; their children hang from the province instead. A municipality's
``市辖区`` (110100) is kept as its city and named after the municipality.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
from pypinyin import lazy_pinyin

# Suffixes stripped for matching short names ("山东省" -> "山东", "洛阳市" -> "洛阳").
SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县",
    "地区", "新区", "林区", "省", "市", "区", "县", "盟", "旗",
)
# Conventional English names where plain pinyin is ambiguous or not the usage.
EN_PROVINCE = {
    "610000": "Shaanxi", "150000": "Inner Mongolia", "540000": "Xizang",
    "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao",
}
# Outside the 31 mainland provinces of union work; drawn on the national map only.
NON_MAINLAND = ("710000", "810000", "820000")


def short_name(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def english_name(adcode: str, name: str) -> str:
    if adcode in EN_PROVINCE:
        return EN_PROVINCE[adcode]
    base = short_name(name)
    return "".join(lazy_pinyin(base)).title()


def load_regions() -> pd.DataFrame:
    """Region rows (adcode, parent_code, level, names, province/city codes, centroid)."""
    src = resources.files("cpca") / "resources" / "adcodes.csv"
    with src.open("r", encoding="utf-8") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    raw["adcode"] = raw["adcode"].str[:6]
    raw = raw[(raw["longitude"] != "") & (raw["latitude"] != "")].copy()
    raw["lon"] = raw["longitude"].astype(float)
    raw["lat"] = raw["latitude"].astype(float)
    codes = set(raw["adcode"])
    names = dict(zip(raw["adcode"], raw["name"]))

    rows = []
    for r in raw.sort_values("adcode").itertuples(index=False):
        code = r.adcode
        prov = code[:2] + "0000"
        city = code[:4] + "00"
        name = r.name
        if code == prov:
            level, parent, city_code = "province", None, None
        elif code == city:
            level, parent, city_code = "city", prov, code
            if name == "市辖区":
                name = names[prov]
            elif name == "县":
                name = names[prov] + "（县）"
        else:
            level = "district"
            city_code = city if city in codes else None
            parent = city_code or prov
        rows.append({
            "adcode": code, "parent_code": parent, "level": level, "name_zh": name,
            "name_short": short_name(name), "name_en": english_name(code, name),
            "province_code": prov, "city_code": city_code,
            "lon": r.lon, "lat": r.lat, "mainland": prov not in NON_MAINLAND,
        })
    df = pd.DataFrame(rows)
    # A district directly under a province (济源市 419001) acts as its own city.
    orphan = (df["level"] == "district") & df["city_code"].isna()
    df.loc[orphan, "level"] = "city"
    df.loc[orphan, "city_code"] = df.loc[orphan, "adcode"]
    return df.drop_duplicates("adcode").reset_index(drop=True)
