"""Keep in each 反馈意见 the names it was sent with (the issuing unit's full name, the inspected
unit, the group and the way of inspection) and the layout of its table. Letters recorded before
this get them here, as they read today (what those letters printed until now), and the first
layout (exports.official.HAZARD_WIDTHS_BY_LAYOUT[1]), so that a rename later does not change them.

Frozen code: the name rules of ``cms.directory.names`` and ``services_orders.unit_full_name`` are
copied here as they are now (as in hazards 0012). The snapshot is not a history column of
``InspectionFeedback``, so no history row is due."""

from django.db import migrations, models
from django.utils import timezone

DISTRICT = "荔城区"
DEFAULT_ISSUING_OFFICE = "荔城区人民政府安全生产委员会办公室"


def _department_full_name(department, office_name):
    if department is None:
        return ""
    if department.kind == "office":
        return office_name
    return DISTRICT + department.name[1:] if department.name.startswith("区") else department.name


def fill(apps, schema_editor):
    InspectionFeedback = apps.get_model("inspections", "InspectionFeedback")
    OfficeDocumentSettings = apps.get_model("notices", "OfficeDocumentSettings")
    settings = OfficeDocumentSettings.objects.order_by("pk").first()
    office_name = (settings.issuing_office if settings is not None else "") or DEFAULT_ISSUING_OFFICE
    now = timezone.now().isoformat()
    rows = InspectionFeedback.objects.select_related("inspection__group__lead_department", "inspection__target")
    for feedback in rows.order_by("pk").iterator(chunk_size=500):
        if feedback.snapshot:
            continue
        inspection = feedback.inspection
        feedback.snapshot = {
            "taken_at": now, "issuer_full_name": _department_full_name(inspection.group.lead_department, office_name),
            "addressee": inspection.target.name, "group_name": inspection.group.name,
            "method": inspection.get_method_display(), "layout": 1, "filled_by_migration": True,
        }
        feedback.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_historicalinspection_fill_seconds_and_more"),
        ("notices", "0004_office_document_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionfeedback",
            name="snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="反馈时内容"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
