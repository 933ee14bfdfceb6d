"""Document numbers (发文字号), cited titles (《…》) and repeal clauses (废止).

Input is normalised clause or document text (full-width digits already
half-width, spaces between digits and CJK removed). The patterns still allow
stray spaces and half-width brackets, because PDF conversion leaves
``内政办发 〔2022〕19 号`` and ``内政办发[2024]24号`` behind.

All rules here are general Chinese official-document (公文) conventions from
GB/T 9704-2012 (发文字号 = 发文机关代字 + 〔年份〕 + 序号 + 号) and the usual
wording of repeal clauses; none is tied to a particular file.
"""

from __future__ import annotations

import re

from huiqi.extract.types import Span

# --- 发文字号 --------------------------------------------------------------

_CJK = "\u4e00-\u9fff"

# Words that may precede an issuer code without a separator and are never part
# of it (…的通知内政发〔2022〕7号, 根据国发〔2023〕16号).
_LEADING_NOISE = re.compile(
    r"^.*(?:通知|意见|办法|方案|措施|规定|细则|决定|公告|批复|印发|关于|的|"
    r"根据|按照|依据|依照|参照|落实|执行|贯彻|和|及|与|或|"
    # a letterhead (…人民政府文件) or a page label (解读, 文号) glued on
    r"文件|解读|人民政府|行政公署|办公厅|办公室|委员会|文号|字号|编号)(?=[" + _CJK + r"]{2})"
)

# Full issuer names of 公告 often contain 和 (工业和信息化部, 人力资源和社会保障部).
_ISSUER_NOISE = re.compile(
    r"^.*(?:通知|意见|办法|方案|措施|规定|细则|决定|公告|批复|印发|关于|"
    r"根据|按照|依据|依照|参照|落实|执行|贯彻)(?=[" + _CJK + r"]{2})"
)

# 发文机关代字 (1–15 CJK/latin chars, maybe a space before the bracket),
# 〔year〕 in any bracket style, optional 第, the serial number and 号.
# Matching starts from the bracket (cheap) and then looks back for the code.
_DOC_NO_TAIL = re.compile(
    r"[〔\[［【](?P<year>(?:19|20)\d{2})\s*[〕\]］】]\s*第?\s*(?P<no>\d{1,5})\s*号"
)
_CODE_BEFORE = re.compile(r"[" + _CJK + r"A-Za-z]{1,15}\s?$")

# 公告 numbers: 财政部 税务总局 国家发展改革委公告2020年第23号. The issuer is a
# run of CJK names separated by single spaces (or 、) right before 公告.
_ANNOUNCEMENT_TAIL = re.compile(
    r"公告\s*(?P<year>(?:19|20)\d{2})\s*年\s*第\s*(?P<no>\d{1,4})\s*号"
)
_ISSUER_BEFORE = re.compile(
    r"(?:[" + _CJK + r"]{2,20}[ 、]){0,8}[" + _CJK + r"]{2,20}\s?$"
)
_LOOKBACK = 160

# A bare announcement number right after a 《…公告》 title: （2023年第15号）.
_BARE_ANNOUNCEMENT = re.compile(
    r"公告[》>〉]\s*[（(]\s*(?P<num>(?:19|20)\d{2}\s*年\s*第\s*\d{1,4}\s*号)\s*[）)]"
)

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalize_doc_number(s: str) -> str:
    """Canonical form of a 发文字号 (document number).

    Removes all whitespace, turns full-width digits half-width and every
    bracket style around the year (``[]``, ``［］``, ``【】``) into ``〔〕``;
    drops a redundant ``第`` before the serial number
    (``国发〔2023〕第16号`` → ``国发〔2023〕16号``). Announcement numbers keep
    one space between issuers: ``财政部 税务总局公告 2021 年第 40 号`` →
    ``财政部 税务总局公告2021年第40号``. Never raises.
    """
    s = s.translate(_FULLWIDTH_DIGITS).translate(_BRACKETS).strip()
    m = re.search(r"公告\s*((?:19|20)\d{2})\s*年\s*第\s*(\d+)\s*号$", s)
    if m:
        issuer = re.sub(r"\s+", " ", s[: m.start()]).strip()
        issuer = re.sub(r"(?<=[" + _CJK + r"]) (?=公告)", "", issuer)
        return f"{issuer}公告{m.group(1)}年第{m.group(2)}号"
    s = re.sub(r"\s+", "", s)
    return re.sub(r"〕第(\d)", r"〕\1", s)


def _trim_code(code: str, noise: re.Pattern = _LEADING_NOISE) -> int:
    """How many leading characters of a matched issuer code are not part of it."""
    m = noise.match(code)
    return m.end() if m else 0


