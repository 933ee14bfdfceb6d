"""Build benchmarks/unseen/docs/ln_lishan_2023_2.docx from the stored text of a real page.

Source: http://www.lishan.gov.cn/html/ASLSQ/202303/0168765895614794.html
(鞍山市立山区人民政府, 鞍立政发〔2023〕2号). The page lists each task with
"牵头单位：…" / "责任单位：…" lines; the Word original carries them as a
任务分工 table, which is how this file lays them out (text unchanged).
Run once: ``python benchmarks/unseen/make_docx.py``.
"""

from pathlib import Path

import docx

OUT = Path(__file__).resolve().parent / "docs" / "ln_lishan_2023_2.docx"

PARAS = [
    "鞍山市立山区人民政府文件",
    "鞍立政发〔2023〕2号",
    "立山区人民政府关于印发《立山区政府2023年重点工作任务分解和责任分工方案》的通知",
    "立山经济开发区，各街道办事处，各区直部门，各有关单位：",
    "经区政府同意，现将《立山区政府2023年重点工作任务分解和责任分工方案》印发给你们，请结合实际，认真贯彻落实。",
    "立山区人民政府",
    "2023年3月28日",
    "（此件公开发布）",
    "立山区政府2023年重点工作任务分解和责任分工方案",
    "为全面贯彻落实党的二十大精神，深入贯彻中央、省市工作会议精神和市委十三届五次全会精神、区委十五届四次全会精神，"
    "认真贯彻国家、省、市关于2023年重点工作部署，做好今年政府工作，努力实现全年经济社会发展的目标任务，"
    "现就全区2023年重点工作，制定分工方案如下。",
    "一、经济社会发展的主要预期目标",
]
ROWS = [
    ("序号", "工作任务", "牵头单位", "责任单位"),
    ("1", "努力实现地区生产总值增长6.2%左右。", "区发改局", "立山经济开发区，全区经济运行各专班"),
    ("2", "规模上工业增加值增长5%左右。", "区工信局", "立山经济开发区"),
    ("3", "固定资产投资增长15%左右。", "区发改局", "立山经济开发区，各街道、区直各部门"),
    ("4", "社会消费品零售总额增长9%左右。", "区商务局", "各街道，区市场局"),
    ("5", "一般公共预算收入增长8%左右。", "区财政局", "立山经济开发区，各街道，税务局"),
    ("6", "居民收入增长与经济增长基本同步。", "区发改局", "各街道，各相关单位"),
]


def main() -> None:
    d = docx.Document()
    for p in PARAS:
        d.add_paragraph(p)
    t = d.add_table(rows=len(ROWS), cols=4)
    for r, row in enumerate(ROWS):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
    d.add_paragraph("二、重点工作任务")
    d.save(OUT)


if __name__ == "__main__":
    main()
