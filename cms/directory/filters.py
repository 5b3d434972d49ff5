"""The one set of filters of each directory list, with one set of parameter names: the API lists
under ``/api/v1/`` and the admin listings filter through the FilterSets here; the admin shows them
with ``admin_filterset`` (names to pick instead of ids)."""

from __future__ import annotations

from cms.api.filters import FilterSet, IdFilter, admin_filterset

from .models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target, TargetCategory, Village


def _filterset(model, fields: list[str], **declared) -> type[FilterSet]:
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}FilterSet", (FilterSet,), {"Meta": meta, "__module__": __name__, **declared})


DepartmentFilterSet = _filterset(Department, ["kind", "is_active"])
JurisdictionFilterSet = _filterset(Jurisdiction, ["kind", "is_active"])
VillageFilterSet = _filterset(Village, ["jurisdiction", "kind", "is_active"])
SectorFilterSet = _filterset(Sector, ["is_key", "is_active", "lead_departments"])
SpecialAssignmentFilterSet = _filterset(SpecialAssignment, ["department", "jurisdiction", "is_active"])
ExpertFilterSet = _filterset(Expert, ["sectors", "is_active"])
TargetCategoryFilterSet = _filterset(TargetCategory, ["parent"])
TargetFilterSet = _filterset(
    Target, ["jurisdiction", "village", "kind", "is_active", "sector", "category"],
    sector=IdFilter(field_name="sectors", label="行业领域", distinct=True),
    category=IdFilter(field_name="categories", label="类别标签", distinct=True),
)

DepartmentAdminFilterSet = admin_filterset(DepartmentFilterSet)
JurisdictionAdminFilterSet = admin_filterset(JurisdictionFilterSet)
VillageAdminFilterSet = admin_filterset(VillageFilterSet)
SectorAdminFilterSet = admin_filterset(SectorFilterSet)
SpecialAssignmentAdminFilterSet = admin_filterset(SpecialAssignmentFilterSet)
ExpertAdminFilterSet = admin_filterset(ExpertFilterSet)
TargetCategoryAdminFilterSet = admin_filterset(TargetCategoryFilterSet)
TargetAdminFilterSet = admin_filterset(TargetFilterSet, drop=("village",))
