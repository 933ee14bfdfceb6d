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


def test_division_dictionary_cache_is_jionlp_dictionary(tmp_path, monkeypatch):
    """The cached dictionary is what jionlp's loader returns; a corrupt
    cache file is read again from jionlp's text file and rewritten."""
    from jionlp.dictionary.dictionary_loader import china_location_loader

    monkeypatch.setattr(places.tempfile, "gettempdir", lambda: str(tmp_path))
    expected = china_location_loader(detail=False)
    load = places._cached_loader(china_location_loader, jionlp.__version__)
    assert load(detail=False) == expected  # built, then written
    [cache] = tmp_path.glob("huiqi_jionlp_location_*.marshal")
    calls = []
    counting = places._cached_loader(lambda detail: calls.append(detail) or {}, jionlp.__version__)
    assert counting(detail=False) == expected and calls == []  # read from the file, loader not called
    cache.write_bytes(b"\x00not marshal")
    assert load(detail=False) == expected
    assert places.marshal.loads(cache.read_bytes()) == expected
    assert load(detail=True) == china_location_loader(detail=True)  # the detailed form is never cached


def test_division_dictionary_cache_writable_by_others_is_not_read(tmp_path, monkeypatch):
    """A cache file others may write (the temp dir is shared) is never
    read: this process keeps the dictionary in a file of its own."""
    from jionlp.dictionary.dictionary_loader import china_location_loader

    monkeypatch.setattr(places.tempfile, "gettempdir", lambda: str(tmp_path))
    planted = places._dictionary_cache(jionlp.__version__)
    planted.write_bytes(places.marshal.dumps({"假省": {"_full_name": "假省", "_alias": "假", "_admin_code": "0"}}))
    planted.chmod(0o666)
    load = places._cached_loader(china_location_loader, jionlp.__version__)
    assert load(detail=False) == china_location_loader(detail=False)
    own = places._dictionary_cache(jionlp.__version__)
    assert own != planted and own.stat().st_mode & 0o022 == 0
    assert places.marshal.loads(own.read_bytes()) == china_location_loader(detail=False)
