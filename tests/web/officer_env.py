"""A small officer-workspace knowledge base for the web tests: two
published documents of different regions (阿拉善左旗, 鄂尔多斯市), a third
(包头市) kept as bytes to be uploaded, and one account per role and scope."""

from __future__ import annotations

from pathlib import Path

ALXA = """阿拉善左旗人民政府关于促进民营经济发展的若干措施

阿左政发〔2025〕8号

一、对年度纳税额首次超过500万元的民营企业，一次性奖励10万元。（责任单位：旗税务局）
二、本措施自2025年1月1日起施行，有效期三年。

阿拉善左旗人民政府
2024年12月20日
"""
ORDOS = """鄂尔多斯市人民政府关于支持科技创新的若干措施

鄂府发〔2025〕30号

一、对新认定的高新技术企业，一次性奖励30万元。（责任单位：市科学技术局）
二、对企业研发投入给予补助，最高不超过100万元。（责任单位：市科学技术局）

鄂尔多斯市人民政府
2025年6月1日
"""
BAOTOU = """包头市人民政府办公室关于支持中小企业高质量发展的若干措施

包府办发〔2026〕12号

一、对当年新认定的国家级专精特新“小巨人”企业，一次性奖励50万元。（责任单位：市工业和信息化局）
二、对新招用高校毕业生的小微企业，按每人1000元给予一次性吸纳就业补贴。（责任单位：市人力资源和社会保障局）
三、本措施自印发之日起施行，有效期至2026年12月31日。

包头市人民政府办公室
2026年3月1日
"""
PASSWORD = "correct-horse-1"
FIRM = "91150100MA0N123456"
#: username → (role, region, firm code)
ACCOUNTS = {
    "admin": ("admin", None, None),
    "bt_officer": ("officer", "包头市", None),
    "bt_reviewer": ("reviewer", "包头市", None),
    "alxa_officer": ("officer", "阿拉善左旗", None),
    "als_league": ("officer", "阿拉善盟", None),
    "firm": ("enterprise", None, FIRM),
}


def build(tmp: Path, accounts: dict | None = None) -> str:
    """Create ``tmp/kb.db`` with the two published documents and the
    accounts; returns its SQLite URL."""
    from huiqi.kb.accounts import create_user
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.ingest import ingest_paths

    docs = tmp / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "alxa.txt").write_text(ALXA, encoding="utf-8")
    (docs / "ordos.txt").write_text(ORDOS, encoding="utf-8")
    url = f"sqlite:///{tmp / 'kb.db'}"
    engine = get_engine(url)
    upgrade(engine)
    report = ingest_paths(engine, [docs / "alxa.txt", docs / "ordos.txt"])
    assert report.ok, [f.error for f in report.failed]
    with session_scope(engine) as s:
        for name, (role, region, firm) in (ACCOUNTS if accounts is None else accounts).items():
            create_user(s, name, PASSWORD, role, unit=None, region=region, firm_code=firm)
    engine.dispose()
    return url


def doc_id(client, token: str, title_part: str) -> int:
    """The id of the document whose title contains ``title_part`` (officer list)."""
    rows = client.get("/api/officer/documents", headers=bearer(token)).json()
    return next(d["id"] for d in rows if title_part in (d["title"] or ""))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
