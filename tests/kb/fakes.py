"""Hand-built parser output for knowledge-base and CLI tests.

``fake_parse`` turns a tiny line format into ``ParsedDocument`` objects so
the kb can be tested without the real parser:

* the first line of a document is its title (header);
* ``#DOC <title>`` starts a new document, ``#STUB <title>`` adds a stub,
  ``#GUIDE <title>`` starts a service guide (one ``guide`` clause node);
* ``一、…`` starts a section (role ``group``);
* ``N.…`` starts an item clause (role ``clause``) under the current section;
* any other non-blank line continues the last node (or the header).
"""

from __future__ import annotations

import re

from huiqi.normalize.lines import LogicalLine
from huiqi.readers.base import SourceText
from huiqi.structure.model import Node, ParsedDocument

SECTION = re.compile(r"^[一二三四五六七八九十]+、")
ITEM = re.compile(r"^\d+\.")


def _ll(text: str, line_no: int) -> LogicalLine:
    return LogicalLine(text=text.strip(), start=line_no, end=line_no, segments=[(0, line_no)], raw=text)


def fake_parse(source: SourceText) -> list[ParsedDocument]:
    """Parse ``source`` with the tiny format described in the module docstring."""
    docs: list[ParsedDocument] = []
    doc: ParsedDocument | None = None
    section: Node | None = None
    last: Node | None = None
    for i, raw in enumerate(source.lines, start=1):
        text = raw.strip()
        if not text:
            continue
        if text.startswith("#STUB "):
            docs.append(ParsedDocument(title=text[6:], kind="stub", header=[_ll(text[6:], i)]))
            doc = None
            continue
        if text.startswith("#GUIDE "):
            guide = Node(kind="guide", label="", heading=text[7:], role="clause", lines=[_ll(text[7:], i)])
            doc = ParsedDocument(title=text[7:], kind="guide", nodes=[guide])
            docs.append(doc)
            section, last = None, guide
            continue
        if text.startswith("#DOC ") or doc is None:
            title = text[5:] if text.startswith("#DOC ") else text
            doc = ParsedDocument(title=title, kind="document", header=[_ll(title, i)])
            docs.append(doc)
            section = last = None
            continue
        if SECTION.match(text):
            label = SECTION.match(text).group(0)
            section = Node(kind="section", label=label, heading=text[len(label):], role="group",
                           lines=[_ll(text, i)])
            doc.nodes.append(section)
            last = section
        elif ITEM.match(text):
            label = ITEM.match(text).group(0)
            last = Node(kind="item", label=label, heading="", role="clause", lines=[_ll(text, i)])
            (section.children if section is not None else doc.nodes).append(last)
        elif last is not None:
            last.lines.append(_ll(text, i))
        else:
            doc.header.append(_ll(text, i))
    return docs


def install(monkeypatch) -> None:
    """Make ``huiqi.structure.parse_source`` the fake parser for one test."""
    import huiqi.structure

    monkeypatch.setattr(huiqi.structure, "parse_source", fake_parse, raising=False)


POLICY_V1 = """内蒙古自治区2024年坚持稳中求进以进促稳推动产业高质量发展政策清单
为全面贯彻落实中央经济工作会议精神，结合自治区实际，提出如下政策清单。
一、推进农牧业现代化
1.实施粮油等主要作物大面积单产提升行动，稳定粮油播种面积。
〔责任单位：自治区农牧厅〕
2.实施耕地保护与建设行动，积极争取高标准农田建设项目710万亩以上。
二、推动新型工业化发展
3.对投资2000万元及以上的项目给予奖励。
"""

POLICY_V2 = POLICY_V1 + "4.新增一条政策，对新认定的企业给予50万元奖励。\n"
