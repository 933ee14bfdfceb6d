"""Enterprise profile (企业画像) for the policy calculator.

The profile contract (issue 4): a JSON, YAML or TOML mapping; only ``region``
is required; money in yuan (元, a number) or a Chinese amount string
(``3200万元``, ``1.2亿元``, ``5,000万``, ``两千万元``); dates ISO
(``2021-03-15``; ``2021年3月15日`` and ``2021/3/15`` are also read). A
missing fact is ``None`` — unknown, never defaulted to 0 or False.

:func:`load_profile` reads a file or a dict and returns the profile and a list
of warnings (unknown keys — ignored —, unknown qualification names, unusual
enumerated values). Bad values raise :class:`ProfileError` whose message
names the key and the problem in Chinese, one line per problem, e.g.
``employees: 应为整数人数，收到 "3200万"``.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from huiqi.extract.numbers import parse_money, parse_number, to_halfwidth

# --------------------------------------------------------------------------
# vocabularies


#: Canonical qualification names (资质与认定) the calculator knows.
KNOWN_QUALIFICATIONS: tuple[str, ...] = (
    "高新技术企业",
    "科技型中小企业",
    "创新型中小企业",
    "专精特新中小企业",
    "专精特新“小巨人”企业",
    "制造业单项冠军企业",
    "小型微利企业",
    "规模以上工业企业",
    "技术先进型服务企业",
    "国家级农业产业化重点龙头企业",
    "自治区级农业产业化重点龙头企业",
    "盟市级农业产业化重点龙头企业",
    "国家级企业技术中心",
    "自治区级企业技术中心",
)

#: Informal qualification names (简称) → canonical name. Keys are compared
#: after quote marks are removed.
QUALIFICATION_ALIASES: dict[str, str] = {
    "高企": "高新技术企业",
    "高新企业": "高新技术企业",
    "国家高新技术企业": "高新技术企业",
    "国高企": "高新技术企业",
    "小巨人": "专精特新“小巨人”企业",
    "小巨人企业": "专精特新“小巨人”企业",
    "专精特新小巨人": "专精特新“小巨人”企业",
    "专精特新小巨人企业": "专精特新“小巨人”企业",
    "国家级专精特新小巨人企业": "专精特新“小巨人”企业",
    "专精特新": "专精特新中小企业",
    "专精特新企业": "专精特新中小企业",
    "科小": "科技型中小企业",
    "科技型中小": "科技型中小企业",
    "创新型企业": "创新型中小企业",
    "单项冠军": "制造业单项冠军企业",
    "单项冠军企业": "制造业单项冠军企业",
    "规上企业": "规模以上工业企业",
    "规上工业企业": "规模以上工业企业",
    "技术先进型": "技术先进型服务企业",
    "国家级龙头企业": "国家级农业产业化重点龙头企业",
    "自治区级龙头企业": "自治区级农业产业化重点龙头企业",
    "区级龙头企业": "自治区级农业产业化重点龙头企业",
    "盟市级龙头企业": "盟市级农业产业化重点龙头企业",
}

ENTITY_TYPES = ("企业", "个体工商户", "农民专业合作社", "家庭农牧场", "社会组织")
ENTITY_TYPE_ALIASES = {"公司": "企业", "个体户": "个体工商户", "合作社": "农民专业合作社",
                       "家庭农场": "家庭农牧场", "家庭牧场": "家庭农牧场"}
OWNERSHIPS = ("民营", "国有", "外资", "混合所有制")
OWNERSHIP_ALIASES = {"民营企业": "民营", "私营": "民营", "国企": "国有", "国有企业": "国有",
                     "外资企业": "外资", "外商投资": "外资", "混合所有制企业": "混合所有制"}
TAXPAYER_TYPES = ("小规模纳税人", "一般纳税人")
TAXPAYER_ALIASES = {"小规模": "小规模纳税人", "一般": "一般纳税人"}
TAX_CREDIT_GRADES = ("A", "B", "M", "C", "D")

#: Chinese key names (the profile table's meanings) accepted for keys.
CHINESE_KEYS: dict[str, str] = {
    "企业名称": "name", "注册地": "region", "主体类型": "entity_type", "所有制": "ownership",
    "行业": "industry", "成立日期": "established", "从业人员": "employees",
    "营业收入": "revenue", "资产总额": "total_assets", "应纳税所得额": "taxable_income",
    "月销售额": "monthly_sales", "研发费用": "rd_expense", "纳税人类型": "taxpayer_type",
    "纳税信用等级": "tax_credit_grade", "资质": "qualifications",
    "失业保险缴费月数": "unemployment_insurance_months", "裁员率": "layoff_rate",
    "是否上市": "listed", "项目": "projects", "其他": "facts",
}

# --------------------------------------------------------------------------
# value coercion (each raises ValueError with a Chinese message, no key)


def _show(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else f'"{v}"'


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def parse_money_value(v: Any) -> float | None:
    """A money value (金额) → yuan (元) as float, ``None`` when blank.

    Numbers are yuan; strings may be ``3200万元``, ``1.2亿元``, ``5,000万``,
    ``两千万元``, ``3000``. Raises ``ValueError`` (Chinese message) for
    negative amounts, booleans, percentages and unreadable text.
    """
    if _blank(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"应为金额（元，或“3200万元”这样的写法），收到 {_show(v)}")
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str):
        s = to_halfwidth(v.strip()).replace(" ", "")
        if s.startswith(("-", "负")):
            raise ValueError(f"金额不能为负数，收到 {_show(v)}")
        x = None
        if "%" not in s and "百分之" not in s and re.search(r"[\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]", s):
            x = parse_number(s) if not s.endswith("元") else None
            if x is None:
                x = parse_money(s if s.endswith("元") else s + "元")
        if x is None:
            raise ValueError(f"应为金额（元，或“3200万元”这样的写法），收到 {_show(v)}")
    else:
        raise ValueError(f"应为金额（元，或“3200万元”这样的写法），收到 {_show(v)}")
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"应为有限的金额，收到 {_show(v)}")
    if x < 0:
        raise ValueError(f"金额不能为负数，收到 {_show(v)}")
    return x


_COUNT_RE = re.compile(r"^(\d+)(?:人|名|个|个月|月|头|只|匹|口)?$")


def _count(what: str):
    def coerce(v: Any) -> int | None:
        if _blank(v):
            return None
        if isinstance(v, bool):
            raise ValueError(f"应为{what}，收到 {_show(v)}")
        if isinstance(v, int):
            n = v
        elif isinstance(v, float) and v.is_integer():
            n = int(v)
        elif isinstance(v, str):
            s = to_halfwidth(v.strip()).replace(",", "")
            if s.startswith(("-", "负")):
                raise ValueError(f"不能为负数，收到 {_show(v)}")
            m = _COUNT_RE.match(s)
            if not m:
                raise ValueError(f"应为{what}，收到 {_show(v)}")
            n = int(m.group(1))
        else:
            raise ValueError(f"应为{what}，收到 {_show(v)}")
        if n < 0:
            raise ValueError(f"不能为负数，收到 {_show(v)}")
        return n

    return coerce


_QTY_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*[^\d]*$")


def _quantity(what: str):
    def coerce(v: Any) -> float | None:
        if _blank(v):
            return None
        if isinstance(v, bool):
            raise ValueError(f"应为{what}，收到 {_show(v)}")
        if isinstance(v, (int, float)):
            x = float(v)
        elif isinstance(v, str):
            s = to_halfwidth(v.strip()).replace(",", "")
            if s.startswith(("-", "负")):
                raise ValueError(f"不能为负数，收到 {_show(v)}")
            m = _QTY_RE.match(s)
            if not m:
                raise ValueError(f"应为{what}，收到 {_show(v)}")
            x = float(m.group(1))
        else:
            raise ValueError(f"应为{what}，收到 {_show(v)}")
        if math.isnan(x) or math.isinf(x) or x < 0:
            raise ValueError(f"不能为负数，收到 {_show(v)}")
        return x

    return coerce


_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date_value(v: Any) -> date | None:
    """A date (日期) → ``datetime.date``, ``None`` when blank.

    Accepts ``date``/``datetime`` objects and ``YYYY-MM-DD``, ``YYYY/M/D``,
    ``YYYY.M.D``, ``YYYY年M月D日`` strings. Raises ``ValueError`` for an
    impossible date (``2024-02-30``: 日期不存在) or another shape.
    """
    if _blank(v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        s = to_halfwidth(v.strip())
        for rx in _DATE_RES:
            m = rx.match(s)
            if m:
                try:
                    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    raise ValueError(f"日期不存在，收到 {_show(v)}") from None
    raise ValueError(f"应为日期（YYYY-MM-DD），收到 {_show(v)}")


def _rate(v: Any) -> float | None:
    if _blank(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"应为 0 到 1 之间的比例（3% 写作 0.03 或 \"3%\"），收到 {_show(v)}")
    x: float | None = None
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str):
        s = to_halfwidth(v.strip())
        p = parse_number(s)
        if p is not None:
            x = p / 100 if ("%" in s or "百分之" in s) else p
    if x is None:
        raise ValueError(f"应为 0 到 1 之间的比例（3% 写作 0.03 或 \"3%\"），收到 {_show(v)}")
    if not 0 <= x <= 1:
        raise ValueError(f"应在 0 到 1 之间（3% 写作 0.03 或 \"3%\"），收到 {_show(v)}")
    return x


_TRUE = {"true", "yes", "y", "1", "是", "已上市", "上市"}
_FALSE = {"false", "no", "n", "0", "否", "未上市"}


def _bool(v: Any) -> bool | None:
    if _blank(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        s = v.strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise ValueError(f"应为是/否（true/false），收到 {_show(v)}")


def _text(v: Any) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise ValueError(f"应为文字，收到 {_show(v)}")
    return str(v).strip()


def _aliased(aliases: dict[str, str]):
    def coerce(v: Any) -> str | None:
        s = _text(v)
        return aliases.get(s, s) if s is not None else None

    return coerce


def _grade(v: Any) -> str | None:
    s = _text(v)
    if s is None:
        return None
    g = to_halfwidth(s).upper().removesuffix("级")
    if g not in TAX_CREDIT_GRADES:
        raise ValueError(f"应为纳税信用等级 A/B/M/C/D 之一，收到 {_show(v)}")
    return g


def _region(v: Any) -> str:
    s = _text(v)
    if s is None:
        raise ValueError("注册地不能为空")
    return s


_QUOTES_RE = re.compile(r"[\"'“”‘’「」『』]")


#: known names without quotes → the canonical name (one dict look-up per item)
_KNOWN_BY_BARE = {}
for _canon in KNOWN_QUALIFICATIONS:
    _KNOWN_BY_BARE.setdefault(_QUOTES_RE.sub("", _canon), _canon)


def normalise_qualification(name: str) -> str:
    """Canonical qualification name (资质名称): ``高企`` → ``高新技术企业``,
    ``小巨人`` / ``专精特新"小巨人"企业`` → ``专精特新“小巨人”企业``,
    ``专精特新`` → ``专精特新中小企业``, ``科小`` → ``科技型中小企业``.
    Unknown names are returned stripped, unchanged otherwise."""
    s = name.strip()
    bare = _QUOTES_RE.sub("", s)
    m = _LEADING_FIRM_RE.fullmatch(bare)
    if m:  # 自治区级农牧业产业化重点龙头企业 (Inner Mongolia's name) = 自治区级农业产业化重点龙头企业
        level = {"区级": "自治区级", "市级": "盟市级"}.get(m.group(1), m.group(1))
        bare = f"{level}农业产业化重点龙头企业"
    canon = _KNOWN_BY_BARE.get(bare)
    return canon if canon is not None else QUALIFICATION_ALIASES.get(bare, s)


#: A 龙头企业 title with its level, in the national (农业产业化) or the
#: Inner Mongolia (农牧业产业化) wording, with or without 重点.
_LEADING_FIRM_RE = re.compile(r"(国家级|自治区级|区级|盟市级|市级)(?:农业|农牧业)?产业化(?:重点)?龙头企业")


def _qualifications(v: Any) -> list[str]:
    if _blank(v):
        return []
    if isinstance(v, str):
        items: list[Any] = [p for p in re.split(r"[、,，;；\n]", v) if p.strip()]
    elif isinstance(v, (list, tuple)):
        items = list(v)
    else:
        raise ValueError(f"应为资质名称列表，收到 {_show(v)}")
    out: dict[str, None] = {}  # ordered set: linear de-duplication
    for it in items:
        if not isinstance(it, str) or not it.strip():
            raise ValueError(f"资质名称应为文字，收到 {_show(it)}")
        out.setdefault(normalise_qualification(it))
    return list(out)


#: What the founder or operator of the firm is (创办人/经营者身份), the
#: groups start-up and employment rules turn on.
OWNER_GROUPS: tuple[str, ...] = ("退役军人", "自主就业退役士兵", "高校毕业生", "登记失业人员", "脱贫人口",
                                 "返乡创业人员", "残疾人", "就业困难人员")
#: Informal names of :data:`OWNER_GROUPS` → canonical name.
OWNER_GROUP_ALIASES: dict[str, str] = {
    "退伍军人": "退役军人", "退役士兵": "自主就业退役士兵", "大学毕业生": "高校毕业生", "毕业生": "高校毕业生",
    "应届毕业生": "高校毕业生", "失业人员": "登记失业人员", "脱贫劳动力": "脱贫人口", "脱贫户": "脱贫人口",
    "返乡入乡农牧民工": "返乡创业人员", "返乡农牧民工": "返乡创业人员", "返乡创业农牧民": "返乡创业人员",
    "残疾": "残疾人",
}


def _owner_groups(v: Any) -> list[str]:
    if _blank(v):
        return []
    items = [p for p in re.split(r"[、,，;；\n]", v) if p.strip()] if isinstance(v, str) else v
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"应为创办人身份列表，收到 {_show(v)}")
    out: list[str] = []
    for it in items:
        g = OWNER_GROUP_ALIASES.get(str(it).strip(), str(it).strip())
        if g not in OWNER_GROUPS:
            raise ValueError(f"未知的创办人身份 {_show(it)}（可选：{'、'.join(OWNER_GROUPS)}）")
        if g not in out:
            out.append(g)
    return out


def _words(v: Any) -> list[str]:
    if _blank(v):
        return []
    items = [p for p in re.split(r"[、,，;；\n]", v) if p.strip()] if isinstance(v, str) else v
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"应为名称列表，收到 {_show(v)}")
    return [str(x).strip() for x in items if str(x).strip()]


def _facts(v: Any) -> dict[str, Any]:
    if _blank(v):
        return {}
    if not isinstance(v, dict):
        raise ValueError(f"应为“事实名称: 值”的映射，收到 {_show(v)}")
    return {str(k): val for k, val in v.items()}


Money = Annotated[float | None, BeforeValidator(parse_money_value)]
Date = Annotated[date | None, BeforeValidator(parse_date_value)]
Text = Annotated[str | None, BeforeValidator(_text)]

# --------------------------------------------------------------------------
# models


class Project(BaseModel):
    """A project (项目) of the enterprise.

    ``kind`` — 技术改造 / 节能改造 / 节水改造 / 综合利用 / 新建 / 种植 / 养殖 …;
    ``investment`` and ``equipment_investment`` (设备投资) in yuan;
    ``status`` — 备案 / 在建 / 建成投产; ``completed`` (建成投产日期) a date;
    ``energy_saving_tce`` 吨标准煤/年; ``water_saving_t`` 吨/年; ``area_mu``
    亩; ``head_count`` 头/只. Every field is optional (``None`` = unknown).
    """

    model_config = ConfigDict(extra="forbid")

    name: Text = None
    kind: Text = None
    investment: Money = None
    equipment_investment: Money = None
    status: Text = None
    completed: Date = None
    energy_saving_tce: Annotated[float | None, BeforeValidator(_quantity("吨标准煤数"))] = None
    water_saving_t: Annotated[float | None, BeforeValidator(_quantity("吨数"))] = None
    area_mu: Annotated[float | None, BeforeValidator(_quantity("亩数"))] = None
    head_count: Annotated[int | None, BeforeValidator(_count("整数头/只数"))] = None
    products: Annotated[list[str], BeforeValidator(_words)] = Field(default_factory=list)


def _projects(v: Any) -> list[Any]:
    if _blank(v):
        return []
    if isinstance(v, dict):
        return [v]
    if not isinstance(v, list):
        raise ValueError(f"应为项目列表，收到 {_show(v)}")
    return v


class EnterpriseProfile(BaseModel):
    """An enterprise profile (企业画像), per issue 4's profile contract.

    Only ``region`` (注册地: free text or a GB/T 2260 code, resolved
    elsewhere) is required. Money fields (``revenue`` 上年度营业收入,
    ``total_assets`` 资产总额, ``taxable_income`` 上年度应纳税所得额,
    ``monthly_sales`` 月销售额, ``rd_expense`` 上年度研发费用) are yuan floats;
    ``employees`` (从业人员) persons; ``established`` (成立日期) a date;
    ``layoff_rate`` (裁员率) 0–1; ``qualifications`` canonical names (see
    :func:`normalise_qualification`); ``owner_groups`` what the founder or
    operator is (:data:`OWNER_GROUPS`: 退役军人, 高校毕业生 …; an explicitly
    empty list = none of them); ``products`` the firm's products, species or
    crops; ``facts`` any further fact keyed by its
    Chinese name. ``None`` always means unknown. Constructing the model
    directly raises ``pydantic.ValidationError``; use :func:`load_profile`
    for Chinese messages and warnings.
    """

    model_config = ConfigDict(extra="forbid")

    name: Text = None
    region: Annotated[str, BeforeValidator(_region)]
    entity_type: Annotated[str | None, BeforeValidator(_aliased(ENTITY_TYPE_ALIASES))] = None
    ownership: Annotated[str | None, BeforeValidator(_aliased(OWNERSHIP_ALIASES))] = None
    industry: Text = None
    established: Date = None
    employees: Annotated[int | None, BeforeValidator(_count("整数人数"))] = None
    revenue: Money = None
    total_assets: Money = None
    taxable_income: Money = None
    monthly_sales: Money = None
    rd_expense: Money = None
    taxpayer_type: Annotated[str | None, BeforeValidator(_aliased(TAXPAYER_ALIASES))] = None
    tax_credit_grade: Annotated[str | None, BeforeValidator(_grade)] = None
    qualifications: Annotated[list[str], BeforeValidator(_qualifications)] = Field(default_factory=list)
    unemployment_insurance_months: Annotated[int | None, BeforeValidator(_count("整数月数"))] = None
    layoff_rate: Annotated[float | None, BeforeValidator(_rate)] = None
    listed: Annotated[bool | None, BeforeValidator(_bool)] = None
    projects: Annotated[list[Project], BeforeValidator(_projects)] = Field(default_factory=list)
    owner_groups: Annotated[list[str], BeforeValidator(_owner_groups)] = Field(default_factory=list)
    products: Annotated[list[str], BeforeValidator(_words)] = Field(default_factory=list)
    facts: Annotated[dict[str, Any], BeforeValidator(_facts)] = Field(default_factory=dict)

    def has(self, key: str) -> bool:
        """True when the fact ``key`` (a field name) is known (not ``None``)."""
        return getattr(self, key, None) is not None


class ProfileError(ValueError):
    """A profile that cannot be read. ``errors`` lists one Chinese message per
    problem, each starting with the key (``employees: 应为整数人数，收到 "3200万"``)
    or the file name for an unreadable file; ``str(err)`` joins them."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --------------------------------------------------------------------------
