"""Hazard counts kept ready for the dashboard.

The dashboard's sector chart, heat map and monthly rectification rate counted every hazard the
user may see on each visit: at province scale (2,000,000 hazards) that was over a second of
index scans (bench/README.md, section 10). ``HazardTally`` holds the number of hazards per
(sector, jurisdiction, responsible department, responsible jurisdiction, state, month found): the
columns ``cms.scope`` filters hazards on by area, so ``Hazard.area_scope_q`` applies to it unchanged
and every role sees counts of exactly the hazards of its area (an inspector also sees, in lists,
the hazards they found themselves: those are not in the charts).

It is kept in step in the same transaction as the hazard:
- ``Hazard.save()`` reads the hazard's key as the database holds it (locking the row), saves, and
  moves one count from the old key to the new. The history row of that save has already locked
  the hazard history's chain head, so tally updates are serialized like the history itself; the
  two rows are touched in key order besides.
- ``post_delete`` takes the hazard out; the load generator adds each bulk-created batch with
  ``add_hazards``.

``rebuild()`` recomputes every count from the hazards table (the migration that created the table
ran it); ``mismatches()`` compares the two, as ``manage.py hazard_tally --check`` does.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

# sector, jurisdiction, responsible department (0: none), responsible jurisdiction (0: none), state, month found
TallyKey = tuple[int, int, int, int, str, datetime.date]
KEY_FIELDS = ("sector_id", "jurisdiction_id", "responsible_department_id", "responsible_jurisdiction_id", "state", "found_at")


def _key(sector, jurisdiction, department, resp_jurisdiction, state, day: datetime.date) -> TallyKey:
    """A key, missing responsible units as 0, the month as its first day ("day": any day in it)."""
    return (sector, jurisdiction, department or 0, resp_jurisdiction or 0, state, day.replace(day=1))


def key_of(values) -> TallyKey:
    """The key of a hazard, from the instance or from a row of ``KEY_FIELDS``."""
    row = values if isinstance(values, tuple) else tuple(getattr(values, f) for f in KEY_FIELDS)
    return _key(*row[:-1], timezone.localtime(row[-1]).date())


class HazardTally(models.Model):
    sector_id = models.IntegerField("行业领域")
    jurisdiction_id = models.IntegerField("属地")
    responsible_department_id = models.IntegerField("责任单位", default=0, help_text="0：无")
    responsible_jurisdiction_id = models.IntegerField("责任属地", default=0, help_text="0：无")
    state = models.CharField("状态", max_length=20)
    found_month = models.DateField("发现月份")
    n = models.IntegerField("隐患数", default=0)

    class Meta:
        verbose_name = "隐患计数"
        verbose_name_plural = "隐患计数"
        constraints = [
            models.UniqueConstraint(fields=["sector_id", "jurisdiction_id", "responsible_department_id", "responsible_jurisdiction_id",
                                            "state", "found_month"], name="hazard_tally_key"),
        ]
        indexes = [models.Index(fields=["found_month"], name="hazard_tally_month")]

    @staticmethod
    def scope_q(scope):
        """The unit's area (``Hazard.area_scope_q``): an inspector's dashboard counts their unit's
        hazards; the few they found outside it (another sector of a multi-sector target) are in
        their lists and detail pages, not in the district charts."""
        from .models import Hazard

        return Hazard.area_scope_q(scope)


def _upsert(deltas: dict[TallyKey, int], using: str) -> None:
    """Add each delta to its key's count (creating the row), in key order."""
    rows = sorted((k, d) for k, d in deltas.items() if d)
    if not rows:
        return
    table = connections[using].ops.quote_name(HazardTally._meta.db_table)
    columns = "sector_id, jurisdiction_id, responsible_department_id, responsible_jurisdiction_id, state, found_month"
    with connections[using].cursor() as cursor:
        for start in range(0, len(rows), 100):  # one statement (one round trip) per 100 keys (700 parameters); a save moves two
            chunk = rows[start:start + 100]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}, n) VALUES {values} "
                           f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n",
                           [v for key, delta in chunk for v in (*key, delta)])


def move(old: TallyKey | None, new: TallyKey | None, using: str = "default") -> None:
    deltas: Counter = Counter()
    if old is not None:
        deltas[old] -= 1
    if new is not None:
        deltas[new] += 1
    _upsert(deltas, using)


def add_hazards(rows: Iterable, using: str = "default") -> None:
    """Count freshly bulk-created hazards (instances or rows of ``KEY_FIELDS``), in the caller's transaction."""
    _upsert(Counter(key_of(r) for r in rows), using)


def live_counts(using: str = "default") -> Counter:
    """The counts as the hazards table has them now: one grouped query."""
    from .models import Hazard

    tz = timezone.get_default_timezone() if settings.USE_TZ else None
    counts: Counter = Counter()
    grouped = (Hazard.objects.using(using).annotate(month=TruncMonth("found_at", tzinfo=tz))
               .values_list(*KEY_FIELDS[:-1], "month").annotate(n=Count("*")).order_by())
    for sector, jurisdiction, department, resp_jurisdiction, state, month, n in grouped:
        day = timezone.localtime(month, tz).date() if isinstance(month, datetime.datetime) else month
        counts[_key(sector, jurisdiction, department, resp_jurisdiction, state, day)] += n
    return counts


def stored_counts(using: str = "default") -> Counter:
    return Counter({(s, j, d, rj, st, m): n for s, j, d, rj, st, m, n in HazardTally.objects.using(using).values_list(
        "sector_id", "jurisdiction_id", "responsible_department_id", "responsible_jurisdiction_id", "state", "found_month", "n") if n})


def mismatches(using: str = "default") -> dict[TallyKey, tuple[int, int]]:
    """``{key: (stored, live)}`` wherever the tally and the hazards table disagree."""
    stored, live = stored_counts(using), live_counts(using)
    return {k: (stored.get(k, 0), live.get(k, 0)) for k in set(stored) | set(live) if stored.get(k, 0) != live.get(k, 0)}


def rebuild(using: str = "default") -> int:
    """Recompute every count from the hazards table (locks the tally while it does); returns the rows written."""
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connections[using].ops.quote_name(HazardTally._meta.db_table)} IN EXCLUSIVE MODE")
        HazardTally.objects.using(using).all().delete()
        counts = live_counts(using)
        HazardTally.objects.using(using).bulk_create(
            [HazardTally(sector_id=s, jurisdiction_id=j, responsible_department_id=d, responsible_jurisdiction_id=rj, state=st, found_month=m, n=n)
             for (s, j, d, rj, st, m), n in counts.items()], batch_size=2000)
    return len(counts)


def db_for(instance) -> str:
    return instance._state.db or router.db_for_write(type(instance), instance=instance)
