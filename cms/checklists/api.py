"""/api/v1/checklists/ (templates with their versions and the current version's items) and
/api/v1/checklist-versions/ (any version exactly as published, e.g. the one an inspection used).

The office (管理员、编辑) also builds and versions checklists here, through the same services as
the admin builder (``cms.checklists.services``): ``POST /checklists/`` creates a template (empty
draft version 1); ``PUT /checklists/{id}/draft/`` puts sections and items into its draft (made from
the current version if there is none); ``POST /checklists/{id}/publish/`` publishes the draft.
``GET /checklists/{id}/export/`` gives the checklist as a file and ``POST /checklists/import/``
makes a new template (draft) from such a file (``cms.checklists.transfer``).
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.api.parsers import CleanFormParser, CleanJSONParser, CleanMultiPartParser
from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.api.viewsets import ScopedReadOnlyViewSet
from cms.directory.models import Sector
from cms.errors import InvalidInput

from . import services, transfer
from .filters import ChecklistTemplateFilterSet
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


class Meta:
        model = ChecklistTemplate
        fields = ["sector", "is_retired"]


class ChecklistTemplateInSerializer(ApiSerializer):
    name = serializers.CharField(label="检查表名称", max_length=100)
    sectors = serializers.PrimaryKeyRelatedField(label="适用行业领域", many=True, queryset=Sector.objects.all(), allow_empty=False)
    description = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")
    sort_order = serializers.IntegerField(label="排序", min_value=0, max_value=100000, required=False, default=0)
    reason = serializers.CharField(label="原因（记入变更历史）", max_length=500, required=False, allow_blank=True, default="")


class ChecklistDocumentItemSerializer(ApiSerializer):
    section = serializers.CharField(label="分组标题（须在 sections 中；不分组为 null）", max_length=100, allow_null=True, required=False, default=None)
    text = serializers.CharField(label="检查内容", max_length=500)
    guidance = serializers.CharField(label="检查要点（如何查）", max_length=500, required=False, allow_blank=True, default="")
    answer_type = serializers.ChoiceField(label="答案类型", choices=ChecklistItem.AnswerType.choices, required=False, default="pass_fail")
    choices = serializers.ListField(label="选项（仅单选题，至少两个）", child=serializers.CharField(max_length=200), max_length=50, required=False, default=list)
    required = serializers.BooleanField(label="必填", required=False, default=True)
    legal_basis = serializers.CharField(label="依据", max_length=2000, required=False, allow_blank=True, default="")
    hazard_level = serializers.ChoiceField(label="不合格时隐患等级", choices=ChecklistItem.HazardLevel.choices, required=False, default="general")


class ChecklistDocumentTemplateSerializer(ApiSerializer):
    name = serializers.CharField(label="检查表名称", max_length=100)
    description = serializers.CharField(label="说明", max_length=2000, required=False, allow_blank=True, default="")
    sectors = serializers.ListField(label="适用行业领域（名称）", child=serializers.CharField(max_length=100), min_length=1)


class ChecklistDocumentVersionSerializer(ApiSerializer):
    number = serializers.IntegerField(label="导出时的版本号", allow_null=True, required=False)
    note = serializers.CharField(label="版本说明", required=False, allow_blank=True, max_length=200)
    published_at = serializers.DateTimeField(label="发布时间", allow_null=True, required=False)


class ChecklistDocumentSerializer(ApiSerializer):
    """The checklist file (``cms.checklists.transfer``): what export gives and import takes."""

    format = serializers.ChoiceField(label="文件格式", choices=[(transfer.FORMAT, "检查表文件")])
    format_version = serializers.ChoiceField(label="格式版本", choices=[(transfer.FORMAT_VERSION, "第 1 版")])
    exported_at = serializers.DateTimeField(label="导出时间", required=False)
    template = ChecklistDocumentTemplateSerializer(label="检查表")
    version = ChecklistDocumentVersionSerializer(label="导出的版本", required=False)
    sections = serializers.ListField(label="分组标题（按顺序）", child=serializers.CharField(max_length=100), max_length=transfer.MAX_SECTIONS,
                                     required=False, default=list)
    items = ChecklistDocumentItemSerializer(label="检查项（按顺序）", many=True, min_length=1, max_length=transfer.MAX_ITEMS)


class ChecklistImportFileSerializer(ApiSerializer):
    file = serializers.FileField(label="检查表文件（.json，由“导出”得到）")
    name = serializers.CharField(label="新检查表名称（不填则用文件中的名称）", max_length=100, required=False, allow_blank=True, default="")


class ChecklistPublishSerializer(ApiSerializer):
    note = serializers.CharField(label="版本说明", max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(label="原因（记入变更历史）", max_length=500, required=False, allow_blank=True, default="")


def _document(request) -> object:
    """The checklist document of a request: an uploaded ``file`` (multipart) or the JSON body."""
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(transfer.MAX_FILE_BYTES + 1)
    if "file" in request.data and not hasattr(request.data, "getlist"):
        raise InvalidInput(fields={"file": "请以 multipart/form-data 上传文件，或直接以 JSON 提交检查表内容"})
    if hasattr(request.data, "getlist"):
        raise InvalidInput(fields={"file": "请选择要导入的检查表文件"})
    # A JSON body is held to its declared schema first (types, lengths, enums), then to the
    # file rules and the builder's services.
    ChecklistDocumentSerializer(data=request.data).is_valid(raise_exception=True)
    return request.data


class ChecklistTemplateViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """检查表：模板、各版本和现行版本的检查项。区安办可新建、编辑草稿、发布、导出和导入（与后台“检查表”同一套规则）。"""


    queryset = ChecklistTemplate.objects.prefetch_related(
        "sectors",
        Prefetch("versions", queryset=ChecklistVersion.objects.select_related("template").prefetch_related(
            "sections", Prefetch("items", queryset=ChecklistItem.objects.select_related("section")))),
    )
    serializer_class = ChecklistTemplateSerializer
    filterset_class = ChecklistTemplateFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["sort_order", "name", "id"]

    def _out(self, template: ChecklistTemplate, status: int = 200) -> Response:
        return Response(ChecklistTemplateSerializer(self.get_queryset().get(pk=template.pk), context={"request": self.request}).data,
                        status=status)

    @extend_schema(request=ChecklistTemplateInSerializer, responses={201: ChecklistTemplateSerializer})
    def create(self, request, *args, **kwargs):
        """新建检查表（空的第 1 版草稿）。"""
        form = ChecklistTemplateInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        template = services.checklist_template_create(actor=request.user, reason=data["reason"] or "接口新建检查表", name=data["name"],
                                                      sectors=data["sectors"], description=data["description"], sort_order=data["sort_order"])
        return self._out(template, status=201)

    @extend_schema(methods=["POST"], request=None, responses={200: ChecklistVersionSerializer},
                   description="取得草稿版本；没有草稿时以现行版本为底稿生成下一版草稿。")
    @extend_schema(methods=["PUT"], request={"application/json": ChecklistDocumentSerializer, "multipart/form-data": ChecklistImportFileSerializer},
                   responses={200: ChecklistVersionSerializer},
                   description="以检查表文件的分组和检查项替换草稿版本的内容（名称和行业领域不变）；有误时不改动任何内容。")
    @action(detail=True, methods=["post", "put"], parser_classes=[CleanJSONParser, CleanMultiPartParser, CleanFormParser])
    def draft(self, request, pk=None):
        template = self.get_object()
        if request.method == "PUT":
            draft = transfer.checklist_replace_draft(actor=request.user, reason="接口替换草稿内容", template=template, data=_document(request))
        else:
            draft = services.checklist_draft(actor=request.user, reason="接口编辑检查表", template=template)
        return Response(ChecklistVersionSerializer(draft, context={"request": request}).data)

    @extend_schema(request=ChecklistPublishSerializer, responses={200: ChecklistVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布草稿版本：此后该版本不再改变，新的督导检查使用它。"""
        template = self.get_object()
        form = ChecklistPublishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = template.draft_version
        if draft is None:
            raise InvalidInput("没有待发布的草稿版本，请先编辑内容生成草稿")
        version = services.checklist_publish(actor=request.user, reason=form.validated_data["reason"] or "接口发布",
                                             version=draft, note=form.validated_data["note"])
        return Response(ChecklistVersionSerializer(version, context={"request": request}).data)

    @extend_schema(responses={(200, "application/json"): ChecklistDocumentSerializer})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """导出为检查表文件（JSON，含格式版本），可在另一单位的系统中导入。"""
        template = self.get_object()
        response = HttpResponse(transfer.export_bytes(template=template), content_type="application/json")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(transfer.export_filename(template))}"
        return response

    @extend_schema(request={"multipart/form-data": ChecklistImportFileSerializer, "application/json": ChecklistDocumentSerializer},
                   responses={201: ChecklistTemplateSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[CleanJSONParser, CleanMultiPartParser, CleanFormParser])
    def import_file(self, request):
        """导入检查表文件：新建一个检查表，内容为第 1 版草稿，核对后发布。"""
        name = request.data.get("name", "") if hasattr(request.data, "getlist") else ""
        if not isinstance(name, str) or len(name) > 100:
            raise InvalidInput(fields={"name": "名称应为不超过 100 字的文字"})
        template = transfer.checklist_import(actor=request.user, data=_document(request), name=name)
        return self._out(template, status=201)


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
