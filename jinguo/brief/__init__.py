"""One-click briefings: PPTX and PDF of exactly the view a page shows.

* :mod:`.compose`  the slides of a view (:func:`~jinguo.brief.compose.build`);
* :mod:`.summary`  the written summary from the data;
* :mod:`.render`   static charts (kaleido in Debian's Chromium);
* :mod:`.pptx`, :mod:`.pdf`  the two formats;
* :mod:`.cli`      ``python -m jinguo brief``.
"""
