"""Helpers of the push tests: a writable copy of the corpus database and
stored firms (the firm register's tables, written directly)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from huiqi.kb.db import get_engine, session_scope, upgrade

AT = datetime(2024, 6, 1, 2, 0)  # 10:00 Beijing; the 2024 lists are in force

#: a dairy firm in 阿拉善左旗 holding qualifications that the reviewed rules reward
FIRM_A = ("91152921MA0000001A", "甲乳业有限公司", {
    "name": "甲乳业有限公司", "region": "阿拉善左旗", "industry": "C144", "entity_type": "企业", "employees": 80,
    "revenue": 3e7, "total_assets": 2e7, "taxable_income": 1e6, "established": "2015-03-01",
    "qualifications": ["高新技术企业", "专精特新中小企业", "科技型中小企业"], "facts": {"联系邮箱": "jia@example.cn"}})
#: a large firm with no qualification: not reached by the qualification rules
FIRM_B = ("91152921MA0000002B", "乙能源集团", {
    "name": "乙能源集团", "region": "阿拉善左旗", "industry": "B06", "entity_type": "企业", "employees": 3000,
    "revenue": 5e9, "total_assets": 9e9, "taxable_income": 3e8, "established": "2001-01-01", "qualifications": []})


def corpus_copy(corpus_url: str, tmp_path: Path):
    """A writable engine on a copy of the session's corpus database (SQLite)."""
    src = Path(corpus_url.removeprefix("sqlite:///"))
    dst = tmp_path / "kb.db"
    shutil.copy(src, dst)
    eng = get_engine(f"sqlite:///{dst}")
    upgrade(eng)
    return eng


def store_firm(engine, code: str, name: str, profile: dict, at: datetime = AT) -> int:
    """Store (or change) one firm's materialised profile; returns its version."""
    from huiqi.kb.firms import Firm, FirmProfileRow

    with session_scope(engine) as s:
        firm = s.query(Firm).filter_by(code=code).one_or_none()
        if firm is None:
            s.add(Firm(code=code, name=name, region=None, created_at=at, updated_at=at))
            s.flush()
        row = s.get(FirmProfileRow, code)
        if row is None:
            s.add(FirmProfileRow(code=code, region=None, profile=profile, sources={}, version=1, updated_at=at))
            return 1
        row.profile, row.version, row.updated_at = profile, row.version + 1, at
        return row.version
