"""Optional LLM composition of answers (大模型组织答案，数字逐一核对).

When ``HUIQI_LLM_BASE_URL`` and ``HUIQI_LLM_MODEL`` are set (and optionally
``HUIQI_LLM_API_KEY``, ``HUIQI_LLM_TIMEOUT`` in seconds, default 20), an
extractive answer of :func:`huiqi.search.answer.answer` is rewritten by an
OpenAI-compatible ``POST {base}/chat/completions`` endpoint:

* the model sees only the cited clauses (title, heading path, full clause
  text, 受理机构 and contacts) and the question — nothing else from the
  knowledge base;
* every number and date of its reply is checked against the text of the
  cited clauses (:func:`unsupported`): Arabic numbers (thousands separators
  and spaces ignored, ``3.10`` = ``3.1``), Chinese-numeral quantities
  (十个自然日, 两千万元 — by their value through ``cn2an``) and dates
  (2025年3月1日 = 2025-03-01). A sentence with a number or date that no
  cited clause states is dropped and listed in ``result["unsupported"]``;
* on any error (network, HTTP status, timeout, malformed JSON, empty or fully
  unsupported reply) the extractive answer is returned unchanged, with the
  reason in ``result["compose_error"]``.

The composed result keeps the extractive ``citations`` and ``found`` and
sets ``composer = "llm"``; the 受理机构/咨询电话 lines of the extractive answer
are appended when the reply omits the phone number.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request

__all__ = ["llm_configured", "compose", "unsupported", "ComposeError", "chat"]

DEFAULT_TIMEOUT = 20.0
MAX_CLAUSE_CHARS = 1500
SYSTEM_PROMPT = (
    "你是惠企政策咨询助手。只能依据用户提供的政策条款回答，不得使用条款以外的知识。"
    "用一到两句中文回答，金额、比例、期限、电话等数字必须与条款原文完全一致，"
    "并用[1][2]标明依据的条款编号。条款中没有答案时，回答“条款中未找到答案”。"
)

_DATE_RE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
_NUM_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_CN_NUM_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?=\s*(?:个|元|万|亿|年|月|日|天|倍|%|％|人|次|项|家|吨|亩))")
_SENT_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CITE_RE = re.compile(r"\[\d+\]")


class ComposeError(RuntimeError):
    """The endpoint failed or replied unusably; the message says why (Chinese)."""


def llm_configured(env=None) -> bool:
    """Whether ``HUIQI_LLM_BASE_URL`` and ``HUIQI_LLM_MODEL`` are set in
    ``env`` (default ``os.environ``)."""
    env = os.environ if env is None else env
    return bool((env.get("HUIQI_LLM_BASE_URL") or "").strip() and (env.get("HUIQI_LLM_MODEL") or "").strip())


def chat(messages: list[dict], env=None) -> str:
    """Send ``messages`` to ``{HUIQI_LLM_BASE_URL}/chat/completions`` and
    return ``choices[0].message.content``. Raises :class:`ComposeError` on
    any failure (network, HTTP status, timeout, bad JSON, no content)."""
    env = os.environ if env is None else env
    base = (env.get("HUIQI_LLM_BASE_URL") or "").strip().rstrip("/")
    model = (env.get("HUIQI_LLM_MODEL") or "").strip()
    if not base or not model:
        raise ComposeError("未配置大模型接口（HUIQI_LLM_BASE_URL、HUIQI_LLM_MODEL）")
    try:
        timeout = float(env.get("HUIQI_LLM_TIMEOUT") or DEFAULT_TIMEOUT)
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    body = json.dumps({"model": model, "messages": messages, "temperature": 0}, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    key = (env.get("HUIQI_LLM_API_KEY") or "").strip()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(f"{base}/chat/completions", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ComposeError(f"大模型接口返回错误状态 {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ComposeError(f"大模型接口无法访问或超时：{exc}") from None
    except (ValueError, UnicodeDecodeError):
        raise ComposeError("大模型接口返回的不是有效 JSON") from None
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ComposeError("大模型接口返回缺少 choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise ComposeError("大模型返回内容为空")
    return content.strip()


# --- number / date checking -------------------------------------------------


def _canon_number(text: str) -> str:
    """``"3.10"`` → ``"3.1"``, ``"05"`` → ``"5"``."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def _cn_value(text: str) -> str | None:
    import cn2an

    try:
        v = cn2an.cn2an(text, "smart")
    except Exception:  # not a number (e.g. a lone 万)
        return None
    return _canon_number(str(int(v)) if float(v).is_integer() else str(v))


