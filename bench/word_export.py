#!/usr/bin/env python
"""Build time and peak memory of a monthly report (附件2) with a 5,000-row 四个清单 table:
rows deep-copied from a prepared template ``w:tr`` (what exports does) against python-docx's
per-cell path (``table.add_row()`` + ``cell.text`` + the same fonts on every run).

    .venv/bin/python bench/word_export.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from exports.data import Baseline, BasicFacts, FourListRow, MonthlyReportData  # noqa: E402
from exports.docx_base import (  # noqa: E402
    ANNEX_MARK,
    TABLE_CELL,
    TABLE_HEAD,
    TITLE,
    add_paragraph,
    exact_spacing,
    format_run,
    new_document,
    new_page_section,
    to_bytes,
)
from exports.monthly_report import FOUR_LIST_WIDTHS, build_monthly_report  # noqa: E402


def rows(n: int) -> list[FourListRow]:
    return [FourListRow(target=f"莆田市荔城区某某化工有限公司{i}", inspecting_unit="区应急管理局",
                        problem=f"储罐区防火堤内积存可燃物，消防通道被占用（第{i}项）", level="一般隐患",
                        measures="立即清理可燃物，恢复消防通道畅通", deadline=datetime.date(2026, 4, 30), state="整改中",
                        responsible_unit="拱辰街道", responsible_person="张三") for i in range(1, n + 1)]


def data(n: int) -> MonthlyReportData:
    facts = BasicFacts("区应急管理局", ("危化品", "工贸"), datetime.date(2026, 3, 2), datetime.date(2026, 3, 28), 2,
                       ("拱辰街道", "北高镇"), 12, 300, n, 10, n - 10, 30, 320)
    return MonthlyReportData(2026, 3, "区应急管理局", datetime.date(2026, 4, 3), Baseline(("危化品", "工贸"), 800, ()), facts,
                             "亮点", "问题", "打算", rows(n))


def fast(n: int) -> bytes:
    return build_monthly_report(data(n))


def slow(n: int) -> bytes:
    """The same document, the table built cell by cell through python-docx's API."""
    doc = new_document()
    add_paragraph(doc, "2026年3月督导检查情况", TITLE)
    new_page_section(doc, landscape=True)
    add_paragraph(doc, "附件：", ANNEX_MARK)
    table = doc.add_table(rows=2, cols=9)
    table.style = "Table Grid"
    table.autofit = False
    heads = ["序号", "排查对象", "排查单位", "隐患问题", "隐患等级", "整改措施", "整改时限/状态", "责任单位", "责任人"]
    for index, (cell, text) in enumerate(zip(table.rows[1].cells, heads, strict=True)):
        cell.width = FOUR_LIST_WIDTHS[index]
        cell.text = text
        format_run(cell.paragraphs[0].runs[0], font=TABLE_HEAD.font, size=TABLE_HEAD.size)
    for number, row in enumerate(rows(n), start=1):
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row.word_cells(number), strict=True)):
            cell.text = value
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if index in (0, 4) else WD_ALIGN_PARAGRAPH.LEFT
            exact_spacing(paragraph.paragraph_format)
            format_run(paragraph.runs[0], font=TABLE_CELL.font, size=TABLE_CELL.size)
    return to_bytes(doc)


def deepcopy_rows(n: int) -> bytes:
    """The same document with the table rows built as lxml elements, deep copies of the template
    row (what exports did until the rows were written as text while saving)."""
    import copy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from exports.docx_base import _XML_BAD, add_grouped_table
    from exports.monthly_report import FOUR_LIST_GROUPS

    doc = new_document()
    add_paragraph(doc, "2026年3月督导检查情况", TITLE)
    new_page_section(doc, landscape=True)
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, [])
    tbl = doc.tables[-1]._tbl
    template = tbl.tr_lst[-1]
    tbl.remove(template)
    for number, row in enumerate(rows(n), start=1):
        tr = copy.deepcopy(template)
        for t, value in zip(list(tr.iter(qn("w:t"))), row.word_cells(number), strict=False):
            text = _XML_BAD.sub("", value)
            lines = text.replace("\r\n", "\n").split("\n")
            t.text = lines[0]
            for line in lines[1:]:
                br, nt = OxmlElement("w:br"), OxmlElement("w:t")
                t.addnext(br)
                nt.text = line
                br.addnext(nt)
                t = nt
        tbl.append(tr)
    doc._deferred_tables = []
    return to_bytes(doc)


METHODS = {
    "模板行 XML 文本，保存时逐行写入（exports）": fast,
    "模板行 deepcopy 成 lxml 元素（之前的 exports）": deepcopy_rows,
    "add_row + cell.text（python-docx 逐格）": slow,
}


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_here(name: str, n: int) -> dict:
    """In a process of its own: Linux keeps the parent's peak RSS across fork/exec until reset."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    gc.collect()
    before = peak_rss_mib()
    started = time.perf_counter()
    content = METHODS[name](n)
    seconds = time.perf_counter() - started
    after = peak_rss_mib()
    gc.collect()
    tracemalloc.start()
    METHODS[name](n)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "rss": after - before, "traced": traced / 2**20, "size": len(content)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--one", choices=list(METHODS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_here(args.one, args.rows)))
        return
    results = {}
    for name in METHODS:
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--one", name], capture_output=True, text=True, check=True)
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"月度督导检查情况 Word，四个清单 {args.rows} 行（每种方法一个进程；峰值 RSS 增量 = 进程 VmHWM 构建前后之差，"
          f"含 lxml 的 C 内存；tracemalloc 只见 Python 对象）\n")
    print("| 方法 | 用时 (s) | 峰值 RSS 增量 (MiB) | tracemalloc 峰值 (MiB) | 文件大小 (KiB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| {name} | {r['seconds']:.2f} | {r['rss']:.0f} | {r['traced']:.1f} | {r['size'] / 1024:.0f} |")
    mine, copies, cells = results.values()
    print(f"\n用时：逐格/文本 = {cells['seconds'] / mine['seconds']:.1f}×，deepcopy/文本 = {copies['seconds'] / mine['seconds']:.1f}×；"
          f"峰值 RSS 增量：deepcopy/文本 = {copies['rss'] / max(mine['rss'], 1):.1f}×")


if __name__ == "__main__":
    main()
