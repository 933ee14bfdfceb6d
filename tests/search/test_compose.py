"""LLM composition (huiqi.search.compose) against a local fake
OpenAI-compatible server: only cited clauses are sent, unsupported numbers
are dropped, any failure falls back to the extractive answer."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from huiqi.search.answer import answer
from huiqi.search.compose import facts, llm_configured, unsupported
from tests.search.kw_corpus import corpus_engine

QUESTION = "鸵鸟专用饲料一年加工2万吨，能拿多少奖励？"


class _Fake:
    """A fake /chat/completions server: replies ``reply`` (or ``status``),
    optionally after ``delay`` seconds; records the requests."""

    def __init__(self, reply="", status=200, delay=0.0, raw=None):
        self.reply, self.status, self.delay, self.raw = reply, status, delay, raw
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                time.sleep(fake.delay)
                if fake.raw is not None:
                    payload = fake.raw
                else:
                    payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": fake.reply}}]},
                                         ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def env(self, **extra):
        host, port = self.server.server_address
        return {"HUIQI_LLM_BASE_URL": f"http://{host}:{port}/v1", "HUIQI_LLM_MODEL": "fake-model",
                "HUIQI_LLM_API_KEY": "k-test", **extra}


def _compose(monkeypatch, fake, **extra):
    for k, v in fake.env(**extra).items():
        monkeypatch.setenv(k, v)
    return answer(QUESTION, engine=corpus_engine())


def test_configured_only_with_url_and_model():
    assert llm_configured({"HUIQI_LLM_BASE_URL": "http://x", "HUIQI_LLM_MODEL": "m"})
    assert not llm_configured({"HUIQI_LLM_BASE_URL": "http://x"})
    assert not llm_configured({})


def test_facts_and_unsupported_numbers_and_dates():
    nums, dates = facts("自2023年1月1日起，每户每年24,000元，十个自然日内办结")
    assert {"24000", "10"} <= nums and dates == {"2023-1-1"}
    src = "年加工量达到2万吨以上的一次性奖励20万元。2025-03-01起施行"
    assert unsupported("可获得20万元奖励[1]。", src) == []
    assert unsupported("2025年3月1日起可获30万元。", src) == ["30"]
    assert unsupported("自2026年3月1日起。", src) == ["2026-3-1"]


def test_reply_checked_and_unsupported_sentence_dropped(monkeypatch):
    reply = "年加工量达到2万吨以上的企业可获一次性奖励20万元[1]。另外还能再领35万元配套资金。"
    with _Fake(reply) as fake:
        a = _compose(monkeypatch, fake)
    assert a["found"] and a["composer"] == "llm"
    assert "20万元" in a["answer"] and "35万元" not in a["answer"]
    assert a["unsupported"] == ["另外还能再领35万元配套资金。"]
    assert "已删除" in a["answer"]
    # the model saw only the cited clauses and the question
    req = fake.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["body"]["model"] == "fake-model"
    assert req["headers"]["Authorization"] == "Bearer k-test"
    user = req["body"]["messages"][-1]["content"]
    assert QUESTION in user
    rec = corpus_engine().record(a["citations"][0]["id"])
    assert rec["text"][:40] in user
    assert user.count("来源 ") == len(a["citations"])
    # the guide's phone is kept even though the model omitted it
    assert "0483-8339956" in a["answer"]


@pytest.mark.parametrize("kind", ["status", "timeout", "garbage", "unsupported_only"])
def test_failures_fall_back_to_extractive(monkeypatch, kind):
    extractive = answer(QUESTION, engine=corpus_engine(), compose=False)
    opts = {"status": dict(status=500), "timeout": dict(reply="奖励20万元。", delay=1.5),
            "garbage": dict(raw=b"not json"), "unsupported_only": dict(reply="可获得999万元。")}[kind]
    with _Fake(**opts) as fake:
        a = _compose(monkeypatch, fake, HUIQI_LLM_TIMEOUT="0.5")
    assert a["composer"] == "extractive" and a["compose_error"]
    assert a["answer"] == extractive["answer"] and a["citations"] == extractive["citations"]


def test_unreachable_endpoint_falls_back(monkeypatch):
    monkeypatch.setenv("HUIQI_LLM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("HUIQI_LLM_MODEL", "m")
    monkeypatch.setenv("HUIQI_LLM_TIMEOUT", "0.5")
    a = answer(QUESTION, engine=corpus_engine())
    assert a["found"] and a["composer"] == "extractive" and "compose_error" in a


def test_not_found_is_never_sent(monkeypatch):
    with _Fake("编造的答案100元。") as fake:
        for k, v in fake.env().items():
            monkeypatch.setenv(k, v)
        a = answer("上海市人才落户政策", engine=corpus_engine())
    assert a["found"] is False and fake.requests == []
