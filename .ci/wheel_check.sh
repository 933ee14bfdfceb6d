#!/usr/bin/env bash
# Wheel check (rules-as-data issue): build the wheel, install it into a fresh
# venv, and run from an empty directory outside the checkout:
#   huiqi ingest (no path: the bundled corpus and its reviewed rules),
#   huiqi rules list --status published --json, huiqi match on the shipped example.
# The output must equal what the checkout (editable install) gives.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$repo/.venv/bin/pip" wheel -q --no-deps -w "$work/dist" "$repo" 2>&1 | grep -v WARNING || true
"$work/venv/bin/pip" install -q "$work"/dist/huiqi-*.whl 2>&1 | grep -v WARNING || true

run() {  # run BIN OUTDIR: the three commands in an empty directory
  local bin=$1 out=$2
  mkdir -p "$out/cwd"
  (cd "$out/cwd" && HUIQI_DATA_DIR="$out/var" "$bin/huiqi" ingest --json > "$out/ingest.json" \
    && HUIQI_DATA_DIR="$out/var" "$bin/huiqi" rules list --status published --json > "$out/rules.json" \
    && example=$("$bin/python" -c 'from huiqi.config import examples_dir; print(examples_dir() / "小店画像示例.yaml")') \
    && HUIQI_DATA_DIR="$out/var" "$bin/huiqi" match "$example" --as-of 2024-06-01 --json > "$out/match.json")
}
run "$work/venv/bin" "$work/wheel"
run "$repo/.venv/bin" "$work/checkout"
"$repo/.venv/bin/python" - "$work" <<'PY'
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
def load(side, name):
    data = json.loads((work / side / name).read_text(encoding="utf-8"))
    def strip(x):  # timestamps and seconds differ between runs; paths differ between installs
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("updated", "seconds", "path")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(data)
for name in ("ingest.json", "rules.json", "match.json"):
    a, b = load("wheel", name), load("checkout", name)
    assert a == b, f"wheel and checkout differ in {name}"
rules = load("wheel", "rules.json")
reviewed = [r for r in rules if r["origin"] == "reviewed"]
match = load("wheel", "match.json")
assert reviewed, "the wheel has no reviewed rules"
assert match["results"], "huiqi match from the wheel found nothing"
print(f"wheel check: ingest, {len(reviewed)} reviewed rules and match ({len(match['results'])} results) equal the checkout")
PY
