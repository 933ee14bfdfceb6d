"""Shared fixtures: paths to the bundled corpus."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def corpus_file(prefix: str) -> Path:
    """The bundled corpus file whose name starts with ``prefix`` (e.g. ``"003"``)."""
    return next(CORPUS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def corpus_lines():
    """``prefix -> list of original lines`` for the bundled corpus, read once."""
    cache: dict[str, list[str]] = {}

    def get(prefix: str) -> list[str]:
        if prefix not in cache:
            cache[prefix] = corpus_file(prefix).read_text(encoding="utf-8").split("\n")
        return cache[prefix]

    return get
