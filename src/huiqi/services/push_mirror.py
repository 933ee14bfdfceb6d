"""The firm mirror (企业画像镜像): a DuckDB copy of ``firm_profiles`` for
set-based screening.

Why a mirror: DuckDB cannot read SQLite or PostgreSQL here without a
scanner extension, and extensions cannot be downloaded at run time. Copying
1,000,000 JSON profiles out of the database for every published rule would
cost more than the screening itself, so the stored firms are kept in a
file-backed DuckDB database beside the knowledge base
(``<db>-push.duckdb``), refreshed incrementally: only the firms whose
``firm_profiles.version`` differs from the mirror's are read again. The
database stays the truth; the mirror can be deleted at any time and is
rebuilt on the next refresh.

Tables of the mirror:

* ``firm_keys(code, profile_id, version, screened_version)`` — the
  统一社会信用代码, the ``profile_id`` used by the profiles table (the
  ``firms.id``), the mirrored version, and the version whose screening
  results are committed (``screened_version``; differs from ``version``
  for a firm still to be screened against all rules);
* ``profiles`` — the screening table (:data:`huiqi.screen.sql.PROFILE_COLUMNS`,
  derived facts computed in SQL as of ``meta.as_of``).

One process at a time: :func:`open_mirror` takes an exclusive file lock.
"""

from __future__ import annotations

import fcntl
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine, text

from huiqi.config import derived_dir, sqlite_path
from huiqi.screen.batch import complete_table, fact_entries
from huiqi.screen.sql import PROFILE_COLUMNS, PROJECT_FIELDS, quote_ident, sql_literal
from huiqi.screen.stream import open_store

#: base columns read from a stored profile (the derived ones are computed in SQL)
_BASE = ("name", "employees", "revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense",
         "established", "entity_type", "ownership", "industry", "taxpayer_type", "tax_credit_grade",
         "qualifications", "unemployment_insurance_months", "layoff_rate", "listed", "region")


def mirror_path(url: str) -> Path:
    """Where the mirror of the database ``url`` lives: beside a SQLite file
    as ``<stem>-push.duckdb``, else ``push.duckdb`` in its derived dir."""
    path = sqlite_path(url)
    return derived_dir(url) / (f"{path.stem}-push.duckdb" if path is not None else "push.duckdb")


def base_row(profile_id: int, profile: dict[str, Any]) -> dict[str, Any]:
    """A stored profile mapping (the EnterpriseProfile contract of
    ``firm_profiles.profile``) → the base columns of the profiles table:
    ``qualifications`` NULL when unstated, project kinds canonical, free
    facts as text and numbers (as :func:`huiqi.screen.batch.profile_row`)."""
    from huiqi.calc.evaluate import canonical_project_kind

    row: dict[str, Any] = {k: profile.get(k) for k in _BASE}
    row["profile_id"] = profile_id
    if "qualifications" not in profile:
        row["qualifications"] = None
    projects = []
    for p in profile.get("projects") or []:
        one = {k: p.get(k) for k in PROJECT_FIELDS}
        if one["kind"] is not None:
            one["kind"] = canonical_project_kind(one["kind"])
        projects.append(one)
    row["projects"] = projects
    row["facts"], row["fact_numbers"] = fact_entries(profile.get("facts") or {})
    return row


