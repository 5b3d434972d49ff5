"""Excel import of supervised targets (监管对象): one service for the admin page and the API.

Layout (first worksheet, or the one named 监管对象; the first non-empty row is the header; columns
are found by their header, in any order; unknown columns are ignored):

    名称*  统一社会信用代码  对象类型  属地*  村居  行业领域*  类别标签  地址  联系人  联系电话  备注

* ``行业领域`` and ``类别标签`` take several names separated by 、 (also ， , ； ;).
* A row updates the existing target with the same 统一社会信用代码, or else the same 名称 in the
  same 属地; otherwise it creates one. A column that is absent leaves that field alone; an empty
  cell in a present column clears it (required columns cannot be empty).
* Modes: ``all_or_nothing`` (default) writes nothing when any row is bad; ``good_rows`` writes the
  good rows and lists the bad ones. Either way every bad row is reported (row, column, message).

Every row is written through ``cms.records.save_record`` (so history carries the user, address and
the reason ``Excel 导入：<file name>``), all inside one transaction.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from cms.errors import InvalidInput, NotAllowed
from cms.inputs import spreadsheet_cell
from cms.records import save_record
from cms.scope import can_write

from .models import Jurisdiction, Sector, Target, TargetCategory, Village

MODE_ALL_OR_NOTHING = "all_or_nothing"
MODE_GOOD_ROWS = "good_rows"
MODES = {
    MODE_ALL_OR_NOTHING: "全部正确才导入（有任何错误行则一行也不导入）",
    MODE_GOOD_ROWS: "只导入正确的行（列出错误行）",
}
SHEET_NAME = "监管对象"
LIST_SEPARATORS = re.compile(r"[、,，;；\n/]+")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# A real .xlsx of a few MB expands to tens of MB; far more means a zip bomb.
MAX_EXPANSION = 40


@dataclass(frozen=True)
class ImportColumn:
    header: str
    field: str
    required: bool = False
    note: str = ""
    width: int = 16


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("名称", "name", True, "必填，最多 100 字；同一属地内不能重名", 30),
    ImportColumn("统一社会信用代码", "credit_code", False, "18 位数字或大写字母；填写后按此代码识别已有监管对象", 22),
    ImportColumn("对象类型", "kind", False, "、".join(Target.Kind.labels) + "；留空为生产经营单位", 14),
    ImportColumn("属地", "jurisdiction", True, "必填，镇街或工业园区全称，如 拱辰街道", 14),
    ImportColumn("村居", "village", False, "须是该属地下已登记的村居名称", 14),
    ImportColumn("行业领域", "sectors", True, "必填，一个或多个行业领域名称，用、分隔，如 危化品、工贸", 20),
    ImportColumn("类别标签", "categories", False, "一个或多个类别名称，用、分隔，如 小微企业、涉氨制冷企业", 24),
    ImportColumn("地址", "address", False, "最多 200 字", 36),
    ImportColumn("联系人", "contact_person", False, "最多 30 字", 10),
    ImportColumn("联系电话", "contact_phone", False, "5–20 位数字，可含 - 和空格", 16),
    ImportColumn("备注", "note", False, "最多 2000 字", 30),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
HEADER_BY_FIELD = {c.field: c.header for c in COLUMNS}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    filename: str
    mode: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    imported: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def good_rows(self) -> int:
        return self.total_rows - len(self.failed_rows)

    @property
    def summary(self) -> str:
        bad = len(self.failed_rows)
        if not self.imported:
            return f"共 {self.total_rows} 行，其中 {bad} 行有错误，按“全部正确才导入”方式未导入任何数据。请改正后重新导入。"
        text = f"共 {self.total_rows} 行：新增 {self.created} 条，更新 {self.updated} 条，无变化 {self.unchanged} 条"
        if bad:
            text += f"；{bad} 行有错误未导入（第 {'、'.join(str(r) for r in self.failed_rows[:50])}{' 等' if bad > 50 else ''} 行）"
        return text + "。"

    def as_dict(self) -> dict:
        return {
            "detail": self.summary,
            "filename": self.filename,
            "mode": self.mode,
            "imported": self.imported,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed_rows": self.failed_rows,
            "errors": [asdict(e) for e in self.errors],
        }


def import_reason(filename: str) -> str:
    return f"Excel 导入：{filename}"


def import_targets(*, file: BinaryIO, filename: str, actor, mode: str = MODE_ALL_OR_NOTHING) -> ImportReport:
    """Import targets from an .xlsx file. Raises ``InvalidInput`` for a file that cannot be read
    at all (not Excel, too big, broken, no header…); row problems go into the report."""
    if mode not in MODES:
        raise InvalidInput(f"导入方式无效，可选：{'、'.join(MODES)}", fields={"mode": "导入方式无效"})
    if actor is not None and not can_write(actor, Target):
        raise NotAllowed("您无权导入监管对象")
    filename = (filename or "未命名.xlsx").replace("\\", "/").rsplit("/", 1)[-1][:200]
    data = _read_limited(file)
    rows = _read_rows(data)
    header_row, headers = _find_header(rows)
    data_rows = [(number, values) for number, values in rows if number > header_row]
    if not data_rows:
        raise InvalidInput("文件中没有数据行：请在表头下方逐行填写监管对象")

    report = ImportReport(filename=filename, mode=mode, total_rows=len(data_rows))
    lookups = _Lookups()
    reason = import_reason(filename)
    seen_names: dict[tuple[int, str], int] = {}
    seen_codes: dict[str, int] = {}
    with transaction.atomic():
        for number, values in data_rows:
            cells = {headers[i]: _text(v) for i, v in enumerate(values) if i in headers}
            errors: list[RowError] = []
            parsed = _parse_row(number, cells, lookups, errors)
            if parsed is not None:
                key = (parsed["jurisdiction"].pk, parsed["name"])
                if key in seen_names:
                    errors.append(RowError(number, "名称", f"与第 {seen_names[key]} 行重复（同一属地同名）"))
                code = parsed.get("credit_code")
                if code and code in seen_codes:
                    errors.append(RowError(number, "统一社会信用代码", f"与第 {seen_codes[code]} 行重复"))
            if errors or parsed is None:
                report.errors.extend(errors)
                continue
            seen_names[key] = number
            if code:
                seen_codes[code] = number
            try:
                with transaction.atomic():
                    outcome = _save_row(parsed, actor=actor, reason=reason)
            except InvalidInput as exc:
                report.errors.extend(_errors_from(number, exc))
                continue
            except NotAllowed as exc:
                report.errors.append(RowError(number, "名称", exc.message))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.errors and mode == MODE_ALL_OR_NOTHING:
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
            report.imported = False
        else:
            report.imported = True
    report.errors.sort(key=lambda e: e.row)
    return report


# -- reading the file ---------------------------------------------------------------------


def _read_limited(file: BinaryIO) -> bytes:
    limit = settings.UPLOAD_MAX_EXCEL_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(_too_big(size, limit), fields={"file": _too_big(size, limit)})
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_too_big(len(data), limit), fields={"file": _too_big(len(data), limit)})
    if not data:
        raise InvalidInput("上传的文件是空的", fields={"file": "上传的文件是空的"})
    return data


def _too_big(size: int, limit: int) -> str:
    return f"文件过大（{size / 1048576:.1f} MB），Excel 文件不能超过 {limit / 1048576:.0f} MB；请分批导入"


NOT_EXCEL = "文件不是 Excel（.xlsx）文件，请下载导入模板填写后上传"
OLD_EXCEL = "不支持旧版 .xls 格式，请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传"
BROKEN = "文件已损坏或不是有效的 Excel 工作簿，无法读取；请在 Excel 中打开并重新保存为 .xlsx 后再上传"


def _read_rows(data: bytes) -> list[tuple[int, tuple]]:
    """The non-empty rows of the sheet, with their Excel row numbers."""
    from openpyxl import load_workbook

    if data.startswith(OLE_MAGIC):
        raise InvalidInput(OLD_EXCEL, fields={"file": OLD_EXCEL})
    if not data.startswith(ZIP_MAGIC):
        raise InvalidInput(NOT_EXCEL, fields={"file": NOT_EXCEL})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise InvalidInput(NOT_EXCEL, fields={"file": NOT_EXCEL})
            if expanded > MAX_EXPANSION * settings.UPLOAD_MAX_EXCEL_BYTES:
                raise InvalidInput("文件解压后过大，不像正常的 Excel 表格，已拒绝", fields={"file": "文件解压后过大"})
            if archive.testzip() is not None:
                raise InvalidInput(BROKEN, fields={"file": BROKEN})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise InvalidInput(BROKEN, fields={"file": BROKEN})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors…)
        raise InvalidInput(BROKEN, fields={"file": BROKEN})
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        limit = settings.UPLOAD_MAX_EXCEL_ROWS
        rows: list[tuple[int, tuple]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(_text(v) for v in values):
                continue
            rows.append((number, values))
            if len(rows) > limit + 1:  # + the header
                raise InvalidInput(f"行数超过上限：一次最多导入 {limit} 行，请分批导入", fields={"file": "行数超过上限"})
        return rows
    except InvalidInput:
        raise
    except Exception:
        raise InvalidInput(BROKEN, fields={"file": BROKEN})
    finally:
        workbook.close()


def _normalize_header(value) -> str:
    return re.sub(r"\s|[*＊]|[（(].*?[）)]", "", _text(value))


def _find_header(rows: list[tuple[int, tuple]]) -> tuple[int, dict[int, str]]:
    if not rows:
        raise InvalidInput("文件是空的：没有找到表头和数据", fields={"file": "文件是空的"})
    number, values = rows[0]
    headers: dict[int, str] = {}
    for index, value in enumerate(values):
        name = _normalize_header(value)
        if name in COLUMN_BY_HEADER:
            if name in headers.values():
                raise InvalidInput(f"表头“{name}”出现了两次", fields={"file": f"表头“{name}”重复"})
            headers[index] = name
    missing = [c.header for c in COLUMNS if c.required and c.header not in headers.values()]
    if missing:
        message = f"第 {number} 行表头缺少必填列：{'、'.join(missing)}。请使用导入模板（列：{'、'.join(c.header for c in COLUMNS)}）"
        raise InvalidInput(message, fields={"file": message})
    return number, headers


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# -- one row ----------------------------------------------------------------------------


class _Lookups:
    """The reference tables, read once per import."""

    def __init__(self) -> None:
        self.jurisdictions = {j.name: j for j in Jurisdiction.objects.all()}
        self.villages: dict[tuple[int, str], Village] = {}
        for v in Village.objects.select_related("jurisdiction"):
            self.villages[(v.jurisdiction_id, v.name)] = v
            self.villages[(v.jurisdiction_id, str(v))] = v
            self.villages[(v.jurisdiction_id, f"{v.jurisdiction.name}/{v.name}")] = v
        self.sectors = {s.name: s for s in Sector.objects.all()} | {s.code: s for s in Sector.objects.all()}
        categories = list(TargetCategory.objects.select_related("parent"))
        self.categories = {c.name: c for c in categories} | {c.code: c for c in categories} | {str(c): c for c in categories}
        self.kinds = {label: value for value, label in Target.Kind.choices} | {value: value for value in Target.Kind.values}


def _split(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def _parse_row(number: int, cells: dict[str, str], lookups: _Lookups, errors: list[RowError]) -> dict | None:
    parsed: dict = {"_present": set(cells)}
    for column in COLUMNS:
        if column.required and not cells.get(column.header):
            errors.append(RowError(number, column.header, f"{column.header}不能为空"))
    name = cells.get("名称", "")
    parsed["name"] = name
    if "统一社会信用代码" in cells:
        parsed["credit_code"] = cells["统一社会信用代码"].upper().replace(" ", "") or None
    if "对象类型" in cells:
        kind_text = cells["对象类型"]
        if not kind_text:
            parsed["kind"] = Target.Kind.ENTERPRISE
        elif kind_text in lookups.kinds:
            parsed["kind"] = lookups.kinds[kind_text]
        else:
            errors.append(RowError(number, "对象类型", f"“{kind_text}”不是有效的对象类型，可选：{'、'.join(Target.Kind.labels)}"))
    jurisdiction = None
    if cells.get("属地"):
        jurisdiction = lookups.jurisdictions.get(cells["属地"])
        if jurisdiction is None:
            errors.append(RowError(number, "属地", f"没有名为“{cells['属地']}”的属地，可选：{'、'.join(lookups.jurisdictions)}"))
    parsed["jurisdiction"] = jurisdiction
    if "村居" in cells:
        village_text = cells["村居"]
        parsed["village"] = None
        if village_text and jurisdiction is not None:
            village = lookups.villages.get((jurisdiction.pk, village_text))
            if village is None:
                errors.append(RowError(number, "村居", f"属地“{jurisdiction.name}”下没有村居“{village_text}”，请先在名录中添加"))
            parsed["village"] = village
    if cells.get("行业领域"):
        names = _split(cells["行业领域"])
        unknown = [n for n in names if n not in lookups.sectors]
        if unknown:
            errors.append(RowError(number, "行业领域", f"没有这些行业领域：{'、'.join(unknown)}"))
        parsed["sectors"] = list(dict.fromkeys(lookups.sectors[n] for n in names if n in lookups.sectors))
    if "类别标签" in cells:
        names = _split(cells["类别标签"])
        unknown = [n for n in names if n not in lookups.categories]
        if unknown:
            errors.append(RowError(number, "类别标签", f"没有这些类别标签：{'、'.join(unknown)}"))
        parsed["categories"] = list(dict.fromkeys(lookups.categories[n] for n in names if n in lookups.categories))
    for header, attr in (("地址", "address"), ("联系人", "contact_person"), ("联系电话", "contact_phone"), ("备注", "note")):
        if header in cells:
            parsed[attr] = cells[header]
    if errors or jurisdiction is None or not name:
        return None
    return parsed


SCALAR_FIELDS = ("name", "credit_code", "kind", "jurisdiction", "village", "address", "contact_person", "contact_phone", "note")


def _save_row(parsed: dict, *, actor, reason: str) -> str:
    """Create or update one target; returns which counter of the report to bump."""
    existing = None
    locked = Target.objects.select_for_update()
    if parsed.get("credit_code"):
        existing = locked.filter(credit_code=parsed["credit_code"]).first()
    if existing is None:
        existing = locked.filter(jurisdiction=parsed["jurisdiction"], name=parsed["name"]).first()
    target = existing or Target()
    changed = existing is None
    for attr in SCALAR_FIELDS:
        if attr not in parsed:
            continue
        value = parsed[attr]
        if attr in ("jurisdiction", "village"):
            current, wanted = getattr(target, f"{attr}_id"), getattr(value, "pk", None)
        else:
            current, wanted = getattr(target, attr), value
        if current != wanted:
            setattr(target, attr, value)
            changed = True
    m2m = {}
    for attr in ("sectors", "categories"):
        if attr in parsed:
            wanted = parsed[attr]
            if existing is None or {o.pk for o in getattr(existing, attr).all()} != {o.pk for o in wanted}:
                m2m[attr] = wanted
                changed = True
    if not changed:
        return "unchanged"
    save_record(instance=target, actor=actor, reason=reason, m2m=m2m)
    return "created" if existing is None else "updated"


def _errors_from(number: int, exc: InvalidInput) -> list[RowError]:
    if not exc.fields:
        return [RowError(number, "名称", exc.message)]
    errors = []
    for name, messages in exc.fields.items():
        column = HEADER_BY_FIELD.get(name, "名称")
        errors.extend(RowError(number, column, str(m)) for m in messages)
    return errors


# -- the template -------------------------------------------------------------------------


def build_template() -> bytes:
    """The import template: the header row, a sheet of instructions and the valid values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        cell.fill = required_fill if column.required else fill
        cell.alignment = Alignment(horizontal="center")
        cell.comment = Comment(column.note, "区安办")
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = "A2"

    values = workbook.create_sheet("可选值")
    lists = [
        ("属地", list(Jurisdiction.objects.filter(is_active=True).values_list("name", flat=True))),
        ("对象类型", list(Target.Kind.labels)),
        ("行业领域", list(Sector.objects.filter(is_active=True).values_list("name", flat=True))),
        ("类别标签", [c.name for c in TargetCategory.objects.all()]),
        ("村居（属地/村居）", [f"{v.jurisdiction.name}/{v.name}" for v in Village.objects.filter(is_active=True).select_related("jurisdiction")]),
    ]
    for col, (title, items) in enumerate(lists, start=1):
        values.cell(row=1, column=col, value=title).font = bold
        for row, item in enumerate(items, start=2):
            values.cell(row=row, column=col, value=spreadsheet_cell(item))
        values.column_dimensions[values.cell(row=1, column=col).column_letter].width = 24
    for header, col_letter, count in (("属地", "A", len(lists[0][1])), ("对象类型", "B", len(lists[1][1]))):
        if count:
            target_col = sheet.cell(row=1, column=[c.header for c in COLUMNS].index(header) + 1).column_letter
            validation = DataValidation(type="list", formula1=f"=可选值!${col_letter}$2:${col_letter}${count + 1}", allow_blank=True,
                                        showErrorMessage=True, errorTitle="无效的值", error=f"请从下拉列表中选择{header}")
            validation.add(f"{target_col}2:{target_col}{settings.UPLOAD_MAX_EXCEL_ROWS + 1}")
            sheet.add_data_validation(validation)

    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "说明"])
    for cell in guide[1]:
        cell.font = bold
    for column in COLUMNS:
        guide.append([column.header, "必填" if column.required else "", column.note])
    guide.append([])
    for line in (
        "在“监管对象”工作表中从第 2 行起每行填写一个监管对象，不要改动表头。",
        "已有监管对象（统一社会信用代码相同，或同一属地同名）会被更新，其余新增。",
        "导入方式：“全部正确才导入”时任何一行有错都不导入；“只导入正确的行”时跳过错误行。",
        f"文件不超过 {settings.UPLOAD_MAX_EXCEL_BYTES // 1048576} MB，一次不超过 {settings.UPLOAD_MAX_EXCEL_ROWS} 行。",
        "可选的属地、对象类型、行业领域、类别标签和村居见“可选值”工作表。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


TEMPLATE_FILENAME = "监管对象导入模板.xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
