"""Government web pages: the article is kept, navigation and footers are marked as boilerplate."""

from pathlib import Path

from huiqi.readers import read_source
from huiqi.structure import parse_source

DOCS = Path(__file__).resolve().parents[2] / "benchmarks" / "unseen" / "docs"


def test_navigation_and_footer_are_boilerplate_and_the_title_is_the_document():
    src = read_source(DOCS / "jl_changchun_2022_6.html")
    skipped = {src.lines[n - 1] for n in src.meta["boilerplate"]}
    assert any("首页" in l for l in skipped)
    assert any("ICP" in l for l in skipped)
    assert not any("长府发" in l for l in skipped)
    docs = parse_source(src)
    assert docs[0].title == "长春市人民政府关于印发稳定全市经济工作举措的通知"
    # citations still count the rendered lines, skipped ones included
    assert docs[0].start > 1


def test_metadata_table_of_a_disclosure_page_is_read(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><div class='nav'>首页 &gt; 政府信息公开</div>"
        "<table><tr><td>索引号:</td><td>011746318/2019-00884</td><td>发文日期:</td><td>2019-01-07</td></tr>"
        "<tr><td>文号:</td><td>内政发〔2019〕2号</td></tr></table>"
        "<div><p>内蒙古自治区人民政府印发《关于加快推进呼包鄂协同发展的若干政策措施》的通知</p>"
        "<p>各盟行政公署、市人民政府,自治区各委、办、厅、局:</p>"
        "<p>现将《关于加快推进呼包鄂协同发展的若干政策措施》印发给你们,请结合实际,认真贯彻落实。</p></div>"
        "</body></html>",
        encoding="utf-8",
    )
    docs = parse_source(read_source(page))
    meta = docs[0].meta
    assert meta.doc_number == "内政发〔2019〕2号" and str(meta.issued) == "2019-01-07"
