"""Literal gates for the condition patterns (正则预筛): a cheap substring test
that tells when a compiled pattern cannot match a text at all.

Many recognisers of :mod:`huiqi.rules.condition_atoms` and
:mod:`huiqi.rules.condition_parse` run dozens of patterns over every
comma part; most parts hold none of their words, and patterns opening with
optional groups or lookbehinds (``(?:国家级?)?…``, ``(?<=的)企业``) are
tried at every position. :func:`required_literals` reads a pattern's
syntax tree once and returns strings of which every match must contain one
(``DRAGON_RE`` → ``{"龙头企业"}``); when none of them is in the text,
:func:`may_match` says so without running the pattern. The result is exact:
a gate never hides a match, it only skips searches that would find nothing.
Patterns whose requirement cannot be read (case-insensitive ones, parts
made only of classes or assertions) get no gate and are always run.
"""

from __future__ import annotations

import re

try:  # the parser of the standard library's regex engine (Python ≥ 3.11)
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # pragma: no cover - another interpreter: no gates
    _P = _C = None

__all__ = ["gate", "may_match", "required_literals", "search"]


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective alternative set: longest shortest string, then fewest strings."""
    if not cands:
        return None
    return max(cands, key=lambda s: (min(map(len, s)), -len(s)))


def _in_chars(items) -> frozenset[str] | None:
    """The characters of a class made only of literals (``[、和及]``), else ``None``."""
    out = set()
    for op, av in items:
        if op is not _C.LITERAL:
            return None
        out.add(chr(av))
    return frozenset(out) or None


def _seq(items) -> frozenset[str] | None:
    """Strings one of which every match of the sequence ``items`` holds."""
    cands: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            cands.append(frozenset(["".join(run)]))
            run = []
        req = None
        if op is _C.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            req = None if add_flags & re.IGNORECASE else _seq(sub)
        elif op is _C.ATOMIC_GROUP:
            req = _seq(av)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            req = _seq(sub) if lo >= 1 else None
        elif op is _C.BRANCH:
            alts = [_seq(b) for b in av[1]]
            req = None if any(a is None for a in alts) else frozenset().union(*alts)
        elif op is _C.IN:
            req = _in_chars(av)
        if req:
            cands.append(req)
    if run:
        cands.append(frozenset(["".join(run)]))
    return _best(cands)


#: Larger sets are no gate: testing them costs about what the search does.
MAX_GATE_STRINGS = 8


def _has_prefix(items) -> bool:
    """Whether the regex engine finds the pattern's start by itself: it opens
    with a literal, a class, a group that does or a branch whose every
    alternative does (the compiled pattern then carries a literal or charset
    prefix)."""
    if not items:
        return False
    op, av = items[0]
    if op in (_C.LITERAL, _C.IN):
        return True
    if op is _C.SUBPATTERN:
        return not av[1] and _has_prefix(av[3])
    if op is _C.BRANCH:
        return all(_has_prefix(b) for b in av[1])
    return False


def required_literals(rx: re.Pattern[str], max_strings: int = MAX_GATE_STRINGS,
                      prefixed: bool = False) -> tuple[str, ...] | None:
    """Non-empty strings of which every match of ``rx`` contains at least one
    (a match of ``(?:国家级?)?高新技术企业|国家高企|高企`` holds ``高新技术企业``,
    ``国家高企`` or ``高企``), longest first, or ``None`` when the pattern
    gets no gate: no such set is known (lookarounds count for nothing;
    case-insensitive patterns), it has more than ``max_strings`` strings,
    or — unless ``prefixed`` — the pattern opens with a literal or class
    (the regex engine then skips to its possible starts by itself)."""
    if _P is None or not isinstance(rx.pattern, str) or rx.flags & re.IGNORECASE:
        return None
    try:
        tree = _P.parse(rx.pattern, rx.flags)
        req = _seq(tree)
        if not prefixed and _has_prefix(list(tree)):
            return None
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply not gated
        return None
    if not req or not all(req):
        return None
    req = {s for s in req if not any(t != s and t in s for t in req)}  # 投产 covers 竣工投产
    if len(req) > max_strings:
        return None
    return tuple(sorted(req, key=len, reverse=True))


#: id(pattern) → (pattern, gate): a pattern's own hash reads its whole compiled code
_GATES: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def _fill(rx: re.Pattern[str]) -> tuple[re.Pattern[str], tuple[str, ...] | None]:
    if len(_GATES) > 4096:
        _GATES.clear()
    e = _GATES[id(rx)] = (rx, required_literals(rx))
    return e


def gate(rx: re.Pattern[str]) -> tuple[str, ...] | None:
    """:func:`required_literals` of ``rx``, computed once per pattern object."""
    e = _GATES.get(id(rx))
    if e is None or e[0] is not rx:
        e = _fill(rx)
    return e[1]


def may_match(rx: re.Pattern[str], text: str) -> bool:
    """``False`` only when ``rx`` cannot match anywhere in ``text`` (none of
    its :func:`required_literals` occurs); ``True`` otherwise."""
    e = _GATES.get(id(rx))  # gate(rx), inlined: called for every pattern on every comma part
    if e is None or e[0] is not rx:
        e = _fill(rx)
    req = e[1]
    if req is None:
        return True
    for s in req:
        if s in text:
            return True
    return False


def search(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``rx.search(text)``, skipped when :func:`may_match` rules a match out."""
    return rx.search(text) if may_match(rx, text) else None
