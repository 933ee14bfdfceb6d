"""kb.ingest._subtree_lines: one pass gives every node's first and last
original line, as Node.start / Node.end walk its subtree to find them."""

from huiqi.kb.ingest import _lines_of, _subtree_lines
from huiqi.readers import read_source
from huiqi.structure import parse_source
from tests.conftest import CORPUS


def test_bounds_equal_the_walk_of_each_subtree_on_the_bundled_corpus():
    checked = 0
    for path in sorted(CORPUS.glob("*.txt")):
        for doc in parse_source(read_source(path)):
            bounds = _subtree_lines(doc.nodes)
            for root in doc.nodes:
                for node in root.walk():
                    assert bounds[id(node)] == _lines_of(node)
                    checked += 1
    assert checked > 500


def test_a_subtree_without_lines_has_no_bounds():
    from huiqi.structure.model import Node

    empty = Node(kind="section", label="一、", heading="", lines=[], children=[Node(kind="item", label="1.", heading="")])
    assert _subtree_lines([empty]) == {id(empty): (None, None), id(empty.children[0]): (None, None)}
    assert _lines_of(empty) == (None, None)
