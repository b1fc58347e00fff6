"""Who may see what: roles, the pages each role opens, and the query scope.

The signed-in user lives in ``st.session_state["_jinguo_user"]`` (set only by
the sign-in code in :mod:`jinguo.auth`). Everything a page reads goes through
:mod:`jinguo.web.data`, which asks :func:`scope_for` here, so a page that forgets
cannot widen what its reader sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinguo.store.sql import Scope

ROLES = ("public", "province_viewer", "national_viewer", "data_officer", "admin")
PUBLIC_PAGES = frozenset({"mother_rooms"})


@dataclass(frozen=True)
class User:
    name: str
    role: str
    province: str | None = None    # adcode of a province viewer's / data officer's province

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role in ("province_viewer", "data_officer") and not self.province:
            raise ValueError(f"a {self.role} needs a province")


PUBLIC = User("", "public")


def scope_for(user: User | None) -> Scope:
    """The rows a user's queries may read."""
    user = user or PUBLIC
    if user.role in ("national_viewer", "admin"):
        return Scope()
    if user.role in ("province_viewer", "data_officer"):
        return Scope(detail=(user.province,), rollup=None)
    return Scope(detail=None, rollup=(), public_only=True)


def applied_scope(user: User | None, provinces: tuple[str, ...] | list[str] | None) -> dict[str, str]:
    """For the audit: the provinces an extract could really hold after the role's clamp, not the filter
    asked for. ``provinces`` None or empty is every province. Detail rows are clamped to the scope's
    detail provinces; rollups cover the scope's rollup provinces (every one for signed-in readers)."""
    return {"role": (user or PUBLIC).role, **scope_audit(scope_for(user), provinces)}


def scope_audit(sc: Scope, provinces: tuple[str, ...] | list[str] | None) -> dict[str, str]:
    """:func:`applied_scope` for a scope already bound (a briefing made later, in a thread)."""
    asked = set(provinces or ())

    def clamp(allowed):
        if allowed is None:
            return ",".join(sorted(asked)) if asked else "all"
        kept = sorted(set(allowed) & asked) if asked else sorted(allowed)
        return ",".join(kept) or "none"

    return {"detail_provinces": clamp(sc.detail), "rollup_provinces": clamp(sc.rollup),
            "public_only": str(sc.public_only).lower()}


def can_open(page_key: str, user: User | None) -> bool:
    user = user or PUBLIC
    if user.role == "public":
        return page_key in PUBLIC_PAGES
    if page_key == "import":
        return user.role in ("data_officer", "admin")
    if page_key == "admin":
        return user.role == "admin"
    return True


def can_import(user: User | None, province: str) -> bool:
    user = user or PUBLIC
    if user.role == "admin":
        return True
    return user.role == "data_officer" and user.province == province
