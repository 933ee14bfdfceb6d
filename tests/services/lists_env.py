"""A writable copy of the ingested bundled corpus with the example register
imported (valid 统一社会信用代码) and one account per part of the list
workflow, for the firm, list and browser tests.

The reviewed rule used is the autonomous region's award for 专精特新 firms
(clause ``47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，
分别给予20万元、50万元、100万元一次性奖励``, data/rules/innovation.yaml):
in the example register firm 3 (伊金霍洛旗) and firm 20 (阿拉善左旗) hold
专精特新中小企业 → 500,000 yuan each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from tests.services.firms_env import example_rows, uscc, write_register

PASSWORD = "correct-horse-1"
#: the 专精特新 award clause (reviewed rule in data/rules/innovation.yaml)
AWARD_KEY = "1589cf3a956e2e437cf75262e8cbd52425bd61d5"
AWARD_AS_OF = "2024-06-01"
#: username → (role, region, firm code)
ACCOUNTS = {
    "zhang": ("officer", None, None),          # 经办 (whole region): imports, creates lists
    "li": ("reviewer", None, None),            # 审核: approves (four eyes), sees tax data
    "als": ("officer", "阿拉善盟", None),       # a 盟 officer: sees only 阿拉善盟 firms
    "firm3": ("enterprise", None, uscc(3)),    # 示例·草原乳业科技股份公司
}


def corpus_copy(tmp: Path) -> str:
    """A SQLite copy of the session's ingested corpus; returns its URL."""
    from tests.search.kw_corpus import corpus_db_url

    src = Path(corpus_db_url("sqlite")[len("sqlite:///"):])
    dst = tmp / "kb.db"
    shutil.copy(src, dst)
    for suffix in ("-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(dst) + suffix)
    return f"sqlite:///{dst}"


def make_accounts(engine) -> None:
    """Create :data:`ACCOUNTS`."""
    from huiqi.kb.accounts import create_user
    from huiqi.kb.db import session_scope

    with session_scope(engine) as s:
        for name, (role, region, firm) in ACCOUNTS.items():
            create_user(s, name, PASSWORD, role, region=region, firm_code=firm)


def principal(engine, name: str):
    """The :class:`~huiqi.kb.accounts.Principal` of user ``name``."""
    from huiqi.kb.accounts import User, principal_of
    from huiqi.kb.db import session_scope

    with session_scope(engine) as s:
        return principal_of(s.scalar(select(User).where(User.username == name)))


def register_file(tmp: Path, bank: dict[int, str] | None = None, extra: dict[int, dict] | None = None) -> Path:
    """The example register with valid codes; ``bank`` row → 银行账号,
    ``extra`` row → more columns (e.g. ``{"事实.失信": "是"}``)."""
    rows = example_rows()
    for i, acct in (bank or {}).items():
        rows[i - 1]["事实.银行账号"] = acct
    for i, cols in (extra or {}).items():
        rows[i - 1].update(cols)
    return write_register(tmp / "企业名录.csv", rows)


def retire_reviewed(engine, key: str = AWARD_KEY) -> dict:
    """Retire the published reviewed version of ``key`` (so a test can
    publish it again through the review); returns its body."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.models import RuleVersion

    with session_scope(engine) as s:
        v = s.scalar(select(RuleVersion).where(RuleVersion.clause_key == key, RuleVersion.origin == "reviewed",
                                               RuleVersion.status == "published"))
        v.status = "retired"
        return dict(v.body)
