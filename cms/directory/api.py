from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.api.parsers import CleanFormParser, CleanMultiPartParser
from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.api.viewsets import RecordViewSet

from . import importing
from .filters import (
    DepartmentFilterSet,
    ExpertFilterSet,
    JurisdictionFilterSet,
    SectorFilterSet,
    SpecialAssignmentFilterSet,
    TargetCategoryFilterSet,
    TargetFilterSet,
    VillageFilterSet,
)
from .models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target, TargetCategory, Village


class DepartmentSerializer(ApiModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "code", "kind", "sort_order", "contact_person", "contact_phone", "is_active", "note"]


class JurisdictionSerializer(ApiModelSerializer):
    village_count = serializers.IntegerField(read_only=True, source="villages.count")

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "kind", "sort_order", "contact_person", "contact_phone", "is_active", "village_count"]


class VillageSerializer(ApiModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "jurisdiction", "name", "kind", "sort_order", "is_active"]


class SectorSerializer(ApiModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "code", "is_key", "lead_departments", "description", "major_hazard_standard", "sort_order", "is_active"]


class SpecialAssignmentSerializer(ApiModelSerializer):
    class Meta:
        model = SpecialAssignment
        fields = ["id", "department", "jurisdiction", "note", "is_active"]


class ExpertSerializer(ApiModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "name", "organization", "title", "specialty", "sectors", "phone", "is_active", "note"]


class TargetCategorySerializer(ApiModelSerializer):
    class Meta:
        model = TargetCategory
        fields = ["id", "name", "code", "parent", "sort_order"]


class TargetSerializer(ApiModelSerializer):
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


class TargetImportRequestSerializer(ApiSerializer):
    file = serializers.FileField(label="Excel 文件（.xlsx）", help_text="按导入模板填写的 .xlsx 文件")
    mode = serializers.ChoiceField(label="导入方式", choices=list(importing.MODES.items()), default=importing.MODE_ALL_OR_NOTHING,
                                   help_text="all_or_nothing：有错误行则不导入；good_rows：只导入正确的行")


class ImportRowErrorSerializer(ApiSerializer):
    row = serializers.IntegerField(label="行号")
    column = serializers.CharField(label="列")
    message = serializers.CharField(label="错误")


class TargetImportReportSerializer(ApiSerializer):
    detail = serializers.CharField(label="结果")
    filename = serializers.CharField(label="文件名")
    mode = serializers.ChoiceField(label="导入方式", choices=list(importing.MODES.items()))
    imported = serializers.BooleanField(label="已导入")
    total_rows = serializers.IntegerField(label="数据行数")
    created = serializers.IntegerField(label="新增")
    updated = serializers.IntegerField(label="更新")
    unchanged = serializers.IntegerField(label="无变化")
    failed_rows = serializers.ListField(child=serializers.IntegerField(), label="错误行号")
    errors = ImportRowErrorSerializer(many=True, label="错误明细")


class DepartmentViewSet(RecordViewSet):
    """单位（附件1 的 20 个区直单位，以及区安办、督查、效能）。"""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    search_fields = ["name", "short_name"]
    ordering_fields = ["sort_order", "name", "id"]


class JurisdictionViewSet(RecordViewSet):
    """属地（镇街、工业园区）。"""

    queryset = Jurisdiction.objects.prefetch_related("villages")
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilterSet
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]


class VillageViewSet(RecordViewSet):
    """村居。"""

    queryset = Village.objects.select_related("jurisdiction")
    serializer_class = VillageSerializer
    filterset_class = VillageFilterSet
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]


class SectorViewSet(RecordViewSet):
    """行业领域及其牵头单位（可编辑）。"""

    queryset = Sector.objects.prefetch_related("lead_departments")
    serializer_class = SectorSerializer
    filterset_class = SectorFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["sort_order", "name", "id"]
    m2m_fields = ("lead_departments",)


class SpecialAssignmentViewSet(RecordViewSet):
    """专项督导检查组属地分工（三（一））。"""

    queryset = SpecialAssignment.objects.select_related("department", "jurisdiction")
    serializer_class = SpecialAssignmentSerializer
    filterset_class = SpecialAssignmentFilterSet
    ordering_fields = ["id"]


class ExpertViewSet(RecordViewSet):
    """专家库。"""

    queryset = Expert.objects.prefetch_related("sectors")
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet
    search_fields = ["name", "organization", "specialty"]
    ordering_fields = ["name", "id"]
    m2m_fields = ("sectors",)


class TargetCategoryViewSet(RecordViewSet):
    """监管对象类别标签（二、督查范围）。"""

    queryset = TargetCategory.objects.select_related("parent")
    serializer_class = TargetCategorySerializer
    filterset_class = TargetCategoryFilterSet
    search_fields = ["name"]
    ordering_fields = ["sort_order", "id"]


class TargetViewSet(RecordViewSet):
    """监管对象。"""

    queryset = Target.objects.select_related("jurisdiction").prefetch_related("sectors", "categories")
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    search_fields = ["name", "address", "credit_code", "contact_person"]
    ordering_fields = ["name", "id", "created_at", "updated_at"]
    m2m_fields = ("sectors", "categories")

    @extend_schema(
        summary="从 Excel 导入监管对象",
        request={"multipart/form-data": TargetImportRequestSerializer},
        responses={
            200: TargetImportReportSerializer,
            400: OpenApiResponse(
                {"oneOf": [{"$ref": "#/components/schemas/TargetImportReport"}, {"$ref": "#/components/schemas/ErrorResponse"}]},
                description="按 all_or_nothing 方式有错误行而未导入（导入报告），或文件、参数有误（错误说明）"),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[CleanMultiPartParser, CleanFormParser])
    def import_excel(self, request):
        """按导入模板的列（名称、统一社会信用代码、对象类型、属地、村居、行业领域、类别标签、地址、联系人、联系电话、备注）导入；
        返回逐行错误报告。"""
        form = TargetImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        report = importing.import_targets(file=upload, filename=upload.name, actor=request.user, mode=form.validated_data["mode"])
        return Response(report.as_dict(), status=200 if report.imported else 400)

    @extend_schema(summary="下载监管对象导入模板", responses={(200, importing.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        response = HttpResponse(importing.build_template(), content_type=importing.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(importing.TEMPLATE_FILENAME)}"
        return response


def register(router) -> None:
    router.register("departments", DepartmentViewSet)
    router.register("jurisdictions", JurisdictionViewSet)
    router.register("villages", VillageViewSet)
    router.register("sectors", SectorViewSet)
    router.register("special-assignments", SpecialAssignmentViewSet)
    router.register("experts", ExpertViewSet)
    router.register("target-categories", TargetCategoryViewSet)
    router.register("targets", TargetViewSet)
