"""Saving a configured record (directory, checklists) with its history: the shared service.

Business actions on process records (hazards, orders, reports) have services of their own;
this one is for reference data that editors maintain, so that admin forms, the API, the Excel
import and the reference-data command all write the same way: permission checked, model
validated, row and history (user, address, reason) in one transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .audit.models import history_records
from .errors import InvalidInput, NotAllowed, StateConflict
from .inputs import checked_reason, normalise_names
from .scope import can_write

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def input_for(cls: type[T], data: Mapping[str, Any], instance: models.Model | None = None) -> T:
    """A service's typed input (a dataclass) from a form's or a serializer's cleaned data. Fields
    the data leaves out (a PATCH, a form without that field) keep the instance's current value
    (a list for a many-to-many field), else the dataclass default, else None."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            values[f.name] = data[f.name]
        elif instance is not None and instance.pk is not None and hasattr(instance, f.name):
            value = getattr(instance, f.name)
            values[f.name] = list(value.all()) if hasattr(value, "all") else value
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            values[f.name] = None
    return cls(**values)


def validation_fields(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("非字段错误" if k == "__all__" else k): [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"非字段错误": [str(m) for m in exc.messages]}


def save_record(
    *,
    instance: M,
    actor,
    reason: str,
    m2m: Mapping[str, Any] | None = None,
    after_save: Callable[[], None] | None = None,
    validate: bool = True,
) -> M:
    """Create or update ``instance``; ``actor=None`` means the system (management commands)."""
    if actor is not None and not can_write(actor, instance if instance.pk else type(instance)):
        raise NotAllowed(f"您无权修改{instance._meta.verbose_name}")
    normalise_names(instance)  # before validation, so that a look-alike name is a duplicate
    if validate:
        try:
            instance.full_clean()
        except ValidationError as exc:
            raise InvalidInput(fields=validation_fields(exc)) from exc
    instance._change_reason = checked_reason(reason)
    if actor is not None:
        instance._history_user = actor
    # With many-to-many fields in the history (a target's sectors and categories), simple-history
    # writes a row for the save and another for each ``.set()``: three rows, three chain links
    # for one change. Here the save and the sets write none, and one row is written at the end
    # with the final values and the many-to-many snapshot.
    records = history_records(type(instance)) if m2m else None
    history_type = "+" if instance._state.adding else "~"
    try:
        with transaction.atomic():
            if records is not None:
                instance.skip_history_when_saving = True
            try:
                instance.save()
                for name, values in (m2m or {}).items():
                    getattr(instance, name).set(values)
            finally:
                if records is not None:
                    del instance.skip_history_when_saving
            if records is not None:
                records.create_historical_record(instance, history_type)
            if after_save:
                after_save()
    except IntegrityError as exc:
        raise InvalidInput("与已有记录重复或引用了不存在的记录") from exc
    return instance


def delete_record(*, instance: models.Model, actor, reason: str) -> None:
    if actor is not None and not can_write(actor, instance):
        raise NotAllowed(f"您无权删除{instance._meta.verbose_name}")
    instance._change_reason = checked_reason(reason)
    if actor is not None:
        instance._history_user = actor
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        raise StateConflict(f"该{instance._meta.verbose_name}仍被其他记录引用，不能删除，可改为停用") from exc
