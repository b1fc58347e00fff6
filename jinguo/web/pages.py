"""The page registry: one row per page, used by app.py to build st.navigation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str          # also the string key nav.<key> and the access key
    script: str       # under app_pages/
    icon: str
    url: str          # stable url_path, the same in every language
    group: str        # nav.group_<group>


PAGES = (
    PageSpec("overview", "app_pages/overview.py", "📊", "overview", "overview"),
    PageSpec("matchmaking", "app_pages/matchmaking.py", "💞", "matchmaking", "themes"),
    PageSpec("studios", "app_pages/studios.py", "🛠️", "studios", "themes"),
    PageSpec("mother_rooms", "app_pages/mother_rooms.py", "🍼", "mother-rooms", "themes"),
    PageSpec("explorer", "app_pages/explorer.py", "🔎", "explorer", "themes"),
    PageSpec("sources", "app_pages/sources.py", "📄", "sources", "data"),
    PageSpec("extracts", "app_pages/extracts.py", "⬇️", "extracts", "data"),
    PageSpec("import", "app_pages/import_data.py", "📥", "import", "data"),
    PageSpec("admin", "app_pages/admin.py", "🔐", "admin", "data"),
)
