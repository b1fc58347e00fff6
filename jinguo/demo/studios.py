"""Innovation studios and their yearly outputs: counts from the drivers, founding years in a smooth
ramp, a skewed industry mix, Guangdong's reported stock and the named leads' reported outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jinguo.demo import baseline as B
from jinguo.demo import consistency
from jinguo.demo.alloc import scale_to_total, split_total
from jinguo.demo.calibrate import Calibration
from jinguo.demo.calibrate import whole_years as _whole_years
from jinguo.demo.drivers import Geography
from jinguo.demo.rooms import EMPLOYERS

SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"))
GIVEN = np.array(["丽", "敏", "静", "燕", "艳", "娟", "霞", "芳", "娜", "丹", "玲", "萍", "红", "玉兰",
                  "秀英", "桂英", "晓梅", "雪", "慧", "颖", "琳", "倩", "婷", "洁", "春梅", "海燕", "冬梅"])
YEARS = B.YEARS


def studios(geo: Geography, facts: pd.DataFrame, scale: float, rng, named: pd.DataFrame):
    prov_cal = Calibration(facts, "in_studios_provincial", "stock").stock
    ci_cal = Calibration(facts, "in_studios_city_industry", "stock").stock
    effort = geo.effort(rng)
    frames = []
    for p in geo.provinces:
        n = int(round(max(B.MIN_STUDIOS, B.STUDIOS_PER_M_URBAN * geo.urban[p] / 1e6 * effort[p]) * scale))
        founded = np.repeat(B.STUDIO_YEARS, scale_to_total(B.STUDIO_YEAR_WEIGHTS, n))
        level = B.LEVELS[rng.choice(4, n, p=B.LEVEL_WEIGHTS)]
        cal = {k[1]: v for k, v in prov_cal.items() if k[0] == p}
        cal_ci = {k[1]: v for k, v in ci_cal.items() if k[0] == p}
        if cal or cal_ci:
            level, founded = _calibrated_levels(cal, cal_ci, n, rng)
            n = len(level)
        cities = geo.cities_of(p)
        w = cities["w"].to_numpy()
        city = cities["adcode"].to_numpy()[rng.choice(len(cities), n, p=w / w.sum())]
        lead = SURNAMES[rng.integers(0, len(SURNAMES), n)] + GIVEN[rng.integers(0, len(GIVEN), n)]
        # A generated lead never takes the name of a lead the source names.
        lead = lead.astype(object)
        clash = np.isin(lead, named["lead"].to_numpy())
        lead[clash] = [x[0] + "晓" + x[1:] for x in lead[clash]]
        cname = pd.Series(city).map(geo.regions["name_zh"]).str.replace(r"(市|地区|自治州|盟)$", "",
                                                                         regex=True)
        employer = cname + EMPLOYERS[rng.integers(0, len(EMPLOYERS), n)]
        industry = B.INDUSTRIES[rng.choice(len(B.INDUSTRIES), n, p=B.INDUSTRY_WEIGHTS)]
        name = lead + np.where(level == "provincial", "女职工创新工作室", "创新工作室")
        df = pd.DataFrame({"province_code": p, "region_code": city, "level": level,
                           "founded_year": founded, "lead": lead, "employer": employer,
                           "industry": industry, "name": name, "origin": "demo", "fact_id": None})
        df = _name_reported_studios(df, named[named["region_code"].str[:2] == p[:2]], geo)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["province_code", "founded_year", "region_code"], kind="stable").reset_index(drop=True)
    out.insert(0, "studio_id", [f"S{p[:2]}{i:06d}" for i, p in enumerate(out["province_code"])])
    outputs = _studio_outputs(out, facts, rng)
    cols = ["studio_id", "name", "lead", "employer", "province_code", "region_code", "level",
            "industry", "founded_year", "origin", "fact_id"]
    return out[cols], outputs


def _calibrated_levels(cal: dict, cal_ci: dict, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Levels and founding years reproducing a reported stock of provincial and city/industry studios
    at the end of the fact's year; a few national studios; 8 % more founded the year after."""
    y_end = next(iter(cal or cal_ci))
    n_prov = cal.get(y_end, int(n * 0.25))
    n_ci = cal_ci.get(y_end, int(n * 0.7))
    n_nat = max(1, int(n * 0.03))
    n_new = int(round((n_prov + n_ci) * 0.08))
    level = np.concatenate([
        np.repeat(["provincial"], n_prov),
        B.LEVELS[2 + rng.choice(2, n_ci, p=[0.65, 0.35])],
        np.repeat(["national"], n_nat),
        B.LEVELS[1 + rng.choice(3, n_new, p=[0.25, 0.5, 0.25])]])
    upto = B.STUDIO_YEARS <= y_end
    n_old = n_prov + n_ci + n_nat
    founded_old = np.repeat(B.STUDIO_YEARS[upto], scale_to_total(B.STUDIO_YEAR_WEIGHTS[upto], n_old))
    founded = np.concatenate([rng.permutation(founded_old), np.full(n_new, y_end + 1)])
    return level, founded


