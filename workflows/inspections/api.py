"""/api/v1/groups/, /api/v1/plans/, /api/v1/inspections/ and /api/v1/compliance/.

A phone client submits a whole visit in ONE JSON request to ``POST /api/v1/inspections/``;
photos travel inside it as base64 (``{"name": "a.jpg", "data": "<base64 or data: URL>"}``).
The response is the recorded inspection with the hazards it created.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.api.filters import refuse_unknown_params
from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.api.viewsets import RecordViewSet
from cms.records import input_for
from cms.scope import scope_for, scoped
from cms.uploads import PhotoUpload
from workflows.hazards.models import Hazard, HazardLevel

from .filters import InspectionFilterSet, InspectionGroupFilterSet, InspectionPlanFilterSet
from .models import (
    Inspection,
    InspectionAnswer,
    InspectionFeedback,
    InspectionGroup,
    InspectionMethod,
    InspectionPhoto,
    InspectionPlan,
)
from .selectors import compliance_for_month, focus_sector_proposal, parse_month
from .services import (
    GroupInput,
    PlanInput,
    feedback_record,
    group_delete,
    group_save,
    inspection_submit,
    plan_delete,
    plan_save,
)

# ---------------------------------------------------------------- groups and plans


class InspectionGroupSerializer(ApiModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类型名称")

    class Meta:
        model = InspectionGroup
        fields = ["id", "name", "kind", "kind_label", "lead_department", "jurisdictions", "sectors", "member_departments", "members",
                  "experts", "leader_name", "note", "is_active"]

    # services.group_save: a special group supervises at least one jurisdiction (a change that
    # leaves kind or jurisdictions out keeps the stored ones, which the schema cannot know).
    request_schema_rules = {"anyOf": [
        {"properties": {"kind": {"enum": [k for k in InspectionGroup.Kind.values if k != InspectionGroup.Kind.SPECIAL]}}},
        {"required": ["jurisdictions"], "properties": {"jurisdictions": {"minItems": 1}}},
    ]}


class InspectionGroupViewSet(RecordViewSet):
    """督导检查组（专项、综合、行业），成员与邀请专家。"""

    queryset = InspectionGroup.objects.select_related("lead_department").prefetch_related(
        "jurisdictions", "sectors", "member_departments", "members", "experts")
    serializer_class = InspectionGroupSerializer
    filterset_class = InspectionGroupFilterSet
    search_fields = ["name", "note"]
    ordering_fields = ["kind", "name", "id"]

    def perform_create(self, serializer):
        serializer.instance = group_save(actor=self.request.user, reason=self.change_reason(),
                                         data=input_for(GroupInput, serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = group_save(actor=self.request.user, reason=self.change_reason(), group=serializer.instance,
                                         data=input_for(GroupInput, serializer.validated_data, serializer.instance))

    def perform_destroy(self, instance):
        group_delete(actor=self.request.user, reason=self.change_reason(), group=instance)


class InspectionPlanSerializer(ApiModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True, label="检查组名称")

    class Meta:
        model = InspectionPlan
        fields = ["id", "month", "group", "group_name", "title", "status", "sectors", "jurisdictions", "targets", "content", "key_points",
                  "templates", "method", "experts", "training_date", "training_topic", "training_trainer", "training_attendees",
                  "major_event", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"major_event": {"help_text": "只有专项督导检查组的计划填写其服务的重大活动或重点时段；其他检查组的计划留空（否则 400）"},
                        "training_date": {"help_text": "专题培训日期，在计划月份1日前后62天之内（否则 400）"}}


class InspectionPlanViewSet(RecordViewSet):
    """督导检查计划（查什么、如何查、检查表、方式、专家、专题培训、重大活动）。"""

    queryset = InspectionPlan.objects.select_related("group").prefetch_related("sectors", "jurisdictions", "targets", "templates", "experts")
    serializer_class = InspectionPlanSerializer
    filterset_class = InspectionPlanFilterSet
    search_fields = ["title", "content", "key_points"]
    ordering_fields = ["month", "id"]

    def perform_create(self, serializer):
        serializer.instance = plan_save(actor=self.request.user, reason=self.change_reason(),
                                        data=input_for(PlanInput, serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = plan_save(actor=self.request.user, reason=self.change_reason(), plan=serializer.instance,
                                        data=input_for(PlanInput, serializer.validated_data, serializer.instance))

    def perform_destroy(self, instance):
        plan_delete(actor=self.request.user, reason=self.change_reason(), plan=instance)

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="计划月份 YYYY-MM")],
        responses=inline_serializer("FocusProposal", {
            "month": serializers.CharField(), "lookback_months": serializers.IntegerField(),
            "sectors": inline_serializer("FocusRow", {
                "sector": serializers.IntegerField(), "name": serializers.CharField(), "hazards": serializers.IntegerField(),
                "major": serializers.IntegerField(), "overdue": serializers.IntegerField(), "score": serializers.IntegerField()}, many=True),
        }),
    )
    @action(detail=False, methods=["get"], url_path="focus-proposal")
    def focus_proposal(self, request):
        """建议下月综合督导检查的重点行业领域（按近三个月隐患、重大隐患和逾期未改排序，由区安办决定）。"""
        refuse_unknown_params(request.query_params, ("month",))
        month = parse_month(request.query_params.get("month"))
        if month is None:
            raise ValidationError({"month": ["月份格式应为 YYYY-MM"]})
        rows = focus_sector_proposal(month=month)
        return Response({"month": f"{month:%Y-%m}", "lookback_months": 3, "sectors": [
            {"sector": r.sector.pk, "name": r.sector.name, "hazards": r.hazards, "major": r.major, "overdue": r.overdue, "score": r.score}
            for r in rows]})


# ---------------------------------------------------------------- inspections


class PhotoInSerializer(ApiSerializer):
    name = serializers.CharField(label="文件名", max_length=200, required=False, default="photo.jpg")
    data = serializers.CharField(label="图片内容（base64，可带 data:image/...;base64, 前缀）", trim_whitespace=True)

    def validate(self, attrs):
        data = attrs["data"]
        if data.startswith("data:") and "," in data:
            data = data.split(",", 1)[1]
        if len(data) * 3 // 4 > settings.UPLOAD_MAX_IMAGE_BYTES + 3:
            raise serializers.ValidationError({"data": [f"照片超过 {settings.UPLOAD_MAX_IMAGE_BYTES // (1024 * 1024)} MB 上限"]})
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"data": ["照片不是有效的 base64 编码"]})
        return PhotoUpload(name=attrs.get("name") or "photo.jpg", content=content)


class AnswerInSerializer(ApiSerializer):
    item = serializers.IntegerField(label="检查项编号")
    value = serializers.JSONField(label="答案：合格/不合格/不适用（或 pass/fail/na）、文字、数字或选项", required=False, allow_null=True)
    remark = serializers.CharField(label="情况说明", required=False, allow_blank=True, max_length=5000, default="")
    photos = PhotoInSerializer(many=True, required=False, default=list)


class ExtraHazardInSerializer(ApiSerializer):
    description = serializers.CharField(label="隐患问题", max_length=5000, allow_blank=True)
    level = serializers.ChoiceField(label="隐患等级", choices=HazardLevel.choices, required=False, default="general",
                                    error_messages={"invalid_choice": "隐患等级只能是 general（一般隐患）或 major（重大隐患）"})
    sector = serializers.IntegerField(label="行业领域", required=False, allow_null=True)
    legal_basis = serializers.CharField(label="依据", required=False, allow_blank=True, default="", max_length=2000)
    photos = PhotoInSerializer(many=True, required=False, default=list)


class InspectionSubmitSerializer(ApiSerializer):
    group = serializers.IntegerField(label="检查组")
    plan = serializers.IntegerField(label="所属计划", required=False, allow_null=True)
    target = serializers.IntegerField(label="检查对象")
    inspected_on = serializers.DateField(label="检查日期")
    method = serializers.ChoiceField(label="检查方式", choices=InspectionMethod.choices, error_messages={
        "invalid_choice": f"检查方式只能是：{'、'.join(f'{v}（{label}）' for v, label in InspectionMethod.choices)}"})
    inspectors = serializers.ListField(child=serializers.IntegerField(), label="检查人员（用户编号）", required=False, default=list)
    checklist_version = serializers.IntegerField(label="检查表版本", required=False, allow_null=True)
    started_at = serializers.DateTimeField(label="开始填写时间（用于判断是否填写过快）")
    summary = serializers.CharField(label="检查情况", required=False, allow_blank=True, default="", max_length=5000)
    answers = AnswerInSerializer(many=True, required=False, default=list)
    extra_hazards = ExtraHazardInSerializer(many=True, required=False, default=list)
    photos = PhotoInSerializer(many=True, required=False, default=list, label="现场照片（不对应检查项）")
    reason = serializers.CharField(label="备注（记入变更历史）", required=False, allow_blank=True, default="")


class AnswerSerializer(ApiModelSerializer):
    item_text = serializers.CharField(source="item.text", read_only=True, label="检查内容")
    answer_type = serializers.CharField(source="item.answer_type", read_only=True, label="答案类型")
    display = serializers.CharField(source="display_value", read_only=True, label="答案")

    class Meta:
        model = InspectionAnswer
        fields = ["id", "item", "item_text", "answer_type", "verdict", "text", "number", "display", "remark"]


class PhotoSerializer(ApiModelSerializer):
    class Meta:
        model = InspectionPhoto
        fields = ["id", "answer", "image", "original_name", "taken_at", "latitude", "longitude", "uploaded_at", "uploaded_by"]


class CreatedHazardSerializer(ApiModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "code", "description", "level", "state", "sector", "checklist_item", "legal_basis"]


class FeedbackSerializer(ApiModelSerializer):
    class Meta:
        model = InspectionFeedback
        fields = ["id", "problems", "suggestions", "rectification_deadline", "deadline_note", "delivered_on", "recipient", "created_at"]
        read_only_fields = ["created_at"]


class InspectionSerializer(ApiModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True, label="检查组名称")
    target_name = serializers.CharField(source="target.name", read_only=True, label="检查对象名称")
    jurisdiction = serializers.IntegerField(source="target.jurisdiction_id", read_only=True, label="属地")
    answers = AnswerSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    hazards = CreatedHazardSerializer(many=True, read_only=True)
    feedback = serializers.SerializerMethodField(label="反馈意见")

    class Meta:
        model = Inspection
        fields = ["id", "group", "group_name", "plan", "target", "target_name", "jurisdiction", "inspected_on", "method", "checklist_version",
                  "inspectors", "summary", "started_at", "submitted_at", "fill_seconds", "flag_no_evidence", "flag_too_fast", "created_by",
                  "answers", "photos", "hazards", "feedback"]

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, obj):
        try:
            return FeedbackSerializer(obj.feedback).data
        except InspectionFeedback.DoesNotExist:  # no feedback recorded yet
            return None


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """督导检查：一次提交整次检查（检查项答案、照片、补充隐患），不合格项自动登记为隐患。"""

    queryset = Inspection.objects.select_related("group", "target", "feedback").prefetch_related(
        "inspectors", "photos", "hazards",
        Prefetch("answers", queryset=InspectionAnswer.objects.select_related("item")),
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    search_fields = ["target__name", "summary"]
    ordering_fields = ["inspected_on", "id"]
    action_permission_in_service = True
    service_actions = ("feedback",)

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    @extend_schema(request=InspectionSubmitSerializer, responses={201: InspectionSerializer},
                   description="一次请求提交整次督导检查（JSON；照片以 base64 放在 photos[].data 中）。任一字段有误则返回 400、不写入任何数据。")
    def create(self, request, *args, **kwargs):
        data = InspectionSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        plan = None
        if v.get("plan"):
            plan = scoped(InspectionPlan.objects.all(), request.user).filter(pk=v["plan"]).first()
            if plan is None:
                raise ValidationError({"plan": ["计划不存在或不在您的数据范围内"]})
        result = inspection_submit(
            actor=request.user, reason=v["reason"] or "接口提交督导检查", group=v["group"], target=v["target"],
            inspected_on=v["inspected_on"], method=v["method"], inspectors=v["inspectors"],
            checklist_version=v.get("checklist_version"), answers=[dict(a) for a in v["answers"]],
            extra_hazards=[dict(e) for e in v["extra_hazards"]], photos=v["photos"], started_at=v["started_at"],
            plan=plan, summary=v["summary"],
        )
        inspection = self.queryset.get(pk=result.inspection.pk)  # the submitter sees what was written
        return Response(InspectionSerializer(inspection, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FeedbackSerializer, responses={200: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """反馈意见：记录向被检查单位反馈的问题、建议和整改期限。"""
        inspection = self.get_object()
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        feedback = feedback_record(actor=request.user, reason=str(request.data.get("reason") or "接口填写反馈意见"), inspection=inspection,
                                   problems=v.get("problems", ""), suggestions=v.get("suggestions", ""),
                                   rectification_deadline=v.get("rectification_deadline"), deadline_note=v.get("deadline_note", ""),
                                   delivered_on=v.get("delivered_on"), recipient=v.get("recipient", ""))
        return Response(FeedbackSerializer(feedback).data)


# ---------------------------------------------------------------- compliance


ComplianceLineSerializer = inline_serializer("ComplianceLine", {
    "label": serializers.CharField(), "ok": serializers.BooleanField(), "detail": serializers.CharField()})


class ComplianceView(APIView):
    """督导检查机制落实情况：某月各单位行业督导、会商研判、综合督导、专项督导属地覆盖，缺项标出。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="月份 YYYY-MM")],
        responses=inline_serializer("Compliance", {
            "month": serializers.CharField(), "industry": inline_serializer("ComplianceIndustry", {
                "label": serializers.CharField(), "ok": serializers.BooleanField(), "detail": serializers.CharField()}, many=True),
            "consultations": ComplianceLineSerializer, "comprehensive": ComplianceLineSerializer,
            "special": inline_serializer("ComplianceSpecial", {
                "label": serializers.CharField(), "ok": serializers.BooleanField(), "detail": serializers.CharField()}, many=True),
            "missing": serializers.ListField(child=serializers.CharField()), "all_ok": serializers.BooleanField(),
        }),
    )
    def get(self, request):
        if scope_for(request.user).role is None:
            return Response({"detail": "您没有执行此操作的权限"}, status=403)
        refuse_unknown_params(request.query_params, ("month",))
        month = parse_month(request.query_params.get("month"))
        if month is None:
            raise ValidationError({"month": ["月份格式应为 YYYY-MM"]})
        return Response(compliance_for_month(month).as_dict())


def register(router) -> None:
    router.register("groups", InspectionGroupViewSet, basename="groups")
    router.register("plans", InspectionPlanViewSet, basename="plans")
    router.register("inspections", InspectionViewSet, basename="inspections")


urlpatterns = [path("compliance/", ComplianceView.as_view(), name="api-compliance")]
