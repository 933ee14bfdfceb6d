"""Stored files (:mod:`huiqi.kb.blobs`) on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from huiqi.kb.blobs import delete_file, put_file, read_file
from huiqi.kb.db import session_scope


def test_a_file_is_stored_with_its_transaction_and_read_back(engine):
    data = "营业执照副本".encode() + bytes(range(256))
    with session_scope(engine) as s:
        row = put_file(s, "a1b2c3.pdf", data)
        assert row.size == len(data) and len(row.sha256) == 64
    with session_scope(engine) as s:
        assert read_file(s, "a1b2c3.pdf") == data
        assert read_file(s, "missing.pdf") is None
    # a transaction that fails leaves nothing behind
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        put_file(s, "rolled-back.pdf", b"x")
        raise RuntimeError("the citing row could not be written")
    with session_scope(engine) as s:
        assert read_file(s, "rolled-back.pdf") is None
        assert delete_file(s, "a1b2c3.pdf") and not delete_file(s, "a1b2c3.pdf")


def test_a_stored_name_is_taken_once(engine):
    with session_scope(engine) as s:
        put_file(s, "same.txt", b"1")
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        put_file(s, "same.txt", b"2")
