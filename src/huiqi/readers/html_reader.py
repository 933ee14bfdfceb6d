"""Reader for HTML pages (BeautifulSoup with the lxml parser).

The page is rendered to text lines roughly as a browser would show it:
non-content elements are dropped, block elements and ``<br>`` break lines,
each table row becomes one line of tab-separated cells, and runs of ASCII
whitespace inside text collapse to one space (HTML whitespace rules).
Non-breaking and ideographic spaces (U+00A0, U+3000) are kept.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from huiqi.readers.base import SourceError, SourceText, sha256_bytes
from huiqi.readers.common import normalise_newlines
from huiqi.readers.encoding import decode_bytes

# Elements whose content is not part of the document text.
DROP_TAGS = frozenset(
    {
        "script", "style", "nav", "header", "footer", "noscript", "template",
        "head", "title", "iframe", "object", "embed", "svg", "canvas", "select",
        "textarea", "button",
    }
)
# Elements that start and end a line.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
        "h5", "h6", "table", "thead", "tbody", "tfoot", "caption", "section",
        "article", "main", "aside", "blockquote", "address", "figure",
        "figcaption", "form", "fieldset", "legend", "hr", "center", "body", "html",
    }
)

_ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """Charset named in the first 4 KiB by ``<meta charset=…>``, ``<meta http-equiv … content="…; charset=…">``
    or an XML declaration; ``None`` if there is none."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


class _Lines:
    """Accumulates inline text into lines; empty lines are not kept."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []

    def add(self, text: str) -> None:
        self._parts.append(_ASCII_WS.sub(" ", text))

    def add_line(self, line: str) -> None:
        self.end_line()
        if line.strip():
            self.lines.append(line)

    def end_line(self) -> None:
        line = "".join(self._parts).strip(" ")
        self._parts = []
        if line.strip():
            self.lines.append(line)


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    style = tag.get("style")
    return isinstance(style, str) and bool(_DISPLAY_NONE.search(style))


def _row_line(tr: Tag) -> str:
    """Cells (td/th) of one table row, each rendered on one line, joined by a tab."""
    cells = [" ".join(_render(cell)) for cell in tr.find_all(["td", "th"], recursive=False)]
    return "\t".join(cells)


def _render(root: Tag) -> list[str]:
    """Text lines of ``root``'s content (iterative walk, so deep nesting cannot overflow the stack)."""
    out = _Lines()
    stack: list[object] = list(reversed(list(root.children)))
    while stack:
        node = stack.pop()
        if node is None:  # end-of-block marker
            out.end_line()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA, PIs
                out.add(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in DROP_TAGS or _hidden(node):
            continue
        if name == "br":
            out.end_line()
        elif name == "tr":
            out.add_line(_row_line(node))
        elif name == "pre":
            out.end_line()
            for line in normalise_newlines(node.get_text()).split("\n"):
                out.add_line(line.rstrip())
        elif name in BLOCK_TAGS:
            out.end_line()
            stack.append(None)
            stack.extend(reversed(list(node.children)))
        else:
            stack.extend(reversed(list(node.children)))
    out.end_line()
    return out.lines


_COMPACT = re.compile(r"[\s|｜\u3000\u00a0]+")
_FOOTER = re.compile(r"版权所有|ICP备|ICP证|网站标识码|公网安备|技术支持[：:]|主办单位[：:]|承办单位[：:]")


def _compact(s: str) -> str:
    return _COMPACT.sub("", s)


def boilerplate_lines(html: str, lines: list[str]) -> list[int]:
    """1-based numbers of rendered ``lines`` that are page boilerplate, not the article.

    The article is found with trafilatura (``extract`` with tables kept and
    recall favoured), a maintained boilerplate remover; a rendered line is
    boilerplate when its text (whitespace and table pipes ignored) is not part
    of the extracted article — a line of 8+ characters may sit anywhere in
    it, a shorter one must be a whole extracted line. Copyright and ICP
    footers are always boilerplate. When trafilatura is missing, fails, or
    keeps less than a fifth of the page's text, only the footers are marked.
    """
    footer = [i + 1 for i, l in enumerate(lines) if _FOOTER.search(l) and len(l) <= 200]
    try:
        import trafilatura  # noqa: PLC0415 - optional, heavy

        article = trafilatura.extract(html, include_tables=True, include_comments=False,
                                      favor_recall=True, deduplicate=False)
    except Exception:  # a broken page or a missing package: keep the whole page
        article = None
    if not article:
        return footer
    whole = _compact(article)
    own = {_compact(l) for l in article.splitlines() if l.strip()}
    total = sum(len(_compact(l)) for l in lines) or 1
    if len(whole) < 0.2 * total:
        return footer
    out = set(footer)
    for i, line in enumerate(lines):
        c = _compact(line)
        if not c:
            continue
        if c in own or (len(c) >= 8 and c in whole):
            continue
        out.add(i + 1)
    return sorted(out)


def read_html(path: Path, data: bytes) -> SourceText:
    """Render an HTML page to text lines.

    Bytes are decoded with :func:`huiqi.readers.encoding.decode_bytes`, the
    page's declared charset (meta / XML declaration) being tried after strict
    UTF-8 and before detection — GBK pages are common on Chinese government
    sites, and GB2312/GBK declarations are read as GB18030. Dropped elements:
    see ``DROP_TAGS`` (script, style, nav, header, footer …) and elements
    marked ``hidden`` or ``display:none``. ``meta["title"]`` is the
    ``<title>`` text if any; ``meta["declared_charset"]`` the declared charset;
    ``meta["boilerplate"]`` the 1-based numbers of lines that are navigation,
    banners or footers rather than the article (:func:`boilerplate_lines`) —
    they stay in ``lines`` (citations keep their numbers) and the parser
    leaves them out.

    Raises :class:`SourceError` for binary data, an unknown encoding, or a
    page without visible text (文件为空).
    """
    declared = declared_charset(data)
    text, encoding = decode_bytes(data, path, declared=declared)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception:
        raise SourceError(path, "无法解析HTML") from None
    title_tag = soup.find("title")
    title = _ASCII_WS.sub(" ", title_tag.get_text()).strip() if title_tag else ""
    lines = _render(soup)
    if not lines:
        raise SourceError(path, "文件为空（网页中没有正文文字）")
    meta: dict = {"declared_charset": declared, "boilerplate": boilerplate_lines(text, lines)}
    if title:
        meta["title"] = title
    return SourceText(
        path=path,
        lines=lines,
        kind="html",
        encoding=encoding,
        sha256=sha256_bytes(data),
        meta=meta,
    )