def _name_reported_studios(df: pd.DataFrame, named: pd.DataFrame, geo: Geography) -> pd.DataFrame:
    """Give generated studios the leads, employers and levels the source names.

    The row stays ``origin = 'demo'`` (its founding year and place are generated);
    ``fact_id`` links it to the first reported fact about its lead.
    """
    df = df.copy()
    taken: set[int] = set()
    for r in named.itertuples():
        pool = df.index[(df["level"] == r.level) & (df["founded_year"] <= 2018) & ~df.index.isin(taken)]
        if not len(pool):
            pool = df.index[~df.index.isin(taken)]
        i = pool[0]
        taken.add(i)
        df.loc[i, ["lead", "employer", "industry", "name"]] = [
            r.lead, r.employer or "未披露", r.industry or df.loc[i, "industry"], r.studio_name]
        if r.region_code in set(geo.cities["adcode"]):
            df.loc[i, "region_code"] = r.region_code
        df.loc[i, "founded_year"] = min(int(df.loc[i, "founded_year"]), 2018)
        ids = [f for f in r.fact_ids.split(";") if f]
        df.loc[i, "fact_id"] = ids[0] if ids else None
        df.loc[i, "named_facts"] = ";".join(ids)
    return df


def _studio_outputs(studios: pd.DataFrame, facts: pd.DataFrame, rng) -> pd.DataFrame:
    start = np.maximum(studios["founded_year"].to_numpy(), YEARS[0])
    n_years = YEARS[-1] - start + 1
    sid = np.repeat(studios["studio_id"].to_numpy(), n_years)
    year = np.concatenate([np.arange(s, YEARS[-1] + 1) for s in start])
    m = len(sid)
    trainings = rng.poisson(8, m)
    out = pd.DataFrame({
        "studio_id": sid, "year": year, "patents": rng.poisson(1.2, m),
        "problems_solved": rng.poisson(3, m), "awards": rng.poisson(0.6, m),
        "trainings": trainings, "trainees": consistency.trainees(trainings, rng),
        "talents": rng.poisson(5, m), "origin": "demo",
    })
    # The named studios reproduce their leads' reported outputs over the facts' years.
    by_id = facts.set_index("fact_id")
    if "named_facts" not in studios:
        return out
    for row in studios[studios["named_facts"].fillna("") != ""].itertuples():
        for fid in row.named_facts.split(";"):
            f = by_id.loc[fid]
            col = _output_column(f)
            if col is None:
                continue
            yrs = _whole_years(f) or tuple(range(2019, 2024))
            mask = (out["studio_id"] == row.studio_id) & out["year"].isin(yrs)
            k = int(mask.sum())
            if k:
                out.loc[mask, col] = split_total(int(round(f.value)), np.ones(k), rng)
    return out.reset_index(drop=True)


OUTPUT_WORDS = (  # (unit, a word of the quote) -> studio_output column
    (("次", "场"), ("授课", "培训", "讲课"), "trainings"),
    (("人次",), ("培训", "授课"), "trainees"),
    (("名", "人"), ("培养", "带徒", "徒弟"), "talents"),
    (("项", "件"), ("专利",), "patents"),
    (("项", "个"), ("难题", "攻关"), "problems_solved"),
    (("项", "个", "次"), ("奖",), "awards"),
)


def _output_column(fact) -> str | None:
    """Which output a fact about a studio lead reports, from its unit and wording."""
    for units, words, col in OUTPUT_WORDS:
        if fact.unit in units and any(w in fact.quote for w in words):
            return col
    return None


