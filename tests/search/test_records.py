"""Filter columns and read-through records (huiqi.search.records) and the
index-kept summary (huiqi.search.summary) agree with the per-record rules
they replace, on the bundled corpus."""

import numpy as np
import pytest

from huiqi.search.filters import Filters
from huiqi.search.index import KeywordIndex, index_dir
from huiqi.search.records import Columns, RecordStore
from huiqi.web.state import common_units, popular_topics
from tests.search.kw_corpus import corpus_db_url


@pytest.fixture(scope="module")
def index():
    from huiqi.search.engine import open_engine

    return open_engine(corpus_db_url()).keyword


@pytest.mark.parametrize("kwargs", [
    {"region": "阿拉善左旗"}, {"region": "呼和浩特市", "valid_at": "2025-06-30"}, {"level": "盟市"},
    {"unit": "科技局"}, {"unit": "税务"}, {"valid_at": "2023-01-01"}, {"region": "全国"},
    {"level": "国家", "valid_at": "2026-12-31"},
])
def test_mask_equals_the_record_predicate(index, kwargs):
    filters = Filters.make(**kwargs)
    records = list(index.live_records())
    cols = Columns()
    cols.append(records)
    expected = np.array([filters.accepts(r) for r in records], dtype=bool)
    assert np.array_equal(cols.mask(filters), expected)
    assert 0 < expected.sum() <= len(records)


def test_store_reads_back_every_record_from_the_mapped_file(index, tmp_path):
    records = list(index.live_records())[:50]
    store = RecordStore(records)
    store.flush(tmp_path)
    mapped = RecordStore.open(tmp_path, len(records))
    assert len(mapped) == 50 and mapped[0] == records[0] and mapped[-1] == records[-1]
    assert list(mapped) == records
    mapped.extend([records[0]])
    assert len(mapped) == 51 and mapped[50] == records[0]
    with pytest.raises(IndexError):
        mapped[51]


def test_summary_matches_a_count_over_the_records(index):
    records = list(index.live_records())
    assert index.summary.popular_topics(10) == popular_topics(records)
    assert set(index.summary.common_units(80, 3)) == set(common_units(records))


def test_loaded_index_is_memory_mapped(index):
    loaded = KeywordIndex.load(index_dir(corpus_db_url()))
    assert loaded.records.mapped == len(loaded.records) and len(loaded) == len(index)
    assert loaded.records[0] == index.records[0]
