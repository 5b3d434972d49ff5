"""年度目标责任考核 API: the scheme (office edits, everyone reads) and the computed scores."""

from __future__ import annotations

from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.api import params as strict
from cms.api.filters import refuse_unknown_params
from cms.api.serializers import ApiModelSerializer, ApiSerializer
from cms.api.viewsets import RecordViewSet
from cms.errors import InvalidInput, NotAllowed
from cms.scope import scope_for

from .filters import AssessmentSchemeFilterSet
from .models import AssessmentScheme
from .selectors import Period, assess, evidence_query


class AssessmentSchemeSerializer(ApiModelSerializer):
    full_marks = serializers.DecimalField(label="满分", max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "year", "name", "weight_inspection_months", "weight_reports", "late_report_credit",
                  "weight_hazards_found", "hazards_found_target", "weight_rectified_on_time", "weight_overdue",
                  "overdue_penalty", "weight_major_closed", "weight_orders_on_time", "pass_line", "note",
                  "full_marks", "updated_at"]
        read_only_fields = ["updated_at"]


class AssessmentSchemeViewSet(RecordViewSet):
    """考核方案（各指标分值与合格线，由区安办配置）。"""

    queryset = AssessmentScheme.objects.all()
    serializer_class = AssessmentSchemeSerializer
    filterset_class = AssessmentSchemeFilterSet
    ordering_fields = ["year"]


class IndicatorSerializer(ApiSerializer):
    key = serializers.CharField(label="指标代码")
    label = serializers.CharField(label="指标")
    weight = serializers.DecimalField(label="分值", max_digits=8, decimal_places=2)
    points = serializers.DecimalField(label="得分", max_digits=8, decimal_places=2)
    figure = serializers.CharField(label="数据")
    numerator = serializers.IntegerField(label="分子")
    denominator = serializers.IntegerField(label="分母")
    rule = serializers.CharField(label="计分方法")
    evidence_url = serializers.CharField(label="明细记录（后台）")


class DepartmentScoreSerializer(ApiSerializer):
    department_id = serializers.IntegerField(label="单位编号")
    department_name = serializers.CharField(label="单位")
    total = serializers.DecimalField(label="总分", max_digits=8, decimal_places=2)
    passed = serializers.BooleanField(label="合格")
    indicators = IndicatorSerializer(many=True, label="指标")


class AssessmentResultSerializer(ApiSerializer):
    start = serializers.DateField(label="开始日期")
    end = serializers.DateField(label="结束日期")
    scheme_year = serializers.IntegerField(label="方案年度")
    scheme_configured = serializers.BooleanField(label="已配置方案", help_text="否：按默认分值计算")
    full_marks = serializers.DecimalField(label="满分", max_digits=8, decimal_places=2)
    pass_line = serializers.DecimalField(label="合格线", max_digits=8, decimal_places=2)
    departments = DepartmentScoreSerializer(many=True, label="各单位得分")
    referrals = serializers.ListField(child=serializers.CharField(), label="报送督查、效能的单位")


def evidence_url(department_id: int, period: Period, key: str) -> str:
    try:
        return f"{reverse('assessment_evidence')}?{evidence_query(department_id, period, key)}"
    except NoReverseMatch:
        return ""


def parse_period(params) -> Period:
    def day(name):
        return strict.day(params.get(name), name)

    start, end = day("from"), day("to")
    if start or end:
        if not (start and end):
            raise InvalidInput(fields={"from": "按区间考核须同时给出 from 和 to"})
        if end < start:
            raise InvalidInput(fields={"to": "结束日期不能早于开始日期"})
        if (end - start).days > 3660:
            raise InvalidInput(fields={"from": "区间不能超过十年"})
        return Period(start, end)
    return Period.year(strict.year(params.get("year") or str(timezone.localdate().year)))


def allowed_department_ids(user):
    scope = scope_for(user)
    if scope.everything:
        return None
    if not scope.department_ids:
        raise NotAllowed("您的账号未绑定单位，不能查看考核")
    return set(scope.department_ids)


def result_payload(result) -> dict:
    return {
        "start": result.period.start, "end": result.period.end, "scheme_year": result.scheme.year,
        "scheme_configured": result.scheme_configured, "full_marks": result.full_marks, "pass_line": result.pass_line,
        "departments": [{
            "department_id": row.department_id, "department_name": row.department_name, "total": row.total,
            "passed": result.passed(row), "indicators": [vars(i) for i in row.indicators],
        } for row in result.departments],
        "referrals": [row.department_name for row in result.referrals],
    }


class AssessmentView(APIView):
    """年度目标责任考核：各单位各项指标的数据、得分与计分方法，及低于合格线的单位。"""

    @extend_schema(operation_id="assessment", tags=["考核"], responses=AssessmentResultSerializer, parameters=[
        OpenApiParameter("year", int, OpenApiParameter.QUERY, description="考核年度（默认今年）"),
        OpenApiParameter("from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="区间开始 YYYY-MM-DD"),
        OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="区间结束 YYYY-MM-DD")])
    def get(self, request):
        refuse_unknown_params(request.query_params, ("year", "from", "to"))
        period = parse_period(request.query_params)
        result = assess(period=period, department_ids=allowed_department_ids(request.user), evidence_url=evidence_url)
        return Response(AssessmentResultSerializer(result_payload(result)).data)


def register(router) -> None:
    router.register("assessment-schemes", AssessmentSchemeViewSet)


urlpatterns = [path("assessment/", AssessmentView.as_view(), name="assessment")]
