from django_filters import rest_framework as filters
from rest_framework import serializers

from cms.api.viewsets import RecordViewSet

from .models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target, TargetCategory, Village


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "code", "kind", "sort_order", "contact_person", "contact_phone", "is_active", "note"]


class JurisdictionSerializer(serializers.ModelSerializer):
    village_count = serializers.IntegerField(read_only=True, source="villages.count")

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "kind", "sort_order", "contact_person", "contact_phone", "is_active", "village_count"]


class VillageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "jurisdiction", "name", "kind", "sort_order", "is_active"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "code", "is_key", "lead_departments", "description", "major_hazard_standard", "sort_order", "is_active"]


class SpecialAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialAssignment
        fields = ["id", "department", "jurisdiction", "note", "is_active"]


class ExpertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "name", "organization", "title", "specialty", "sectors", "phone", "is_active", "note"]


class TargetCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetCategory
        fields = ["id", "name", "code", "parent", "sort_order"]


class TargetSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "name", "credit_code", "kind", "jurisdiction", "jurisdiction_name", "village", "sectors", "categories",
            "address", "contact_person", "contact_phone", "is_active", "note", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        jurisdiction = attrs.get("jurisdiction") or getattr(self.instance, "jurisdiction", None)
        village = attrs.get("village", getattr(self.instance, "village", None))
        if village and jurisdiction and village.jurisdiction_id != jurisdiction.pk:
            raise serializers.ValidationError({"village": ["所选村居不属于该属地"]})
        if "sectors" in attrs and not attrs["sectors"]:
            raise serializers.ValidationError({"sectors": ["至少选择一个行业领域"]})
        return attrs


class TargetFilter(filters.FilterSet):
    sector = filters.NumberFilter(field_name="sectors", label="行业领域")
    category = filters.NumberFilter(field_name="categories", label="类别标签")

    class Meta:
        model = Target
        fields = ["jurisdiction", "village", "kind", "is_active", "sector", "category"]


class DepartmentViewSet(RecordViewSet):
    """单位（附件1 的 20 个区直单位，以及区安办、督查、效能）。"""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    ordering_fields = ["sort_order", "name", "id"]


class JurisdictionViewSet(RecordViewSet):
    """属地（镇街、工业园区）。"""

    queryset = Jurisdiction.objects.prefetch_related("villages")
    serializer_class = JurisdictionSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]


class VillageViewSet(RecordViewSet):
    """村居。"""

    queryset = Village.objects.select_related("jurisdiction")
    serializer_class = VillageSerializer
    filterset_fields = ["jurisdiction", "kind", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]


class SectorViewSet(RecordViewSet):
    """行业领域及其牵头单位（可编辑）。"""

    queryset = Sector.objects.prefetch_related("lead_departments")
    serializer_class = SectorSerializer
    filterset_fields = ["is_key", "is_active", "lead_departments"]
    search_fields = ["name", "description"]
    ordering_fields = ["sort_order", "name", "id"]
    m2m_fields = ("lead_departments",)


class SpecialAssignmentViewSet(RecordViewSet):
    """专项督导检查组属地分工（三（一））。"""

    queryset = SpecialAssignment.objects.select_related("department", "jurisdiction")
    serializer_class = SpecialAssignmentSerializer
    filterset_fields = ["department", "jurisdiction", "is_active"]
    ordering_fields = ["id"]


class ExpertViewSet(RecordViewSet):
    """专家库。"""

    queryset = Expert.objects.prefetch_related("sectors")
    serializer_class = ExpertSerializer
    filterset_fields = ["sectors", "is_active"]
    search_fields = ["name", "organization", "specialty"]
    ordering_fields = ["name", "id"]
    m2m_fields = ("sectors",)


class TargetCategoryViewSet(RecordViewSet):
    """监管对象类别标签（二、督查范围）。"""

    queryset = TargetCategory.objects.select_related("parent")
    serializer_class = TargetCategorySerializer
    filterset_fields = ["parent"]
    search_fields = ["name"]
    ordering_fields = ["sort_order", "id"]


class TargetViewSet(RecordViewSet):
    """监管对象。"""

    queryset = Target.objects.select_related("jurisdiction").prefetch_related("sectors", "categories")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    search_fields = ["name", "address", "credit_code", "contact_person"]
    ordering_fields = ["name", "id", "created_at", "updated_at"]
    m2m_fields = ("sectors", "categories")


def register(router) -> None:
    router.register("departments", DepartmentViewSet)
    router.register("jurisdictions", JurisdictionViewSet)
    router.register("villages", VillageViewSet)
    router.register("sectors", SectorViewSet)
    router.register("special-assignments", SpecialAssignmentViewSet)
    router.register("experts", ExpertViewSet)
    router.register("target-categories", TargetCategoryViewSet)
    router.register("targets", TargetViewSet)
