"""Directory services. Reference data loads through ``save_record`` so it has history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from cms.records import save_record

from . import reference
from .models import Department, Jurisdiction, Sector, SpecialAssignment, TargetCategory

REFERENCE_REASON = f"载入通知名录（{reference.NOTICE}）"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str) -> None:
        self.created[label] = self.created.get(label, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def load_reference_data(*, actor=None) -> LoadReport:
    """Create what is missing from the notice's directory; never overwrite an editor's change."""
    report = LoadReport()
    reason = REFERENCE_REASON
    with transaction.atomic():
        for order, (name, short, code, kind) in enumerate(reference.DEPARTMENTS, start=1):
            if not Department.objects.filter(code=code).exists():
                save_record(instance=Department(name=name, short_name=short, code=code, kind=kind, sort_order=order), actor=actor, reason=reason)
                report.add("单位")
        for order, (name, code, kind) in enumerate(reference.JURISDICTIONS, start=1):
            if not Jurisdiction.objects.filter(code=code).exists():
                save_record(instance=Jurisdiction(name=name, code=code, kind=kind, sort_order=order), actor=actor, reason=reason)
                report.add("属地")
        departments = {d.short_name: d for d in Department.objects.all()}
        for order, (name, code, key, leads, standard) in enumerate(reference.SECTORS, start=1):
            if not Sector.objects.filter(code=code).exists():
                sector = Sector(name=name, code=code, is_key=key, major_hazard_standard=standard, sort_order=order)
                save_record(instance=sector, actor=actor, reason=reason, m2m={"lead_departments": [departments[s] for s in leads]})
                report.add("行业领域")
        jurisdictions = {j.name: j for j in Jurisdiction.objects.all()}
        for short, jname in reference.SPECIAL_ASSIGNMENTS:
            dept, jur = departments[short], jurisdictions[jname]
            if not SpecialAssignment.objects.filter(department=dept, jurisdiction=jur).exists():
                save_record(instance=SpecialAssignment(department=dept, jurisdiction=jur, note=f"{reference.NOTICE} 三（一）"), actor=actor, reason=reason)
                report.add("专项督导属地分工")
        for order, (name, code, parent_code) in enumerate(reference.TARGET_CATEGORIES, start=1):
            if not TargetCategory.objects.filter(code=code).exists():
                parent = TargetCategory.objects.get(code=parent_code) if parent_code else None
                save_record(instance=TargetCategory(name=name, code=code, parent=parent, sort_order=order), actor=actor, reason=reason)
                report.add("监管对象类别")
    return report