# loading


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that leaves dates as strings, so impossible dates
    (2024-02-30) reach our own date check instead of crashing PyYAML."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_file(path: Path) -> Any:
    name = path.name
    if not path.is_file():
        raise ProfileError([f"{name}: 文件不存在"])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError([f"{name}: 文件不是 UTF-8 编码"]) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise ProfileError([f"{name}: JSON 格式错误（第{e.lineno}行第{e.colno}列）：{e.msg}"]) from None
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ProfileError([f"{name}: TOML 格式错误：{e}"]) from None
    try:
        return yaml.load(text, Loader=_Loader)  # .yaml, .yml and anything else (JSON is YAML)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ProfileError([f"{name}: YAML 格式错误{where}：{problem}"]) from None


def _strip_unknown(data: dict, fields: set[str], prefix: str, warnings: list[str]) -> dict:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = CHINESE_KEYS.get(str(k).strip(), str(k).strip())
        if key in fields:
            out[key] = v
        else:
            warnings.append(f"{prefix}{k}: 未知字段，已忽略")
    return out


def _messages(err: ValidationError) -> list[str]:
    msgs = []
    for e in err.errors():
        key = ""
        for part in e["loc"]:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        if e["type"] == "missing":
            problem = "缺少必填项" + ("（注册地，如“伊金霍洛旗”或 GB/T 2260 代码 152921）" if key == "region" else "")
        elif e["type"] == "value_error" and "error" in e.get("ctx", {}):
            problem = str(e["ctx"]["error"])
        else:
            problem = f"取值无效（{e['msg']}），收到 {_show(e.get('input'))}"
        msgs.append(f"{key}: {problem}" if key else problem)
    return msgs


