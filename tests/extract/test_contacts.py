"""Contacts (咨询电话): real 咨询电话 blocks of the Alxa service guide."""

from __future__ import annotations

import pytest

from huiqi.extract.contacts import extract_contacts, normalize_phone

# (block text, default_org, expected [(org, phone)])
BLOCKS = [
    pytest.param(
        "阿拉善左旗：0483-8229456\n阿拉善右旗：0483-6023001\n阿拉善额济纳旗：0483-6521855\n"
        "阿拉善高新技术产业开发区：0483-8185030\n阿拉善李井滩生态移民示范区：0483-8640642\n"
        "阿拉善策克口岸经济开发区：0483-6525644",
        "阿拉善盟各级发展改革委",
        [("阿拉善左旗", "0483-8229456"), ("阿拉善右旗", "0483-6023001"),
         ("阿拉善额济纳旗", "0483-6521855"), ("阿拉善高新技术产业开发区", "0483-8185030"),
         ("阿拉善李井滩生态移民示范区", "0483-8640642"), ("阿拉善策克口岸经济开发区", "0483-6525644")],
        id="E1-region-keys",
    ),
    pytest.param(
        "盟工信局：0483-8351369", None, [("盟工信局", "0483-8351369")], id="E2-org-colon-number",
    ),
    pytest.param(
        "盟特色产业发展中心: 0483-8339956", None, [("盟特色产业发展中心", "0483-8339956")],
        id="E8-ascii-colon-space",
    ),
    pytest.param(
        "盟科技局高新技术与农业社会科技科：0483—8331872", None,
        [("盟科技局高新技术与农业社会科技科", "0483-8331872")],
        id="E16-em-dash",
    ),
    pytest.param(
        "盟科技局 盟科技创新发展中心：0483-8334599", None,
        [("盟科技局、盟科技创新发展中心", "0483-8334599")],
        id="E20-two-offices-space",
    ),
    pytest.param(
        "盟科技局盟科技创新发展中心：0483-8334599", None,
        [("盟科技局、盟科技创新发展中心", "0483-8334599")],
        id="E20-two-offices-space-removed",
    ),
    pytest.param(
        "内蒙古自治区水利厅： 杨燕 0471-5259599\n中国人民银行内蒙古自治区分行： 梁勇强 0471-6650502\n"
        "阿拉善盟水务局： 李毅刚 0483-8350629\n中国人民银行阿拉善盟分行： 王曼丽 0483-8338098",
        "阿拉善盟水务局",
        [("内蒙古自治区水利厅", "0471-5259599"), ("中国人民银行内蒙古自治区分行", "0471-6650502"),
         ("阿拉善盟水务局", "0483-8350629"), ("中国人民银行阿拉善盟分行", "0483-8338098")],
        id="E21-person-names",
    ),
    pytest.param(
        "内蒙古自治区水利厅：杨燕0471-5259599\n阿拉善盟水务局：李毅刚0483-8350629",
        None,
        [("内蒙古自治区水利厅", "0471-5259599"), ("阿拉善盟水务局", "0483-8350629")],
        id="E21-person-names-normalised",
    ),
    pytest.param(
        "中国银行巴彦浩特分行：0483-8351691 18504830377", None,
        [("中国银行巴彦浩特分行", "0483-8351691"), ("中国银行巴彦浩特分行", "18504830377")],
        id="E23-two-numbers-one-line",
    ),
    pytest.param(
        "中国银行巴彦浩特分行：0483-835169118504830377", None,
        [("中国银行巴彦浩特分行", "0483-8351691"), ("中国银行巴彦浩特分行", "18504830377")],
        id="E23-two-numbers-space-lost",
    ),
    pytest.param(
        "阿拉善支行：张悦婷 15334830011\n乌斯太支行：戴鹏飞 17648242430", "中国建设银行阿拉善支行",
        [("阿拉善支行", "15334830011"), ("乌斯太支行", "17648242430")],
        id="E25-person-and-mobile",
    ),
    pytest.param(
        "中国银行内蒙古分行巴彦浩特支行： 0483-8331241\n0483-8351691", "中国银行各支行",
        [("中国银行内蒙古分行巴彦浩特支行", "0483-8331241"), ("中国银行内蒙古分行巴彦浩特支行", "0483-8351691")],
        id="E26-second-number-next-line",
    ),
    pytest.param(
        "盟退役军人事务局就业创业科：0483-8339908\n盟退役军人就业创业孵化园：15500854440", None,
        [("盟退役军人事务局就业创业科", "0483-8339908"), ("盟退役军人就业创业孵化园", "15500854440")],
        id="E27-landline-and-mobile",
    ),
    pytest.param(
        "0483-8332222、12366", "主管税务局",
        [("主管税务局", "0483-8332222"), ("主管税务局", "12366")],
        id="E28-unlabelled-tax-hotline",
    ),
    pytest.param(
        "0483-8771031", "阿拉善盟各级就业服务中心", [("阿拉善盟各级就业服务中心", "0483-8771031")],
        id="E40-unlabelled-single",
    ),
    pytest.param(
        "阿拉善盟市场监督管理局: 0483-8333860\n阿拉善左旗市场监督管理局: 0483-8331049\n"
        "阿拉善右旗市场监督管理局: 15690943230\n额济纳旗市场监督管理局: 0483-6521667\n"
        "阿拉善高新区平安建设办: 0483-3963032\n李井滩示范区应急和市场监管局: 0483-8641127",
        "阿拉善盟各级市场监管局",
        [("阿拉善盟市场监督管理局", "0483-8333860"), ("阿拉善左旗市场监督管理局", "0483-8331049"),
         ("阿拉善右旗市场监督管理局", "15690943230"), ("额济纳旗市场监督管理局", "0483-6521667"),
         ("阿拉善高新区平安建设办", "0483-3963032"), ("李井滩示范区应急和市场监管局", "0483-8641127")],
        id="E43-per-region-offices",
    ),
    pytest.param(
        "阿拉善左旗政务服务大厅：0483-8227079\n阿拉善右旗政务服务大厅：0483-6026585\n"
        "额济纳旗政务服务大厅：0483-6529032\n李井滩生态移民示范区政务服务中心：0483-8642013\n"
        "阿拉善高新技术产业开发区金融中心政务服务中心：\n0483-8185823",
        "各旗区自然资源部门不动产登记中心",
        [("阿拉善左旗政务服务大厅", "0483-8227079"), ("阿拉善右旗政务服务大厅", "0483-6026585"),
         ("额济纳旗政务服务大厅", "0483-6529032"), ("李井滩生态移民示范区政务服务中心", "0483-8642013"),
         ("阿拉善高新技术产业开发区金融中心政务服务中心", "0483-8185823")],
        id="E49-wrapped-org-number",
    ),
    pytest.param(
        "阿拉善高新技术产业开发区金融中心政务服务中心：0483-8185823", None,
        [("阿拉善高新技术产业开发区金融中心政务服务中心", "0483-8185823")],
        id="E49-wrapped-line-joined",
    ),
]


