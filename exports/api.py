"""Export endpoints under /api/v1/exports/: validate → select (scoped) → export → file.

Every list goes through ``cms.scope``; a department user exports only their own department's
report, and only hazards, orders and notices they may see.
"""

from __future__ import annotations

import datetime

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from cms.api import params as strict
from cms.api.filters import multi_value_filters, refuse_unknown_params
from cms.directory.models import Department
from cms.errors import InvalidInput, NotAllowed, NotFound
from cms.roles import OFFICE_ROLES, Role
from cms.scope import scope_for, scoped
from notices.models import NoticePage
from workflows.assessment.selectors import assess
from workflows.hazards.filters import HazardFilterSet
from workflows.hazards.models import Hazard, Order
from workflows.inspections.models import Inspection, InspectionGroup
from workflows.periods import Period
from workflows.reporting import figures
from workflows.reporting.models import MonthlyReport
from workflows.reporting.selectors import report_content

from . import selectors
from .http import DOCX, XLSX, FileRenderer, file_response, spooled_file, stream_file_response
from .monthly_report import annex_title, build_district_report, build_four_lists_docx, build_monthly_report, report_title
from .official import build_official_document
from .xlsx import build_assessment_xlsx, four_lists_sheet, write_history_xlsx, write_ledger_xlsx, write_xlsx


def parse_month(value: str | None) -> tuple[int, int]:
    return strict.month(value)


def parse_year(value: str | None) -> int:
    return strict.year(value)


def parse_day(value: str | None, name: str) -> datetime.date | None:
    return strict.day(value, name)


def parse_id(value, name: str) -> int | None:
    return strict.ident(value, name)


def period_from(params, *, default_year: bool = False) -> Period:
    """``month=YYYY-MM``, or ``from=`` / ``to=`` dates, or ``year=``."""
    if params.get("month"):
        return Period.month(*parse_month(params.get("month")))
    start, end = parse_day(params.get("from"), "from"), parse_day(params.get("to"), "to")
    if start or end:
        start = start or datetime.date(2000, 1, 1)
        end = end or timezone.localdate()
        if end < start:
            raise InvalidInput(fields={"to": "结束日期不能早于开始日期"})
        if (end - start).days > 366 * 10:
            raise InvalidInput(fields={"from": "区间不能超过十年"})
        return Period(start, end)
    if params.get("year") or default_year:
        return Period.year(parse_year(params.get("year") or str(timezone.localdate().year)))
    raise InvalidInput(fields={"month": "请指定月份（month=YYYY-MM）或起止日期（from=、to=）"})


