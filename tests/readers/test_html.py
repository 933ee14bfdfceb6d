"""HTML reader: charset handling (GBK pages), dropped elements, block lines, tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.readers import SourceError, read_source
from huiqi.readers.html_reader import declared_charset

GBK_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于印发惠企政策的通知</title>
<style>p {{ color: red; }}</style>
<script>var x = "不应出现";</script>
</head>
<body>
<header>网站首页 | 政务公开</header>
<nav><a href="/">首页</a><a href="/zc">政策文件</a></nav>
<h1>关于印发惠企政策的通知</h1>
<p>  各旗县区人民政府，
   盟直各有关部门：</p>
<div>现将有关事项通知如下。<br>一、支持范围<br/>二、申报条件</div>
<table>
 <tr><th>政策名称</th><th>补贴标准</th><th>责任单位</th></tr>
 <tr><td>稳岗返还</td><td>不超过<b>50万元</b></td><td>盟人社局</td></tr>
</table>
<ul><li>第一项</li><li>第二项</li></ul>
<!-- 注释不应出现 -->
<p style="display:none">隐藏文字</p>
<p>&nbsp;&nbsp;最后一段。</p>
<footer>版权所有 阿拉善盟行政公署</footer>
</body></html>
"""

EXPECTED = [
    "关于印发惠企政策的通知",
    "各旗县区人民政府， 盟直各有关部门：",
    "现将有关事项通知如下。",
    "一、支持范围",
    "二、申报条件",
    "政策名称\t补贴标准\t责任单位",
    "稳岗返还\t不超过50万元\t盟人社局",
    "第一项",
    "第二项",
    "\u00a0\u00a0最后一段。",
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_gbk_page_with_meta_charset_and_table(tmp_path: Path) -> None:
    data = GBK_PAGE.encode("gbk")
    src = read_source(_write(tmp_path, "notice.html", data))
    assert src.lines == EXPECTED
    assert src.encoding == "gb18030"
    assert src.kind == "html"
    assert src.meta["declared_charset"] == "gb2312"
    assert src.meta["title"] == "关于印发惠企政策的通知"
    text = src.text
    for dropped in ("不应出现", "color", "网站首页", "政策文件", "版权所有", "注释", "隐藏文字"):
        assert dropped not in text


def test_gbk_page_without_declaration_is_detected(tmp_path: Path) -> None:
    page = GBK_PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "")
    src = read_source(_write(tmp_path, "nometa.htm", page.encode("gbk")))
    assert src.lines == EXPECTED
    assert src.meta["declared_charset"] is None


def test_utf8_bytes_win_over_wrong_declaration(tmp_path: Path) -> None:
    src = read_source(_write(tmp_path, "wrong.html", GBK_PAGE.encode("utf-8")))
    assert src.encoding == "utf-8"
    assert src.lines == EXPECTED


def test_html5_meta_charset() -> None:
    assert declared_charset(b'<html><head><meta charset="GBK"></head>') == "GBK"
    assert declared_charset(b"<?xml version='1.0' encoding='gb2312'?><html/>") == "gb2312"
    assert declared_charset(b"<html><body>none</body></html>") is None


def test_pre_keeps_line_structure(tmp_path: Path) -> None:
    page = "<html><body><pre>第一条  内容\n第二条  内容</pre></body></html>"
    src = read_source(_write(tmp_path, "pre.html", page.encode("utf-8")))
    assert src.lines == ["第一条  内容", "第二条  内容"]


def test_page_without_visible_text(tmp_path: Path) -> None:
    page = "<html><head><title>空</title><script>var a=1;</script></head><body> <nav>菜单</nav> </body></html>"
    with pytest.raises(SourceError) as info:
        read_source(_write(tmp_path, "empty.html", page.encode("utf-8")))
    assert "文件为空" in info.value.reason


def test_binary_html_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        read_source(_write(tmp_path, "bin.html", b"\x00\x01\x02" * 100))
    assert "二进制" in info.value.reason
