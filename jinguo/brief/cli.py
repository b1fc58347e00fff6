"""``python -m jinguo brief``: a briefing for scheduled reports, national scope.

    python -m jinguo brief [--province ADCODE] [--years 2019-2023] [--lang zh|en]
        [--page overview|matchmaking|studios|mother_rooms|explorer] --out FILE.pptx|FILE.pdf [--db PATH]

The format follows the file's extension. Bad input gets a message in Chinese, then English,
and exit status 2; the file is written whole (to a temporary name, then renamed) or not at all.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from jinguo.brief import compose
from jinguo.brief.pdf import FontMissing
from jinguo.brief.render import RenderError
from jinguo.store import db
from jinguo.text import i18n
from jinguo.views import model, pages
from jinguo.views.state import Filters


class BriefError(ValueError):
    def __init__(self, key: str, **kw):
        super().__init__(key)
        self.key, self.kw = key, kw


def _filters(q, province: str | None, years: str | None, lang: str):
    provs = q("provinces")
    mainland = tuple(provs.loc[provs["mainland"], "adcode"])
    span = q("years_available")
    lo, hi = int(span["year_min"].iloc[0]), int(span["year_max"].iloc[0])
    if province is not None and province not in set(provs["adcode"]):
        raise BriefError("brief.err_province", value=province[:20])
    y_from, y_to = lo, hi
    if years is not None:
        try:
            a, b = (int(x) for x in years.split("-", 1)) if "-" in years else (int(years),) * 2
            if not lo <= a <= b <= hi:
                raise ValueError
        except ValueError:
            raise BriefError("brief.err_years", value=years[:20], lo=lo, hi=hi) from None
        y_from, y_to = a, b
    chosen = (province,) if province else mainland
    return Filters(chosen, y_from, y_to, lang=lang, all_provinces=province is None)


def run(args) -> int:
    started = time.perf_counter()

    def fail(key, **kw) -> int:
        print(f"{i18n.t(key, 'zh', **kw)}\n{i18n.t(key, 'en', **kw)}", file=sys.stderr)
        return 2

    out = Path(args.out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in compose.FORMATS:
        return fail("brief.err_ext", value=str(out)[:80])
    if args.page not in pages.PAGES:
        return fail("brief.err_page", value=args.page[:30], pages=", ".join(pages.PAGES))
    try:
        con = db.connect(args.db)
    except db.DatabaseMissing as e:
        return fail("brief.err_db", path=str(e))
    try:
        q = model.runner(con)
        f = _filters(q, args.province, args.years, args.lang)
        payload = compose.build(q, args.page, f, args.lang, kind)
    except BriefError as e:
        return fail(e.key, **e.kw)
    except RenderError as e:
        return fail(e.key, **e.kw)
    except FontMissing:
        return fail("brief.err_font")
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(payload)
    tmp.replace(out)
    print(i18n.t("brief.written", args.lang, path=out, size=len(payload),
                 seconds=f"{time.perf_counter() - started:.1f}"))
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("brief", help="briefing (PPTX or PDF) of a page's view, national scope")
    p.add_argument("--province", default=None, help="a province's 6-digit code, e.g. 370000 (default: all)")
    p.add_argument("--years", default=None, help="e.g. 2019-2023 (default: every year)")
    p.add_argument("--lang", choices=i18n.LANGS, default="zh")
    p.add_argument("--page", default="overview", help="|".join(pages.PAGES))
    p.add_argument("--out", required=True, help="FILE.pptx or FILE.pdf")
    p.add_argument("--db", type=Path, default=None, help="database (default $JINGUO_DB or data/jinguo.duckdb)")
    p.set_defaults(func=run)
