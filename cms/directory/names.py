"""Full names of units as official documents write them (主送, 落款): the directory keeps the
short forms people use (区应急管理局, 拱辰街道); a document addresses 荔城区应急管理局 and
拱辰街道办事处. The office's own full name is a setting (``notices.OfficeDocumentSettings``),
not a rule, so it is not here."""

from __future__ import annotations

DISTRICT = "荔城区"
JURISDICTION_SUFFIX = {"street": "办事处", "town": "人民政府", "park": "管委会"}


def department_full_name(department) -> str:
    """区应急管理局 → 荔城区应急管理局 (a name that does not start with 区 stays as it is)."""
    if department is None:
        return ""
    name = department.name
    return DISTRICT + name[1:] if name.startswith("区") else name


def jurisdiction_full_name(jurisdiction) -> str:
    """拱辰街道 → 拱辰街道办事处, 北高镇 → 北高镇人民政府, 黄石工业园区 → 黄石工业园区管委会."""
    if jurisdiction is None:
        return ""
    suffix = JURISDICTION_SUFFIX.get(jurisdiction.kind, "")
    return jurisdiction.name if jurisdiction.name.endswith(suffix) else jurisdiction.name + suffix
