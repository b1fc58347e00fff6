"""Report reasons and notes in the user's language."""

from __future__ import annotations

import json

import pandas as pd

from jinguo.ingest.validate import Report
from jinguo.text import i18n
from jinguo.text.extract import BOM, neutralise, neutralise_frame


def message(key: str, lang: str = "zh") -> str:
    """A report reason or note key in the user's language: ``key:arg`` fills ``{arg}``;
    ``key:{"column": …}`` (written by ``cells.note``) fills the named placeholders."""
    k, _, arg = key.partition(":")
    text = i18n.t(k, lang) if i18n.has(k, lang) else k
    if arg.startswith("{"):
        try:
            return text.format(**json.loads(arg))
        except (ValueError, KeyError):
            return text
    return text.format(arg=arg) if "{arg}" in text else text


def report_frame(rep: Report, lang: str = "zh") -> pd.DataFrame:
    p = rep.problems.copy()
    p["reason"] = p["reason"].map(lambda k: message(k, lang))
    return p



def rejects_csv(rep: Report, lang: str = "zh") -> bytes:
    """The rejects report as CSV (UTF-8 with BOM): the refused cells are repeated back, so every text
    cell that a spreadsheet would run as a formula (= + - @, tab or CR first) is neutralised with a
    leading ' exactly as extracts are (jinguo.text.extract)."""
    frame = neutralise_frame(report_frame(rep, lang).astype({"value": str}))
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    return (BOM + frame.to_csv(index=False)).encode("utf-8")
