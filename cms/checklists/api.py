"""/api/v1/checklists/ (templates with their versions and the current version's items) and
/api/v1/checklist-versions/ (any version exactly as published, e.g. the one an inspection used).

Read-only: checklists are built in the admin (检查表 → 编辑内容), where versioning is enforced.
"""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.api.filters import FilterSet
from cms.api.serializers import ApiModelSerializer
from cms.api.viewsets import ScopedReadOnlyViewSet

from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, ChecklistVersion


class ChecklistItemSerializer(ApiModelSerializer):
    section_title = serializers.CharField(source="section.title", read_only=True, default="", label="分组标题")
    finding = serializers.CharField(source="finding_text", read_only=True, label="问题表述（不合格时的隐患表述）")

    class Meta:
        model = ChecklistItem
        fields = ["id", "section", "section_title", "text", "finding", "guidance", "answer_type", "choices", "required", "legal_basis",
                  "hazard_level", "sort_order"]


class ChecklistSectionSerializer(ApiModelSerializer):
    class Meta:
        model = ChecklistSection
        fields = ["id", "title", "sort_order"]


class ChecklistVersionSerializer(ApiModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True, label="检查表名称")
    sections = ChecklistSectionSerializer(many=True, read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "template", "template_name", "number", "is_published", "published_at", "note", "sections", "items"]


class ChecklistVersionSummarySerializer(ApiModelSerializer):
    class Meta:
        model = ChecklistVersion
        fields = ["id", "number", "is_published", "published_at", "note"]


class ChecklistTemplateSerializer(ApiModelSerializer):
    versions = ChecklistVersionSummarySerializer(many=True, read_only=True)
    current_version = serializers.SerializerMethodField(label="现行版本（含检查项）")

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "sectors", "description", "is_retired", "sort_order", "copied_from", "versions", "current_version"]

    @extend_schema_field(ChecklistVersionSerializer(allow_null=True))
    def get_current_version(self, obj):
        published = [v for v in obj.versions.all() if v.is_published]
        if not published:
            return None
        return ChecklistVersionSerializer(max(published, key=lambda v: v.number), context=self.context).data


class ChecklistTemplateFilter(FilterSet):
    sector = filters.NumberFilter(field_name="sectors", label="行业领域")

    class Meta:
        model = ChecklistTemplate
        fields = ["sector", "is_retired"]


class ChecklistTemplateViewSet(ScopedReadOnlyViewSet):
    """检查表：模板、各版本和现行版本的检查项（只读；在后台“检查表”中编辑、发布）。"""

    queryset = ChecklistTemplate.objects.prefetch_related(
        "sectors",
        Prefetch("versions", queryset=ChecklistVersion.objects.select_related("template").prefetch_related(
            "sections", Prefetch("items", queryset=ChecklistItem.objects.select_related("section")))),
    )
    serializer_class = ChecklistTemplateSerializer
    filterset_class = ChecklistTemplateFilter
    search_fields = ["name", "description"]
    ordering_fields = ["sort_order", "name", "id"]


class ChecklistVersionViewSet(ScopedReadOnlyViewSet):
    """检查表版本（已发布的版本永不改变；督导检查记录所用版本）。"""

    queryset = ChecklistVersion.objects.select_related("template").prefetch_related(
        "sections", Prefetch("items", queryset=ChecklistItem.objects.select_related("section")))
    serializer_class = ChecklistVersionSerializer
    filterset_fields = ["template", "is_published"]
    ordering_fields = ["number", "id"]


def register(router) -> None:
    router.register("checklists", ChecklistTemplateViewSet, basename="checklists")
    router.register("checklist-versions", ChecklistVersionViewSet, basename="checklist-versions")
