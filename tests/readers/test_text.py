"""Plain-text reader: encodings, line splitting, the real corpus file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from huiqi.readers import SUPPORTED_SUFFIXES, SourceText, read_source
from huiqi.readers.common import split_lines

ROOT = Path(__file__).resolve().parents[2]
CORPUS_003 = ROOT / "data" / "corpus" / "003_e1d845096e57fa27.txt"

# Real lines from the corpus (seed 000), used to build encoded fixtures.
REAL_LINES = [
    "内蒙古自治区2024年坚持稳中求进以进促稳推动经济高质量发展政策清单",
    "2.实施耕地保护与建设行动，积极争取高标准农田建设中央资金。",
    "（三）支持工业园区提质增效。",
    "43.引导和推动自治区制造业企业扎根所属园区，对企业按规定给予奖励。（责任单位：自治区工业和信息化厅）",
]


def test_supported_suffixes_exported() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".text", ".md", ".pdf", ".docx", ".html", ".htm"}


def test_utf8(tmp_path: Path) -> None:
    data = "\n".join(REAL_LINES).encode("utf-8")
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    src = read_source(path)
    assert isinstance(src, SourceText)
    assert src.lines == REAL_LINES
    assert (src.kind, src.encoding) == ("txt", "utf-8")
    assert src.sha256 == hashlib.sha256(data).hexdigest()
    assert src.name == "a.txt"


def test_utf8_sig_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\n".join(REAL_LINES).encode("utf-8-sig"))
    src = read_source(path)
    assert src.encoding == "utf-8-sig"
    assert src.lines[0] == REAL_LINES[0]  # no U+FEFF left at the start
    assert src.lines == REAL_LINES


def test_gb18030_chinese(tmp_path: Path) -> None:
    path = tmp_path / "gb.txt"
    path.write_bytes(("\r\n".join(REAL_LINES) + "\r\n").encode("gb18030"))
    src = read_source(path)
    assert src.encoding == "gb18030"
    assert src.lines == REAL_LINES


def test_short_gbk_text_not_mistaken_for_utf16(tmp_path: Path) -> None:
    # charset-normalizer alone ranks utf_16_be first for these 9 characters.
    path = tmp_path / "short.txt"
    path.write_bytes("企业所得税优惠政策".encode("gbk"))
    src = read_source(path)
    assert src.lines == ["企业所得税优惠政策"]
    assert src.encoding == "gb18030"


def test_big5_traditional(tmp_path: Path) -> None:
    text = (
        "企業所得稅優惠政策：符合條件的小型微利企業，年應納稅所得額不超過三百萬元的部分，"
        "減按百分之二十五計入應納稅所得額。\n申報流程：線上提交申請材料，審核通過後辦理。"
    )
    path = tmp_path / "tw.txt"
    path.write_bytes(text.encode("big5"))
    src = read_source(path)
    assert src.encoding == "big5"
    assert src.lines == text.split("\n")


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("\n".join(REAL_LINES).encode("utf-16"))
    src = read_source(path)
    assert src.encoding == "utf-16"
    assert src.lines == REAL_LINES


def test_line_endings_normalised_but_text_untouched(tmp_path: Path) -> None:
    raw = "第一行\r\n  第二行\t带制表符 \r第三行\n\n第五行\x0c分页\n"
    path = tmp_path / "eol.md"
    path.write_bytes(raw.encode("utf-8"))
    src = read_source(path)
    assert src.lines == ["第一行", "  第二行\t带制表符 ", "第三行", "", "第五行\x0c分页"]
    assert src.meta["suffix"] == ".md"


@pytest.mark.parametrize("name", ["x.TXT", "x.text", "x.Md"])
def test_text_suffixes_case_insensitive(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("政策", encoding="utf-8")
    assert read_source(str(path)).lines == ["政策"]


def test_split_lines_only_on_newline() -> None:
    # str.splitlines would also split on U+2028 and \x1c; line numbers must follow \n only.
    assert split_lines("a\u2028b\x1cc\nd") == ["a\u2028b\x1cc", "d"]
    assert split_lines("a\n") == ["a"]
    assert split_lines("a\n\n") == ["a", ""]
    assert split_lines("\na") == ["", "a"]


def test_real_corpus_file() -> None:
    src = read_source(CORPUS_003)
    data = CORPUS_003.read_bytes()
    assert not data.endswith(b"\n")  # last line has no trailing newline
    assert len(src.lines) == 3868 == data.count(b"\n") + 1
    assert "逐条明确办理依据" in src.lines[9 - 1]
    assert src.lines[0] == "" and src.lines[1] == ""
    assert src.encoding == "utf-8"
    assert src.sha256 == hashlib.sha256(data).hexdigest()
    assert src.text == data.decode("utf-8")


def test_gb18030_with_truncated_last_character_is_accepted(tmp_path: Path) -> None:
    # A file cut in the middle of a two-byte character: strict decoding fails everywhere.
    text = "\n".join(REAL_LINES * 5)
    path = tmp_path / "cut.txt"
    path.write_bytes(text.encode("gb18030") + "政".encode("gb18030")[:1])
    src = read_source(path)
    assert src.encoding == "gb18030"
    assert src.lines[:4] == REAL_LINES
    assert src.lines[-1].endswith("\ufffd")
    assert src.meta["replacement_chars"] == 1


def test_utf8_with_one_stray_byte_is_accepted(tmp_path: Path) -> None:
    data = "\n".join(REAL_LINES * 5).encode("utf-8")
    path = tmp_path / "stray.txt"
    cut = data.index(b"\n") + 1  # a stray byte between two characters
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    src = read_source(path)
    assert src.encoding == "utf-8"
    assert src.meta["replacement_chars"] == 1
    assert src.lines[0] == REAL_LINES[0]
    assert src.lines[1] == "\ufffd" + REAL_LINES[1]
    assert src.lines[2:4] == REAL_LINES[2:4]
