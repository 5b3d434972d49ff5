"""A hazard from an inspection is found on the inspection's date (荔安办〔2023〕95号: 督导检查发现).

Until now ``found_at`` was the moment the inspection was typed in, so an inspection dated 10-28 and
entered 11-30 counted its hazards in November. Each such hazard gets the inspection's day as its
发现时间, with a history row saying why (chained like every history row, so ``verify_history``
holds), and the dashboard tally is recounted because the month found moved.
"""

import datetime

from django.conf import settings
from django.db import migrations
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone


def found_on_inspection_day(apps, schema_editor):
    from cms.audit import chain

    db = schema_editor.connection.alias
    Hazard = apps.get_model("hazards", "Hazard")
    HistoricalHazard = apps.get_model("hazards", "HistoricalHazard")
    tz = timezone.get_default_timezone()
    moved = 0
    now = timezone.now()
    for hazard in Hazard.objects.using(db).filter(inspection__isnull=False).select_related("inspection").iterator(chunk_size=2000):
        day = hazard.inspection.inspected_on
        if timezone.localtime(hazard.found_at, tz).date() == day:
            continue
        before = hazard.found_at
        hazard.found_at = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
        hazard.save(update_fields=["found_at"])
        row = HistoricalHazard(
            **{f.attname: getattr(hazard, f.attname) for f in Hazard._meta.concrete_fields},
            history_date=now, history_type="~", history_user_id=None,
            history_change_reason=(f"数据更正：发现时间改为督导检查日期 {day:%Y-%m-%d}"
                                   f"（原为录入时间 {timezone.localtime(before, tz):%Y-%m-%d %H:%M}）"),
        )
        row.save(using=db)
        chain.append(row)
        moved += 1
    if not moved:
        return
    HazardTally = apps.get_model("hazards", "HazardTally")
    HazardTally.objects.using(db).all().delete()
    counts = {}
    grouped = (Hazard.objects.using(db).annotate(month=TruncMonth("found_at", tzinfo=tz if settings.USE_TZ else None))
               .values_list("sector_id", "jurisdiction_id", "responsible_department_id", "responsible_jurisdiction_id", "state", "month")
               .annotate(n=Count("*")).order_by())
    for sector, jurisdiction, department, resp_jurisdiction, state, month, n in grouped:
        day = timezone.localtime(month, tz).date() if isinstance(month, datetime.datetime) else month
        key = (sector, jurisdiction, department or 0, resp_jurisdiction or 0, state, day.replace(day=1))
        counts[key] = counts.get(key, 0) + n
    HazardTally.objects.using(db).bulk_create(
        [HazardTally(sector_id=s, jurisdiction_id=j, responsible_department_id=d, responsible_jurisdiction_id=rj, state=st, found_month=m, n=n)
         for (s, j, d, rj, st, m), n in counts.items()], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("hazards", "0008_office_todo_index"),
        ("inspections", "0002_historicalinspection_fill_seconds_and_more"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(found_on_inspection_day, migrations.RunPython.noop),
    ]