def extract_doc_numbers(text: str) -> list[Span]:
    """All 发文字号 (document numbers) in ``text``, in order of appearance.

    Recognises ``内工信经运字〔2022〕405号``, ``国发〔2023〕16号``,
    ``内政办发[2024]24号`` (any bracket style, stray spaces allowed) and 公告
    numbers ``财政部 税务总局公告2021年第40号``; a bare ``（2023年第15号）``
    right after a ``《…公告》`` title is returned as ``2023年第15号``.
    Each :class:`Span` is verbatim (``text[start:end]``); pass ``span.text``
    to :func:`normalize_doc_number` for the canonical form. Leading words glued
    to the issuer code (``根据国发〔2023〕16号``) are trimmed off.
    """
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for m in _ANNOUNCEMENT_TAIL.finditer(text):
        lo = max(0, m.start() - _LOOKBACK)
        issuer = _ISSUER_BEFORE.search(text, lo, m.start())
        if not issuer:
            continue
        start = issuer.start()
        head = issuer.group(0).split(" ")[0]
        start += _trim_code(head, _ISSUER_NOISE)
        spans.append(Span(text[start : m.end()], start, m.end()))
        taken.append((start, m.end()))
    for m in _BARE_ANNOUNCEMENT.finditer(text):
        s, e = m.start("num"), m.end("num")
        if not any(a <= s < b for a, b in taken):
            spans.append(Span(text[s:e], s, e))
            taken.append((s, e))
    for m in _DOC_NO_TAIL.finditer(text):
        code = _CODE_BEFORE.search(text, max(0, m.start() - 16), m.start())
        if not code:
            continue
        start = code.start() + _trim_code(code.group(0).rstrip())
        # the end of a date glued before the code: 2006年10月26日财建〔2006〕689号
        if start > 0 and text[start - 1].isdigit() and text[start] in "年月日号":
            start += 1
        if any(a <= start < b for a, b in taken):
            continue
        spans.append(Span(text[start : m.end()], start, m.end()))
    spans.sort(key=lambda sp: sp.start)
    return spans


# --- 《title》 ----------------------------------------------------------------

_MAX_TITLE = 150  # a 《…》 longer than this (or crossing a line) is unbalanced


def extract_cited_titles(text: str) -> list[Span]:
    """Titles quoted in ``《…》`` (cited documents, 引用文件), outermost only.

    The span covers the title without the outer brackets. Nested titles are
    kept inside their parent: ``《关于印发〈A〉的通知》`` and
    ``《关于印发《A》的通知》`` both give ``关于印发…的通知`` as one title.
    An unbalanced ``《`` (no closing ``》`` on the same line within
    150 characters) is skipped and scanning resumes right after it, so
    ``《A《B》`` yields ``B``; a stray ``》`` is ignored. Empty ``《》`` is
    dropped. Never raises.
    """
    out: list[Span] = []
    i, n = 0, len(text)
    while i < n:
        i = text.find("《", i)
        if i < 0:
            break
        depth, j, close = 1, i + 1, -1
        limit = min(n, i + 1 + _MAX_TITLE)
        while j < limit:
            ch = text[j]
            if ch == "\n":
                break
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    close = j
                    break
            j += 1
        if close < 0:
            i += 1  # unbalanced: drop this 《 and look for a later one
            continue
        if close > i + 1:
            out.append(Span(text[i + 1 : close], i + 1, close))
        i = close + 1
    return out


# --- 废止 (repeal) -------------------------------------------------------------

_REPEAL = re.compile(
    r"(?:同时|予以|一并|即行|随之)?废止|停止执行|不再执行|同时失效|自行失效"
)
_SENTENCE_BOUNDARY = re.compile(r"[。；！？\n]")
_NUMBER_GAP = re.compile(r"^[》>〉\s]*(?:的通知|的公告|的决定|的意见)?\s*[（(]?\s*$")


def extract_supersession(text: str) -> list[str]:
    """What ``text`` repeals (废止): normalised 发文字号, else titles.

    Looks for repeal wording (``同时废止``, ``予以废止``, ``自…起废止``,
    ``停止执行``, ``不再执行``, ``同时失效``) and reads the part of the
    sentence before it (from the previous ``。；！？`` or line break, or the
    previous repeal phrase). Every cited document there is returned once, in
    order: its 发文字号 via :func:`normalize_doc_number` when one follows its
    title (``《…》（财建〔2015〕19号）``) or stands alone, otherwise its
    ``《title》`` text. A repeal sentence that names no document
    (``…退职政策从本办法实施之日起停止执行``) contributes nothing.
    """
    result: list[str] = []
    seen: set[str] = set()
    prev_end = 0
    for m in _REPEAL.finditer(text):
        seg_start = prev_end
        for b in _SENTENCE_BOUNDARY.finditer(text, prev_end, m.start()):
            seg_start = b.end()
        prev_end = m.end()
        segment = text[seg_start : m.start()]
        numbers = extract_doc_numbers(segment)
        titles = extract_cited_titles(segment)
        items: list[tuple[int, str]] = []
        numbered: set[int] = set()
        for t in titles:
            for k, num in enumerate(numbers):
                if num.start > t.end and _NUMBER_GAP.match(segment[t.end : num.start]):
                    numbered.add(k)
                    items.append((t.start, normalize_doc_number(num.text)))
                    break
            else:
                items.append((t.start, t.text))
        for k, num in enumerate(numbers):
            inside_title = any(t.start <= num.start < t.end for t in titles)
            if k not in numbered and not inside_title:
                items.append((num.start, normalize_doc_number(num.text)))
        for _, item in sorted(items):
            if item not in seen:
                seen.add(item)
                result.append(item)
    return result
