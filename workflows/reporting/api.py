"""API of 会商研判 (``/api/v1/consultations/``, ``/api/v1/consultation-measures/``) and
月度督导检查情况 (``/api/v1/monthly-reports/`` with ``submit``, ``accept``, ``return``)."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.directory.models import Department, Jurisdiction, Sector
from cms.records import input_for
from cms.scope import scoped

from .filters import ConsultationFilterSet, ConsultationMeasureFilterSet, MonthlyReportFilterSet
from .models import Consultation, ConsultationMeasure, MonthlyReport, ReportState
from .services import (
    MAX_SECTORS,
    MIN_SECTORS,
    ConsultationInput,
    MeasureInput,
    consultation_delete,
    consultation_save,
    measure_complete,
    measure_delete,
    measure_issue,
    measure_save,
    report_accept,
    report_refresh_data,
    report_return,
    report_save_draft,
    report_submit,
)


class ConsultationMeasureSerializer(ApiModelSerializer):
    # ConsultationMeasure.clean: 责任单位与责任属地只填一个 (at most one of the two)
    request_schema_rules = {"not": {"required": ["responsible_department", "responsible_jurisdiction"],
                                    "properties": {"responsible_department": {"type": "integer"},
                                                   "responsible_jurisdiction": {"type": "integer"}}}}

    id = serializers.IntegerField(label="编号", required=False)
    status_display = serializers.CharField(source="get_status_display", read_only=True, label="状态")
    responsible_department = serializers.PrimaryKeyRelatedField(label="责任单位", queryset=Department.objects.all(),
                                                                required=False, allow_null=True)
    responsible_jurisdiction = serializers.PrimaryKeyRelatedField(label="责任属地", queryset=Jurisdiction.objects.all(),
                                                                  required=False, allow_null=True)

    class Meta:
        model = ConsultationMeasure
        fields = ["id", "consultation", "content", "responsible_department", "responsible_jurisdiction", "deadline",
                  "status", "status_display", "order", "issued_at"]
        read_only_fields = ["consultation", "status", "order", "issued_at"]


class ConsultationSerializer(ApiModelSerializer):
    # 1–2 sectors a consultation (workflows.reporting.services): the limits in the schema too.
    sectors = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all()), label="行业领域", allow_empty=False,
        error_messages={"empty": f"每次会商研判选择 {MIN_SECTORS}–{MAX_SECTORS} 个行业领域（已选 0 个）"},
        validators=[MaxLengthValidator(MAX_SECTORS, message=f"每次会商研判选择 {MIN_SECTORS}–{MAX_SECTORS} 个行业领域")])
    lead_departments = serializers.PrimaryKeyRelatedField(label="牵头部门", many=True, queryset=Department.objects.all(), allow_empty=False,
                                                          error_messages={"empty": "请选择牵头部门"})
    participating_departments = serializers.PrimaryKeyRelatedField(label="参会单位", many=True, queryset=Department.objects.all(),
                                                                   required=False)
    measures = ConsultationMeasureSerializer(label="措施", many=True, required=False)
    reason = serializers.CharField(label="变更原因", write_only=True, required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Consultation
        fields = ["id", "held_on", "title", "sectors", "lead_departments", "participating_departments", "situation_analysis",
                  "risks", "notes", "measures", "created_by", "created_at", "updated_at", "reason"]
        read_only_fields = ["created_by", "created_at", "updated_at"]


class ConsultationViewSet(viewsets.ModelViewSet):
    """会商研判记录（每月 1–2 个行业领域）及其措施。写入仅限区安办。"""

    queryset = Consultation.objects.prefetch_related("sectors", "lead_departments", "participating_departments", "measures")
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilterSet
    search_fields = ["title", "situation_analysis", "risks"]
    ordering_fields = ["held_on", "id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def _reason(self, serializer) -> str:
        return serializer.validated_data.get("reason") or self.request.headers.get("X-Change-Reason") or ""

    def _input(self, data: dict, instance: Consultation | None) -> ConsultationInput:
        def pick(name, default=None):
            if name in data:
                return data[name]
            if instance is not None:
                value = getattr(instance, name)
                return list(value.all()) if hasattr(value, "all") else value
            return default

        measures = None
        if "measures" in data:
            measures = [MeasureInput(id=m.get("id"), content=m.get("content", ""), deadline=m.get("deadline"),
                                     responsible_department=m.get("responsible_department"),
                                     responsible_jurisdiction=m.get("responsible_jurisdiction")) for m in data["measures"]]
        return ConsultationInput(
            held_on=pick("held_on"), title=pick("title", ""), situation_analysis=pick("situation_analysis", ""),
            risks=pick("risks", ""), notes=pick("notes", "") or "", sectors=pick("sectors", []),
            lead_departments=pick("lead_departments", []), participating_departments=pick("participating_departments", []),
            measures=measures,
        )

    def perform_create(self, serializer):
        serializer.instance = consultation_save(actor=self.request.user, reason=self._reason(serializer) or "接口新增会商研判",
                                                data=self._input(serializer.validated_data, None))

    def perform_update(self, serializer):
        serializer.instance = consultation_save(actor=self.request.user, reason=self._reason(serializer) or "接口修改会商研判",
                                                data=self._input(serializer.validated_data, serializer.instance),
                                                consultation=serializer.instance)

    def perform_destroy(self, instance):
        consultation_delete(actor=self.request.user, reason=self.request.headers.get("X-Change-Reason") or "接口删除会商研判",
                            consultation=instance)


class ActionSerializer(ApiSerializer):
    reason = serializers.CharField(label="原因", required=False, allow_blank=True, max_length=500)


class IssueMeasureSerializer(ActionSerializer):
    deadline = serializers.DateField(label="完成时限", required=False, allow_null=True)


class ConsultationMeasureWriteSerializer(ConsultationMeasureSerializer):
    consultation = serializers.PrimaryKeyRelatedField(label="会商研判", queryset=Consultation.objects.all())
    reason = serializers.CharField(label="变更原因", write_only=True, required=False, allow_blank=True, max_length=500)

    class Meta(ConsultationMeasureSerializer.Meta):
        fields = [*ConsultationMeasureSerializer.Meta.fields, "reason"]
        read_only_fields = ["status", "order", "issued_at"]


class ConsultationMeasureViewSet(viewsets.ModelViewSet):
    """会商措施；``issue`` 交办为工作交办单，``complete`` 确认落实。新增、修改、删除仅限区安办，已交办的措施不能修改或删除。"""

    queryset = ConsultationMeasure.objects.select_related("consultation", "responsible_department", "responsible_jurisdiction")
    serializer_class = ConsultationMeasureSerializer
    filterset_class = ConsultationMeasureFilterSet
    search_fields = ["content"]
    ordering_fields = ["deadline", "id"]
    action_permission_in_service = True
    service_actions = ("issue", "complete")

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ConsultationMeasureWriteSerializer
        return ConsultationMeasureSerializer

    def _reason(self, serializer=None) -> str:
        data = serializer.validated_data if serializer is not None else {}
        return data.get("reason") or self.request.headers.get("X-Change-Reason") or ""

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = measure_save(actor=self.request.user, reason=self._reason(serializer) or "接口新增会商措施",
                                           consultation=data["consultation"], data=input_for(MeasureInput, data))

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = measure_save(actor=self.request.user, reason=self._reason(serializer) or "接口修改会商措施",
                                           consultation=data.get("consultation", serializer.instance.consultation),
                                           measure=serializer.instance, data=input_for(MeasureInput, data, serializer.instance))

    def perform_destroy(self, instance):
        measure_delete(actor=self.request.user, reason=self._reason() or "接口删除会商措施", measure=instance)

    @extend_schema(request=IssueMeasureSerializer, responses=ConsultationMeasureSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        body = IssueMeasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = measure_issue(actor=request.user, reason=body.validated_data.get("reason", ""), measure=self.get_object(),
                                deadline=body.validated_data.get("deadline"))
        return Response(ConsultationMeasureSerializer(measure).data)

    @extend_schema(request=ActionSerializer, responses=ConsultationMeasureSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = measure_complete(actor=request.user, reason=body.validated_data.get("reason", ""), measure=self.get_object())
        return Response(ConsultationMeasureSerializer(measure).data)


class MonthlyReportSerializer(ApiModelSerializer):
    author = serializers.CharField(source="author_name", read_only=True, label="报送单位")
    state_display = serializers.CharField(source="get_state_display", read_only=True, label="状态")
    timeliness = serializers.CharField(read_only=True, label="报送情况")
    reason = serializers.CharField(label="变更原因", write_only=True, required=False, allow_blank=True, max_length=500)

    class Meta:
        model = MonthlyReport
        fields = ["id", "month", "department", "group", "author", "state", "state_display", "deadline", "timeliness",
                  "snapshot", "four_lists", "highlights", "problems", "next_steps", "first_submitted_at", "submitted_at",
                  "submitted_by", "reviewed_at", "reviewed_by", "review_comment", "reminded_at", "reminder_order", "reason"]
        read_only_fields = [f for f in fields if f not in ("highlights", "problems", "next_steps", "reason")]


class ReturnSerializer(ActionSerializer):
    comment = serializers.CharField(label="修改意见", max_length=5000)


class AcceptSerializer(ActionSerializer):
    comment = serializers.CharField(label="审核意见", required=False, allow_blank=True, max_length=5000)


class MonthlyReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """月度督导检查情况：每月1日自动生成草稿；作者编辑文字部分并报送，区安办采纳或退回。"""

    queryset = MonthlyReport.objects.select_related("department", "group")
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet
    search_fields = ["highlights", "problems", "next_steps"]
    ordering_fields = ["month", "deadline", "submitted_at", "id"]
    action_permission_in_service = True
    service_actions = ("submit", "accept", "return_report", "refresh", "partial_update", "update")

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = report_save_draft(
            actor=self.request.user, reason=data.get("reason") or "接口编辑月报", report=serializer.instance,
            highlights=data.get("highlights"), problems=data.get("problems"), next_steps=data.get("next_steps"),
        )

    def _respond(self, report):
        return Response(MonthlyReportSerializer(report).data)

    @extend_schema(request=ActionSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(report_submit(actor=request.user, reason=body.validated_data.get("reason", ""), report=self.get_object()))

    @extend_schema(request=AcceptSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(report_accept(actor=request.user, reason=body.validated_data.get("reason", ""), report=self.get_object(),
                                           comment=body.validated_data.get("comment", "")))

    @extend_schema(request=ReturnSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(report_return(actor=request.user, reason=body.validated_data.get("reason", ""), report=self.get_object(),
                                           comment=body.validated_data["comment"]))

    @extend_schema(request=ActionSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(report_refresh_data(actor=request.user, reason=body.validated_data.get("reason", ""), report=self.get_object()))


def register(router) -> None:
    router.register("consultations", ConsultationViewSet)
    router.register("consultation-measures", ConsultationMeasureViewSet)
    router.register("monthly-reports", MonthlyReportViewSet)


__all__ = ["register", "ReportState"]
