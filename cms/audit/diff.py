"""Field-by-field differences between consecutive history rows, shown to auditors in Chinese.

Works on rows already fetched (no query per row, except to name referenced objects once per
model), so listings of history stay cheap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from cms.templatetags.people import person_name

HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
SKIPPED = {"version", "updated_at"}


def tracked_fields(history_model) -> list[models.Field]:
    """The fields of the tracked model that a history row carries (not the history bookkeeping)."""
    instance_model = history_model.instance_type
    names = {f.attname for f in instance_model._meta.concrete_fields}
    return [f for f in instance_model._meta.concrete_fields if f.attname in names and f.name not in SKIPPED]


def show(field: models.Field, value, names: dict) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "（空）"
    if isinstance(value, list):  # a JSON list (a report's 四个清单): how many rows, never the Python text
        return f"{len(value)}行"
    if isinstance(value, dict):  # a JSON object (a report's figures): a snapshot, never the Python text
        return "数据快照"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if value is True:
        return "是"
    if value is False:
        return "否"
    if hasattr(value, "strftime"):
        if not hasattr(value, "hour"):
            return value.strftime("%Y-%m-%d")
        # stored in UTC; read in the district's time (Asia/Shanghai), like every other page
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
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
        # one level of foreign keys joined: a village's name is "属地 + 村居", a category's "上级·本级"
        related = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        label = person_name if model is get_user_model() else str  # people by their names, not their usernames
        for obj in model._default_manager.filter(pk__in=pks).select_related(*related):
            names[(model, obj.pk)] = label(obj)
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


def _previous_rows(model, firsts: list) -> dict:
    """For each object, the history row just before the first of its rows on the page: two
    queries for all objects of one history model (the highest earlier id of each, then those rows)."""
    pk_name = model.instance_type._meta.pk.attname
    if not firsts:
        return {}
    condition = Q()
    for row in firsts:
        condition |= Q(**{pk_name: getattr(row, pk_name)}, history_date__lte=row.history_date, history_id__lt=row.history_id)
    latest = model._default_manager.filter(condition).values(pk_name).annotate(last=Max("history_id")).values_list("last", flat=True)
    return {getattr(r, pk_name): r for r in model._default_manager.filter(history_id__in=list(latest))}


def diff_rows(records: Iterable) -> dict[int, list[dict]]:
    """``{history_id: [changes]}`` for history rows; each row is compared with the previous row
    of the same object (rows of several objects and models may be mixed). The queries do not grow
    with the rows: per history model two for the rows before the page, per referenced model one
    for the names (``tests/cms/audit/test_audit_view.py`` counts them)."""
    by_model: dict = defaultdict(lambda: defaultdict(list))
    for record in records:
        by_model[type(record)][getattr(record, record.instance_type._meta.pk.attname)].append(record)
    result: dict = {}
    for model, objects in by_model.items():
        fields = tracked_fields(model)
        for rows in objects.values():
            rows.sort(key=lambda r: (r.history_date, r.history_id))
        before = _previous_rows(model, [rows[0] for rows in objects.values()])
        names = _names([*before.values(), *(r for rows in objects.values() for r in rows)], fields)
        for object_id, rows in objects.items():
            previous = before.get(object_id)
            for row in rows:
                result[(model, row.history_id)] = changes_between(previous, row, fields, names)
                previous = row
    return result
