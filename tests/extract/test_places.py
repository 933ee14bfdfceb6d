"""Place names through jionlp's division parser, prefiltered (huiqi.extract.places)."""

from __future__ import annotations

import contextlib
import io

import pytest

from huiqi.config import corpus_files
from huiqi.extract import places

jionlp = pytest.importorskip("jionlp")


def _texts() -> list[str]:
    lines: list[str] = []
    for path in corpus_files():
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                lines.append(line.strip()[:80])
    lines = list(dict.fromkeys(lines))[::3]  # a third of the distinct corpus lines
    return lines + ["内蒙古自治区", "北京市朝阳区", "上海市嘉定区太原路99号", "海南大学", "西安交通大学",
                    "科尔沁左翼后旗", "青海西宁", "湖南省长沙市", "阿拉善盟阿拉善左旗人民政府", "没有地名", ""]


def test_same_result_as_jionlp():
    with contextlib.redirect_stdout(io.StringIO()):
        expected = [jionlp.parse_location(t) for t in _texts()]
    assert [places.parse_location(t) for t in _texts()] == expected


def test_results_name_the_places():
    r = places.parse_location("阿拉善盟阿拉善左旗人民政府")
    assert (r["city"], r["county"]) == ("阿拉善盟", "阿拉善左旗")
    assert places.parse_location("没有地名")["province"] is None
