"""From physical lines to logical lines (段落还原).

PDF conversion leaves hard wraps (fixed-width lines), page breaks in the
middle of sentences, page numbers, markdown bullets and table separators.
:func:`logical_lines` removes that noise and joins wrapped lines, keeping a
map from every character back to its original line.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from huiqi.normalize.lines import LogicalLine
from huiqi.normalize.markers import classify, is_title_like, is_toc_entry
from huiqi.normalize.tables import render_tables
from huiqi.normalize.text import normalize_chars

_TABLE_SEP = re.compile(r"^[\s|:：\-—–=+]{3,}$")
_BULLET = re.compile(r"^\s*[-*•●▪]\s+")
_ONLY_QUOTES = re.compile(r"^[\s“”\"'‘’「」]+$")
_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$")
_BARE_NO = re.compile(r"^\s*\d{1,4}\s*$")
_TERMINAL = set("。！？；：!?;:")
_CONT_START = re.compile(r"^[，。、；：！？）〕》”’」,.;:!?)%％]|^(?:万元|亿元|万|元|年|月|日|个|人|吨|亩|头|只|件|%)")
_OPEN_END = re.compile(r"[，、（(《“‘—\-和与及或的在对按至]$")
_PHONE_END = re.compile(r"(?:\d{3,4}\s*[-—–]\s*\d{7,8}|1[3-9]\d{9}|\b12\d{3})$")
_DATE_LINE = re.compile(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*(?:印发|发布)?\s*[）)]?$")
_TAG_END = re.compile(r"(?:责任单位|牵头单位|责任部门|负责|配合)[^（(]*[）)〕]$")


def _clean(line: str) -> str:
    s = line.strip()
    if _BULLET.match(s) and not s.startswith("——"):
        s = _BULLET.sub("", s, count=1).strip()
    return s


def _wrap_width(lengths: list[int]) -> int | None:
    """The fixed line width of a hard-wrapped text, or ``None``."""
    long = [n for n in lengths if n >= 15]
    if len(long) < 20:
        return None
    mode, _ = Counter(long).most_common(1)[0]
    near = sum(1 for n in long if abs(n - mode) <= 1)
    return mode if near >= 0.2 * len(long) else None


def _ends_sentence(p: str) -> bool:
    if not p:
        return True
    last = p[-1]
    if last in _TERMINAL:
        return True
    if last in "”’」" and len(p) > 1 and p[-2] in "。！？":
        return True
    if last in "）)〕" and (_TAG_END.search(p) or _TAG_AFTER_SENTENCE.search(p)):
        return True
    return False


#: A web-page metadata line (时间：…, 来源：…, 发布机构：…) and a line holding only
#: a 发文字号: never part of a paragraph.
_META_START = re.compile(
    r"^\s*(?:时\s*间|日\s*期|来\s*源|信息来源|發布時間|发布时间|发布日期|发布机构|發布機構|发文日期|"
    r"發文日期|成文日期|索\s*引\s*号|索\s*引\s*號|文\s*号|文\s*號|发文字号|文件编号|主题分类|作\s*者|"
    r"浏览量|浏览次数|阅读量|点击量|访问量)\s*[：:|]"
    r"|^\s*(?:标\s*题|標\s*題|索\s*引\s*号|发文字号|发文机关|成文日期|公开日期|信息分类|概\s*述)\s"
)
_BREADCRUMB = re.compile(r"首页\s*(?:>|＞|»|&gt;)")
_DOCNO_ONLY = re.compile(r"^\s*[（(〔\[]?\s*[\u4e00-\u9fffA-Za-z]{1,15}\s*[〔\[［【﹝(（]\s*(?:19|20)\d{2}\s*"
                         r"[〕\]］】﹞)）]\s*第?\s*\d{1,5}\s*[号號]\s*[）)〕\]]?\s*$")


_STANDALONE_CUE = re.compile(r"[：:|〔\[［【﹝(（号號]")
_COMMA = re.compile("[，,]")
_LIST_COMMA = re.compile(r"[，,、]")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _latin_end(text: str) -> bool:
    """Whether ``text`` ends with a Latin letter (before one final line break, as ``re``'s ``$``)."""
    return text[-1:] in _LATIN or (text[-1:] == "\n" and text[-2:-1] in _LATIN)


_TAG_AFTER_SENTENCE = re.compile(r"[。；][（(〔][^（(〔]*[）)〕]$")


@lru_cache(maxsize=65536)
def _standalone(line: str) -> bool:
    """A metadata line or a 发文字号 alone (checked on the normalised text: 黔府辦發(fā)〔2012〕34號).
    Cached: :func:`_joins` asks about every line twice (as the next, then as the previous one)."""
    if not _STANDALONE_CUE.search(line):
        return False
    t = normalize_chars(line)
    return bool(_META_START.match(t) or _DOCNO_ONLY.match(t))


def _joins(prev: str, nxt: str, width: int | None) -> bool:
    """Whether physical line ``nxt`` continues ``prev`` (both cleaned)."""
    if classify(nxt) is not None or is_toc_entry(nxt) or is_toc_entry(prev):
        return False
    if _standalone(nxt) or _standalone(prev):
        return False
    if _BREADCRUMB.search(prev):
        return False
    if _ends_sentence(prev):
        return False
    if _DATE_LINE.match(prev) or _DATE_LINE.match(nxt):
        return False
    if _CONT_START.match(nxt):
        return True
    if prev.startswith("——"):
        # a document title line of a compilation: never glue the text after it
        if is_title_like(prev):
            return False
        if is_title_like(prev + nxt):
            return True
    if _PHONE_END.search(prev):
        return False
    # a whole title (…的通知) before a 主送 line (各…：): the title ends there
    if (width is None and is_title_like(prev) and nxt.rstrip().endswith(("：", ":"))
            and len(nxt) <= 120 and "。" not in nxt and _LIST_COMMA.search(nxt)):
        return False
    if width is not None:
        return len(prev) >= width - 2
    if _OPEN_END.search(prev):
        return True
    # a sentence in progress (it has a comma) that stops without punctuation
    # was cut by a page break; a heading or title line has no comma
    return len(prev) >= 40 or (bool(_COMMA.search(prev)) and len(prev) >= 12)


_RUN_MIN = 60
#: ``(?<![\d.．A-Za-z])(\d{1,2})[.．、]…`` with the lookbehind after the
#: first digit (the same matches: a pattern opening with a character class
#: is scanned for in C, one opening with a lookbehind is tried at every position).
_ARABIC = re.compile(r"(\d(?<![\d.．A-Za-z]\d)\d?)[.．、](?=[\u4e00-\u9fff“（(A-Za-z])")
_CN_SEC = re.compile(r"(?<=[。；！？])\s*([一二三四五六七八九十]{1,3})、")
_SENT_END = set("。；！？）”")


def _item_run(text: str) -> list[int]:
    """Offsets where numbered items glued into one paragraph start (PDF/web text).

    Items 1., 2., 3. … count when they run in sequence from 1, each after the
    first following a sentence end (。；！？）”); a 一、 section heading right
    after a sentence end and before item 1 starts too. Empty when the text holds
    no such run of at least two items.
    """
    marks = list(_ARABIC.finditer(text))
    chain: list[int] = []
    want = 1
    for m in marks:
        if int(m.group(1)) != want:
            continue
        if want > 1:
            before = text[: m.start()].rstrip()
            if not before or before[-1] not in _SENT_END:
                continue
        chain.append(m.start())
        want += 1
    if len(chain) < 2:
        return []
    cuts = set(chain)
    for m in _CN_SEC.finditer(text):
        if m.start(1) < chain[0] and chain[0] - m.start(1) <= 60:
            cuts.add(m.start(1))
    return sorted(c for c in cuts if c > 0)


#: 第一章总则第一条… : an article glued to its chapter heading.
_CHAPTER_GLUE = re.compile(r"^第[一二三四五六七八九十\d]{1,3}章\s*[^\s第。，]{1,12}?(?=第[一二三四五六七八九十百零\d]{1,4}条)")


#: ``(?<![\d.．A-Za-z])(\d{1,2})(?=[\u4e00-\u9fff])``, the lookbehind after the first digit (see :data:`_ARABIC`).
_BARE_NUM = re.compile(r"(\d(?<![\d.．A-Za-z]\d)\d?)(?=[\u4e00-\u9fff])")


#: Longest field label :func:`huiqi.reference.guide_fields.leading_field_label` looks for (its default).
_LABEL_MAX = 8


def _field_run(text: str) -> list[int]:
    """Offsets of guide fields numbered without separators and glued into one
    paragraph (``1适用范围…2设定依据…3受理范围…``): numbers 1, 2, 3 … in
    sequence, each right before a known field label or after a sentence end;
    at least three known labels."""
    from huiqi.reference.guide_fields import leading_field_label  # noqa: PLC0415 - reference data

    chain: list[int] = []
    labelled = 0
    want = 1
    for m in _BARE_NUM.finditer(text):
        if int(m.group(1)) != want:
            continue
        known = leading_field_label(text[m.end():m.end() + _LABEL_MAX]) is not None
        # a field whose label is not in the table must at least follow a sentence end
        if not known and (m.start() == 0 or text[m.start() - 1] not in "。；;号"):
            continue
        chain.append(m.start())
        labelled += known
        want += 1
    return chain if labelled >= 3 else []


def _split_run(line: LogicalLine) -> list[LogicalLine]:
    """``line`` cut before each item of a glued run (:func:`_item_run`) and
    after a chapter heading an article is glued to (第一章总则第一条…)."""
    glue = _CHAPTER_GLUE.match(line.text)
    if glue and len(line.text) > glue.end() + 4:
        return _cut(line, [glue.end()])
    if len(line.text) < _RUN_MIN:
        return [line]
    cuts = _item_run(line.text) or [c for c in _field_run(line.text) if c > 0]
    if not cuts:
        return [line]
    return _cut(line, cuts)


def _cut(line: LogicalLine, cuts: list[int]) -> list[LogicalLine]:
    """``line`` cut at the character offsets ``cuts`` (segments kept)."""
    out: list[LogicalLine] = []
    bounds = [0] + cuts + [len(line.text)]
    for a, b in zip(bounds, bounds[1:]):
        piece = line.text[a:b].strip()
        if not piece:
            continue
        lead = len(line.text[a:b]) - len(line.text[a:b].lstrip())
        a += lead
        segs = [(0, line.line_of(a))]
        segs += [(o - a, n) for o, n in line.segments if a < o < a + len(piece)]
        out.append(LogicalLine(piece, line.line_of(a), line.line_of(a + len(piece) - 1), segs, line.raw))
    return out


def logical_lines(lines: list[str]) -> list[LogicalLine]:
    """Join ``lines`` (original physical lines, index 0 = line 1) into logical lines.

    Table rows of 任务分工 tables and two-column guide tables are first
    rewritten as items / ``label：value`` lines (:func:`huiqi.normalize.tables.render_tables`).
    Drops blank lines, page numbers (``— 3 —``, ``第3页``, and bare numbers
    standing after two or more blank lines), markdown table separators and
    lines holding only quotation marks (titles lost in conversion); removes
    markdown bullets; joins a line with the next when the first does not end
    a sentence and the next does not open a heading (rules in
    :func:`_joins`). Each logical line's text is normalised by
    :func:`huiqi.normalize.text.normalize_chars`; ``segments`` maps its
    characters back to original line numbers. A long paragraph holding a run
    of items numbered in sequence (``…。1.…。2.…``) is cut before each item
    (:func:`_item_run`).
    """
    cleaned: list[tuple[int, str, str]] = []  # (line_no, cleaned, raw)
    blank_run = 0
    rendered = render_tables(lines)
    for i, (raw, source) in enumerate(zip(lines, rendered), start=1):
        # ``source`` is the line as read (a table row rewritten), ``raw`` the original
        if not source.strip():
            blank_run += 1
            continue
        s = _clean(source)
        drop = (
            not s
            or _TABLE_SEP.match(s)
            or _ONLY_QUOTES.match(s)
            or _PAGE_NO.match(s)
            or (_BARE_NO.match(s) and blank_run >= 2)
        )
        blank_run = 0
        if drop:
            continue
        cleaned.append((i, s, raw))
    width = _wrap_width([len(s) for _, s, _ in cleaned])

    out: list[LogicalLine] = []
    group: list[tuple[int, str, str]] = []

    def flush() -> None:
        if not group:
            return
        if len(group) == 1:  # most lines: nothing to join
            no, s, raw = group[0]
            out.append(LogicalLine(normalize_chars(s), no, no, [(0, no)], raw))
            group.clear()
            return
        text_parts: list[str] = []
        segs: list[tuple[int, int]] = []
        off = 0
        for k, (no, s, _) in enumerate(group):
            piece = normalize_chars(s)
            if k and text_parts and piece[:1] in _LATIN and _latin_end(text_parts[-1]):
                piece = " " + piece
            segs.append((off, no))
            text_parts.append(piece)
            off += len(piece)
        out.append(LogicalLine("".join(text_parts), group[0][0], group[-1][0], segs,
                               "\n".join(r for _, _, r in group)))
        group.clear()

    for item in cleaned:
        if group and _joins(group[-1][1], item[1], width):
            group.append(item)
            continue
        flush()
        group.append(item)
    flush()
    return [piece for l in out if l.text for piece in _split_run(l)]
