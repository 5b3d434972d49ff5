"""What the audit view (审计) lists: each app registers its tracked models here, with how to
filter their history rows by hazard, unit and action, and how to name each row's action.
Keeps ``cms.audit`` free of imports from the apps it audits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass
class AuditSource:
    model_label: str  # "hazards.Hazard"
    title: str
    action_of: Callable[[object], tuple[str, str]]  # history row -> (action, 操作名称)
    actions: list[tuple[str, str]] = field(default_factory=list)
    filter_action: Callable[[QuerySet, str], QuerySet] | None = None
    filter_hazard: Callable[[QuerySet, int], QuerySet] | None = None
    filter_department: Callable[[QuerySet, int], QuerySet] | None = None
    filter_jurisdiction: Callable[[QuerySet, int], QuerySet] | None = None
    object_label: Callable[[object], str] = str

    @property
    def history_model(self):
        from django.apps import apps

        return apps.get_model(self.model_label).history.model


SOURCES: dict[str, AuditSource] = {}
# Turns what an auditor typed as 隐患 (an id or a code such as YH2026-000012) into an id.
HAZARD_RESOLVERS: list[Callable[[str], int | None]] = []


def register(source: AuditSource) -> None:
    SOURCES[source.model_label] = source


def source_for(history_model) -> AuditSource | None:
    label = history_model.instance_type._meta.label
    return SOURCES.get(label)


def entries(records, *, diffs: dict | None = None) -> list[dict]:
    """History rows as dicts for the API and the audit view: who, when, where, what, why."""
    from .diff import HISTORY_TYPES, diff_rows

    records = list(records)
    diffs = diffs if diffs is not None else diff_rows(records)
    result = []
    for record in records:
        source = source_for(type(record))
        action, label = source.action_of(record) if source else (record.history_type, HISTORY_TYPES.get(record.history_type, ""))
        user = record.history_user
        result.append({
            "object_type": record.instance_type._meta.verbose_name,
            "object_id": getattr(record, record.instance_type._meta.pk.attname),
            "object_label": source.object_label(record) if source else str(record),
            "history_id": record.history_id,
            "time": record.history_date,
            "user": (user.get_full_name() or user.get_username()) if user else None,
            "username": user.get_username() if user else None,
            "ip_address": record.ip_address,
            "type": HISTORY_TYPES.get(record.history_type, record.history_type),
            "action": action,
            "action_label": label,
            "reason": record.history_change_reason or "",
            "changes": diffs.get((type(record), record.history_id), []),
        })
    return result
