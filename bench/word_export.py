#!/usr/bin/env python
"""Build time and peak memory of a monthly report (附件2) with a 5,000-row 四个清单 table:
rows deep-copied from a prepared template ``w:tr`` (what exports does) against python-docx's
per-cell path (``table.add_row()`` + ``cell.text`` + the same fonts on every run).

    .venv/bin/python bench/word_export.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import datetime
import gc
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


def measure(fn, n: int) -> tuple[float, float, int]:
    gc.collect()
    started = time.perf_counter()
    content = fn(n)
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    fn(n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024, len(content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    results = {name: measure(fn, args.rows) for name, fn in (("模板行 deepcopy（exports）", fast), ("add_row + cell.text", slow))}
    print(f"月度督导检查情况 Word，四个清单 {args.rows} 行（时间不含 tracemalloc；峰值内存为 tracemalloc 第二次运行所测）\n")
    print("| 方法 | 用时 (s) | 峰值内存 (MiB) | 文件大小 (KiB) |")
    print("| --- | ---: | ---: | ---: |")
    for name, (seconds, peak, size) in results.items():
        print(f"| {name} | {seconds:.2f} | {peak:.1f} | {size / 1024:.0f} |")
    (f_s, f_m, _), (s_s, s_m, _) = results.values()
    print(f"\n用时比 add_row/模板行 = {s_s / f_s:.1f}×；峰值内存比 = {s_m / f_m:.1f}×")


if __name__ == "__main__":
    main()