def profile_warnings(profile: EnterpriseProfile) -> list[str]:
    """Warnings (提示) about values kept as given but not recognised:
    qualification names outside :data:`KNOWN_QUALIFICATIONS`, entity types,
    ownership and taxpayer types outside their lists, and an industry that
    :func:`huiqi.reference.industries.resolve_industry` cannot resolve."""
    from huiqi.reference.industries import resolve_industry

    out = []
    for q in profile.qualifications:
        if q not in KNOWN_QUALIFICATIONS:
            out.append(f"qualifications: 未识别的资质名称 \"{q}\"，已保留原文")
    for key, known in (("entity_type", ENTITY_TYPES), ("ownership", OWNERSHIPS),
                       ("taxpayer_type", TAXPAYER_TYPES)):
        v = getattr(profile, key)
        if v is not None and v not in known:
            out.append(f"{key}: 未识别的取值 \"{v}\"（可选：{'、'.join(known)}），已保留原文")
    if profile.industry is not None and resolve_industry(profile.industry) is None:
        out.append(f"industry: 无法识别的行业 \"{profile.industry}\"（应为 GB/T 4754-2017 代码或名称），已保留原文")
    return out


def load_profile(source: str | Path | dict) -> tuple[EnterpriseProfile, list[str]]:
    """Read an enterprise profile from a dict or a ``.json`` / ``.yaml`` /
    ``.yml`` / ``.toml`` file (other suffixes are read as YAML, which also
    covers JSON).

    Returns ``(profile, warnings)``; warnings are Chinese messages starting
    with the key (unknown keys are warned and ignored, also inside
    ``projects``; Chinese key names from the contract table such as
    ``从业人员`` are accepted). Raises :class:`ProfileError` listing every
    problem: missing file, malformed JSON/YAML/TOML (with file name, line and
    column), a non-mapping document, missing ``region``, wrong types
    (``3200万`` for ``employees``), negative numbers, impossible dates, lists
    longer than :data:`huiqi.firm.bounds.MAX_ITEMS` and values beyond the hard
    bounds of :mod:`huiqi.firm.bounds`; values above the plausible bounds
    are kept with a warning naming the field.
    """
    if isinstance(source, dict):
        data: Any = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        data = _read_file(path)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ProfileError([f"{path.name}: 顶层应为键值映射（如 region: 伊金霍洛旗），收到 {type(data).__name__}"])
    else:
        raise ProfileError([f"无法读取企业画像：应为文件路径或字典，收到 {type(source).__name__}"])
    from huiqi.firm.bounds import check_bounds, check_lengths

    too_long = check_lengths({CHINESE_KEYS.get(str(k).strip(), str(k).strip()): v for k, v in data.items()})
    if too_long:
        raise ProfileError(too_long)
    warnings: list[str] = []
    fields = set(EnterpriseProfile.model_fields)
    clean = _strip_unknown(data, fields, "", warnings)
    if isinstance(clean.get("projects"), list):
        pfields = set(Project.model_fields)
        clean["projects"] = [
            _strip_unknown(p, pfields, f"projects[{i}].", warnings) if isinstance(p, dict) else p
            for i, p in enumerate(clean["projects"])
        ]
    try:
        profile = EnterpriseProfile.model_validate(clean)
    except ValidationError as e:
        raise ProfileError(_messages(e)) from None
    out_of_range, implausible = check_bounds(profile)
    if out_of_range:
        raise ProfileError(out_of_range)
    return profile, warnings + implausible + profile_warnings(profile)
