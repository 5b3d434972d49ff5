"""Gap-free yearly sequences (hazard codes, 三单 numbers), safe under concurrency: the
counter row is locked for the rest of the caller's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models_sequence import Sequence


def next_number(key: str, year: int | None = None) -> tuple[int, int]:
    """Return ``(year, number)``; must run inside the transaction that uses the number."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        Sequence.objects.get_or_create(key=key, year=year)
        seq = Sequence.objects.select_for_update().get(key=key, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
    return year, seq.last


def next_hazard_code() -> str:
    year, number = next_number("hazard")
    return f"YH{year}-{number:06d}"
