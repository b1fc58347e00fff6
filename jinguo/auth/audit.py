"""The audit log, in the accounts file. No Streamlit here.

What is recorded: sign-ins (password or single sign-on), failed sign-ins (the account name when it
exists, else ``unknown``: what was typed is never stored, since it may be a password typed into the
name field), locks, sign-outs and revoked sessions, account changes, imports and extracts (with the
scope actually applied). Never a password, a token or a cookie.

Rows read back are neutralised (a ``user_name`` or detail starting with ``=``, ``+``, ``-`` or ``@`` is
prefixed with ``'``), so a name chosen to be a formula cannot reach a table or extract as one.
"""

from __future__ import annotations

import json
import time

from jinguo.auth.db import connect
from jinguo.text.extract import neutralise

ACTIONS = ("sign_in", "sign_in_failed", "locked", "sign_out", "session_revoked", "import", "extract",
           "account_add", "account_role", "account_disable", "account_email_cleared", "import_revert",
           "registers_recover", "registers_restore")
_SECRET_KEYS = ("password", "token", "cookie", "code")


def record(action: str, user: str | None, **detail) -> None:
    """Append one audit row. ``detail`` must not hold secrets; the known secret keys are dropped."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    for k in _SECRET_KEYS:
        detail.pop(k, None)
    con = connect()
    try:
        con.execute("insert into audit_log (ts, user_name, action, detail) values (?, ?, ?, ?)",
                    (time.time(), user, action, json.dumps(detail, ensure_ascii=False, default=str)))
    finally:
        con.close()


def audit_rows(user: str = "", action: str = "", since: float = 0, until: float = 1e12,
               limit: int = 5000) -> list[dict]:
    """Newest first, with text neutralised for tables and extracts."""
    con = connect()
    try:
        cur = con.execute(
            "select id, ts, user_name, action, detail from audit_log where (? = '' or user_name = ?) "
            "and (? = '' or action = ?) and ts between ? and ? order by id desc limit ?",
            (user, user, action, action, since, until, limit))
        cols = [c[0] for c in cur.description]
        return [{c: neutralise(v) for c, v in zip(cols, r)} for r in cur.fetchall()]
    finally:
        con.close()
