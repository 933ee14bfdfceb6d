"""Accounts for the 诉求 tests: a firm, the 旗区 service officer (阿拉善左旗),
the handler of the 旗区 发改 unit, a handler of another unit, an officer of
another 旗区 (阿拉善右旗), and the 盟 service department (阿拉善盟)."""

from __future__ import annotations

from datetime import datetime

FIRM = "91152921MA0N123456"
OTHER_FIRM = "91152922MA0N654321"
HANDLER_UNIT = "阿拉善左旗发展和改革委员会"
LEAGUE_UNIT = "阿拉善盟民营经济发展服务局"
#: username → (role, region, unit, firm code)
ACCOUNTS = {
    "firm": ("enterprise", None, None, FIRM),
    "firm2": ("enterprise", None, None, OTHER_FIRM),
    "intake": ("officer", "阿拉善左旗", "阿拉善左旗民营经济发展服务中心", None),
    "handler": ("officer", "阿拉善左旗", HANDLER_UNIT, None),
    "handler2": ("officer", "阿拉善左旗", HANDLER_UNIT, None),
    "other_unit": ("officer", "阿拉善左旗", "阿拉善左旗自然资源局", None),
    "right_banner": ("officer", "阿拉善右旗", "阿拉善右旗民营经济发展服务中心", None),
    "league": ("officer", "阿拉善盟", LEAGUE_UNIT, None),
}
PASSWORD = "correct-horse-1"


def make_accounts(engine) -> dict:
    """Create :data:`ACCOUNTS`; returns ``{username: Principal}``."""
    from huiqi.kb.accounts import create_user, principal_of
    from huiqi.kb.db import session_scope

    out = {}
    with session_scope(engine) as s:
        for name, (role, region, unit, firm) in ACCOUNTS.items():
            u = create_user(s, name, PASSWORD, role, unit=unit, region=region, firm_code=firm)
            out[name] = principal_of(u, "api")
    return out


def bj(text: str) -> datetime:
    """A Beijing local time ``YYYY-MM-DDTHH:MM`` as naive UTC."""
    from huiqi.services.requests import parse_now

    return parse_now(text)


REQUEST = {"title": "项目用地审批进度咨询", "content": "我公司新建厂房项目用地审批已提交两个月，想了解办理进度。",
           "category": "项目审批", "region": "阿拉善左旗", "contact": {"name": "王经理", "phone": "13900001234"}}
