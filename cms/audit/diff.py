"""Field-by-field differences between consecutive history rows, shown to auditors in Chinese.

Works on rows already fetched (no query per row, except to name referenced objects once per
model), so listings of history stay cheap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models

HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
SKIPPED = {"version", "updated_at"}


def tracked_fields(history_model) -> list[models.Field]:
    """The fields of the tracked model that a history row carries (not the history bookkeeping)."""
    instance_model = history_model.instance_type
    names = {f.attname for f in instance_model._meta.concrete_fields}
    return [f for f in instance_model._meta.concrete_fields if f.attname in names and f.name not in SKIPPED]


def show(field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "（空）"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if value is True:
        return "是"
    if value is False:
        return "否"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.strftime("%Y-%m-%d")
    return str(value)


def _names(rows: list, fields: list[models.Field]) -> dict:
    wanted: dict = defaultdict(set)
    for field in fields:
        if isinstance(field, models.ForeignKey):
            for row in rows:
                value = getattr(row, field.attname, None)
                if value is not None:
                    wanted[field.related_model].add(value)
    names = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            names[(model, obj.pk)] = str(obj)
    return names


def changes_between(previous, record, fields: list[models.Field], names: dict) -> list[dict]:
    changes = []
    for field in fields:
        new = getattr(record, field.attname, None)
        old = getattr(previous, field.attname, None) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and (new is None or new == ""):
            continue
        changes.append({
            "field": field.name,
            "label": str(field.verbose_name),
            "old": show(field, old, names) if previous is not None else "（空）",
            "new": show(field, new, names),
        })
    return changes


def diff_rows(records: Iterable) -> dict[int, list[dict]]:
    """``{history_id: [changes]}`` for history rows; each row is compared with the previous row
    of the same object (rows of several objects and models may be mixed)."""
    by_object: dict = defaultdict(list)
    for record in records:
        by_object[(type(record), getattr(record, record.instance_type._meta.pk.attname))].append(record)
    result: dict = {}
    for (model, _), rows in by_object.items():
        rows.sort(key=lambda r: (r.history_date, r.history_id))
        fields = tracked_fields(model)
        names = _names(rows, fields)
        previous = None
        if rows:
            previous = model._default_manager.filter(
                **{model.instance_type._meta.pk.attname: getattr(rows[0], model.instance_type._meta.pk.attname)},
                history_date__lte=rows[0].history_date,
            ).exclude(history_id=rows[0].history_id).filter(history_id__lt=rows[0].history_id).order_by("-history_date", "-history_id").first()
            if previous is not None:
                names.update(_names([previous], fields))
        for row in rows:
            result[(model, row.history_id)] = changes_between(previous, row, fields, names)
            previous = row
    return result
