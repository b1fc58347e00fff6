"""Templates: CSV and XLSX, Chinese and English headers, one valid example row each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jinguo.store.datasets import DATASETS


def write_templates(out_dir: Path) -> list[Path]:
    """CSV and XLSX templates, Chinese and English headers, one valid example row each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ds in DATASETS.values():
        for lang in ("zh", "en"):
            header = [f.zh if lang == "zh" else f.en for f in ds.fields]
            row = [f.example for f in ds.fields]
            frame = pd.DataFrame([row], columns=header)
            p = out_dir / f"{ds.name}_{lang}.csv"
            p.write_bytes(("\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")).encode("utf-8"))
            written.append(p)
            x = out_dir / f"{ds.name}_{lang}.xlsx"
            with pd.ExcelWriter(x, engine="xlsxwriter",
                                engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
                frame.to_excel(xw, index=False, sheet_name=ds.name[:31])
            written.append(x)
    return written

