"""The page registry: one row per page, used by app.py to build st.navigation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str          # also the string key nav.<key> and the access key
    script: str       # under views/
    icon: str
    url: str          # stable url_path, the same in every language
    group: str        # nav.group_<group>


PAGES = (
    PageSpec("overview", "views/overview.py", "📊", "overview", "overview"),
    PageSpec("matchmaking", "views/matchmaking.py", "💞", "matchmaking", "themes"),
    PageSpec("studios", "views/studios.py", "🛠️", "studios", "themes"),
    PageSpec("mother_rooms", "views/mother_rooms.py", "🍼", "mother-rooms", "themes"),
    PageSpec("explorer", "views/explorer.py", "🔎", "explorer", "themes"),
    PageSpec("sources", "views/sources.py", "📄", "sources", "data"),
    PageSpec("extracts", "views/extracts.py", "⬇️", "extracts", "data"),
    PageSpec("import", "views/import_data.py", "📥", "import", "data"),
    PageSpec("admin", "views/admin.py", "🔐", "admin", "data"),
)
