"""What each page shows, computed once for the page and for the briefing; no Streamlit here.

* :mod:`.model`      the :class:`~jinguo.views.model.View` a view function returns, and the helpers views share;
* :mod:`.pages`      the page views by name (:func:`~jinguo.views.pages.view`);
* :mod:`.overview`, :mod:`.matchmaking`, :mod:`.studios`, :mod:`.mother_rooms`, :mod:`.explorer`: one view each;
* :mod:`.state`      the global filters and their mirror in the URL;
* :mod:`.charts`     plotly figures; :mod:`.rooms` and :mod:`.decks` the room finder's labels and pydeck map;
* :mod:`.extracts`   what the Extracts page offers; :mod:`.facts` the reported facts as a table.
"""
