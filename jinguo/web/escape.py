"""Text from data into Streamlit markdown, safely.

``st.markdown``, ``st.caption``, ``st.info`` … render Markdown (links, images, ``:material/…:`` icons,
``:red[…]`` colours, ``$…$`` maths, and bare URLs become links). Any text that came from a user or a
file (room and studio names, addresses, imported text, account names in the audit) goes through
:func:`md_escape` before it is put into such a string, so it shows as the text it is.
"""

from __future__ import annotations

import re
import string

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_SPACE = re.compile(r"\s+")


def md_escape(text: object) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows escaping each one) and fold
    line breaks into spaces, so no link, image, HTML, heading, list, icon or formula can start."""
    if text is None:
        return ""
    return _PUNCT.sub(r"\\\1", _SPACE.sub(" ", str(text)))
