"""Firm register service (一企一档): import registers as sourced facts,
derive each firm's profile by source priority, read it back.

* :func:`import_register` reads a register with the screening reader
  (:func:`huiqi.screen.register.read_register`: CSV, xlsx, JSON/YAML, its
  per-row errors), stores each row's known values as facts of the firm
  named by its 统一社会信用代码, and re-derives the profiles it touched.
  Qualification lists (资质名单: 专精特新名单, 高新技术企业名单 …) import
  the same way with source ``资质名单``; the qualification is the row's 资质
  column, else the ``qualification`` argument, else a known qualification
  named in the file name.
* :func:`derive_profile` — facts → profile mapping by the tiers of
  ``data/firm_facts.yaml`` (official registers over 企业自报; newest
  ``as_of`` within).
* :func:`refresh_profiles` — rewrites the materialised ``firm_profiles`` rows
  whose derivation changed and bumps their ``version``; returns the changed
  统一社会信用代码 (what the push work screens again).
* :func:`firm_profile` — the stored derived profile as an
  :class:`~huiqi.firm.profile.EnterpriseProfile`.

Corrections (更正) and the per-role views are in
:mod:`huiqi.services.firm_views`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from huiqi.firm.profile import KNOWN_QUALIFICATIONS, EnterpriseProfile, load_profile, normalise_qualification
from huiqi.kb import firms as m
from huiqi.kb.accounts import region_code, utcnow
from huiqi.kb.db import session_scope
from huiqi.kb.push_jobs import enqueue_screen
from huiqi.screen.register import RegisterError, RowError, read_register


class FirmError(ValueError):
    """A user-facing firm error (one Chinese sentence); ``status`` the HTTP
    status the web layer answers with (400/403/404/409/422)."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


# ---------------------------------------------------------------- reference data

