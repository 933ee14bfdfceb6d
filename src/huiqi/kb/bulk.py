"""Bulk INSERT of many rows of one table, with their new ids (批量写入).

An ingest writes tens of thousands of node and clause rows per file batch.
SQLAlchemy's ``insert().returning(...)`` over a list of dicts runs its
per-row machinery (parameter construction, "insertmanyvalues" batching,
RETURNING rows turned into results) for every row: about half the CPU of
the write (issue 17). :func:`insert_rows` keeps SQLAlchemy's SQL and its
type conversions (the dialect's own bind processors: JSON serialised as
SQLAlchemy would, dates in SQLite's text format, casts in PostgreSQL's
SQL), but hands the driver one ``executemany`` of plain tuples, with ids
allocated first:

* SQLite — inside a write transaction (``BEGIN IMMEDIATE``, see
  :func:`huiqi.kb.identity.lock_for_write`) nobody else can insert, and
  ``max(id) + 1 …`` are the rowids SQLite itself would give;
* PostgreSQL — ``nextval`` of the column's sequence, once per row in one
  query (safe with concurrent writers);
* any other database — SQLAlchemy's own ``INSERT … RETURNING``.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import JSON, Table, func, insert, select, text
from sqlalchemy.orm import Session


#: Types whose empty value is converted once per column (:func:`insert_rows`).
_EMPTY = (list, dict)


def allocate_ids(session: Session, table: Table, n: int) -> list[int] | None:
    """``n`` new ids for ``table.id``, ascending (see the module docstring),
    or ``None`` for a database without a known way. On SQLite the ids are
    only reserved while ``session``'s write transaction lasts and until
    rows with them are inserted: allocate, then insert, in one transaction."""
    if n <= 0:
        return []
    name = session.get_bind().dialect.name
    if name == "sqlite":
        start = session.execute(select(func.max(table.c.id))).scalar() or 0
        return list(range(start + 1, start + n + 1))
    if name == "postgresql":
        seq = session.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if seq is None:
            return None
        return list(session.execute(text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
                                    {"s": seq, "n": n}).scalars())
    return None


def _column_value(column):
    """A function giving the value of ``column`` for a row lacking it: the
    column's Python-side default (scalar or callable), else ``None``."""
    default = column.default
    if default is None or not getattr(default, "is_scalar", False) and not getattr(default, "is_callable", False):
        return lambda: None
    if default.is_scalar:
        return lambda: default.arg
    return lambda: default.arg(None)  # SQLAlchemy wraps a plain callable as fn(context)


def json_text(value) -> str:
    """``value`` serialised as SQLAlchemy's JSON type writes it with the
    default serializer (``json.dumps``): for :func:`insert_rows`'s
    ``encoded`` columns, so that the JSON of many rows can be made where
    they are made (an ingest's parse workers) and handed over as strings."""
    return json.dumps(value)


def insert_rows(session: Session, table: Table, rows: list[dict], ids: list[int] | None = None,
                encoded: Collection[str] = ()) -> list[int]:
    """INSERT ``rows`` (dicts of column values, all with the same keys,
    without ``id``) into ``table`` in one driver ``executemany`` and return
    their ids in the order of ``rows``: ``ids`` when given (from
    :func:`allocate_ids` in the same transaction, one per row), else new
    ones. A table without an ``id`` column gets its rows as given (returns
    ``[]``). Columns absent from the rows take their Python-side default
    (as an ORM or Core insert would). The values of the JSON columns named
    in ``encoded`` are already JSON text (:func:`json_text`) and are
    written as they are.

    Raises what the driver raises (constraint violations: the caller's
    transaction is then to be rolled back)."""
    if not rows:
        return []
    has_id = "id" in table.c
    if has_id and ids is None:
        ids = allocate_ids(session, table, len(rows))
        if ids is None:
            if encoded:  # SQLAlchemy's own INSERT serialises them
                rows = [{k: json.loads(v) if k in encoded else v for k, v in row.items()} for row in rows]
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(session.scalars(stmt, rows).all())
    elif not has_id:
        ids = []
    if has_id and len(ids) != len(rows):
        raise ValueError(f"{table.name}: {len(ids)} ids for {len(rows)} rows")
    conn = session.connection()
    dialect = conn.dialect
    given = list(rows[0])
    missing = [c for c in table.columns if c.key != "id" and c.key not in rows[0]]
    keys = (["id"] if has_id else []) + [*given, *(c.key for c in missing)]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys
    position = {k: i for i, k in enumerate(keys)}
    reorder = compiled.positional and order != keys
    procs = [None if k in encoded else table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]
    # most JSON facts are empty lists or dicts: converted once per column
    empties = [{t: p(t()) for t in _EMPTY} if p is not None and isinstance(table.c[k].type, JSON) else {}
               for k, p in zip(keys, procs)]
    fills = [_column_value(c) for c in missing]
    out = []
    for k, row in enumerate(rows):
        values = [*((ids[k],) if has_id else ()), *(row[c] for c in given), *(f() for f in fills)]
        values = [v if p is None else (e[v.__class__] if e and not v and v.__class__ in e else p(v))
                  for v, p, e in zip(values, procs, empties)]
        if reorder:
            out.append(tuple(values[position[k]] for k in order))
        elif compiled.positional:
            out.append(tuple(values))
        else:
            out.append(dict(zip(keys, values)))
    conn.exec_driver_sql(compiled.string, out)
    return ids
