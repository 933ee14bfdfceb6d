"""Products, species and crops (品种、作物): the vocabulary of
``huiqi/data/products.yaml`` — canonical names, the words texts and
profiles write them with, and the wider names each is a kind of (肉牛 is a
牛; a clause on 牛 covers a beef farm, a clause on 奶牛 does not).

Reference data read by the calculator (:mod:`huiqi.calc.subjects`: whether a
farming clause is for the firm) and by the answers to questions
(:mod:`huiqi.search.answer`: 养牛的合作社 is not answered with a clause on
鸵鸟). Built once per process (``lru_cache``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def products_data() -> dict:
    """The parsed ``huiqi/data/products.yaml`` (``products``, ``context``,
    ``farm_industries``, ``any_product``); treat it as read-only."""
    return yaml.safe_load(resources.files("huiqi").joinpath("data/products.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> tuple[re.Pattern[str], dict[str, str], dict[str, frozenset[str]], re.Pattern[str]]:
    """``(word regex, word → canonical, canonical → itself and its wider
    names, context regex)`` of the products vocabulary."""
    raw = products_data()
    word_to: dict[str, str] = {}
    wider: dict[str, frozenset[str]] = {}
    for name, spec in (raw.get("products") or {}).items():
        for w in spec.get("words") or [name]:
            word_to[str(w)] = str(name)
        wider[str(name)] = frozenset([str(name), *(str(x) for x in spec.get("is_a") or [])])
    words = sorted(word_to, key=len, reverse=True)
    rx = re.compile("|".join(re.escape(w) for w in words))
    return rx, word_to, wider, re.compile(str(raw.get("context") or "养殖|种植"))


def products_in(text: str) -> list[str]:
    """Canonical products named in ``text`` (longest word first, in text
    order, each once)."""
    rx, word_to, _, _ = vocabulary()
    out: list[str] = []
    for m in rx.finditer(text or ""):
        name = word_to[m.group(0)]
        if name not in out:
            out.append(name)
    return out


def related(a: str, b: str) -> bool:
    """Whether canonical products ``a`` and ``b`` can be the same thing:
    equal, one a kind of the other (肉牛 and 牛), or both wider names of one
    product (牛 and 奶畜: a 奶牛 is both); not 肉牛 and 奶牛, not 牛 and 鸵鸟."""
    _, _, wider, _ = vocabulary()
    if a == b or b in wider.get(a, ()) or a in wider.get(b, ()):
        return True
    return any(a in kinds and b in kinds for kinds in wider.values())


def other_products(asked: list[str], named: list[str]) -> bool:
    """Whether a text naming the products ``named`` is about another species
    or crop than a question naming ``asked`` (in question order): the text
    names products and none of them fits the question's first one, its
    subject (养牛的合作社买草料 is about 牛: a guide on 鸵鸟 and 牧草 is other; a
    clause on 牛、羊、鸵鸟, or on every 农畜产品, is not)."""
    if not asked or not named:
        return False
    every = str(products_data().get("any_product") or "")
    if every and (every in asked or every in named):  # 农畜产品 stands for every product
        return False
    return not any(related(asked[0], n) for n in named)
