"""Keep in each order's snapshot the names and date it is printed with: the office's full name
it is signed with, the recipient's full name it is addressed to, and the date of issue. Orders
issued before ``order_issue`` stored them get them here, as they read today (the settings and
unit names current when this runs: what those orders printed until now), so that a unit renamed
or a new 公文版式 later does not change them.

Frozen code: the name rules of ``cms.directory.names`` and ``services_orders.unit_full_name``
are copied here as they are now. The snapshot is not a history column of ``Order`` (see its
``history``), so the order's normal ``save`` writes it and no history row is due."""

from django.db import migrations
from django.utils import timezone

DISTRICT = "荔城区"
JURISDICTION_SUFFIX = {"street": "办事处", "town": "人民政府", "park": "管委会"}
DEFAULT_ISSUING_OFFICE = "荔城区人民政府安全生产委员会办公室"


def _department_full_name(department, office_name):
    if department is None:
        return ""
    if department.kind == "office":
        return office_name
    return DISTRICT + department.name[1:] if department.name.startswith("区") else department.name


def _jurisdiction_full_name(jurisdiction):
    if jurisdiction is None:
        return ""
    suffix = JURISDICTION_SUFFIX.get(jurisdiction.kind, "")
    return jurisdiction.name if jurisdiction.name.endswith(suffix) else jurisdiction.name + suffix


def fill(apps, schema_editor):
    Order = apps.get_model("hazards", "Order")
    OfficeDocumentSettings = apps.get_model("notices", "OfficeDocumentSettings")
    settings = OfficeDocumentSettings.objects.order_by("pk").first()
    office_name = (settings.issuing_office if settings is not None else "") or DEFAULT_ISSUING_OFFICE
    orders = Order.objects.select_related("issuing_department", "recipient_department", "recipient_jurisdiction")
    for order in orders.order_by("pk").iterator(chunk_size=500):
        snapshot = dict(order.snapshot or {})
        if "issuer_full_name" in snapshot:
            continue
        snapshot.setdefault("taken_at", order.issued_at.isoformat())
        snapshot.setdefault("hazards", [])
        snapshot.setdefault("issuer", order.issuing_department.name)
        recipient = order.recipient_department or order.recipient_jurisdiction
        snapshot.setdefault("recipient", recipient.name if recipient is not None else "")
        snapshot.setdefault("recipient_kind", "department" if order.recipient_department_id else "jurisdiction")
        snapshot["issued_on"] = timezone.localtime(order.issued_at).date().isoformat()
        snapshot["issuer_full_name"] = _department_full_name(order.issuing_department, office_name)
        snapshot["recipient_full_name"] = (_department_full_name(order.recipient_department, office_name)
                                           if order.recipient_department_id else _jurisdiction_full_name(order.recipient_jurisdiction))
        order.snapshot = snapshot
        order.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0011_order_snapshot_fill"),
        ("notices", "0004_office_document_settings"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
