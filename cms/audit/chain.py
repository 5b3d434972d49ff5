"""HMAC chain over history rows, per history table.

Each history row stores its position (``chain_seq``), the previous row's digest and its own
digest = HMAC(key, prev_hash + canonical row). The chain head (``ChainHead``) holds the length
and last digest, so deleting the newest row is caught too.

Digest formats. Format 1 wrote a missing value (NULL) and an empty string alike (""), so a
NULL could be changed into '' (or back) without the digest noticing. Format 2 (every row written
now) keeps NULL as JSON ``null`` and marks its input with ``v2|``. Rows sealed before keep their
format-1 digests and still verify; once a table has a format-2 row, every later row must be
format 2, so an old format cannot be slipped in after the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction

from .models import AuditedHistoryBase, ChainHead

CHAIN_FIELDS_EXCLUDED = {"row_hash"}


def history_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, AuditedHistoryBase)]


DIGEST_FORMAT = 2


def _value(value, version: int = DIGEST_FORMAT) -> str | None:
    if value is None:
        return None if version >= 2 else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _m2m_snapshot(row: models.Model, version: int = DIGEST_FORMAT) -> dict[str, list[str]]:
    snapshot: dict[str, list[str]] = {}
    for field in getattr(row, "_history_m2m_fields", []) or []:
        through = getattr(row, field.name, None)
        if through is None:
            continue
        values = sorted(
            json.dumps({k: _value(v, version) for k, v in r.items() if k not in ("m2m_history_id", "id", "history_id")}, sort_keys=True)
            for r in through.all().values()
        )
        snapshot[field.name] = values
    return snapshot


def canonical(row: models.Model, version: int = DIGEST_FORMAT) -> bytes:
    data = {
        f.attname: _value(getattr(row, f.attname), version)
        for f in row._meta.concrete_fields
        if f.attname not in CHAIN_FIELDS_EXCLUDED
    }
    data["__m2m__"] = _m2m_snapshot(row, version)
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode()


def digest(prev_hash: str, row: models.Model, version: int = DIGEST_FORMAT) -> str:
    key = settings.HISTORY_CHAIN_KEY.encode()
    payload = prev_hash.encode() + b"|" + canonical(row, version)
    if version >= 2:
        payload = f"v{version}|".encode() + payload
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def table_of(model: type[models.Model]) -> str:
    return model._meta.db_table


def append(row: models.Model) -> None:
    """Put a freshly saved history row at the tip of its table's chain."""
    model = type(row)
    with transaction.atomic():
        head, _ = ChainHead.objects.get_or_create(table=table_of(model))
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
        fresh = model._default_manager.get(pk=row.pk)  # hash what the database holds
        fresh.chain_seq = head.length + 1
        fresh.prev_hash = head.last_hash
        fresh.row_hash = digest(fresh.prev_hash, fresh)
        model._default_manager.filter(pk=row.pk).update(  # noqa: history rows are not tracked
            chain_seq=fresh.chain_seq, prev_hash=fresh.prev_hash, row_hash=fresh.row_hash
        )
        row.chain_seq, row.prev_hash, row.row_hash = fresh.chain_seq, fresh.prev_hash, fresh.row_hash
        head.length = fresh.chain_seq
        head.last_hash = fresh.row_hash
        head.save(update_fields=["length", "last_hash"])


def append_many(model: type[models.Model], pks: Iterable[int]) -> int:
    """Chain rows written in bulk (``bulk_history_create``), in primary-key order."""
    count = 0
    with transaction.atomic():
        head, _ = ChainHead.objects.get_or_create(table=table_of(model))
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
        rows = model._default_manager.filter(pk__in=list(pks)).order_by("pk")
        updated = []
        for row in rows.iterator(chunk_size=2000):
            row.chain_seq = head.length + 1
            row.prev_hash = head.last_hash
            row.row_hash = digest(row.prev_hash, row)
            head.length, head.last_hash = row.chain_seq, row.row_hash
            updated.append(row)
            count += 1
            if len(updated) >= 2000:
                model._default_manager.bulk_update(updated, ["chain_seq", "prev_hash", "row_hash"])
                updated = []
        if updated:
            model._default_manager.bulk_update(updated, ["chain_seq", "prev_hash", "row_hash"])
        head.save(update_fields=["length", "last_hash"])
    return count


@dataclass
class ChainProblem:
    table: str
    history_id: int | None
    chain_seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"history_id={self.history_id}" if self.history_id is not None else "链末"
        return f"{self.table} [{where}, 链序号={self.chain_seq}]：{self.message}"


def verify_model(model: type[models.Model]) -> ChainProblem | None:
    """Walk one table's chain; return the first problem found, or None."""
    table = table_of(model)
    head = ChainHead.objects.filter(table=table).first()
    expected_prev = ""
    expected_seq = 1
    seen_current = False  # a format-2 row was met: no format-1 row may follow
    pk_name = model._meta.pk.attname
    for row in model._default_manager.order_by("chain_seq", pk_name).iterator(chunk_size=2000):
        pk = getattr(row, pk_name)
        if row.chain_seq is None:
            return ChainProblem(table, pk, None, "该行不在审计链中（疑似绕过应用插入）")
        if row.chain_seq != expected_seq:
            if row.chain_seq > expected_seq:
                msg = f"链序号 {expected_seq} 缺失（其前的行被删除）"
            else:
                msg = "链序号重复（疑似插入）"
            return ChainProblem(table, pk, row.chain_seq, msg)
        if row.prev_hash != expected_prev:
            return ChainProblem(table, pk, row.chain_seq, "前一行摘要不符（前一行被删除或替换）")
        if hmac.compare_digest(row.row_hash, digest(row.prev_hash, row)):
            seen_current = True
        elif seen_current or not hmac.compare_digest(row.row_hash, digest(row.prev_hash, row, version=1)):
            return ChainProblem(table, pk, row.chain_seq, "本行内容与摘要不符（被篡改）")
        expected_prev = row.row_hash
        expected_seq += 1
    length = expected_seq - 1
    if head is None:
        if length:
            return ChainProblem(table, None, None, "缺少链头记录")
        return None
    if head.length != length or head.last_hash != expected_prev:
        return ChainProblem(table, None, length, f"链头记录 {head.length} 行，实有 {length} 行（末尾行被删除）")
    return None
