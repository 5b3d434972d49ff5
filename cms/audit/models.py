"""The audit trail's shared parts.

Every tracked model declares ``history = audited_history()``; its history rows then carry
the acting user, the client address and the reason (simple-history), plus a position in a
per-table HMAC chain so that a row altered, inserted or deleted behind the application's
back is found by ``manage.py verify_history``.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class AuditedHistoryBase(models.Model):
    """Abstract base of every historical model."""

    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    chain_seq = models.BigIntegerField("链序号", null=True, blank=True, db_index=True)
    prev_hash = models.CharField("前一行摘要", max_length=64, blank=True, default="")
    row_hash = models.CharField("本行摘要", max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class HistoryBypassed(Exception):
    """Raised by ``TrackedQuerySet.update()``: a bulk update would write no history row."""


class TrackedQuerySet(models.QuerySet):
    """QuerySet of a tracked model: ``update()`` and ``bulk_update()`` are refused, because they
    skip ``save()`` and so would change rows without a history row. Save each row instead."""

    def update(self, **kwargs):
        raise HistoryBypassed(f"{self.model.__name__} 有审计历史，不能用 QuerySet.update()，请逐条 save()")

    def bulk_update(self, objs, fields, batch_size=None):
        raise HistoryBypassed(f"{self.model.__name__} 有审计历史，不能用 bulk_update()，请逐条 save()")


class AuditedHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` that the model can find again (``history_records(model)``), so that
    ``cms.records.save_record`` can write one history row for a save and its many-to-many
    changes together instead of one per ``.set()``."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender._audited_history_records = self


def history_records(model) -> AuditedHistoricalRecords | None:
    return model.__dict__.get("_audited_history_records")


def audited_history(**kwargs) -> HistoricalRecords:
    kwargs.setdefault("bases", [AuditedHistoryBase])
    kwargs.setdefault("verbose_name", None)
    return AuditedHistoricalRecords(**kwargs)


class ChainHead(models.Model):
    """The tip of one history table's chain. Locked for each append, so appends serialize."""

    table = models.CharField("历史表", max_length=100, unique=True)
    length = models.BigIntegerField("行数", default=0)
    last_hash = models.CharField("末行摘要", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计链"
        verbose_name_plural = "审计链"

    def __str__(self) -> str:
        return f"{self.table}（{self.length}）"