def facts(text: str) -> tuple[set[str], set[str]]:
    """``(numbers, dates)`` stated in ``text``: numbers canonicalised
    (separators removed, Chinese numerals converted), dates as ``Y-M-D``."""
    flat = re.sub(r"(?<=\d)[,，\s](?=\d)", "", text or "")
    dates = {f"{int(y)}-{int(m)}-{int(d)}" for y, m, d in _DATE_RE.findall(flat)}
    rest = _DATE_RE.sub(" ", flat)
    nums = {_canon_number(n) for n in _NUM_RE.findall(rest)}
    for cn in _CN_NUM_RE.findall(rest):
        v = _cn_value(cn)
        if v is not None:
            nums.add(v)
    return nums, dates


def unsupported(sentence: str, source_text: str) -> list[str]:
    """Numbers/dates of ``sentence`` that ``source_text`` does not state
    (citation marks ``[1]`` ignored); empty when everything is supported.
    A date's year, month and day also count as stated numbers."""
    nums, dates = facts(_CITE_RE.sub("", sentence))
    src_nums, src_dates = facts(source_text)
    for d in src_dates:
        src_nums.update(d.split("-"))
    missing = [d for d in sorted(dates) if d not in src_dates]
    missing += [n for n in sorted(nums) if n not in src_nums]
    return missing


# --- composition --------------------------------------------------------------


def _clause_block(n: int, record: dict, citation: dict) -> tuple[str, str]:
    """Prompt block of a cited clause and the text its numbers are checked against."""
    doc = record.get("document") or citation.get("document") or {}
    path = " > ".join(record.get("path") or citation.get("path") or [])
    text = (record.get("text") or citation.get("text") or "")[:MAX_CLAUSE_CHARS]
    extra = []
    fields = record.get("fields") or {}
    if fields.get("受理机构"):
        extra.append(f"受理机构：{fields['受理机构']}")
    phones = [f"{c.get('org') or ''}{c.get('phone')}" for c in record.get("contacts") or [] if c.get("phone")]
    if phones:
        extra.append("咨询电话：" + "；".join(phones))
    src = citation.get("source") or {}
    head = f"[{n}]《{doc.get('title') or '（无标题）'}》" + (f"（{path}）" if path else "")
    end = (citation.get("validity") or {}).get("end")
    if citation.get("expired") and end:
        head += f"（已过期，有效期至{end}）"
    head += f" 来源 {src.get('file')} 第{src.get('start_line')}-{src.get('end_line')}行"
    block = "\n".join([head, text, *extra])
    return block, "\n".join([doc.get("title") or "", path, text, *extra])


def compose(result: dict, engine, env=None) -> dict:
    """Rewrite the extractive ``result`` (found) with the configured LLM,
    checking numbers/dates (see module docstring). Never raises: returns
    the extractive result with ``compose_error`` on failure."""
    if not result.get("found") or not result.get("citations"):
        return result
    blocks, sources = [], []
    for n, c in enumerate(result["citations"], start=1):
        record = (engine.record(c["id"]) if engine is not None else None) or {}
        block, src = _clause_block(n, record, c)
        blocks.append(block)
        sources.append(src)
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "政策条款：\n\n" + "\n\n".join(blocks) + f"\n\n问题：{result['question']}"},
    ]
    try:
        reply = chat(messages, env)
    except ComposeError as exc:
        return {**result, "compose_error": str(exc)}
    source_text = "\n".join(sources)
    kept, dropped = [], []
    for sent in _SENT_RE.findall(reply):
        if not sent.strip():
            continue
        (dropped if unsupported(sent, source_text) else kept).append(sent.strip())
    if not kept or "未找到答案" in "".join(kept):
        return {**result, "compose_error": "大模型答复无可核实的内容，保留摘录答案", "unsupported": dropped}
    text = "".join(kept)
    if dropped:
        text += f"（另有{len(dropped)}句含无法在引用条款中核实的数字或日期，已删除。）"
    for line in re.findall(r"(?:受理机构|咨询电话)：[^。]*。", result["answer"]):
        phones = re.findall(r"\d[\d-]{4,}\d", line)
        value = line.split("：", 1)[1].rstrip("。")
        if (phones and any(p in text for p in phones)) or (not phones and value in text):
            continue
        text += line
    for c in result["citations"]:
        end = (c.get("validity") or {}).get("end")
        label = f"（已过期，有效期至{end}）"
        if c.get("expired") and end and label not in text:
            title = (c.get("document") or {}).get("title") or ""
            text += f"注意：《{title}》{label}。"
    return {**result, "answer": text, "composer": "llm", "unsupported": dropped}
