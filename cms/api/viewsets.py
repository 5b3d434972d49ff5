"""Base viewsets: every queryset goes through ``cms.scope.scoped``; writes go through services."""

from __future__ import annotations

from rest_framework import viewsets

from cms.records import delete_record, save_record
from cms.scope import scoped


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)


class RecordViewSet(viewsets.ModelViewSet):
    """CRUD for configured records; saves through ``cms.records.save_record`` (history, reason).

    The reason comes from the ``X-Change-Reason`` header or a ``reason`` field.
    """

    m2m_fields: tuple[str, ...] = ()

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def change_reason(self) -> str:
        return self.request.headers.get("X-Change-Reason") or str(self.request.data.get("reason", "") or "") or "接口修改"

    def _save(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        data.pop("reason", None)
        obj = instance or serializer.Meta.model()
        for key, value in data.items():
            setattr(obj, key, value)
        serializer.instance = save_record(instance=obj, actor=self.request.user, reason=self.change_reason(), m2m=m2m)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        delete_record(instance=instance, actor=self.request.user, reason=self.change_reason())
