"""The hand-written Alembic migration creates exactly the models' schema,
on SQLite and on PostgreSQL (types compared too: JSON, Boolean, Date …)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from huiqi.kb.db import get_engine, upgrade
from huiqi.kb.models import Base
from tests.dbs import backend_params, fresh_database


@pytest.mark.parametrize("backend", backend_params())
def test_upgrade_head_matches_metadata(backend, tmp_path):
    with fresh_database(backend, tmp_path, "m", migrated=False) as url:
        engine = get_engine(url)
        try:
            assert inspect(engine).get_table_names() == []
            upgrade(engine)
            upgrade(engine)  # idempotent
            insp = inspect(engine)
            tables = set(insp.get_table_names()) - {"alembic_version"}
            assert tables == set(Base.metadata.tables)
            for name, table in Base.metadata.tables.items():
                assert {c["name"] for c in insp.get_columns(name)} == set(table.columns.keys()), name
            with engine.connect() as conn:
                ctx = MigrationContext.configure(conn, opts={"compare_type": True})
                assert compare_metadata(ctx, Base.metadata) == []
                if backend == "sqlite":
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        finally:
            engine.dispose()
