"""Write the adversarial seed corpus ``tests/fuzz/seeds/`` (issue 16's
reproducers, scaled to stay small). Run ``python -m tests.fuzz.make_seeds``
after changing it; the files are committed so the fuzz tests and
``benchmarks/fuzz_long.py`` start from them.
"""

from __future__ import annotations

import json
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
UNITS = "、".join(["自治区发展改革委", "财政厅", "工业和信息化厅", "科技厅", "商务厅", "人力资源社会保障厅"] * 9)


def seeds() -> dict[str, bytes]:
    """File name → bytes of every seed."""
    from tests.readers.helpers import docx_bomb

    out = {
        # defect 1: polynomial backtracking in the threshold pattern (1.1 KB took 26 s)
        "threshold_backtracking.txt": ("关于支持企业发展的通知\n一、对年营业收入2000（责任单位：" + UNITS + "）\n").encode(),
        # defect 2: quadratic money extraction (54 KB took 15 s)
        "money_many_amounts.txt": ("关于通知\n一、" + "补贴100万元，" * 3000).encode(),
        # runs that stress other patterns
        "whitespace_runs.txt": ("关于通知\n一、年营业收入2000" + " " * 3000 + "万元" + "\u3000" * 3000 + "以上\n").encode(),
        "numeral_runs.txt": ("关于通知\n一、" + "一二三四五六七八九十百千" * 500 + "万元\n二、" + "9" * 5000 + "元\n").encode(),
        "no_delimiters.txt": ("关于通知\n一、" + "对投资2000万元以上企业给予100万元奖励" * 800 + "\n").encode(),
        # defect 3: a decompression bomb (a few KB declaring 30 MB)
        "docx_bomb.docx": docx_bomb(30 * 1024 * 1024),
        # defect 8: a document without a title
        "untitled.txt": "一、对企业给予最高100万元奖励。\n".encode(),
        # defect 11: a NUL byte past the binary sniff
        "nul_byte.txt": ("关于支持企业发展的通知\n" + "一、对企业给予奖励。\n" * 900 + "二、对\x00企业给予奖励。\n").encode(),
        # markup and nesting
        "deep_html.html": ("<html><body>" + "<div>" * 3000 + "<p>一、对企业给予最高100万元奖励。</p>" + "</div>" * 3000
                           + "</body></html>").encode(),
        "xss.html": "<html><body><h1>关于<script>alert(1)</script>的通知</h1><p>一、对企业给予<img src=x onerror=alert(1)>奖励。</p></body></html>".encode(),
        # defect 7 / 13: hostile profiles
        "profile_many_qualifications.json": json.dumps(
            {"region": "伊金霍洛旗", "qualifications": [f"q{i}" for i in range(5_000)]}).encode(),
        "profile_absurd_cattle.json": json.dumps(
            {"region": "伊金霍洛旗", "projects": [{"kind": "养殖", "head_count": 10**30}]}).encode(),
    }
    # defects 9 and 10: a register with formulas and an out-of-range row
    head = "序号,企业名称,统一社会信用代码,注册地,主体类型,行业,成立日期,从业人员,营业收入（万元）\n"
    rows = ['1,"=HYPERLINK(""http://x"",""点我"")",X-1,阿拉善盟阿拉善左旗,企业,F52,2019-05-20,5,30\n',
            "2, @SUM(1+1),X-2,阿拉善盟阿拉善左旗,企业,F52,2019-05-20,5,30\n",
            "3,越界企业,X-3,阿拉善盟阿拉善左旗,企业,F52,2019-05-20,9223372036854775808,30\n"]
    out["register_hostile.csv"] = (head + "".join(rows)).encode("utf-8-sig")
    return out


def main() -> None:
    SEEDS.mkdir(exist_ok=True)
    for name, data in seeds().items():
        (SEEDS / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
