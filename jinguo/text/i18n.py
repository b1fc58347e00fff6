"""One string catalogue per language: ``jinguo/locales/zh.toml`` and ``en.toml``, plus any
``jinguo/locales/zh/*.toml`` and ``en/*.toml`` (one file per topic, merged in name order; a key
defined twice is an error, so two topics can never silently overwrite each other).

Keys are dotted (``nav.overview``). Chinese is the default. A missing key is a
bug: a test checks both catalogues have the same keys and placeholders.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT = "zh"
_DIR = Path(__file__).resolve().parent / "locales"


def _flatten(d: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        lang = DEFAULT
    with (_DIR / f"{lang}.toml").open("rb") as fh:
        out = _flatten(tomllib.load(fh))
    for extra in sorted((_DIR / lang).glob("*.toml")):
        with extra.open("rb") as fh:
            more = _flatten(tomllib.load(fh))
        twice = sorted(set(out) & set(more))
        if twice:
            raise KeyError(f"{extra.name} defines keys already defined: {twice[:5]}")
        out.update(more)
    return out


def t(key: str, lang: str = DEFAULT, **kw) -> str:
    text = catalogue(lang).get(key)
    if text is None:
        raise KeyError(f"no string {key!r} in {lang}.toml")
    return text.format(**kw) if kw else text


def has(key: str, lang: str = DEFAULT) -> bool:
    return key in catalogue(lang)
