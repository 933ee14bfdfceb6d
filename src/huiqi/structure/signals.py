"""Line-level signals used to split files into documents (文件切分信号)."""

from __future__ import annotations

import re

from huiqi.normalize.lines import LogicalLine
from huiqi.normalize.markers import _DOCNO, classify, is_title_like  # noqa: F401
from huiqi.reference.guide_fields import canonical_field

_LEVEL = re.compile(
    r"^(?:国家|中央|自治区|内蒙古自治区|省|省级|[\u4e00-\u9fff]{0,8}(?:市|盟|旗|县|区))级?(?:政策|层面政策)$"
)
_ADDRESSEE = re.compile(r"^(?:各|盟直|市直|旗直|区直|县直|自治区各|省直|有关)[^。]{1,100}[：:]$")
_PREAMBLE = re.compile(r"^(?:为(?:了)?|根据|按照|依据|为深入|为贯彻|为进一步)")
_PREAMBLE_GOAL = re.compile(r"(?:制定|提出|特制定|现提出|现就|结合|如下|本方案|本措施|本办法|本意见|本政策)")
_DATE_LINE = re.compile(
    r"^[（(]?(?:\d{4}|[一二][〇○零OＯ一二三四五六七八九]{3})年"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:(?:\d{1,2}|[一二三四五六七八九十廿卅]{1,3})日)?"
    r"(?:印发|发布|起施行)?[）)]?$"
)
_TAIL = re.compile(r"^(?:抄送|信息公开选项|（此件|此件|印发机关|联系人|（联系人)")


def is_level_heading(text: str) -> bool:
    """A compilation heading naming a government level (（一）国家级政策)."""
    m = classify(text)
    rest = m.rest if m else text
    return bool(_LEVEL.match(rest.strip()))


def level_of(text: str) -> str | None:
    """Government level named by a level heading: 国家, 自治区, 盟市 or 旗县."""
    m = classify(text)
    t = (m.rest if m else text).strip()
    if re.match(r"^(?:国家|中央)", t):
        return "国家"
    if re.match(r"^(?:自治区|内蒙古自治区|省)", t):
        return "自治区"
    if re.search(r"(?:旗|县)级?政策$|(?:旗|县)政策$", t):
        return "旗县"
    if re.search(r"(?:市|盟)级?政策$", t):
        return "盟市"
    return None


def is_addressee(text: str) -> bool:
    """A 主送 line (各盟行政公署、市人民政府，…：) that opens an official letter."""
    return bool(_ADDRESSEE.match(text)) and canonical_field(text) is None


def is_preamble(text: str) -> bool:
    """An opening purpose paragraph (为…，制定本措施 / 现提出如下意见)."""
    return bool(_PREAMBLE.match(text)) and bool(_PREAMBLE_GOAL.search(text[:400])) and len(text) > 20


def is_date_line(text: str) -> bool:
    """A line holding only a date (the 成文日期 or 印发 line of a document)."""
    return bool(_DATE_LINE.match(text.strip()))


def is_tail_line(text: str) -> bool:
    """Back matter: 抄送, 信息公开选项, 此件公开发布 …"""
    return bool(_TAIL.match(text.strip()))


def is_issuer_line(text: str) -> bool:
    """A short line naming an issuing organisation (落款), e.g. 呼和浩特市人民政府办公室."""
    t = text.strip()
    return (
        4 <= len(t) <= 40
        and not re.search(r"[。，；：:,]", t)
        and bool(re.search(r"(?:人民政府|办公厅|办公室|委员会|行政公署|厅|局|部|委|署|中心|政府)$", t))
    )


def is_guide_field(line: LogicalLine) -> bool:
    """A service-guide field heading (一、办理依据 / 三、适用范围)."""
    m = classify(line.text)
    return bool(m and m.kind == "section" and canonical_field(m.rest) is not None and len(m.rest) <= 16)


#: "本政策 / 本办法 …": a clause speaking of the text itself (used by the
#: closing-clause signal and by :mod:`huiqi.extract.dates`).
_SELF = re.compile(
    r"本(?:实施|行动|工作|若干|暂行|管理)?(?:政策|办法|意见|方案|通知|公告|规定|细则|"
    r"措施|举措|清单|条例|决定|指南|计划|规则|规程|细则|文件|制度)"
)

_CLOSING = [
    re.compile(_SELF.pattern + r"[^。；]{0,20}?(?:自|从)[^。；]{0,30}?起\s*(?:\d+\s*[日天]后\s*)?"
               r"(?:开始)?(?:正式)?(?:施行|实施|执行|试行|生效)"),
    re.compile(_SELF.pattern + r"[^。]{0,40}?(?:有效期|执行期限|试行期)(?:限)?\s*(?:至|到|为|是|"
               r"\d|[一二两三四五六七八九十])"),
    re.compile(r"(?:政策|文件|措施)(?:的)?有效期(?:限)?(?:为|是)?\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*[年月]"),
    re.compile(_SELF.pattern + r"[^。；]{0,30}?由[^。；]{1,40}?负责解释"),
    re.compile(r"(?:同时|予以|一并|即行)废止|起废止|起(?:同时)?停止执行|同时失效"),
]
#: Each pattern of :data:`_CLOSING` with a substring test every match passes
#: (本…, 有效期, 废止/停止执行/失效), so most sentences skip the regex scan.
_CLOSING_GATED = list(zip(
    (lambda t: "本" in t, lambda t: "本" in t, lambda t: "有效期" in t, lambda t: "本" in t,
     lambda t: "废止" in t or "停止执行" in t or "失效" in t),
    _CLOSING,
))


def is_closing_clause(text: str) -> bool:
    """True for a document's closing / validity clause (附则、施行条款).

    Examples: ``本办法自2025年1月1日起实施``, ``本政策自发布之日起执行，根据执行情况及时调整``,
    ``本方案政策措施自发布之日起30日后施行``, ``…政策有效期两年，政策内容另有规定的依照原规定执行``,
    ``…等文件同时废止``, ``本政策由…负责解释``. An ordinary policy item is
    ``False`` even with a window (``自2021年1月1日至2025年12月31日，对…免征…``,
    ``执行期限至2025年12月31日``): the clause must talk about the text itself
    (``本政策/本办法…``), state the policy's own 有效期 length, repeal
    documents, or defer to other rules (``另有规定的依照…``).
    """
    if not text:
        return False
    return any(rx.search(text) for gate, rx in _CLOSING_GATED if gate(text))
