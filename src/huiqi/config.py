"""Runtime configuration: where the database, derived indexes and corpus live.

Database selection (数据库), in order of precedence:

1. the ``--db`` option of a CLI command;
2. the environment variable ``HUIQI_DB``;
3. the default ``<data dir>/huiqi.db`` (SQLite), where the data dir is
   ``HUIQI_DATA_DIR`` or ``./var/`` under the current working directory.

A value is either a SQLAlchemy URL (``sqlite:///path/huiqi.db``,
``postgresql+psycopg://user@host/db`` …) or a plain file path, which means a
SQLite database file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ENV_DB = "HUIQI_DB"
ENV_DATA_DIR = "HUIQI_DATA_DIR"
DEFAULT_DB_NAME = "huiqi.db"
MANIFEST_NAME = "manifest.yaml"

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


@dataclass(frozen=True)
class DbSettings:
    """The resolved database: ``url`` (a SQLAlchemy URL) and whether it is the
    default database (``is_default`` — neither ``--db`` nor ``HUIQI_DB`` given),
    which the CLI fills from the bundled corpus on first use."""

    url: str
    is_default: bool


def data_dir(create: bool = True) -> Path:
    """The data directory: ``$HUIQI_DATA_DIR`` or ``./var`` under the CWD.

    Created (with parents) when ``create`` is true. Returns an absolute path.
    """
    raw = os.environ.get(ENV_DATA_DIR)
    path = Path(raw).expanduser() if raw else Path.cwd() / "var"
    path = path.resolve()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def to_url(value: str | os.PathLike) -> str:
    """Turn a ``--db`` value into a SQLAlchemy URL.

    A string that starts with ``scheme://`` is returned unchanged; anything
    else is taken as a file path and becomes ``sqlite:///<absolute path>``.
    Raises ``ValueError`` on an empty value.
    """
    text = str(value).strip()
    if not text:
        raise ValueError("数据库地址为空")
    if _URL_RE.match(text):
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def resolve_db(db: str | None = None) -> DbSettings:
    """Resolve the database from ``db`` (the ``--db`` option), ``$HUIQI_DB``
    or the default ``<data dir>/huiqi.db`` (the data dir is created)."""
    if db:
        return DbSettings(to_url(db), is_default=False)
    env = os.environ.get(ENV_DB)
    if env and env.strip():
        return DbSettings(to_url(env), is_default=False)
    return DbSettings(to_url(data_dir() / DEFAULT_DB_NAME), is_default=True)


def resolve_db_url(db: str | None = None) -> str:
    """The SQLAlchemy URL of :func:`resolve_db` (convenience)."""
    return resolve_db(db).url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or ``None`` (not SQLite, or in-memory)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database
    if not db or db == ":memory:" or db.startswith("file::memory:"):
        return None
    return Path(db)


def _server_dir_name(url: str) -> str | None:
    """``<backend>-<database>-<hash of host, port and database>`` for a
    database on a server (PostgreSQL …), ``None`` for SQLite."""
    import hashlib

    from sqlalchemy.engine import make_url

    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        return None
    where = f"{backend}://{u.host or ''}:{u.port or ''}/{u.database or ''}"
    label = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{backend}-{u.database or ''}")
    return f"{label}-{hashlib.sha1(where.encode('utf-8')).hexdigest()[:10]}"


def derived_dir(url: str) -> Path:
    """Where derived indexes (search indexes …) of the database ``url`` live.

    Beside the file for a SQLite database; for a database on a server
    (PostgreSQL) a directory of its own under the data dir
    (``$HUIQI_DATA_DIR`` or ``./var``), named by :func:`_server_dir_name`
    (e.g. ``postgresql-huiqi-1f0c…``), so two databases never share an index;
    the data dir itself for an in-memory SQLite database. The directory is
    created.
    """
    path = sqlite_path(url)
    if path is not None:
        out = path.parent
    else:
        name = _server_dir_name(url)
        out = data_dir() / name if name else data_dir()
    out.mkdir(parents=True, exist_ok=True)
    return out


#: Package data of huiqi (``src/huiqi/data``; the repository's ``data/`` is a
#: link to it): reference tables, the bundled corpus, reviewed rules and
#: examples. Shipped in the wheel, so an installed huiqi works anywhere.
PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def is_private_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a link) of this user that
    nobody else may write. Raises ``OSError`` when it does not exist."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def temp_cache_path(name: str) -> Path:
    """Where a cache file ``name`` (a library's dictionary prepared for
    fast loading) lives: the system temp dir, a name with this user's id.
    The temp dir is shared, so when a file of that name exists and is not
    :func:`is_private_file` (planted by another user, or writable by
    others) this process uses a name of its own (with its process id)
    instead, and never reads the foreign file."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    stem, dot, ext = name.rpartition(".")
    base = f"{stem}_{uid}.{ext}" if dot else f"{name}_{uid}"
    path = Path(tempfile.gettempdir()) / base
    try:
        if is_private_file(path):
            return path
    except OSError:
        return path  # absent: ours to write
    return path.with_name(f"{path.stem}_{os.getpid()}{path.suffix}")


