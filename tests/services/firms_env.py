"""Firm registers for the firm and list tests: the bundled example register
(data/examples/企业名录示例.csv) with its placeholder codes replaced by
well-formed 统一社会信用代码 (GB 32100-2015 check character computed)."""

from __future__ import annotations

import csv
from pathlib import Path

from huiqi.services.firms import uscc_check_char

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "企业名录示例.csv"


def uscc(n: int, region: str = "150000") -> str:
    """A valid 统一社会信用代码 for firm number ``n`` (企业, 工商登记)."""
    body = f"91{region}{n:09d}"
    return body + uscc_check_char(body)


def example_rows() -> list[dict[str, str]]:
    """The example register's rows with valid codes (row i → ``uscc(i)``)."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, r in enumerate(rows, 1):
        r["统一社会信用代码"] = uscc(i)
    return rows


def write_register(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` as a UTF-8 CSV with the union of their headers."""
    headers: list[str] = []
    for r in rows:
        headers += [h for h in r if h not in headers]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers)
        w.writeheader()
        w.writerows(rows)
    return path
