"""Accounts, roles and permissions (账号、角色与权限) of the officer workspace.

Tables: :class:`User` (账号), :class:`UserSession` (server-side page
sessions and API bearer tokens; only the SHA-256 of a token is stored) and
:class:`LoginAttempt` (every login try, for rate limiting and lock-out).

Roles (角色): ``enterprise`` (one firm's account, linked to its
统一社会信用代码 ``firm_code``), ``officer`` (经办人员: belongs to a unit
``unit`` and a region scope ``region``), ``reviewer`` (审核人员: an officer
who may approve) and ``admin`` (管理员). Permissions are the named constants
``PERM_*``; :data:`ROLE_PERMISSIONS` says which role holds which. The web
layer checks them with ONE FastAPI dependency
(:func:`huiqi.web.auth.require`).

Region scope (管辖范围): ``User.region`` is a GB/T 2260 division code of the
Inner Mongolia table (自治区 150000, a 盟市 or a 旗县区). A user sees the
documents of that division and of the divisions below it; a user without a
region or with the 自治区 code sees every document (documents of national or
autonomous-region level, or of unknown region, are visible only to those).

Passwords are hashed with argon2id through ``pwdlib`` (never stored or
logged in clear).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from huiqi.kb.models import Base

ROLE_ENTERPRISE = "enterprise"
ROLE_OFFICER = "officer"
ROLE_REVIEWER = "reviewer"
ROLE_ADMIN = "admin"
ROLES = (ROLE_ENTERPRISE, ROLE_OFFICER, ROLE_REVIEWER, ROLE_ADMIN)
ROLE_LABELS = {ROLE_ENTERPRISE: "企业", ROLE_OFFICER: "经办人员", ROLE_REVIEWER: "审核人员", ROLE_ADMIN: "管理员"}

#: read the officer workspace: document list including drafts, metadata, ingest reports
PERM_DOCUMENT_READ = "document.read"
#: upload policy documents (they stay draft)
PERM_DOCUMENT_UPLOAD = "document.upload"
#: correct document metadata (title, issuer, level, region, 发文字号, dates, supersession)
PERM_DOCUMENT_EDIT = "document.edit"
#: publish a draft document or mark it repealed (废止)
PERM_DOCUMENT_PUBLISH = "document.publish"
#: attach and remove 解读 (interpretations)
PERM_INTERPRETATION_EDIT = "interpretation.edit"
#: read the lifecycle board (有效期、解读、废止 checks)
PERM_LIFECYCLE_READ = "lifecycle.read"
#: export the lifecycle board to Excel (audited)
PERM_LIFECYCLE_EXPORT = "lifecycle.export"
#: write draft rule versions and submit them (rules-as-data, issue 10)
PERM_RULE_EDIT = "rule.edit"
#: approve or reject someone else's rule version (four eyes)
PERM_RULE_REVIEW = "rule.review"
#: create users, change roles, unlock accounts
PERM_USER_ADMIN = "user.admin"
#: read the audit log
PERM_AUDIT_READ = "audit.read"
#: submit 诉求 and see one's own (a firm's account; issue 14)
PERM_REQUEST_SUBMIT = "request.submit"
#: handle 诉求 in scope: record intakes, route, sign, reply, 回访, 台账 (issue 14)
PERM_REQUEST_HANDLE = "request.handle"
#: maintain the working-day calendar overrides (issue 14)
PERM_CALENDAR_EDIT = "calendar.edit"

#: read stored firms (一企一档) in the region scope; confirm or reject their corrections (issue 13)
PERM_FIRM_READ = "firm.read"
#: import registers and qualification lists (issue 13)
PERM_FIRM_IMPORT = "firm.import"
#: see tax and payroll facts (涉税、社保数据; data/firm_facts.yaml restricted_keys) of firms in scope
PERM_FIRM_SENSITIVE = "firm.sensitive"
#: a firm's own record: see its facts and file corrections (an enterprise account)
PERM_FIRM_SELF = "firm.self"
#: create 免申即享 lists (名单), decide entries, submit, publicize, record 兑现 (issue 13)
PERM_LIST_EDIT = "list.edit"
#: approve someone else's list (four eyes, with the meeting reference)
PERM_LIST_APPROVE = "list.approve"
_OFFICER_PERMS = frozenset({
    PERM_DOCUMENT_READ, PERM_DOCUMENT_UPLOAD, PERM_DOCUMENT_EDIT, PERM_DOCUMENT_PUBLISH,
    PERM_INTERPRETATION_EDIT, PERM_LIFECYCLE_READ, PERM_LIFECYCLE_EXPORT, PERM_RULE_EDIT, PERM_REQUEST_HANDLE,
}) | {PERM_FIRM_READ, PERM_FIRM_IMPORT, PERM_LIST_EDIT}
#: which role holds which permission (an enterprise account holds none of the officer side)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_ENTERPRISE: frozenset({PERM_REQUEST_SUBMIT, PERM_FIRM_SELF}),
    ROLE_OFFICER: _OFFICER_PERMS,
    ROLE_REVIEWER: _OFFICER_PERMS | {PERM_RULE_REVIEW, PERM_LIST_APPROVE, PERM_FIRM_SENSITIVE},
    ROLE_ADMIN: _OFFICER_PERMS | {PERM_RULE_REVIEW, PERM_USER_ADMIN, PERM_AUDIT_READ, PERM_CALENDAR_EDIT,
                                  PERM_LIST_APPROVE, PERM_FIRM_SENSITIVE},
}

#: failed logins of one user name within :data:`LOCK_WINDOW` that lock the account
MAX_FAILURES = 5
#: failed logins from one IP address within :data:`LOCK_WINDOW` that refuse further tries (429)
MAX_IP_FAILURES = 30
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
#: how long login attempts are kept for rate limiting
ATTEMPT_RETENTION = timedelta(days=1)
#: life of a page session and of an API bearer token
SESSION_TTL = timedelta(hours=8)
TOKEN_TTL = timedelta(hours=12)
MIN_PASSWORD = 8

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u3400-\u9fff]{2,64}$")
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def utcnow() -> datetime:
    """Now in UTC without tzinfo (the database stores naive UTC datetimes)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(Base):
    """A user account (账号). ``role`` one of :data:`ROLES`; ``unit`` the
    officer's unit (单位, e.g. 包头市民营经济发展服务局); ``region`` the
    division code of the region scope (``None``: whole autonomous region);
    ``firm_code`` the 统一社会信用代码 of an enterprise account;
    ``failed_logins``/``locked_until`` the lock-out state."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), index=True)
    unit: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(12))
    firm_code: Mapped[str | None] = mapped_column(String(18))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class UserSession(Base):
    """A server-side session (``kind`` ``page``: cookie, with its CSRF token)
    or an API bearer token (``kind`` ``api``). ``token_hash`` is the SHA-256
    hex of the secret handed to the client."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttempt(Base):
    """One login try: user name as typed, client IP, time, success."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),
                      Index("ix_login_attempts_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    success: Mapped[bool] = mapped_column(Boolean)


class AccountError(ValueError):
    """A user-facing account error (one Chinese sentence). ``field`` names
    the offending field when there is one; ``status`` the HTTP status the
    web layer answers with (400/401/403/404/409/422/429)."""

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


_hasher = None


def password_hasher():
    """The ``pwdlib.PasswordHash`` (argon2id, pwdlib's recommended settings)."""
    global _hasher
    if _hasher is None:
        from pwdlib import PasswordHash

        _hasher = PasswordHash.recommended()
    return _hasher


def hash_password(password: str) -> str:
    """argon2id hash of ``password``; raises :class:`AccountError` when it is
    shorter than :data:`MIN_PASSWORD` characters."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符", "password")
    return password_hasher().hash(password)


# ---------------------------------------------------------------- regions

def _regions():
    """The division table (:mod:`huiqi.reference.regions`: ``find_division``,
    ``ancestors``, ``divisions``)."""
    from huiqi.reference import regions

    return regions


def region_code(text: str | None) -> str | None:
    """The division code named by ``text`` (a name such as 包头市, 阿拉善左旗,
    内蒙古自治区, or a code), ``None`` when it names no division of the
    table (national documents, unknown region)."""
    if not text:
        return None
    mod = _regions()
    t = str(text).strip()
    if t in mod.divisions():
        return t
    d = mod.find_division(t)
    return d.code if d else None


def region_name(code: str | None) -> str:
    """The division name of ``code`` (``全区`` when ``None``)."""
    if not code:
        return "全区"
    d = _regions().divisions().get(code)
    return d.name if d else code


def top_region() -> str:
    """The code of the autonomous region itself (the root of the table)."""
    return next(d.code for d in _regions().divisions().values() if d.parent is None)


def in_scope(user_region: str | None, doc_region: str | None) -> bool:
    """Whether a user with region scope ``user_region`` (a code or ``None``
    for the whole autonomous region) may see an object of region
    ``doc_region`` (a code or ``None`` = national / autonomous-region /
    unknown): the whole-region scope sees everything; otherwise the object's
    division must be the scope itself or below it."""
    if user_region is None or user_region == top_region():
        return True
    if doc_region is None:
        return False
    return user_region in _regions().ancestors(doc_region)


# ---------------------------------------------------------------- users

@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request: id, user name, role, unit,
    region code, firm code, and how it authenticated (``page`` cookie
    session with ``csrf_token``, or ``api`` bearer token)."""

    id: int
    username: str
    role: str
    unit: str | None
    region: str | None
    firm_code: str | None
    via: str = "page"
    csrf_token: str | None = None

    @property
    def permissions(self) -> frozenset[str]:
        """The permissions of the role (:data:`ROLE_PERMISSIONS`)."""
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def can(self, perm: str) -> bool:
        """Whether the role holds ``perm``."""
        return perm in self.permissions

    def sees(self, doc_region: str | None) -> bool:
        """:func:`in_scope` for this user's region (admins see everything)."""
        return self.role == ROLE_ADMIN or in_scope(self.region, doc_region)


def user_dict(u: User) -> dict:
    """The JSON shape of a user: ``{id, username, role, role_label, unit,
    region, region_name, firm_code, active, locked, created_at}`` (never the
    password hash)."""
    return {
        "id": u.id, "username": u.username, "role": u.role, "role_label": ROLE_LABELS.get(u.role, u.role),
        "unit": u.unit, "region": u.region, "region_name": region_name(u.region), "firm_code": u.firm_code,
        "active": bool(u.active), "locked": bool(u.locked_until and u.locked_until > utcnow()),
        "created_at": u.created_at.isoformat(timespec="seconds") if u.created_at else None,
    }


def validate_user_fields(role: str, region: str | None, firm_code: str | None) -> tuple[str | None, str | None]:
    """Check a role with its region and firm code; returns ``(region code,
    firm code)``. Raises :class:`AccountError` for an unknown role, an
    unknown region, an enterprise without a valid 统一社会信用代码 (18
    characters, GB 32100-2015 alphabet)."""
    if role not in ROLES:
        raise AccountError(f"未知角色“{role}”（可选：{'、'.join(ROLES)}）", "role")
    code = None
    if region:
        code = region_code(region)
        if code is None:
            raise AccountError(f"未知地区“{region}”：应为内蒙古自治区、盟市或旗县区名称", "region")
    firm = (firm_code or "").strip().upper() or None
    if role == ROLE_ENTERPRISE:
        if not firm or not _USCC_RE.match(firm):
            raise AccountError("企业账号需要有效的统一社会信用代码（18 位）", "firm_code")
    elif firm:
        raise AccountError("只有企业账号可以关联统一社会信用代码", "firm_code")
    return code, firm


def create_user(session: Session, username: str, password: str, role: str, unit: str | None = None,
                region: str | None = None, firm_code: str | None = None, created_by: int | None = None) -> User:
    """Add a user and flush it. ``region`` is a division name or code
    (officers and reviewers without one get the whole autonomous region).
    Raises :class:`AccountError` for a malformed or taken user name (409),
    a short password, an unknown role or region, a bad firm code."""
    username = (username or "").strip()
    if not _USERNAME_RE.match(username):
        raise AccountError("用户名应为 2–64 个字母、数字、汉字或 _ . -", "username")
    code, firm = validate_user_fields(role, region, firm_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户名“{username}”已存在", "username", status=409)
    u = User(username=username, password_hash=hash_password(password), role=role,
             unit=(unit or "").strip() or None, region=code, firm_code=firm, active=True,
             failed_logins=0, created_at=utcnow(), created_by=created_by)
    session.add(u)
    session.flush()
    return u


def principal_of(u: User, via: str = "page", csrf_token: str | None = None) -> Principal:
    """The :class:`Principal` of a user row."""
    return Principal(u.id, u.username, u.role, u.unit, u.region, u.firm_code, via, csrf_token)


# ---------------------------------------------------------------- login

@dataclass
class LoginResult:
    """Outcome of :func:`authenticate`: ``user`` on success; otherwise
    ``message`` (Chinese) and ``status`` (401 wrong credentials, 423 locked,
    429 too many tries from the address). ``events`` are audit actions to
    record (``login.success``, ``login.failure``, ``user.lock``,
    ``user.unlock``)."""

    user: User | None
    message: str = ""
    status: int = 200
    events: list[tuple[str, dict]] | None = None


def authenticate(session: Session, username: str, password: str, ip: str | None) -> LoginResult:
    """Check a user name and password with rate limiting.

    Every try is recorded as a :class:`LoginAttempt`. More than
    :data:`MAX_IP_FAILURES` failures from ``ip`` within :data:`LOCK_WINDOW`
    → 429 without checking the password. A locked account → 423 (the same
    message whether the password is right or not). The
    :data:`MAX_FAILURES`-th consecutive failure locks the account for
    :data:`LOCK_DURATION` (event ``user.lock``); a success after the lock
    expired records ``user.unlock``. Unknown users and wrong passwords get
    the same message (no user enumeration); the password is still hashed
    once so both take about the same time."""
    now = utcnow()
    name = (username or "").strip()[:64]
    events: list[tuple[str, dict]] = []
    # attempts older than ATTEMPT_RETENTION are no longer needed (the audit log keeps every login)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPT_RETENTION))
    since = now - LOCK_WINDOW
    ip_failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(LoginAttempt.ip == ip, LoginAttempt.at >= since,
                                                  LoginAttempt.success.is_(False))) or 0
    if ip and ip_failures >= MAX_IP_FAILURES:
        session.add(LoginAttempt(username=name, ip=ip, at=now, success=False))
        return LoginResult(None, "登录失败次数过多，请 15 分钟后再试", 429, [("login.throttled", {"username": name})])
    u = session.scalar(select(User).where(User.username == name))
    if u is not None and u.locked_until and u.locked_until > now:
        session.add(LoginAttempt(username=name, ip=ip, at=now, success=False))
        minutes = max(1, int((u.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(None, f"账号已被锁定，请约 {minutes} 分钟后再试或联系管理员解锁", 423,
                           [("login.failure", {"username": name, "reason": "locked"})])
    ok = False
    new_hash = None
    if u is not None and u.active:
        try:
            ok, new_hash = password_hasher().verify_and_update(password or "", u.password_hash)
        except Exception:  # malformed stored hash
            ok = False
    else:
        password_hasher().hash(password or "x" * MIN_PASSWORD)  # same cost as a real check
    session.add(LoginAttempt(username=name, ip=ip, at=now, success=ok))
    if not ok:
        events.append(("login.failure", {"username": name}))
        if u is not None:
            u.failed_logins = (u.failed_logins or 0) + 1
            if u.failed_logins >= MAX_FAILURES:
                u.locked_until = now + LOCK_DURATION
                events.append(("user.lock", {"username": name, "failed_logins": u.failed_logins,
                                             "locked_until": u.locked_until.isoformat(timespec="seconds")}))
        msg = "用户名或密码错误" if u is None or u.active else "账号已停用，请联系管理员"
        if u is not None and u.locked_until and u.locked_until > now:
            msg = f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 {int(LOCK_DURATION.total_seconds() // 60)} 分钟"
            return LoginResult(None, msg, 423, events)
        return LoginResult(None, msg, 401, events)
    if u.locked_until is not None:
        events.append(("user.unlock", {"username": name, "reason": "锁定期满后登录成功"}))
        u.locked_until = None
    u.failed_logins = 0
    if new_hash:  # stronger parameters since the hash was made
        u.password_hash = new_hash
    events.append(("login.success", {"username": name}))
    return LoginResult(u, "", 200, events)


def unlock_user(session: Session, user: User) -> dict:
    """Clear a lock-out; returns the ``before`` state for the audit entry."""
    before = {"locked_until": user.locked_until.isoformat(timespec="seconds") if user.locked_until else None,
              "failed_logins": user.failed_logins}
    user.locked_until = None
    user.failed_logins = 0
    return before


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user: User, kind: str, ip: str | None) -> tuple[str, UserSession]:
    """Create a page session (``kind`` ``page``, with a CSRF token, life
    :data:`SESSION_TTL`) or an API token (``api``, :data:`TOKEN_TTL`); the
    user's expired sessions are deleted. Returns ``(secret token for the
    client, row)``."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < now))
    row = UserSession(token_hash=_digest(token), user_id=user.id, kind=kind,
                      csrf_token=secrets.token_urlsafe(24) if kind == "page" else None, ip=ip,
                      created_at=now, expires_at=now + (SESSION_TTL if kind == "page" else TOKEN_TTL),
                      revoked=False)
    session.add(row)
    return token, row


def lookup_session(session: Session, token: str | None, kind: str) -> tuple[User, UserSession] | None:
    """The active user and session row of a client token of ``kind``, or
    ``None`` (unknown, revoked, expired, other kind, user inactive)."""
    if not token or len(token) > 200:
        return None
    row = session.get(UserSession, _digest(token))
    if row is None or row.revoked or row.kind != kind or row.expires_at <= utcnow():
        return None
    u = session.get(User, row.user_id)
    if u is None or not u.active:
        return None
    return u, row


def close_session(session: Session, token: str | None) -> None:
    """Revoke the session or token ``token`` (logout); unknown tokens are ignored."""
    if token:
        row = session.get(UserSession, _digest(token))
        if row is not None:
            row.revoked = True


def list_users(session: Session) -> list[dict]:
    """Every user as :func:`user_dict`, by id."""
    return [user_dict(u) for u in session.scalars(select(User).order_by(User.id))]
