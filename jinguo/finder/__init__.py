"""The public room finder: light pages and JSON answers for phones and crowds (issue 23).

``params`` (the query parameters), ``answer`` (the answers, in the public's scope, with the same logic as the
Streamlit finder), ``app`` (the Starlette routes and the worker app), ``redirect`` (phones and old links sent
here from the Streamlit app), ``cli`` (``python -m jinguo finder``). Nothing imports this package but the
serving code (``serve_app.py``, the CLI).
"""
