"""Host catch-up of the search index (检索索引追平): the one place where a
process that serves searches follows the library's change log
(:mod:`huiqi.kb.library`).

:func:`refresh_search` is called by the web state
(:meth:`huiqi.web.state.WebState.catch_up`) when changes of documents or
policy clusters were committed since the index it holds. The engine's
keyword index is updated in place (:meth:`huiqi.search.index.KeywordIndex.sync`:
only the clauses added, retired or whose document changed are read and
tokenised) and the policy clusters are re-read, through
:func:`huiqi.search.engine.open_engine` with ``fresh=True`` (the first call
opens the persisted index, brought up to date incrementally).
"""

from __future__ import annotations

from huiqi.kb.library import ChangeSummary


def refresh_search(url: str, current, summary: ChangeSummary | None):
    """The :class:`huiqi.search.engine.SearchEngine` of the database ``url``
    after the changes ``summary`` (``None``: whatever changed; ``current``: the engine the caller holds,
    updated in place and returned; ``None`` before the first load: opened).
    Raises SQLAlchemy errors when the database cannot be read."""
    from huiqi.search.engine import open_engine

    # the process's cached engine (the one ``current`` is), checked against
    # the database now and updated in place (KeywordIndex.sync)
    return open_engine(url, fresh=True)