@dataclass
class Mirror:
    """An open mirror: ``con`` (DuckDB), ``url`` of the knowledge base."""

    con: duckdb.DuckDBPyConnection
    url: str

    def _ensure(self) -> None:
        self.con.execute("CREATE TABLE IF NOT EXISTS firm_keys (code VARCHAR PRIMARY KEY, profile_id INTEGER, "
                         "version INTEGER, screened_version INTEGER)")
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (k VARCHAR PRIMARY KEY, v VARCHAR)")
        cols = ", ".join(f"{quote_ident(c)} {t}" for c, t in PROFILE_COLUMNS.items())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS profiles ({cols})")

    def count(self) -> int:
        """Number of mirrored firms."""
        return int(self.con.execute("SELECT count(*) FROM firm_keys").fetchone()[0])

    def refresh(self, engine: Engine, as_of: date, chunk: int = 50_000) -> list[str]:
        """Bring the mirror up to date with ``firm_profiles`` of ``engine``
        (versions compared; changed profiles re-read ``chunk`` at a time;
        deleted firms removed) and its derived facts to ``as_of``. Returns
        the codes whose ``screened_version`` differs from ``version`` (to
        screen against every rule)."""
        self._ensure()
        con = self.con
        with engine.connect() as db:
            cur = db.execute(text("SELECT p.code, f.id, p.version FROM firm_profiles p JOIN firms f ON f.code = p.code"))
            codes, ids, versions = [], [], []
            for code, fid, ver in cur:
                codes.append(code)
                ids.append(int(fid))
                versions.append(int(ver))
        con.execute("CREATE OR REPLACE TEMP TABLE cur_keys (code VARCHAR, profile_id INTEGER, version INTEGER)")
        if codes:
            con.execute("INSERT INTO cur_keys SELECT unnest(?), unnest(?), unnest(?)", [codes, ids, versions])
        con.execute("DELETE FROM profiles WHERE profile_id NOT IN (SELECT profile_id FROM cur_keys)")
        con.execute("DELETE FROM firm_keys WHERE code NOT IN (SELECT code FROM cur_keys)")
        changed = [r[0] for r in con.execute(
            "SELECT c.code FROM cur_keys c LEFT JOIN firm_keys k USING (code) "
            "WHERE k.version IS DISTINCT FROM c.version").fetchall()]
        for lo in range(0, len(changed), chunk):
            self._load(engine, changed[lo: lo + chunk], as_of)
        if changed:
            con.execute("INSERT INTO firm_keys SELECT c.code, c.profile_id, c.version, NULL FROM cur_keys c "
                        "WHERE c.code NOT IN (SELECT code FROM firm_keys)")
            con.execute("UPDATE firm_keys SET version = c.version FROM cur_keys c "
                        "WHERE firm_keys.code = c.code AND firm_keys.version IS DISTINCT FROM c.version")
        stored = con.execute("SELECT v FROM meta WHERE k = 'as_of'").fetchone()
        if stored is None or stored[0] != as_of.isoformat():
            if stored is not None and self.count():
                self._rederive(as_of)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('as_of', ?)", [as_of.isoformat()])
        return [r[0] for r in con.execute(
            "SELECT code FROM firm_keys WHERE screened_version IS DISTINCT FROM version ORDER BY code").fetchall()]

    def _load(self, engine: Engine, codes: list[str], as_of: date) -> None:
        rows = []
        with engine.connect() as db:
            for lo in range(0, len(codes), 900):
                part = codes[lo: lo + 900]
                marks = ", ".join(f":c{i}" for i in range(len(part)))
                cur = db.execute(text(f"SELECT f.id, p.profile FROM firm_profiles p JOIN firms f ON f.code = p.code "
                                      f"WHERE p.code IN ({marks})"), {f"c{i}": c for i, c in enumerate(part)})
                for fid, prof in cur:
                    prof = json.loads(prof) if isinstance(prof, str) else (prof or {})
                    rows.append(json.dumps(base_row(int(fid), prof), ensure_ascii=False, default=str))
        if not rows:
            return
        con = self.con
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "rows.jsonl"
            path.write_text("\n".join(rows), encoding="utf-8")
            spec = "{" + ", ".join(f"{sql_literal(c)}: {sql_literal(t)}" for c, t in PROFILE_COLUMNS.items()
                                   if c in _BASE or c in ("profile_id", "projects", "facts", "fact_numbers")) + "}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE new_base AS SELECT * FROM read_json({sql_literal(str(path))}, "
                        f"format = 'newline_delimited', columns = {spec})")
        complete_table(con, "new_base", as_of, "new_profiles")
        con.execute("DELETE FROM profiles WHERE profile_id IN (SELECT profile_id FROM new_profiles)")
        con.execute("INSERT INTO profiles SELECT * FROM new_profiles")
        con.execute("DROP TABLE new_profiles; DROP TABLE new_base")

    def _rederive(self, as_of: date) -> None:
        """Recompute the derived facts of every mirrored firm for a new date (firm age)."""
        con = self.con
        con.execute("CREATE OR REPLACE TEMP TABLE old_profiles AS SELECT * EXCLUDE (industry_codes, region_codes, "
                    "region_chain, size_class, sme, small_low_profit, above_scale_industrial, age_years) FROM profiles")
        complete_table(con, "old_profiles", as_of, "re_profiles")
        con.execute("DELETE FROM profiles")
        con.execute("INSERT INTO profiles SELECT * FROM re_profiles")
        con.execute("DROP TABLE re_profiles; DROP TABLE old_profiles")

    def mark_screened(self, codes: list[str]) -> None:
        """Record that the results of ``codes`` at their mirrored version are committed."""
        if codes:
            self.con.execute("UPDATE firm_keys SET screened_version = version WHERE code IN (SELECT unnest(?))", [codes])

    def codes_of(self, profile_ids: list[int]) -> dict[int, str]:
        """``{profile_id: code}``."""
        if not profile_ids:
            return {}
        return dict(self.con.execute("SELECT profile_id, code FROM firm_keys WHERE profile_id IN (SELECT unnest(?))",
                                     [profile_ids]).fetchall())


@contextmanager
def open_mirror(url: str, memory_limit: str = "1GB", path: Path | None = None) -> Iterator[Mirror]:
    """Open (creating) the mirror of ``url`` under an exclusive file lock
    (another process waits); closed on exit."""
    path = path or mirror_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        con = open_store(path, memory_limit=memory_limit)
        try:
            m = Mirror(con, url)
            m._ensure()
            yield m
        finally:
            con.close()
            fcntl.flock(lock, fcntl.LOCK_UN)
