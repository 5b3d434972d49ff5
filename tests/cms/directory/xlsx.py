"""Build .xlsx files for import tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["名称", "统一社会信用代码", "对象类型", "属地", "村居", "行业领域", "类别标签", "地址", "联系人", "联系电话", "备注"]


def xlsx_bytes(rows: list[list], header: list[str] | None = None, sheet_title: str = "监管对象") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def row(name: str, *, code: str = "", kind: str = "", jurisdiction: str = "拱辰街道", village: str = "", sectors: str = "危化品",
        categories: str = "", address: str = "", person: str = "", phone: str = "", note: str = "") -> list:
    return [name, code, kind, jurisdiction, village, sectors, categories, address, person, phone, note]
