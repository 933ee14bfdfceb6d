"""Search tests never reach a real model endpoint: the LLM/embedding
environment variables of the developer's shell are removed."""

import pytest


@pytest.fixture(autouse=True)
def _no_remote_models(monkeypatch):
    for name in ("HUIQI_LLM_BASE_URL", "HUIQI_LLM_MODEL", "HUIQI_LLM_API_KEY", "HUIQI_EMBED_BASE_URL",
                 "HUIQI_EMBED_MODEL", "HUIQI_EMBED_API_KEY"):
        monkeypatch.delenv(name, raising=False)