@lru_cache(maxsize=1)
def fact_rules() -> dict[str, Any]:
    """``data/firm_facts.yaml``: ``source_tiers`` (list of lists of
    sources), ``list_keys``, ``restricted_keys``, ``risk_facts``,
    ``bank_account_keys``."""
    text = resources.files("huiqi").joinpath("data/firm_facts.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    known = set(m.SOURCES)
    for tier in data["source_tiers"]:
        bad = set(tier) - known
        if bad:  # the data file must name known sources
            raise ValueError(f"firm_facts.yaml: 未知来源 {sorted(bad)}")
    return data


def restricted_keys() -> frozenset[str]:
    """Tax and payroll fact keys (涉税、社保数据) shown only with the
    ``firm.sensitive`` permission (or to the firm itself)."""
    return frozenset(fact_rules()["restricted_keys"])


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    """The check character (校验码) of a 统一社会信用代码 from its first 17
    characters (GB 32100-2015, weights 3^i mod 31)."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(code: Any) -> str:
    """Normalise and check a 统一社会信用代码 → the upper-case code. Raises
    ``ValueError`` (Chinese) when blank, malformed or its check character is
    wrong."""
    s = re.sub(r"\s+", "", str(code or "")).upper()
    if not s:
        raise ValueError("缺少统一社会信用代码")
    if not _USCC_RE.match(s):
        raise ValueError(f"统一社会信用代码“{s[:30]}”格式不符（应为 18 位，GB 32100-2015）")
    if uscc_check_char(s[:17]) != s[17]:
        raise ValueError(f"统一社会信用代码“{s}”校验码不符")
    return s


# ---------------------------------------------------------------- derivation

@dataclass(frozen=True)
class FactIn:
    """A fact as the derivation sees it: ``key``, ``value`` (JSON),
    ``source``, ``as_of`` (date), ``seq`` (recording order: later wins a
    tie)."""

    key: str
    value: Any
    source: str
    as_of: date
    seq: int = 0


def derive_profile(facts: Iterable[FactIn]) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Facts → (profile mapping, provenance). The mapping uses
    EnterpriseProfile keys (free facts ``facts.<名>`` are gathered under
    ``facts``); provenance maps each key to ``{source, as_of}`` of the fact
    that won (for list keys: the sources joined by 、). Rule: the first tier
    of ``source_tiers`` holding a fact for the key; in it the newest
    ``as_of`` (then the later ``seq``); list keys take the union of every
    source's newest fact in that tier. A ``None`` value is a fact too
    (a register saying the value is now unknown is NOT one: blanks are not
    recorded)."""
    rules = fact_rules()
    tier_of = {s: i for i, tier in enumerate(rules["source_tiers"]) for s in tier}
    list_keys = set(rules["list_keys"])
    by_key: dict[str, list[FactIn]] = defaultdict(list)
    for f in facts:
        by_key[f.key].append(f)
    profile: dict[str, Any] = {}
    prov: dict[str, dict[str, str]] = {}
    for key in sorted(by_key):
        cands = by_key[key]
        best_tier = min(tier_of.get(f.source, 99) for f in cands)
        cands = [f for f in cands if tier_of.get(f.source, 99) == best_tier]
        if key in list_keys:
            newest: dict[str, FactIn] = {}
            for f in cands:
                cur = newest.get(f.source)
                if cur is None or (f.as_of, f.seq) > (cur.as_of, cur.seq):
                    newest[f.source] = f
            union: dict[str, None] = {}
            for src in sorted(newest, key=lambda s: m.SOURCES.index(s) if s in m.SOURCES else 99):
                for item in newest[src].value or []:
                    union[item if not isinstance(item, dict) else repr(item)] = None
            value: Any = list(union)
            won = {"source": "、".join(sorted(newest, key=m.SOURCES.index)),
                   "as_of": max(f.as_of for f in newest.values()).isoformat()}
        else:
            f = max(cands, key=lambda f: (f.as_of, f.seq))
            value, won = f.value, {"source": f.source, "as_of": f.as_of.isoformat()}
        if key.startswith("facts."):
            profile.setdefault("facts", {})[key[6:]] = value
        else:
            profile[key] = value
        prov[key] = won
    return profile, prov


def _facts_of(session: Session, firm_ids: list[int]) -> dict[int, list[FactIn]]:
    out: dict[int, list[FactIn]] = defaultdict(list)
    for i in range(0, len(firm_ids), 500):
        chunk = firm_ids[i:i + 500]
        rows = session.execute(select(m.FirmFact.firm_id, m.FirmFact.key, m.FirmFact.value, m.FirmFact.source,
                                      m.FirmFact.as_of, m.FirmFact.id).where(m.FirmFact.firm_id.in_(chunk)))
        for fid, key, value, source, as_of, seq in rows:
            out[fid].append(FactIn(key, value, source, as_of, seq))
    return out


def refresh_profiles(session: Session, firm_ids: Iterable[int], at: datetime | None = None) -> list[str]:
    """Re-derive the materialised profiles of ``firm_ids``; a row whose
    profile or provenance changed is rewritten with ``version + 1`` (a new
    row starts at 1). Also keeps ``firms.name``/``region`` in step with the
    derived profile. Returns the changed 统一社会信用代码, sorted."""
    ids = sorted(set(firm_ids))
    if not ids:
        return []
    at = at or utcnow()
    facts = _facts_of(session, ids)
    firms = {f.id: f for f in session.scalars(select(m.Firm).where(m.Firm.id.in_(ids)))}
    rows = {r.code: r for r in session.scalars(select(m.FirmProfileRow).where(
        m.FirmProfileRow.code.in_([f.code for f in firms.values()])))}
    changed = []
    for fid in ids:
        firm = firms[fid]
        profile, prov = derive_profile(facts.get(fid, []))
        region = region_code(profile.get("region")) if profile.get("region") else None
        if profile.get("name") and firm.name != profile["name"]:
            firm.name = profile["name"]
        if region and firm.region != region:
            firm.region = region
        row = rows.get(firm.code)
        if row is None:
            session.add(m.FirmProfileRow(code=firm.code, region=region or firm.region, profile=profile,
                                         sources=prov, version=1, updated_at=at))
            changed.append(firm.code)
        elif row.profile != profile or row.sources != prov:
            row.profile, row.sources, row.region = profile, prov, region or firm.region
            row.version += 1
            row.updated_at = at
            firm.updated_at = at
            changed.append(firm.code)
    session.flush()
    return sorted(changed)


def firm_profile(session: Session, code: str) -> EnterpriseProfile | None:
    """The derived profile of the firm ``code`` (统一社会信用代码) from the
    materialised table, ``None`` when the firm is not stored. Raises
    :class:`~huiqi.firm.profile.ProfileError` only if stored data no longer
    validates (it was validated on import)."""
    row = session.get(m.FirmProfileRow, (code or "").strip().upper())
    if row is None:
        return None
    return load_profile(dict(row.profile))[0]


# ---------------------------------------------------------------- import

@dataclass
class FirmImportReport:
    """What :func:`import_register` did: ``import_id``, ``file_name``,
    ``source``, ``as_of``; ``n_rows`` data rows read, ``n_firms`` firms
    stored (new or known), ``n_new`` firms created, ``n_facts`` facts
    recorded (values equal to the source's stored fact of the same date
    are not recorded again); ``errors`` skipped rows (:class:`RowError`),
    ``warnings`` file and row warnings (Chinese lines); ``changed`` the
    统一社会信用代码 whose derived profile changed (the push work's
    trigger)."""

    file_name: str
    source: str
    as_of: date
    import_id: int | None = None
    n_rows: int = 0
    n_firms: int = 0
    n_new: int = 0
    n_facts: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape (the API's answer)."""
        return {"import_id": self.import_id, "file_name": self.file_name, "source": self.source,
                "as_of": self.as_of.isoformat(), "n_rows": self.n_rows, "n_firms": self.n_firms,
                "n_new": self.n_new, "n_facts": self.n_facts, "errors": [e.line() for e in self.errors],
                "warnings": self.warnings, "changed": self.changed}


def _qualification_of(file_name: str, given: str | None) -> str | None:
    if given:
        q = normalise_qualification(given)
        if q not in KNOWN_QUALIFICATIONS:
            raise FirmError(f"未知资质“{given}”（可选：{'、'.join(KNOWN_QUALIFICATIONS)}）", field="qualification")
        return q
    stem = Path(file_name).stem
    for q in sorted(KNOWN_QUALIFICATIONS, key=len, reverse=True):
        if q in stem or q.replace("“", "").replace("”", "") in stem:
            return q
    return None


def row_facts(profile: EnterpriseProfile) -> dict[str, Any]:
    """The facts one validated register row states: every non-blank
    profile key (JSON values: money yuan, dates ISO), free facts as
    ``facts.<名>``. Blank cells state nothing."""
    out: dict[str, Any] = {}
    for key, v in profile.model_dump(mode="json").items():
        if key == "facts":
            out.update({f"facts.{k}": x for k, x in (v or {}).items() if x is not None and x != ""})
        elif v is not None and v != [] and v != {}:
            out[key] = v
    return out


def import_register(target: Session | Engine, path: str | Path, source: str = m.SOURCE_MARKET,
                    actor: str = "cli", *, as_of: date | None = None, qualification: str | None = None,
                    file_name: str | None = None,
                    scope: Callable[[str | None], bool] | None = None) -> FirmImportReport:
    """Import one register file as facts (see the module docstring).

    ``target`` a session (the caller commits) or an engine (committed
    here); ``source`` one of :data:`huiqi.kb.firms.SOURCES`; ``actor`` the
    user name; ``as_of`` the date the register refers to (default today);
    ``qualification`` the list's qualification for a 资质名单 without a 资质
    column; ``file_name`` the name to record (default the path's name);
    ``scope`` — a predicate on a division code (an officer's
    ``Principal.sees``): a row whose 注册地 is outside it is refused. A row
    without a valid 统一社会信用代码 is skipped with a row error.
    Raises :class:`FirmError` for an unknown source or qualification and
    :class:`huiqi.screen.register.RegisterError` for an unreadable file
    (nothing stored)."""
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return import_register(session, path, source, actor, as_of=as_of, qualification=qualification,
                                   file_name=file_name, scope=scope)
    session = target
    if source not in m.SOURCES:
        raise FirmError(f"未知数据来源“{source}”（可选：{'、'.join(m.SOURCES)}）", field="source")
    name = file_name or Path(path).name
    qual = _qualification_of(name, qualification) if source == m.SOURCE_QUALIFICATION else None
    reg = read_register(path)
    now = utcnow()
    report = FirmImportReport(name, source, as_of or now.date())
    report.n_rows = reg.n_read
    report.errors = list(reg.errors)
    report.warnings = list(reg.warnings) + [p.line() for p in reg.problems if not p.skipped]
    rows: dict[str, dict[str, Any]] = {}
    unit = "行" if reg.kind in ("csv", "xlsx") else "个企业"
    for r in reg.rows:
        try:
            code = check_uscc(r.credit_code)
        except ValueError as exc:
            report.errors.append(RowError(r.row, "统一社会信用代码", str(exc), unit=unit))
            continue
        facts = row_facts(r.profile)
        if scope is not None and not scope(region_code(facts.get("region"))):
            report.errors.append(RowError(r.row, "注册地", f"“{facts.get('region')}”不在您的管辖范围内", unit=unit))
            continue
        if source == m.SOURCE_QUALIFICATION:
            if qual and qual not in facts.get("qualifications", []):
                facts["qualifications"] = facts.get("qualifications", []) + [qual]
            if not facts.get("qualifications"):
                report.errors.append(RowError(r.row, "资质", "资质名单应有资质列，或在导入时指明资质名称", unit=unit))
                continue
        if code in rows:
            report.warnings.append(f"第{r.row}{unit}：统一社会信用代码 {code} 重复，以后一行为准")
        rows[code] = facts
    report.errors.sort(key=lambda e: e.row)
    imp = m.FirmImport(file_name=name, source=source, actor=actor[:64], at=now, n_rows=report.n_rows,
                       n_firms=0, n_facts=0, n_errors=len(report.errors),
                       errors=[e.line() for e in report.errors], changed=[])
    session.add(imp)
    session.flush()
    report.import_id = imp.id
    firms = _ensure_firms(session, rows, now, report)
    latest = _latest_same_source(session, [f.id for f in firms.values()], source, report.as_of)
    for code, facts in rows.items():
        fid = firms[code].id
        for key, value in facts.items():
            if latest.get((fid, key), _MISSING) == value:
                continue
            session.add(m.FirmFact(firm_id=fid, key=key, value=value, source=source, as_of=report.as_of,
                                   import_id=imp.id, recorded_at=now))
            report.n_facts += 1
    session.flush()
    report.n_firms = len(rows)
    report.changed = refresh_profiles(session, [f.id for f in firms.values()], now)
    # 精准推送: the changed firms are screened against every rule by huiqi.services.push (job in this transaction)
    enqueue_screen(session, firms=report.changed, reason="firms", at=now)
    imp.n_firms, imp.n_facts, imp.changed = report.n_firms, report.n_facts, report.changed
    return report


_MISSING = object()


def _ensure_firms(session: Session, rows: dict[str, dict], now: datetime, report: FirmImportReport) -> dict[str, m.Firm]:
    codes = sorted(rows)
    found: dict[str, m.Firm] = {}
    for i in range(0, len(codes), 500):
        found.update({f.code: f for f in session.scalars(select(m.Firm).where(m.Firm.code.in_(codes[i:i + 500])))})
    for code in codes:
        if code not in found:
            facts = rows[code]
            firm = m.Firm(code=code, name=facts.get("name"), region=region_code(facts.get("region")),
                          created_at=now, updated_at=now)
            session.add(firm)
            found[code] = firm
            report.n_new += 1
    session.flush()
    return found


def _latest_same_source(session: Session, firm_ids: list[int], source: str, as_of: date) -> dict[tuple[int, str], Any]:
    """(firm id, key) → value of the newest fact of ``source`` dated
    ``as_of`` or later-recorded for that date (so re-importing the same file
    records nothing)."""
    out: dict[tuple[int, str], Any] = {}
    for i in range(0, len(firm_ids), 500):
        q = (select(m.FirmFact.firm_id, m.FirmFact.key, m.FirmFact.value)
             .where(m.FirmFact.firm_id.in_(firm_ids[i:i + 500]), m.FirmFact.source == source,
                    m.FirmFact.as_of == as_of).order_by(m.FirmFact.id))
        for fid, key, value in session.execute(q):
            out[(fid, key)] = value
    return out


__all__ = ["FactIn", "FirmError", "FirmImportReport", "RegisterError", "check_uscc", "derive_profile",
           "fact_rules", "firm_profile", "import_register", "refresh_profiles", "restricted_keys", "row_facts",
           "uscc_check_char"]
