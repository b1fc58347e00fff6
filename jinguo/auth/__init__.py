"""Accounts, sign-in with lockout, sessions and the audit log: no Streamlit in this package.

* :mod:`jinguo.auth.access`   roles, the pages each role opens, and the query scope;
* :mod:`jinguo.auth.db`       the accounts file (SQLite): connection, schema and migrations;
* :mod:`jinguo.auth.accounts` accounts and their changes;
* :mod:`jinguo.auth.lockout`  :func:`authenticate`, the one entry point for password sign-in;
* :mod:`jinguo.auth.sessions` server-side sessions behind the sign-in cookie;
* :mod:`jinguo.auth.audit`    :func:`record` and :func:`audit_rows`;
* :mod:`jinguo.auth.cli`      ``python -m jinguo users``.

The sign-in widget and the per-rerun check of the session live on the Streamlit side, in
:mod:`jinguo.web.signin`. Passwords are hashed with argon2 (argon2-cffi) and never logged or stored in clear.
The first admin is created with ``python -m jinguo users add NAME --role admin``.
"""

from jinguo.auth.accounts import (
    AuthError,
    add_user,
    list_users,
    normalise_email,
    set_disabled,
    set_role,
    user_by_email,
)
from jinguo.auth.audit import ACTIONS, audit_rows, record
from jinguo.auth.cli import add_parser
from jinguo.auth.db import accounts_path, connect
from jinguo.auth.lockout import ACCOUNT_MAX_FAILURES, LOCK_SECONDS, MAX_FAILURES, Clock, authenticate

__all__ = ["ACCOUNT_MAX_FAILURES", "ACTIONS", "LOCK_SECONDS", "MAX_FAILURES", "AuthError", "Clock",
           "accounts_path", "add_parser", "add_user", "audit_rows", "authenticate", "connect", "list_users",
           "normalise_email", "record", "set_disabled", "set_role", "user_by_email"]