def corpus_dir() -> Path:
    """The bundled corpus directory (``data/corpus``: the five Inner Mongolia
    documents and their ``manifest.yaml``), shipped as package data."""
    return PACKAGE_DATA / "corpus"


def examples_dir() -> Path:
    """Example inputs a newcomer can run (``data/examples``: an enterprise
    profile for ``huiqi match``, a register for ``huiqi screen``)."""
    return PACKAGE_DATA / "examples"


ENV_RULES_DIR = "HUIQI_RULES_DIR"


def rules_dir() -> Path:
    """The reviewed-rules directory (人工审核规则, ``*.yaml``): ``$HUIQI_RULES_DIR``
    when set, else the bundled ``data/rules`` (package data). The path may
    not exist."""
    raw = os.environ.get(ENV_RULES_DIR)
    if raw and raw.strip():
        return Path(raw.strip()).expanduser().resolve()
    return PACKAGE_DATA / "rules"


def corpus_files(directory: Path | None = None) -> list[Path]:
    """Every input file of a corpus directory (sorted by name), excluding
    ``manifest.yaml`` and hidden files. Defaults to :func:`corpus_dir`."""
    directory = directory or corpus_dir()
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")
    )


def manifest_path(directory: Path | None = None) -> Path:
    """The manifest file (``manifest.yaml``) of a corpus directory."""
    return (directory or corpus_dir()) / MANIFEST_NAME


_UNKNOWN = {"", "unknown", "未知", "none", "null", "n/a"}


def _clean(value):
    """Manifest value → ``None`` for ``unknown``/empty, ``date`` kept, else str."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text.lower() in _UNKNOWN:
        return None
    return text


def load_manifest(path: Path | None = None) -> dict[str, dict]:
    """Read a corpus manifest: ``{file name: {title, issuer, level, region,
    issued, kind, notes}}``.

    Accepts a mapping keyed by file name (optionally under a top-level
    ``files:`` key) or a list of entries each with a ``file`` key. Values
    ``unknown`` (or empty) become ``None``; ``issued`` becomes a
    ``datetime.date`` when it is a full ISO date, else ``None``. A missing or
    unreadable manifest gives ``{}`` (the manifest is only a fallback).
    """
    import yaml

    path = path or manifest_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if isinstance(raw, dict) and "files" in raw and isinstance(raw["files"], (dict, list)):
        raw = raw["files"]
    entries: dict[str, dict] = {}
    if isinstance(raw, dict):
        items = [(str(k), v) for k, v in raw.items()]
    elif isinstance(raw, list):
        items = [(str(e.get("file") or e.get("name") or ""), e) for e in raw if isinstance(e, dict)]
    else:
        return {}
    for name, entry in items:
        if not name or not isinstance(entry, dict):
            continue
        clean = {str(k): _clean(v) for k, v in entry.items()}
        issued = clean.get("issued")
        if isinstance(issued, str):
            try:
                clean["issued"] = date.fromisoformat(issued)
            except ValueError:
                clean["issued"] = None
        entries[name] = clean
    return entries


# ---------------------------------------------------------------- e-mail (精准推送)
@dataclass(frozen=True)
class SmtpSettings:
    """SMTP server for push e-mail, from the environment (no secrets in the
    repository): ``HUIQI_SMTP_HOST`` (unset = e-mail not configured),
    ``HUIQI_SMTP_PORT`` (25), ``HUIQI_SMTP_USER`` / ``HUIQI_SMTP_PASSWORD``
    (login when set), ``HUIQI_SMTP_FROM`` (sender address),
    ``HUIQI_SMTP_SECURITY`` (``none``, ``starttls`` or ``ssl``),
    ``HUIQI_SMTP_TIMEOUT`` (seconds, 20)."""

    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "huiqi@localhost"
    security: str = "none"
    timeout: float = 20.0


def smtp_settings() -> SmtpSettings:
    """The :class:`SmtpSettings` of the environment. Raises ``ValueError``
    (Chinese) for a non-numeric port or timeout or an unknown security mode."""
    env = os.environ
    try:
        port = int(env.get("HUIQI_SMTP_PORT") or 25)
        timeout = float(env.get("HUIQI_SMTP_TIMEOUT") or 20)
    except ValueError:
        raise ValueError("HUIQI_SMTP_PORT / HUIQI_SMTP_TIMEOUT 应为数字") from None
    security = (env.get("HUIQI_SMTP_SECURITY") or "none").lower()
    if security not in ("none", "starttls", "ssl"):
        raise ValueError(f"HUIQI_SMTP_SECURITY 应为 none、starttls 或 ssl，收到 {security!r}")
    return SmtpSettings(host=env.get("HUIQI_SMTP_HOST") or None, port=port, user=env.get("HUIQI_SMTP_USER") or None,
                        password=env.get("HUIQI_SMTP_PASSWORD") or None,
                        sender=env.get("HUIQI_SMTP_FROM") or "huiqi@localhost", security=security, timeout=timeout)
