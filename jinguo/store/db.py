"""Read-only access to the database, for pages and the CLI.

Viewers open the file read-only. Writers (the build, imports) never write the
file in place: they write a new file and rename it over the old one, so a
viewer either sees the old database or the new one, never a half-written one.
:func:`db_key` changes when the file is replaced, and the cached connection and
query results in :mod:`jinguo.web.data` are keyed by it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd

from jinguo.paths import db_path
from jinguo.store import sql


class DatabaseMissing(RuntimeError):
    """No database file yet: run ``python -m jinguo build``."""


def db_key(path: Path | None = None) -> tuple[str, int, int, int]:
    """Identity of the current database file (path, inode, size, mtime)."""
    path = Path(path or db_path())
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DatabaseMissing(str(path)) from None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(path or db_path())
    if not path.exists():
        raise DatabaseMissing(str(path))
    return duckdb.connect(str(path), read_only=True)


class _Shared:
    """The one read-only connection of this process, reopened when the file is replaced.

    DuckDB keeps one database instance per path in a process: while a connection to the old file is
    open, connecting to the same path again returns the old instance. So the old connection is
    closed before the new file is opened (a query still running on it fails once and is rerun), and
    every part of a process (the Streamlit pages, the public finder's routes beside them) shares this
    one holder: a second connection kept open elsewhere would hand the pages the old file again.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def get(self, key: tuple) -> duckdb.DuckDBPyConnection:
        with self.lock:
            if key != self.key:
                if self.con is not None:
                    self.con.close()
                self.con, self.key = connect(key[0]), key
            return self.con


_SHARED = _Shared()


def shared_connection(key: tuple | None = None) -> duckdb.DuckDBPyConnection:
    """This process's read-only connection to the file ``key`` names (default: the current one); use a
    ``cursor()`` per query (jinguo.store.sql does)."""
    return _SHARED.get(key or db_key())


def query(con: duckdb.DuckDBPyConnection, name: str, scope: sql.Scope | None = None, **params) -> pd.DataFrame:
    """Run a named query from ``queries/`` with the reader's scope (default: everything)."""
    return sql.run(con, name, scope or sql.Scope.everything(), **params)