@pytest.mark.parametrize("text, default_org, expected", BLOCKS)
def test_real_contact_blocks(text, default_org, expected):
    contacts = extract_contacts(text, default_org=default_org)
    assert [(c.org, c.phone) for c in contacts] == expected
    for c in contacts:
        assert text[c.start : c.end] == c.text
        assert normalize_phone(c.text) == c.phone


def test_no_default_gives_none_org():
    assert [(c.org, c.phone) for c in extract_contacts("0483-8332222、12366")] == [
        (None, "0483-8332222"),
        (None, "12366"),
    ]


def test_heading_keyword_is_not_an_org():
    contacts = extract_contacts("咨询电话：0483-8332222", default_org="主管税务局")
    assert [(c.org, c.phone) for c in contacts] == [("主管税务局", "0483-8332222")]


def test_duplicates_removed():
    text = "盟工信局：0483-8351369\n盟工信局：0483-8351369"
    assert len(extract_contacts(text)) == 1


def test_amounts_and_dates_are_not_hotlines():
    text = "补助12345万元，2025年12月31日前申报，按12366元/吨补贴"
    assert extract_contacts(text) == []


@pytest.mark.parametrize(
    "raw, phone",
    [
        ("0483—8331872", "0483-8331872"),
        ("（0471）5259599", "0471-5259599"),
        ("04838351369", "0483-8351369"),
        ("010-12345678", "010-12345678"),
        ("+86 185 0483 0377", "18504830377"),
        ("12366", "12366"),
        ("400-820-8820", "400-820-8820"),
    ],
)
def test_normalize_phone(raw, phone):
    assert normalize_phone(raw) == phone


def test_jionlp_falls_short_on_hotlines():
    """Why own regexes: jionlp misses the 12366 hotline and keeps the em dash."""
    jio = pytest.importorskip("jionlp")
    found = jio.extract_phone_number("0483-8332222、12366 盟科技局：0483—8331872")
    assert "12366" not in found
    assert "0483-8331872" not in found
    ours = [c.phone for c in extract_contacts("0483-8332222、12366 盟科技局：0483—8331872")]
    assert ours == ["0483-8332222", "12366", "0483-8331872"]


def test_prose_in_front_of_a_hotline_names_nobody():
    """001 prose: the words before 12345 are not an organisation."""
    text = "充分发挥12367移民管理政务服务平台作用，加快推进与12345热线互联互通"
    assert [(c.org, c.phone) for c in extract_contacts(text)] == [(None, "12367"), (None, "12345")]
