"""Enterprise register (企业名录) → validated profiles for batch screening.

An officer's register is a table with one firm per row: a ``.csv`` (UTF-8,
UTF-8 with BOM, or GB18030/GBK as Excel writes it on a Chinese system), an
``.xlsx`` workbook, or a ``.json`` / ``.yaml`` list of profile mappings
(issue 4's profile contract). :func:`read_register` reads it and validates
every row with :func:`huiqi.firm.profile.load_profile`; a bad row is
reported (:class:`RowError`: row number, column, problem in Chinese) and
skipped, the other rows are kept.

Columns
-------
Header names are the profile keys (``region``, ``employees`` …), their
Chinese names (:data:`huiqi.firm.profile.CHINESE_KEYS`: 企业名称, 注册地,
行业, 从业人员, 营业收入 …) or the usual register spellings in
:data:`HEADER_ALIASES` (所属行业, 从业人数, 注册地址 …). A unit in the header
scales plain numbers: ``营业收入（万元）`` with ``3200`` is 32,000,000 yuan
(元), ``亿元`` likewise; a cell that carries its own unit (``3200万元``) is
read as written. ``qualifications`` (资质) is text separated by 、 , ; or /.
One project per row may be given by ``项目类型``, ``项目投资`` …
(:data:`PROJECT_HEADERS`) or ``project.<field>``; free facts by
``facts.<中文名>`` (or ``事实.<中文名>``). 统一社会信用代码 is kept as the
firm's identifier; 序号 columns are ignored; any other column is warned about
and ignored.

Workbooks: the first sheet whose header holds a 注册地 column is read (other
sheets are named in a warning). The header is the row among the first
:data:`HEADER_SCAN_ROWS` with the most recognised names, so a merged title
row above it (``2025年企业名录``) is skipped, and a two-level header whose
names are merged down over two rows is read from both rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from huiqi.firm.profile import (
    CHINESE_KEYS,
    EnterpriseProfile,
    ProfileError,
    Project,
    load_profile,
)
from huiqi.extract.numbers import to_halfwidth

#: Register-specific spellings of column headers → profile key (the
#: contract's Chinese names are in :data:`huiqi.firm.profile.CHINESE_KEYS`).
HEADER_ALIASES: dict[str, str] = {
    "名称": "name", "企业名": "name", "单位名称": "name", "市场主体名称": "name", "纳税人名称": "name",
    "注册地址": "region", "所在地": "region", "所在地区": "region", "注册地区": "region", "所属地区": "region",
    "所属旗县区": "region", "行政区划": "region", "行政区划代码": "region", "区划代码": "region",
    "所属行业": "industry", "行业代码": "industry", "国民经济行业": "industry", "国民经济行业分类": "industry",
    "行业类别": "industry",
    "从业人数": "employees", "从业人员数": "employees", "职工人数": "employees", "员工人数": "employees",
    "在职职工人数": "employees", "员工数": "employees",
    "上年度营业收入": "revenue", "年营业收入": "revenue", "营业收入总额": "revenue",
    "总资产": "total_assets", "资产总计": "total_assets",
    "上年度应纳税所得额": "taxable_income", "年应纳税所得额": "taxable_income",
    "研发投入": "rd_expense", "上年度研发费用": "rd_expense",
    "成立时间": "established", "注册日期": "established", "设立日期": "established",
    "企业类型": "entity_type", "市场主体类型": "entity_type",
    "经济类型": "ownership", "所有制类型": "ownership",
    "纳税人资格": "taxpayer_type", "信用等级": "tax_credit_grade",
    "资质与认定": "qualifications", "企业资质": "qualifications", "资质认定": "qualifications",
    "认定资质": "qualifications",
    "上市": "listed", "是否上市公司": "listed",
}

#: Project columns (one project per row) → :class:`~huiqi.firm.profile.Project` field.
PROJECT_HEADERS: dict[str, str] = {
    "项目名称": "name", "项目类型": "kind", "项目类别": "kind", "项目投资": "investment",
    "项目投资额": "investment", "项目总投资": "investment", "设备投资": "equipment_investment",
    "设备投资额": "equipment_investment", "项目状态": "status", "建成投产日期": "completed",
    "竣工日期": "completed", "节能量": "energy_saving_tce", "年节能量": "energy_saving_tce",
    "节水量": "water_saving_t", "年节水量": "water_saving_t", "种植面积": "area_mu", "面积": "area_mu",
    "存栏": "head_count", "存栏量": "head_count", "养殖规模": "head_count",
}

#: Identifier columns kept with the firm (not part of the profile).
ID_HEADERS = {"统一社会信用代码": "credit_code", "社会信用代码": "credit_code", "信用代码": "credit_code",
              "credit_code": "credit_code"}
#: Columns ignored without a warning (row counters).
IGNORED_HEADERS = {"序号", "编号", "no", "no.", "#"}
#: Money profile keys (yuan) — a unit in their header scales plain numbers.
MONEY_KEYS = {"revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense",
              "project.investment", "project.equipment_investment"}
_UNIT_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "万": 1e4, "亿": 1e8}
#: Rows scanned for the header row.
HEADER_SCAN_ROWS = 10
#: Largest register read (bytes).
MAX_BYTES = 200 * 1024 * 1024

_PROFILE_FIELDS = set(EnterpriseProfile.model_fields)
_PROJECT_FIELDS = set(Project.model_fields)
_UNIT_RE = re.compile(r"^(.*?)[(（\[［]\s*([^()（）\[\]［］]*)\s*[)）\]］]$")
_QUAL_SPLIT_RE = re.compile(r"[、,，;；/／\n]")


class RegisterError(ValueError):
    """A register file that cannot be read at all (missing, empty, not a
    table, unsupported type, no 注册地 column). ``str(exc)`` is one Chinese
    line starting with the file name."""


@dataclass
class Column:
    """How one header maps: ``header`` as written (merged header rows joined
    by ``/``), ``key`` — a profile key, ``project.<field>``,
    ``facts.<name>``, ``credit_code``, or ``None`` (ignored) — and
    ``scale`` (yuan per unit of a plain number: 1e4 for ``（万元）``)."""

    header: str
    key: str | None
    scale: float = 1.0


@dataclass
class RowError:
    """A problem with one row (行): ``row`` — the row number as the officer
    sees it (Excel / CSV line number, or the 1-based position in a JSON/YAML
    list), ``column`` — the header as written (empty when the problem is not
    tied to one column), ``message`` — the problem in Chinese. ``skipped``:
    the row was left out (an error) or only warned about (kept). ``unit``:
    ``行`` for tables, ``个企业`` for JSON/YAML lists."""

    row: int
    column: str
    message: str
    skipped: bool = True
    unit: str = "行"

    def line(self) -> str:
        """``第5行（从业人员）：应为整数人数，收到 "3200万"``."""
        where = f"（{self.column}）" if self.column else ""
        return f"第{self.row}{self.unit}{where}：{self.message}"


@dataclass
class RegisterRow:
    """A valid row: ``row`` number, the validated ``profile``
    (:class:`~huiqi.firm.profile.EnterpriseProfile`, money in yuan) and
    ``credit_code`` (统一社会信用代码, when the register has it)."""

    row: int
    profile: EnterpriseProfile
    credit_code: str | None = None


@dataclass
class Register:
    """A register read by :func:`read_register`.

    ``path``; ``kind`` (``csv`` / ``xlsx`` / ``json`` / ``yaml``);
    ``encoding`` (CSV only); ``sheet`` and ``header_row`` (1-based; tables
    only); ``columns`` (:class:`Column` per header); ``rows`` the valid
    rows; ``problems`` :class:`RowError` for skipped rows (``skipped``) and
    row warnings (unknown qualification or industry names: kept);
    ``warnings`` file-level Chinese lines (unknown columns, unread sheets);
    ``n_read`` non-blank data rows read.
    """

    path: Path
    kind: str
    columns: list[Column] = field(default_factory=list)
    rows: list[RegisterRow] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    n_read: int = 0

    @property
    def errors(self) -> list[RowError]:
        """Problems that made a row be skipped."""
        return [p for p in self.problems if p.skipped]


# --------------------------------------------------------------------------
# headers


def _clean_header(value: Any) -> str:
    s = to_halfwidth(str(value if value is not None else "")).strip()
    s = re.sub(r"\s+", "", s).strip("*＊:：")
    return s


def map_header(header: Any) -> Column:
    """Map one header cell to a :class:`Column` (see the module docstring).
    Never raises; ``key`` is ``None`` for an unknown or ignored header."""
    raw = _clean_header(header)
    name, scale = raw, 1.0
    m = _UNIT_RE.match(raw)
    if m and m.group(1):
        name, unit = m.group(1), m.group(2)
        scale = _UNIT_SCALE.get(unit, 1.0)
    low = name.lower()
    for prefix in ("facts.", "事实.", "其他."):
        if low.startswith(prefix) and len(name) > len(prefix):
            return Column(str(header).strip(), "facts." + name[len(prefix):], 1.0)
    if low.startswith("project.") and low[8:] in _PROJECT_FIELDS:
        key = "project." + low[8:]
    elif name in PROJECT_HEADERS:
        key = "project." + PROJECT_HEADERS[name]
    elif name in ID_HEADERS or low in ID_HEADERS:
        key = "credit_code"
    elif low in _PROFILE_FIELDS and low not in ("projects", "facts"):
        key = low
    elif name in CHINESE_KEYS and CHINESE_KEYS[name] not in ("projects", "facts"):
        key = CHINESE_KEYS[name]
    elif name in HEADER_ALIASES:
        key = HEADER_ALIASES[name]
    else:
        key = None
    if key not in MONEY_KEYS:
        scale = 1.0
    return Column(str(header).strip(), key, scale)


def _header_score(cells: list[Any]) -> int:
    return sum(1 for c in cells if c not in (None, "") and map_header(c).key is not None)


def _find_header(rows: list[list[Any]]) -> tuple[int, list[Any]] | None:
    """(0-based index of the header row, header names) among the first
    rows: the row with most recognised names, each blank cell filled from
    the row above (names merged down over two rows). ``None`` when no row
    names a 注册地 column."""
    best: tuple[int, int, list[Any]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        above = rows[i - 1] if i > 0 else []
        names = [c if c not in (None, "") else (above[j] if j < len(above) else None) for j, c in enumerate(row)]
        if not any(c not in (None, "") for c in row):
            continue
        keys = [map_header(c).key for c in names if c not in (None, "")]
        if "region" not in keys:
            continue
        score = _header_score(names)
        if best is None or score > best[0]:
            best = (score, i, names)
    return (best[1], best[2]) if best else None


# --------------------------------------------------------------------------
# reading files


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise RegisterError(f"{path.name}: 文件不存在")
    if not path.is_file():
        raise RegisterError(f"{path.name}: 不是文件")
    if path.stat().st_size > MAX_BYTES:
        raise RegisterError(f"{path.name}: 文件过大（超过 {MAX_BYTES // 1024 // 1024} MB）")
    data = path.read_bytes()
    if not data.strip():
        raise RegisterError(f"{path.name}: 文件为空（没有企业记录）")
    return data


def _csv_rows(path: Path, data: bytes) -> tuple[list[list[Any]], str]:
    from huiqi.readers.base import SourceError
    from huiqi.readers.encoding import decode_bytes

    try:
        text, encoding = decode_bytes(data, path.name)
    except SourceError as exc:
        raise RegisterError(str(exc)) from None
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)]
    except csv.Error as exc:
        raise RegisterError(f"{path.name}: CSV 格式错误（{exc}）") from None
    return rows, encoding


def _xlsx_sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise RegisterError(f"{path.name}: 读取 .xlsx 需要 openpyxl（pip install openpyxl），或另存为 .csv") from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegisterError(f"{path.name}: 不是有效的 .xlsx 文件（{type(exc).__name__}）") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and others
        raise RegisterError(f"{path.name}: 无法读取 .xlsx 文件（{type(exc).__name__}）") from None
    try:
        return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


class _Loader(yaml.SafeLoader):
    """Safe YAML loader leaving dates as text (so 2024-02-30 reaches the
    profile's own date check)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _document_items(path: Path, data: bytes, suffix: str) -> list[Any]:
    name = path.name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterError(f"{name}: 文件不是 UTF-8 编码") from None
    try:
        doc = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as e:
        raise RegisterError(f"{name}: JSON 格式错误（第{e.lineno}行第{e.colno}列）：{e.msg}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        raise RegisterError(f"{name}: YAML 格式错误{where}：{getattr(e, 'problem', None) or e}") from None
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            doc = lists[0]
        elif "region" in doc or "注册地" in doc:
            doc = [doc]
    if not isinstance(doc, list):
        raise RegisterError(f"{name}: 顶层应为企业画像列表（每项一个企业），收到 {type(doc).__name__}")
    if not doc:
        raise RegisterError(f"{name}: 文件为空（没有企业记录）")
    return doc


# --------------------------------------------------------------------------
# rows → profiles


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _plain_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        s = to_halfwidth(v.strip()).replace(",", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", s):
            return float(s)
    return None


def _cell_value(col: Column, v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
    if isinstance(v, datetime) and v.time() == datetime.min.time():
        v = v.date()
    if col.scale != 1.0:
        n = _plain_number(v)
        if n is not None:
            return n * col.scale
    if col.key == "qualifications" and isinstance(v, str):
        return [p.strip() for p in _QUAL_SPLIT_RE.split(v) if p.strip()]
    return v


def _record(cells: dict[str, Any], columns: list[Column]) -> tuple[dict, str | None]:
    """Row cells (header → value) → (profile mapping, credit code)."""
    data: dict[str, Any] = {}
    project: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    code = None
    for col in columns:
        v = cells.get(col.header)
        if col.key is None or _is_blank(v):
            continue
        v = _cell_value(col, v)
        if col.key == "credit_code":
            code = str(v)
        elif col.key.startswith("project."):
            project[col.key[8:]] = v
        elif col.key.startswith("facts."):
            facts[col.key[6:]] = v
        elif col.key not in data:
            data[col.key] = v
    if project:
        data["projects"] = [project]
    if facts:
        data["facts"] = facts
    return data, code


def _column_of(key: str, columns: list[Column]) -> str:
    """Header of the column holding profile key ``key`` (as in a
    :class:`~huiqi.firm.profile.ProfileError` line: ``employees``,
    ``projects[0].investment``)."""
    m = re.match(r"projects\[\d+\]\.(\w+)", key)
    want = f"project.{m.group(1)}" if m else key.split("[")[0].split(".")[0]
    for c in columns:
        if c.key == want:
            return c.header
    return key


def _split_message(line: str) -> tuple[str, str]:
    """``"employees: 应为…"`` → (``employees``, ``应为…``)."""
    m = re.match(r"^([A-Za-z_][\w.\[\]]*|facts\.[^:]+): (.*)$", line)
    return (m.group(1), m.group(2)) if m else ("", line)


def validate_row(row: int, data: dict, columns: list[Column]) -> tuple[EnterpriseProfile | None, list[RowError]]:
    """Validate one row's profile mapping: :func:`load_profile`, then the
    注册地 must be a recognised place (:func:`huiqi.calc.scope.resolve_firm_region`).
    Returns (profile or ``None``, problems: errors that skip the row, or
    warnings about values kept as written)."""
    from huiqi.calc.scope import UnknownFirmRegion, resolve_firm_region

    try:
        profile, warnings = load_profile(data)
    except ProfileError as exc:
        out = []
        for line in exc.errors:
            key, msg = _split_message(line)
            out.append(RowError(row, _column_of(key, columns) if key else "", msg))
        return None, out
    try:
        resolve_firm_region(profile.region)
    except UnknownFirmRegion as exc:
        key, msg = _split_message(str(exc))
        return None, [RowError(row, _column_of(key or "region", columns), msg)]
    problems = []
    for w in warnings:
        key, msg = _split_message(w)
        problems.append(RowError(row, _column_of(key, columns) if key else "", msg, skipped=False))
    return profile, problems


def _validate(reg: Register, records: Iterable[tuple[int, dict, str | None]], total: int,
              progress: Callable[[int, int], None] | None) -> None:
    unit = "行" if reg.kind in ("csv", "xlsx") else "个企业"
    for done, (row, data, code) in enumerate(records, 1):
        reg.n_read += 1
        profile, problems = validate_row(row, data, reg.columns)
        for p in problems:
            p.unit = unit
        reg.problems.extend(problems)
        if profile is not None:
            reg.rows.append(RegisterRow(row, profile, code))
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)


def _table_register(reg: Register, rows: list[list[Any]], progress) -> None:
    found = _find_header(rows)
    if found is None:
        raise RegisterError(f"{reg.path.name}: 未找到表头中的注册地列（应有“注册地”或 region 列；"
                            f"前 {HEADER_SCAN_ROWS} 行中没有可识别的表头）")
    index, names = found
    reg.header_row = index + 1
    seen: dict[str, str] = {}
    headers: list[str] = []
    for j, h in enumerate(names):
        if _is_blank(h):
            headers.append("")
            continue
        col = map_header(h)
        header = col.header
        if header in headers:  # the same header twice: keep the first column
            reg.warnings.append(f"列“{header}”重复，只读取第一列")
            headers.append("")
            continue
        headers.append(header)
        if col.key is None:
            if _clean_header(h).lower() not in IGNORED_HEADERS:
                reg.warnings.append(f"未知列“{header}”，已忽略")
            continue
        if col.key in seen and col.key != "credit_code":
            reg.warnings.append(f"列“{header}”与“{seen[col.key]}”含义相同，只读取“{seen[col.key]}”")
            continue
        seen[col.key] = header
        reg.columns.append(col)
    data_rows = rows[index + 1:]

    def records():
        for i, r in enumerate(data_rows):
            if all(_is_blank(v) for v in r):
                continue
            cells = {h: r[j] for j, h in enumerate(headers) if h and j < len(r)}
            data, code = _record(cells, reg.columns)
            yield index + i + 2, data, code

    total = sum(1 for r in data_rows if not all(_is_blank(v) for v in r))
    if total == 0:
        raise RegisterError(f"{reg.path.name}: 只有表头，没有企业记录")
    _validate(reg, records(), total, progress)


def _list_register(reg: Register, items: list[Any], progress) -> None:
    unknown: dict[str, list[int]] = {}
    cols: dict[str, Column] = {}
    recs = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            reg.problems.append(RowError(i, "", f"应为键值映射（如 region: 伊金霍洛旗），收到 {type(item).__name__}",
                                         unit="个企业"))
            continue
        item_cols: list[Column] = []
        nested: dict[str, Any] = {}
        for k, v in item.items():
            key = CHINESE_KEYS.get(str(k).strip(), str(k).strip())
            if key in ("projects", "facts"):
                nested[key] = v
                continue
            col = map_header(k)
            if col.key is None:
                if _clean_header(k).lower() not in IGNORED_HEADERS:
                    unknown.setdefault(str(k), []).append(i)
                continue
            item_cols.append(col)
            cols.setdefault(col.key, col)
        rec, code = _record({str(k).strip(): v for k, v in item.items()}, item_cols)
        if isinstance(nested.get("projects"), list) and "projects" in rec:
            rec["projects"] = nested.pop("projects") + rec["projects"]
        if isinstance(nested.get("facts"), dict) and "facts" in rec:
            rec["facts"] = {**nested.pop("facts"), **rec["facts"]}
        rec.update({k: v for k, v in nested.items() if k not in rec})
        recs.append((i, rec, code))
    reg.columns = list(cols.values())
    for k, rows in unknown.items():
        shown = "、".join(map(str, rows[:5])) + ("…" if len(rows) > 5 else "")
        reg.warnings.append(f"未知字段“{k}”（第{shown}个），已忽略")
    _validate(reg, recs, len(recs), progress)
    reg.problems.sort(key=lambda p: p.row)


def read_register(path: str | Path, progress: Callable[[int, int], None] | None = None) -> Register:
    """Read and validate an enterprise register (see the module docstring).

    ``progress(done, total)`` is called every 500 rows while validating.
    Returns a :class:`Register` (valid rows, row problems, file warnings).
    Raises :class:`RegisterError` (one Chinese line naming the file) for a
    missing, empty, oversized, undecodable or malformed file, an unsupported
    type (.xls), a table without a recognisable 注册地 column, or a header
    without data rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RegisterError(f"{path.name}: 不支持旧版 .xls，请在 Excel 中另存为 .xlsx 或 .csv")
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".json", ".yaml", ".yml"):
        raise RegisterError(f"{path.name}: 不支持的文件类型（应为 .csv、.xlsx、.json 或 .yaml）")
    data = _read_bytes(path)
    if suffix in (".xlsx", ".xlsm"):
        reg = Register(path, "xlsx")
        sheets = _xlsx_sheets(path)
        chosen = next(((n, rows) for n, rows in sheets if _find_header(rows) is not None), None)
        if chosen is None:
            if all(not any(not _is_blank(v) for r in rows for v in r) for _, rows in sheets):
                raise RegisterError(f"{path.name}: 工作簿为空（没有企业记录）")
            raise RegisterError(f"{path.name}: 所有工作表的前 {HEADER_SCAN_ROWS} 行中都没有含注册地列的表头"
                                f"（应有“注册地”或 region 列）")
        reg.sheet = chosen[0]
        others = [n for n, rows in sheets if n != chosen[0] and any(not _is_blank(v) for r in rows for v in r)]
        if others:
            reg.warnings.append(f"只读取工作表“{chosen[0]}”，未读取：{'、'.join(others)}")
        _table_register(reg, chosen[1], progress)
        return reg
    if suffix in (".json", ".yaml", ".yml"):
        reg = Register(path, "json" if suffix == ".json" else "yaml")
        _list_register(reg, _document_items(path, data, suffix), progress)
        return reg
    reg = Register(path, "csv")
    rows, reg.encoding = _csv_rows(path, data)
    if not any(any(not _is_blank(v) for v in r) for r in rows):
        raise RegisterError(f"{path.name}: 文件为空（没有企业记录）")
    _table_register(reg, rows, progress)
    return reg


def profile_to_record(profile: EnterpriseProfile) -> dict[str, Any]:
    """The register columns (Chinese headers) of a profile, for writing
    example registers: money in 万元 under ``营业收入（万元）`` style headers,
    qualifications joined by 、. Only known facts are included."""
    out: dict[str, Any] = {}
    names = {v: k for k, v in CHINESE_KEYS.items()}
    for key in ("name", "region", "entity_type", "ownership", "industry", "established", "employees",
                "revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense", "taxpayer_type",
                "tax_credit_grade", "qualifications", "unemployment_insurance_months", "layoff_rate", "listed"):
        v = getattr(profile, key)
        if v is None or v == []:
            continue
        if key in MONEY_KEYS:
            out[f"{names[key]}（万元）"] = round(v / 1e4, 4)
        elif key == "qualifications":
            out[names[key]] = "、".join(v)
        elif isinstance(v, date):
            out[names[key]] = v.isoformat()
        elif isinstance(v, bool):
            out[names[key]] = "是" if v else "否"
        else:
            out[names[key]] = v
    return out
