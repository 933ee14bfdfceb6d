"""Knowledge base (知识库): SQLAlchemy storage, migrations, ingest and queries.

* :mod:`huiqi.kb.models` — tables (source files with versions, documents,
  heading-tree nodes, clauses with their facts, clause → responsible unit);
* :mod:`huiqi.kb.db` — ``get_engine(url)``, ``upgrade(engine)`` (Alembic to
  head), ``session_scope(engine)``;
* :mod:`huiqi.kb.ingest` — ``ingest_paths(engine, paths) -> IngestReport``;
* :mod:`huiqi.kb.queries` — the JSON contracts of ``huiqi docs`` /
  ``show`` / ``policies``.
"""