def visible_department_ids(user) -> set[int] | None:
    """None: every department (区安办, 审计员); else the departments the user belongs to."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return set(scope.department_ids)


def department_for(user, value) -> Department:
    department_id = parse_id(value, "department")
    if department_id is None:
        raise InvalidInput(fields={"department": "请指定单位（department=编号）"})
    allowed = visible_department_ids(user)
    department = Department.objects.filter(pk=department_id).first()
    if department is None or (allowed is not None and department_id not in allowed):
        raise NotFound("未找到该单位，或不在您的数据范围内")
    return department


def require_office_or_auditor(user) -> None:
    role = scope_for(user).role
    if role not in OFFICE_ROLES and role != Role.AUDITOR:
        raise NotAllowed("仅区安办和审计人员可导出全区数据")


def month_label(period: Period) -> str:
    if period.is_month:
        return f"{period.start.year}年{period.start.month}月"
    return f"{period.start:%Y年%-m月%-d日}至{period.end:%Y年%-m月%-d日}"


DOCX_RESPONSE = {(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="Word 文件（.docx）")}
XLSX_RESPONSE = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Excel 文件（.xlsx）")}
FILE_RESPONSE = {(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="Word 文件"),
                 (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Excel 文件")}


def _p(name: str, description: str, type_=str, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=required, description=description)


MAX_ID = strict.MAX_ID


def existing_id(value: int) -> int:
    if value > MAX_ID:
        raise NotFound()
    return value


class ExportView(APIView):
    renderer_classes = [JSONRenderer, FileRenderer]
    formats: tuple[str, ...] = ("docx",)  # what ``?format=`` may name (the first is the default)
    #: the query parameters this export understands; any other name is a 400 (``cms.api.filters``)
    query_params: tuple[str, ...] = ()
    #: those of them that may be sent several times (``?state=a&state=b``); any other sent twice is a 400
    multi_params: tuple[str, ...] = ()


    def perform_content_negotiation(self, request, force=False):
        # ``?format=xlsx|docx`` names the file type, not a DRF renderer: never answer 404 for it.
        return super().perform_content_negotiation(request, force=True)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_unknown_params(request.query_params, self.query_params, self.multi_params)
        self.file_format = strict.choice(request.query_params.get("format"), "format", self.formats, default=self.formats[0])


def group_for(user, value) -> InspectionGroup:
    """A special group (专项督导组) whose report the user may read: the office and auditors any, a
    department user those its department leads."""
    group_id = parse_id(value, "group")
    allowed = visible_department_ids(user)
    group = InspectionGroup.objects.filter(pk=group_id, kind=InspectionGroup.Kind.SPECIAL).select_related("lead_department").first()
    if group is None or (allowed is not None and group.lead_department_id not in allowed):
        raise NotFound("未找到该专项督导组，或不在您的数据范围内")
    return group


class MonthlyReportExport(ExportView):
    """月度督导检查情况（附件2 格式）：单位或专项督导组某月的月报 Word（已报送的月报按报送时的内容）。"""

    query_params = ("department", "group", "month")

    @extend_schema(operation_id="export_monthly_report", tags=["导出"], responses=DOCX_RESPONSE,
                   parameters=[_p("department", "单位编号（与 group 二选一）", int), _p("group", "专项督导组编号（与 department 二选一）", int),
                               _p("month", "月份 YYYY-MM", str, True)])
    def get(self, request):
        params = request.query_params
        year, month = parse_month(params.get("month"))
        if params.get("group") and params.get("department"):
            raise InvalidInput(fields={"group": "department 与 group 只能指定一个"})
        if params.get("group"):
            group = group_for(request.user, params.get("group"))
            data = selectors.monthly_report_data(group=group, year=year, month=month)
            name, code = group.name, f"group-{group.pk}"
        else:
            department = department_for(request.user, params.get("department"))
            data = selectors.monthly_report_data(department, year, month)
            name, code = department.name, department.code
        return file_response(build_monthly_report(data), filename=f"{report_title(year, month)}（{name}）.docx",
                             ascii_name=f"monthly-report-{year}-{month:02d}-{code}.docx", content_type=DOCX)


class DistrictReportExport(ExportView):
    """全区月度督导检查情况（区安办汇总，五（四））。"""

    query_params = ("month",)

    @extend_schema(operation_id="export_district_report", tags=["导出"], responses=DOCX_RESPONSE,
                   parameters=[_p("month", "月份 YYYY-MM", str, True)])
    def get(self, request):
        require_office_or_auditor(request.user)
        year, month = parse_month(request.query_params.get("month"))
        content = build_district_report(selectors.district_report_data(year, month))
        return file_response(content, filename=f"{year}年{month}月全区安全生产常态化督导检查情况.docx",
                             ascii_name=f"district-report-{year}-{month:02d}.docx", content_type=DOCX)


class OrderExport(ExportView):
    """三单（工作交办单、提醒单、督办单）Word。"""

    @extend_schema(operation_id="export_order", tags=["导出"], responses=DOCX_RESPONSE)
    def get(self, request, pk: int):
        order = scoped(Order.objects.all(), request.user).filter(pk=existing_id(pk)).first()
        if order is None:
            raise NotFound()
        document = selectors.order_document(order)
        return file_response(build_official_document(document), filename=f"{document.kind}（{order.number}）.docx",
                             ascii_name=f"order-{order.pk}.docx", content_type=DOCX)


class NoticeExport(ExportView):
    """通报 Word（文号、标题、主送、正文、发文单位、日期）。"""

    @extend_schema(operation_id="export_notice", tags=["导出"], responses=DOCX_RESPONSE)
    def get(self, request, page_id: int):
        page = NoticePage.objects.filter(pk=existing_id(page_id)).first()
        if page is None or not _can_read_notice(request.user, page):
            raise NotFound()
        document = selectors.notice_document(page)
        return file_response(build_official_document(document), filename=f"{page.title}.docx",
                             ascii_name=f"notice-{page.pk}.docx", content_type=DOCX)


def _can_read_notice(user, page) -> bool:
    try:
        from notices.visibility import can_read_notice
    except ImportError:
        return scope_for(user).everything
    if not page.live and not scope_for(user).everything:
        return False
    return can_read_notice(user, page)


class InspectionFeedbackExport(ExportView):
    """督导检查反馈意见（向被督导检查单位反馈，五（三））Word。"""

    @extend_schema(operation_id="export_inspection_feedback", tags=["导出"], responses=DOCX_RESPONSE)
    def get(self, request, pk: int):
        inspection = scoped(Inspection.objects.select_related("group__lead_department", "target"), request.user).filter(pk=existing_id(pk)).first()
        if inspection is None:
            raise NotFound()
        document = selectors.inspection_feedback(inspection)
        return file_response(build_official_document(document),
                             filename=f"督导检查反馈意见（{inspection.target.name} {inspection.inspected_on:%Y-%m-%d}）.docx",
                             ascii_name=f"inspection-feedback-{inspection.pk}.docx", content_type=DOCX)


class FourListsExport(ExportView):
    """四个清单：单位某月（month=）或任意区间（from=、to=），Excel 或 Word。"""

    formats = ("xlsx", "docx")
    query_params = ("department", "month", "year", "from", "to", "format")

    @extend_schema(operation_id="export_four_lists", tags=["导出"], responses=FILE_RESPONSE, parameters=[
        _p("department", "单位编号（区安办、审计人员可省略，即全区）", int), _p("month", "月份 YYYY-MM"),
        _p("from", "开始日期 YYYY-MM-DD"), _p("to", "结束日期 YYYY-MM-DD"), _p("format", "xlsx（默认）或 docx")])
    def get(self, request):
        params = request.query_params
        fmt = self.file_format
        period = period_from(params)
        if params.get("department") or visible_department_ids(request.user) is not None:
            # a unit's own 四个清单: exactly its report's annex (as sent, once the month's report is 报送)
            department = department_for(request.user, params.get("department") or _own_department(request.user))
            unit, code = department.name, department.code
            record = MonthlyReport.objects.filter(month=period.start, department=department).first() if period.is_month else None
            if record is not None:
                rows = [selectors.FourListRow(**row) for row in report_content(record).rows]
            else:
                rows = selectors.four_list_rows(figures.unit_hazards(department, period))
        else:
            unit, code = "全区", "district"
            rows = selectors.four_list_rows(scoped(figures.district_hazards(period), request.user))
        title = (annex_title(period.start.year, period.start.month, unit) if period.is_month
                 else f"{month_label(period)}{unit}督导检查隐患问题“四个清单”")
        filename = title.replace("“", "").replace("”", "")
        ascii_name = f"four-lists-{code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
        if fmt == "docx":
            return file_response(build_four_lists_docx(title, rows, author=unit if unit != "全区" else selectors.OFFICE_NAME), filename=f"{filename}.docx", ascii_name=ascii_name, content_type=DOCX)
        handle = spooled_file()
        write_xlsx(handle, [four_lists_sheet("四个清单", rows, heading=title)])
        return stream_file_response(handle, filename=f"{filename}.xlsx", ascii_name=ascii_name, content_type=XLSX)


def _own_department(user):
    ids = visible_department_ids(user) or set()
    if len(ids) != 1:
        raise NotAllowed("您的账号未绑定单位，不能导出单位的四个清单")
    return next(iter(ids))


class HazardLedgerExport(ExportView):
    """隐患台账（Excel），可带与隐患列表相同的筛选条件。"""

    formats = ("xlsx",)
    query_params = tuple(HazardFilterSet.base_filters)
    multi_params = tuple(multi_value_filters(HazardFilterSet))

    @extend_schema(operation_id="export_hazard_ledger", tags=["导出"], responses=XLSX_RESPONSE,
                   parameters=[_p(name, str(f.label)) for name, f in HazardFilterSet.base_filters.items()])
    def get(self, request):
        filterset = HazardFilterSet(request.query_params, queryset=scoped(Hazard.objects.all(), request.user), request=request)
        if not filterset.is_valid():
            raise InvalidInput(fields={name: [e["message"] for e in errors.get_json_data()] for name, errors in filterset.errors.items()})
        hazards = filterset.qs
        handle = spooled_file()
        write_ledger_xlsx(handle, selectors.ledger_rows(hazards))
        today = timezone.localdate()
        return stream_file_response(handle, filename=f"隐患台账（{today:%Y-%m-%d}）.xlsx",
                                    ascii_name=f"hazard-ledger-{today:%Y%m%d}.xlsx", content_type=XLSX)


class HazardHistoryExport(ExportView):
    """隐患变更历史（审计用，Excel 流式导出）：按期间、单位、属地或单条隐患。"""

    formats = ("xlsx",)
    query_params = ("from", "to", "unit", "jurisdiction", "hazard")

    @extend_schema(operation_id="export_hazard_history", tags=["导出"], responses=XLSX_RESPONSE, parameters=[
        _p("from", "开始日期 YYYY-MM-DD"), _p("to", "结束日期 YYYY-MM-DD"), _p("unit", "单位编号", int),
        _p("jurisdiction", "属地编号", int), _p("hazard", "隐患编号（id）", int)])
    def get(self, request):
        query = request.query_params
        start, end = parse_day(query.get("from"), "from"), parse_day(query.get("to"), "to")
        if start and end and end < start:
            raise InvalidInput(fields={"to": "结束日期不能早于开始日期"})
        scope = scope_for(request.user)
        history = selectors.hazard_history_queryset(
            start=start, end=end, department_id=parse_id(query.get("unit"), "unit"),
            jurisdiction_id=parse_id(query.get("jurisdiction"), "jurisdiction"), hazard_id=parse_id(query.get("hazard"), "hazard"),
            visible_hazards=None if scope.everything else scoped(Hazard.objects.all(), request.user))
        handle = spooled_file()
        write_history_xlsx(handle, selectors.history_rows(history))
        span = f"{start or '最早'}至{end or timezone.localdate()}"
        return stream_file_response(handle, filename=f"隐患变更历史（{span}）.xlsx",
                                    ascii_name=f"hazard-history-{start or 'all'}-{end or 'now'}.xlsx", content_type=XLSX)


class AssessmentExport(ExportView):
    """年度目标责任考核（Excel）：得分、计分说明、报送督查效能名单。"""

    formats = ("xlsx",)
    query_params = ("year", "month", "from", "to")

    @extend_schema(operation_id="export_assessment", tags=["导出"], responses=XLSX_RESPONSE, parameters=[
        _p("year", "考核年度"), _p("from", "开始日期 YYYY-MM-DD"), _p("to", "结束日期 YYYY-MM-DD")])
    def get(self, request):
        period = period_from(request.query_params, default_year=True)
        allowed = visible_department_ids(request.user)
        if allowed is not None and not allowed:
            raise NotAllowed("您的账号未绑定单位，不能查看考核")
        result = assess(period=period, department_ids=allowed)
        return file_response(build_assessment_xlsx(result), filename=f"{period.label}目标责任考核.xlsx",
                             ascii_name=f"assessment-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx", content_type=XLSX)


urlpatterns = [
    path("exports/monthly-report/", MonthlyReportExport.as_view(), name="export-monthly-report"),
    path("exports/district-report/", DistrictReportExport.as_view(), name="export-district-report"),
    path("exports/orders/<int:pk>/", OrderExport.as_view(), name="export-order"),
    path("exports/notices/<int:page_id>/", NoticeExport.as_view(), name="export-notice"),
    path("exports/inspections/<int:pk>/feedback/", InspectionFeedbackExport.as_view(), name="export-inspection-feedback"),
    path("exports/four-lists/", FourListsExport.as_view(), name="export-four-lists"),
    path("exports/hazard-ledger/", HazardLedgerExport.as_view(), name="export-hazard-ledger"),
    path("exports/hazard-history/", HazardHistoryExport.as_view(), name="export-hazard-history"),
    path("exports/assessment/", AssessmentExport.as_view(), name="export-assessment"),
]
