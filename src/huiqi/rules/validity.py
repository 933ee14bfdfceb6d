"""Validity windows the calculator can rely on (有效期): what a clause's own
document supports, never more.

* A clause is never in force before its document's issue date (印发日期):
  the window's start is at least ``document.issued``.
* A document that states no validity takes what its own text supports: a
  title naming one year (内蒙古自治区2024年…政策清单, or the title of the
  compilation the document is printed in) gives that calendar year, unless
  the clause states its own dates.
* When nothing is known (no dates, no issue date, no year), the window is
  unknown: the result's ``validity.state`` is ``unknown`` with the note
  :data:`UNKNOWN_NOTE` (有效期待确认), and :func:`blocks_eligible` says the
  clause cannot be ``eligible``.
* A reprint never outlives its original (:func:`cap_reprint`): its end is at
  most the end of the cluster's authority clause (:mod:`huiqi.kb.policy_identity`).

Dates are ISO strings in the validity dicts ({start, end, basis, relative}).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Note of a clause whose validity is not known at all.
UNKNOWN_NOTE = "有效期待确认"
_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})\s*年(?![0-9]|\s*[—\-－~～至到])")
_RANGE = re.compile(r"20[0-9]{2}\s*[—\-－~～至到]\s*20[0-9]{2}")


def title_year(title: str | None) -> int | None:
    """The one calendar year a title names (2024年…政策清单 → 2024), or
    ``None`` when it names none, several, or a range (2024—2027年)."""
    t = title or ""
    if _RANGE.search(t):
        return None
    years = {int(m.group(1)) for m in _YEAR.finditer(t)}
    return years.pop() if len(years) == 1 else None


def effective_validity(validity: Mapping, document: Mapping, container_title: str | None = None) -> dict:
    """The clause's ``validity`` {start, end, basis, relative} made
    consistent with its ``document`` {issued, title}: the start is moved to
    the issue date when earlier (or set to it when missing) — without an
    issue date, to January 1 of the title's year; a clause with
    neither start nor end takes the year of the document title, else of
    ``container_title`` (the compilation's title), as
    {start: YYYY-01-01, end: YYYY-12-31, basis: "标题：…"}. Sets
    ``inferred`` to what was used (``issued`` / ``title_year``)."""
    out = dict(validity or {})
    issued = str(document.get("issued") or "")[:10] or None
    start, end = out.get("start"), out.get("end")
    year = next((y for y in (title_year(t) for t in (document.get("title"), container_title)) if y), None)
    if not start and not end and year is not None:
        title = document.get("title") if title_year(document.get("title")) else container_title
        out["start"], out["end"] = f"{year}-01-01", f"{year}-12-31"
        out["basis"] = out.get("basis") or f"标题：{title}"
        out["inferred"] = "title_year"
    if not issued and year is not None:
        issued = f"{year}-01-01"  # a 2024 list was not issued before 2024
    if issued and (not out.get("start") or str(out["start"]) < issued):
        if not out.get("end") or str(out["end"]) >= issued:
            if out.get("start") is None and out.get("end") is None:
                out["inferred"] = "issued"
            out["start"] = issued
            out["basis"] = out.get("basis") or f"印发日期 {issued}"
    return out


def is_unknown(validity: Mapping) -> bool:
    """Whether nothing is known of a clause's window (no start, no end)."""
    return not validity.get("start") and not validity.get("end")


def blocks_eligible(validity_json: Mapping) -> bool:
    """Whether a result's ``validity`` object ({state, …}) forbids the
    status ``eligible``: its state is ``unknown`` (有效期待确认). The
    status ladder calls this; the clause is then at best ``likely``."""
    return validity_json.get("state") == "unknown"


def cap_reprint(reprint: Mapping, original: Mapping) -> dict:
    """A reprint's validity capped by its original's: the end is the
    original's when the original ends earlier or the reprint states no end
    (a reprint never outlives its original). ``capped_by`` says so."""
    out = dict(reprint)
    oe = original.get("end")
    if oe and (not out.get("end") or str(out["end"]) > str(oe)):
        out["end"] = oe
        if not out.get("start") and original.get("start"):
            out["start"] = original["start"]
        out["capped_by"] = "original"
    return out
