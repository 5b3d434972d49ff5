"""Fill the snapshot of orders issued before it existed: each hazard as its history says it was
at the moment the order was issued (the newest history row not after ``issued_at``), so an old
order prints what it said then, not what its hazards are today."""

from django.db import migrations
from django.utils import timezone


def _labels(model, name):
    return {str(k): str(v) for k, v in model._meta.get_field(name).flatchoices}


def fill(apps, schema_editor):
    Order = apps.get_model("hazards", "Order")
    Hazard = apps.get_model("hazards", "Hazard")
    HistoricalHazard = apps.get_model("hazards", "HistoricalHazard")
    Department = apps.get_model("directory", "Department")
    Jurisdiction = apps.get_model("directory", "Jurisdiction")
    Target = apps.get_model("directory", "Target")
    Sector = apps.get_model("directory", "Sector")
    states, levels = _labels(Hazard, "state"), _labels(Hazard, "level")
    departments = dict(Department.objects.values_list("pk", "name"))
    jurisdictions = dict(Jurisdiction.objects.values_list("pk", "name"))
    for order in Order.objects.filter(snapshot={}).iterator():
        issued = order.issued_at
        today = timezone.localtime(issued).date()
        rows = []
        hazard_ids = list(order.hazards.values_list("pk", flat=True))
        for hazard in Hazard.objects.filter(pk__in=hazard_ids).order_by("found_at", "id"):
            then = (HistoricalHazard.objects.filter(id=hazard.pk, history_date__lte=issued)
                    .order_by("-history_date", "-history_id").first()) or hazard
            target = Target.objects.filter(pk=then.target_id).values_list("name", flat=True).first() or ""
            if then.responsible_kind == "target":
                unit = target
            else:
                unit = departments.get(then.responsible_department_id) or jurisdictions.get(then.responsible_jurisdiction_id) or ""
            rows.append({
                "code": then.code, "target": target, "problem": then.description,
                "level": levels.get(then.level, then.level) + ("（突出）" if then.is_prominent else ""),
                "state": states.get(then.state, then.state), "deadline": then.deadline.isoformat() if then.deadline else None,
                "is_overdue": then.state != "closed" and then.deadline is not None and then.deadline < today,
                "responsible_unit": unit, "responsible_person": then.responsible_person,
                "measures": then.rectification_measures, "jurisdiction": jurisdictions.get(then.jurisdiction_id, ""),
                "sector": Sector.objects.filter(pk=then.sector_id).values_list("name", flat=True).first() or "",
                "is_prominent": then.is_prominent,
            })
        order.snapshot = {
            "taken_at": issued.isoformat(), "issuer": departments.get(order.issuing_department_id, ""),
            "recipient": departments.get(order.recipient_department_id) or jurisdictions.get(order.recipient_jurisdiction_id) or "",
            "recipient_kind": "department" if order.recipient_department_id else "jurisdiction",
            "hazards": rows, "filled_from_history": True,
        }
        order.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_order_snapshot"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
