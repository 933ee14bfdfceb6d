"""Host catch-up of the search index (检索索引追平): the one place where a
process that serves searches follows the library's change log
(:mod:`huiqi.kb.library`).

:func:`refresh_search` is called by the web state
(:meth:`huiqi.web.state.WebState.catch_up`) when changes of documents or
policy clusters were committed since the index it holds. Until the
keyword index can apply one document's change in place, it reopens the
engine (:func:`huiqi.search.engine.open_engine`): the index saved by the
process that made the change is loaded when its fingerprint matches the
database, else it is rebuilt and saved for the other hosts.
"""

from __future__ import annotations

from huiqi.kb.library import ChangeSummary


def refresh_search(url: str, current, summary: ChangeSummary):
    """The :class:`huiqi.search.engine.SearchEngine` of the database ``url``
    after the changes ``summary`` (``current``: the engine the caller holds,
    ``None`` before the first load; ``summary.source_file_ids`` /
    ``document_ids`` name what changed). Raises SQLAlchemy errors when the
    database cannot be read."""
    from huiqi.search.engine import open_engine

    return open_engine(url)
