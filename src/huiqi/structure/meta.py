"""Web-page metadata blocks and site banners (网页元数据、站点导航).

Government sites (and their mirrors) print a metadata block above a
document — ``索引号 / 主题分类 / 发布机构 / 发文日期 / 成文日期 / 文号 /
有效性``, as ``label：value`` pairs, table cells (tab- or ``|``-separated) or
a ``发布时间：… 来源：…`` line — and breadcrumbs (``当前位置：首页 > 信息公开``)
and download banners. Left in place they become a document of their own or
the title of the real one. :func:`split_page_meta` takes them out of the
first lines of a file and returns what they state, so the document facts can
use it (the 发文字号, the issue date, the issuer).

Rules are general conventions of Chinese government information-disclosure
pages (政府信息公开目录 item properties), not tied to one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from huiqi.normalize.lines import LogicalLine

__all__ = ["PageMeta", "is_meta_label", "split_page_meta"]

#: label → field (None: recognised and dropped). Spaces inside labels are ignored.
_LABELS: dict[str, str | None] = {
    "发文字号": "doc_number", "文号": "doc_number", "发布文号": "doc_number",
    "文件编号": "doc_number", "发文号": "doc_number", "文件字号": "doc_number", "字号": "doc_number",
    "成文日期": "issued", "发文日期": "issued", "印发日期": "issued", "签发日期": "issued",
    "成文时间": "issued", "发文时间": "issued",
    "发布日期": "published", "发布时间": "published", "公开日期": "published", "发表时间": "published",
    "公布日期": "published", "时间": "published", "日期": "published",
    "发布机构": "issuer", "发文机关": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "制发机关": "issuer", "发文机构": "issuer",
    "标题": "title", "名称": "title", "文件名称": "title",
    "索引号": None, "主题分类": None, "主题词": None, "主题": None, "体裁分类": None,
    "组配分类": None, "服务对象分类": None, "公开方式": None, "公开范围": None, "公开时限": None,
    "有效性": None, "时效性": None, "有效性状态": None, "生效日期": None, "废止日期": None,
    "实施日期": None, "信息来源": "source", "来源": "source", "作者": None, "浏览次数": None,
    "阅读量": None, "阅读": None, "浏览": None, "点击数": None, "关键词": None, "属性": None,
    "专业属性": None, "备注": None, "分类": None, "所属机构": None, "统一编号": None,
    "信息分类": None, "概述": None, "内容概述": None, "公开形式": None,
}
_ALT = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(_LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?P<label>{_ALT})\s*(?:[：:]|(?=\s*\|)|\s+(?=\S)|\s*$)")
#: Labels that may run straight into their value once spaces are normalised away
#: (索引号000014349/2023-05944发文字号鄂府发〔2023〕58号): long enough not to be prose.
_GLUED = [k for k in _LABELS if len(k) >= 3] + ["标题", "文号", "概述"]
_GLUED_ALT = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(_GLUED, key=len, reverse=True))
_GLUED_RE = re.compile(rf"(?P<label>{_GLUED_ALT})\s*[：:]?")
_LEAD_RE = re.compile(r"^[\s|]*(?:(?P<stamp>(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)\s*)?")
_BANNER_RE = re.compile(
    r"^(?:当前位置|您的位置|您当前的位置|所在位置|当前所在位置)\s*[：:]|"
    r"首页\s*(?:>|＞|»|&gt;|/)|"
    r"^(?:下载地址|打印本页|关闭窗口|【?字体|分享到|扫一扫在手机)|^打印.{0,8}$|^合集下载$|"
    r"(?:欢迎您|欢迎访问)$|官方微信$|官方微博$|微信公众号$|"
    # a browser-title line: 通政办发电 -通辽在线, …_中国政府网
    r"\s?[-_|｜]\s?[\u4e00-\u9fff]{2,12}(?:在线|网|门户网站|政府网|政务网)$"
)
_PIPES_ONLY = re.compile(r"^[\s|｜]*$")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})?")
_HEAD = 30


@dataclass
class PageMeta:
    """What a page's metadata block states (``None`` when it does not say).

    ``doc_number`` 发文字号 as written; ``issued`` 成文/发文日期;
    ``published`` 发布日期/发布时间 (the publication date, used for the issue
    date only when the document names none); ``issuer`` 发布机构/发文机关;
    ``title`` 标题/名称; ``source`` 来源/信息来源 (often the issuing office);
    ``lines`` the original line numbers taken out.
    """

    doc_number: str | None = None
    issued: date | None = None
    published: date | None = None
    issuer: str | None = None
    title: str | None = None
    source: str | None = None
    lines: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.doc_number, self.issued, self.published, self.issuer, self.title))


def _date(s: str) -> date | None:
    m = _DATE_RE.search(s or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """``(label, value)`` pairs of a metadata line, or ``None`` if it is not one.

    The line must open with a label (after an optional time stamp); values
    run to the next label. Cell separators (tab, ``|``) are dropped.
    """
    t = text.replace("\t", " | ").replace("｜", "|")
    lead = _LEAD_RE.match(t)
    pos = lead.end() if lead else 0
    found = list(_LABEL_RE.finditer(t, pos))
    if not found or found[0].start() != pos:
        glued = list(_GLUED_RE.finditer(t, pos))
        if not glued or glued[0].start() != pos:
            return None
        found = glued
    out: list[tuple[str, str]] = []
    if lead and lead.group("stamp"):
        out.append(("发布时间", lead.group("stamp")))
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(t)
        label = re.sub(r"\s+", "", m.group("label"))
        value = t[m.end():end].strip(" |:：【】")
        out.append((label, value))
    return out


def is_meta_label(text: str) -> bool:
    """True for a line holding a metadata label, alone or with its value (``索 引 号``, ``发文日期：…``)."""
    t = re.sub(r"\s+", "", text or "").replace("號", "号")
    return bool(t) and len(t) <= 60 and _pairs(t) is not None


def split_page_meta(lines: list[LogicalLine]) -> tuple[list[LogicalLine], PageMeta]:
    """Remove a metadata block and site banners from the first lines of a file.

    ``lines`` are the file's logical lines. Only the first 30 are looked at;
    a line is taken out when it opens with a metadata label (``索引号：``,
    ``发文日期 | 2019-01-07 |``, ``2022-06-17 10:23来源：…``), is a breadcrumb
    or banner (``当前位置：首页>…``, ``下载地址``), or holds only table pipes;
    a label whose value is empty takes the next short line as its value.
    Nothing is taken out of a file without any metadata label or banner.
    Returns the remaining lines and the :class:`PageMeta`. Never raises.
    """
    meta = PageMeta()
    drop: set[int] = set()
    pending: str | None = None
    for i, ln in enumerate(lines[:_HEAD]):
        text = ln.text.strip()
        if _PIPES_ONLY.match(text):
            if drop:
                drop.add(i)
            continue
        if _BANNER_RE.search(text) and len(text) <= 120:
            drop.add(i)
            continue
        pairs = _pairs(text)
        if pairs is None:
            if pending and len(text) <= 40 and "。" not in text and drop and i - 1 in drop:
                _store(meta, pending, text.strip(" |"))
                drop.add(i)
            pending = None
            continue
        drop.add(i)
        pending = None
        for label, value in pairs:
            if value:
                _store(meta, label, value)
            else:
                pending = label
    if not drop:
        return lines, meta
    meta.lines = [n for i in sorted(drop) for n in range(lines[i].start, lines[i].end + 1)]
    return [l for i, l in enumerate(lines) if i not in drop], meta


def _store(meta: PageMeta, label: str, value: str) -> None:
    kind = _LABELS.get(label)
    if kind is None:
        return
    if kind in ("issued", "published"):
        d = _date(value)
        if d and getattr(meta, kind) is None:
            setattr(meta, kind, d)
    elif getattr(meta, kind) is None:
        setattr(meta, kind, value.split(" ")[0] if kind in ("doc_number", "source") else value)
