"""API of the hazard loop and 三单: thin views — validate input, call one service, serialize.

``/api/v1/hazards/`` (list, register, detail), ``POST /api/v1/hazards/{id}/<action>/`` for each
step of the loop (``version`` for optimistic concurrency: a stale one answers 409),
``GET /api/v1/hazards/{id}/history/``, and ``/api/v1/orders/`` with acknowledge/answer/close.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.api.parsers import CleanFormParser, CleanJSONParser, CleanMultiPartParser
from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.directory.models import Department, Jurisdiction, Sector, Target
from cms.errors import NotAllowed
from cms.roles import role_of
from cms.scope import can_write, scoped

from . import selectors, services
from .filters import HazardFilterSet, OrderFilterSet
from .models import Hazard, HazardLevel
from .models_orders import Order, OrderKind
from .services_orders import order_acknowledge, order_answer, order_close, order_issue

# --- serializers -------------------------------------------------------------------------------


class HazardSerializer(ApiModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True, label="隐患等级名称")
    state_label = serializers.CharField(source="get_state_display", read_only=True, label="状态名称")
    sector_name = serializers.CharField(source="sector.name", read_only=True, label="行业领域名称")
    target_name = serializers.CharField(source="target.name", read_only=True, label="监管对象名称")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True, label="属地名称")
    responsible_unit_name = serializers.CharField(read_only=True, label="责任单位名称")
    is_overdue = serializers.BooleanField(read_only=True, label="逾期")

    class Meta:
        model = Hazard
        fields = [
            "id", "code", "description", "level", "level_label", "is_prominent", "state", "state_label",
            "sector", "sector_name", "target", "target_name", "jurisdiction", "jurisdiction_name", "village",
            "source", "legal_basis", "found_at", "found_by", "responsible_kind", "responsible_department",
            "responsible_jurisdiction", "responsible_unit_name", "responsible_person", "deadline",
            "rectification_measures", "is_overdue", "is_supervised", "supervised_at", "needs_supervision",
            "last_reject_reason", "assigned_at", "submitted_at", "closed_at", "last_action", "version",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class HazardDetailSerializer(HazardSerializer):
    allowed_actions = serializers.SerializerMethodField(label="当前用户可执行的操作")

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        return services.allowed_actions(self.context["request"].user, obj)


class HazardRegisterSerializer(ApiSerializer):
    description = serializers.CharField(label="隐患问题", max_length=5000)
    target = serializers.PrimaryKeyRelatedField(label="监管对象", queryset=Target.objects.all())
    sector = serializers.PrimaryKeyRelatedField(label="行业领域", queryset=Sector.objects.all())
    level = serializers.ChoiceField(label="隐患等级", choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    is_prominent = serializers.BooleanField(label="突出隐患", default=False)
    source = serializers.ChoiceField(label="来源", choices=Hazard.Source.choices, default=Hazard.Source.MANUAL)
    legal_basis = serializers.CharField(label="依据", max_length=2000, required=False, allow_blank=True, default="")
    found_at = serializers.DateTimeField(label="发现时间", required=False)
    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")


class HazardActionSerializer(ApiSerializer):
    version = serializers.IntegerField(label="版本（乐观并发：与当前版本不符则返回 409）", required=False, min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")


class HazardAssignSerializer(HazardActionSerializer):
    responsible_kind = serializers.ChoiceField(label="责任主体类型", choices=Hazard.ResponsibleKind.choices)
    responsible_department = serializers.PrimaryKeyRelatedField(label="责任单位", queryset=Department.objects.all(), required=False, allow_null=True)
    responsible_jurisdiction = serializers.PrimaryKeyRelatedField(label="责任属地", queryset=Jurisdiction.objects.all(), required=False, allow_null=True)
    responsible_person = serializers.CharField(label="责任人", max_length=50)
    deadline = serializers.DateField(label="整改时限")
    issue_order = serializers.BooleanField(label="同时发出工作交办单", default=False)

    # services.hazard_assign: a department or a jurisdiction as the responsible party is named
    request_schema_rules = {"anyOf": [
        {"properties": {"responsible_kind": {"enum": [Hazard.ResponsibleKind.TARGET.value]}}},
        {"required": ["responsible_department"], "properties": {
            "responsible_kind": {"enum": [Hazard.ResponsibleKind.DEPARTMENT.value]}, "responsible_department": {"type": "integer"}}},
        {"required": ["responsible_jurisdiction"], "properties": {
            "responsible_kind": {"enum": [Hazard.ResponsibleKind.JURISDICTION.value]}, "responsible_jurisdiction": {"type": "integer"}}},
    ]}


class HazardPlanSerializer(HazardActionSerializer):
    measures = serializers.CharField(label="整改措施", max_length=5000)
    deadline = serializers.DateField(label="整改时限")
    responsible_person = serializers.CharField(label="整改责任人", max_length=50)
    funds = serializers.CharField(label="整改资金", max_length=200, required=False, allow_blank=True, default="")
    interim_measures = serializers.CharField(label="整改期间安全防范措施", max_length=5000, required=False, allow_blank=True, default="")
    goal_and_tasks = serializers.CharField(label="治理目标和任务", max_length=5000, required=False, allow_blank=True, default="")
    methods_and_measures = serializers.CharField(label="采取的方法和措施", max_length=5000, required=False, allow_blank=True, default="")
    funds_and_materials = serializers.CharField(label="经费和物资的落实", max_length=5000, required=False, allow_blank=True, default="")
    organization_and_people = serializers.CharField(label="负责治理的机构和人员", max_length=5000, required=False, allow_blank=True, default="")
    timeline_and_requirements = serializers.CharField(label="治理的时限和要求", max_length=5000, required=False, allow_blank=True, default="")
    safety_and_emergency = serializers.CharField(label="安全措施和应急预案", max_length=5000, required=False, allow_blank=True, default="")


class HazardEvidenceSerializer(HazardActionSerializer):
    text = serializers.CharField(label="整改情况", max_length=5000)
    # Checked by the one upload rule (cms.uploads) in the service: JPEG/PNG/WebP by content, size, re-encoded.
    photos = serializers.ListField(
        label="整改后照片", child=serializers.FileField(label="照片（JPEG、PNG 或 WebP）"), required=False, default=list,
        max_length=settings.UPLOAD_MAX_IMAGES, error_messages={"max_length": "每次最多上传 {max_length} 张照片"},
        help_text=f"JPEG、PNG 或 WebP，每张不超过 {settings.UPLOAD_MAX_IMAGE_BYTES // (1024 * 1024)} MB")


class HazardVerifySerializer(HazardActionSerializer):
    # The verifier's photos of the site at 复核, checked by the same upload rule in the service.
    photos = serializers.ListField(
        label="复核现场照片", child=serializers.FileField(label="照片（JPEG、PNG 或 WebP）"), required=False, default=list,
        max_length=settings.UPLOAD_MAX_IMAGES, error_messages={"max_length": "每次最多上传 {max_length} 张照片"},
        help_text=f"JPEG、PNG 或 WebP，每张不超过 {settings.UPLOAD_MAX_IMAGE_BYTES // (1024 * 1024)} MB")


class HazardRejectSerializer(HazardActionSerializer):
    reason = serializers.CharField(label="退回原因", max_length=500)


class HazardSuperviseSerializer(HazardActionSerializer):
    due_date = serializers.DateField(label="督办时限", required=False, allow_null=True)


class HazardHistoryChangeSerializer(ApiSerializer):
    field = serializers.CharField(label="字段")
    label = serializers.CharField(label="字段名称")
    old = serializers.CharField(label="原值")
    new = serializers.CharField(label="新值")


class HazardHistoryEntrySerializer(ApiSerializer):
    object_type = serializers.CharField(label="记录类型")
    object_id = serializers.IntegerField(label="记录编号")
    history_id = serializers.IntegerField(label="历史编号")
    time = serializers.DateTimeField(label="时间")
    user = serializers.CharField(label="操作人", allow_null=True)
    ip_address = serializers.CharField(label="来源地址", allow_null=True)
    type = serializers.CharField(label="变更类型")
    action = serializers.CharField(label="操作")
    action_label = serializers.CharField(label="操作名称")
    reason = serializers.CharField(label="原因")
    changes = HazardHistoryChangeSerializer(many=True, label="字段变化")


class OrderSerializer(ApiModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="状态名称")
    recipient_name = serializers.CharField(read_only=True, label="接收单位名称")
    issuing_department_name = serializers.CharField(source="issuing_department.name", read_only=True, label="发文单位名称")
    is_overdue = serializers.BooleanField(read_only=True, label="逾期")
    hazards = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label="涉及隐患")

    class Meta:
        model = Order
        fields = [
            "id", "kind", "kind_label", "number", "year", "serial", "issuing_department", "issuing_department_name",
            "recipient_department", "recipient_jurisdiction", "recipient_name", "hazards", "content", "due_date",
            "status", "status_label", "reply", "issued_by", "issued_at", "acknowledged_at", "acknowledged_by",
            "answered_at", "answered_by", "closed_at", "closed_by", "is_overdue", "version",
        ]
        read_only_fields = fields


class OrderIssueSerializer(ApiSerializer):
    kind = serializers.ChoiceField(label="类别", choices=OrderKind.choices)
    content = serializers.CharField(label="事项", max_length=5000)
    due_date = serializers.DateField(label="办理时限")
    recipient_department = serializers.PrimaryKeyRelatedField(label="接收单位", queryset=Department.objects.all(), required=False, allow_null=True)
    recipient_jurisdiction = serializers.PrimaryKeyRelatedField(label="接收属地", queryset=Jurisdiction.objects.all(), required=False, allow_null=True)
    hazards = serializers.PrimaryKeyRelatedField(label="涉及隐患", many=True, queryset=Hazard.objects.all(), required=False, default=list)
    reason = serializers.CharField(label="原因", max_length=500, required=False, allow_blank=True, default="")

    # services_orders.order_issue: exactly one recipient, a department or a jurisdiction.
    request_schema_rules = {"oneOf": [
        {"required": ["recipient_department"], "properties": {"recipient_department": {"type": "integer"},
                                                              "recipient_jurisdiction": {"enum": [None]}}},
        {"required": ["recipient_jurisdiction"], "properties": {"recipient_jurisdiction": {"type": "integer"},
                                                                "recipient_department": {"enum": [None]}}},
    ]}


class OrderAnswerSerializer(HazardActionSerializer):
    reply = serializers.CharField(label="回复内容", max_length=5000)


# --- filters -----------------------------------------------------------------------------------


# --- views -------------------------------------------------------------------------------------


def _hazard_response(view, hazard: Hazard, status: int = 200) -> Response:
    hazard = selectors.hazards_for_api(Hazard.objects.filter(pk=hazard.pk)).get()
    return Response(HazardDetailSerializer(hazard, context=view.get_serializer_context()).data, status=status)


class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """隐患：列表（按状态、等级、行业领域、属地、监管对象、责任单位、逾期、督办、时间范围筛选，中文搜索），
    登记，闭环各步操作与变更历史。"""

    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet  # ``search`` is one of its filters (the same in the admin and the ledger export)
    ordering_fields = ["deadline", "found_at", "id", "updated_at"]
    ordering = ["-found_at", "-id"]
    parser_classes = [CleanJSONParser, CleanMultiPartParser, CleanFormParser]
    action_permission_in_service = True
    service_actions = ("create", "assign", "plan", "submit", "fix_on_spot", "verify", "reject", "supervise")

    def get_queryset(self):
        queryset = scoped(Hazard.objects.all(), self.request.user)
        if self.action == "list":
            return selectors.hazards_for_list(queryset)
        return selectors.hazards_for_api(queryset)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return HazardDetailSerializer
        return self.serializer_class

    @extend_schema(request=HazardRegisterSerializer, responses={201: HazardDetailSerializer})
    def create(self, request, *args, **kwargs):
        if role_of(request.user) not in services.REGISTER_ROLES:  # the role is refused before the input is read
            raise NotAllowed("您无权登记隐患")
        data = self._valid(HazardRegisterSerializer)
        reason = data.pop("reason") or "接口登记"
        hazard = services.hazard_register(actor=request.user, reason=reason, **data)
        return _hazard_response(self, hazard, status=201)

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _act(self, serializer_class, service, **extra):
        hazard = self.get_object()
        data = self._valid(serializer_class)
        version = data.pop("version", None)
        service(hazard=hazard, actor=self.request.user, expected_version=version, **data, **extra)
        return _hazard_response(self, hazard)

    @extend_schema(request=HazardAssignSerializer, responses={200: HazardDetailSerializer, 400: OpenApiResponse(description="输入有误"),
                                                        403: OpenApiResponse(description="无权操作"), 409: OpenApiResponse(description="状态冲突或版本过期")})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """交办：责任单位（行业主管单位、属地或监管对象自身）、责任人、整改时限，可同时发出工作交办单。"""
        return self._act(HazardAssignSerializer, services.hazard_assign)

    @extend_schema(request=HazardPlanSerializer, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """整改方案：措施、时限、责任人、资金、整改期间安全措施；重大隐患须写全治理方案六项。"""
        return self._act(HazardPlanSerializer, services.hazard_plan)

    @extend_schema(request={"multipart/form-data": HazardEvidenceSerializer, "application/json": HazardEvidenceSerializer}, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """整改完成：整改情况与整改后照片（multipart 的 photos 字段，可多张）。"""
        return self._act(HazardEvidenceSerializer, services.hazard_submit)

    @extend_schema(request={"multipart/form-data": HazardEvidenceSerializer, "application/json": HazardEvidenceSerializer}, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"], url_path="fix-on-spot")
    def fix_on_spot(self, request, pk=None):
        """即行即改：登记后当场整改，直接待复核（重大隐患不可）。"""
        return self._act(HazardEvidenceSerializer, services.hazard_fix_on_spot)

    @extend_schema(request={"multipart/form-data": HazardVerifySerializer, "application/json": HazardVerifySerializer}, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """复核销号，可附复核现场照片（multipart 的 photos 字段，可多张）。挂牌督办和重大隐患只能由区安办销号。"""
        return self._act(HazardVerifySerializer, services.hazard_verify)

    @extend_schema(request=HazardRejectSerializer, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """退回重新整改（须填写原因）。"""
        return self._act(HazardRejectSerializer, services.hazard_reject)

    @extend_schema(request=HazardSuperviseSerializer, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        """挂牌督办：向责任单位发出督办单；此后只有区安办可以销号。"""
        return self._act(HazardSuperviseSerializer, services.hazard_supervise)

    @extend_schema(responses={200: HazardHistoryEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """变更历史：隐患、整改方案、整改佐证及相关三单的每次变更（操作人、时间、来源地址、操作、原因、字段变化）。"""
        hazard = self.get_object()
        entries = selectors.hazard_history(hazard)
        return Response(HazardHistoryEntrySerializer(entries, many=True).data)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """三单（工作交办单、提醒单、督办单）：区安办发出，接收单位签收、回复，区安办办结。"""

    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet
    search_fields = ["number", "content", "reply"]
    ordering_fields = ["issued_at", "due_date", "id"]
    ordering = ["-issued_at", "-id"]
    action_permission_in_service = True
    service_actions = ("create", "acknowledge", "answer", "close")

    def get_queryset(self):
        return scoped(Order.objects.all(), self.request.user).select_related(
            "issuing_department", "recipient_department", "recipient_jurisdiction").prefetch_related("hazards")

    def _respond(self, order: Order, status: int = 200) -> Response:
        order = self.get_queryset().model.objects.select_related("issuing_department", "recipient_department",
                                                                  "recipient_jurisdiction").prefetch_related("hazards").get(pk=order.pk)
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=status)

    @extend_schema(request=OrderIssueSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        if not can_write(request.user, Order):  # the role is refused before the input is read
            raise NotAllowed("只有区安办可以发出交办单、提醒单、督办单")
        serializer = OrderIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        visible = scoped(Hazard.objects.filter(pk__in=[h.pk for h in data["hazards"]]), request.user)
        data["hazards"] = list(visible)
        order = order_issue(actor=request.user, **data)
        return self._respond(order, status=201)

    def _act(self, serializer_class, service):
        order = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        service(order=order, actor=self.request.user, expected_version=version, **data)
        return self._respond(order)

    @extend_schema(request=HazardActionSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收（接收单位）。"""
        return self._act(HazardActionSerializer, order_acknowledge)

    @extend_schema(request=OrderAnswerSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """回复（接收单位，须填写回复内容）。"""
        return self._act(OrderAnswerSerializer, order_answer)

    @extend_schema(request=HazardActionSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结（区安办）。"""
        return self._act(HazardActionSerializer, order_close)


def register(router) -> None:
    router.register("hazards", HazardViewSet, basename="hazard")
    router.register("orders", OrderViewSet, basename="order")

