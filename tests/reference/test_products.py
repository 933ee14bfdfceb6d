"""The products vocabulary (``huiqi.reference.products``): which species and
crops can be the same thing."""

from __future__ import annotations

from huiqi.reference.products import other_products, products_in, related


def test_kinds_and_common_kinds_are_related():
    assert related("肉牛", "牛") and related("牛", "肉牛")
    assert related("牛", "奶畜")  # a 奶牛 is both
    assert not related("肉牛", "奶牛") and not related("牛", "鸵鸟")


def test_a_text_on_other_species_is_other():
    asked = products_in("养牛的合作社买草料有补贴吗")
    assert "牛" in asked
    assert other_products(asked, products_in("鸵鸟产业优质牧草种植项目：与鸵鸟养殖场签订饲草购销合同"))
    assert not other_products(asked, products_in("支持肉牛养殖场饲草料基地流转"))
    assert not other_products(asked, products_in("对牛、羊、鸵鸟养殖场给予补贴"))
    assert not other_products(asked, products_in("农畜产品精深加工企业"))  # every product
    assert not other_products([], products_in("鸵鸟"))
