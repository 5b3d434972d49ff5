"""Journey "out-of-scope URLs" (issue 14), in Chromium: a 属地 user (拱辰街道) and a 单位用户 (应急管理局) type the
URLs of records outside their scope — a hazard's page, edit form and history, a 三单, an inspection sheet, another
unit's monthly report, a hazard photo and its thumbnail — and get 404, exactly as for an id that does not exist:
no redirect to the dashboard, no 403, nothing of the record on the page. The same URLs of a record inside their
scope open (but the edit form, which is the office's), so the 404 is the scope speaking, not a broken page."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cms.roles import Role
from tests.exports.builders import make_group, make_inspection
from workflows.hazards.models import HazardPhoto
from workflows.hazards.services import hazard_register
from workflows.hazards.services_orders import order_issue
from workflows.reporting.models import MonthlyReport
from workflows.reporting.services import reports_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISSING = 2**40


def photo_of(hazard, actor) -> HazardPhoto:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG")
    photo = HazardPhoto(hazard=hazard, stage=HazardPhoto.Stage.FOUND, uploaded_by=actor)
    photo.image.save("found.jpg", ContentFile(buffer.getvalue()), save=False)
    photo._change_reason = "测试"
    photo.save()
    return photo


def records(users, ref, make_target, *, jurisdiction: str, sector: str, lead: str, unit: str, name: str, description: str) -> dict:
    office = users[Role.OFFICE_ADMIN]
    target = make_target(name, jurisdiction=jurisdiction, sectors=(sector,))
    inspection = make_inspection(make_group(f"{lead}检查组", ref["departments"][lead]), target, timezone.localdate())
    hazard = hazard_register(actor=office, reason="检查发现", description=description, target=target, sector=ref["sectors"][sector],
                             inspection=inspection)
    order = order_issue(actor=office, reason="发文", kind="assignment", content=f"请整改：{description}",
                        due_date=timezone.localdate() + datetime.timedelta(days=5), recipient_department=ref["departments"][unit], hazards=[hazard])
    photo = photo_of(hazard, office)
    return {"hazard": hazard, "inspection": inspection, "order": order, "photo": photo, "needle": description}


def urls_of(r: dict, *, missing: bool = False) -> dict[str, str]:
    """The URLs of the records in ``r``; with ``missing``, the same URLs for ids and files that do not exist."""
    hazard_pk, order_pk, inspection_pk = (MISSING,) * 3 if missing else (r["hazard"].pk, r["order"].pk, r["inspection"].pk)
    photo_name = r["photo"].image.name
    if missing:
        photo_name = photo_name.rsplit("/", 1)[0] + "/no-such-photo.jpg"
    return {
        "隐患详情": reverse("wagtailsnippets_hazards_hazard:inspect", args=[hazard_pk]),
        "隐患修改": reverse("wagtailsnippets_hazards_hazard:edit", args=[hazard_pk]),
        "隐患变更历史": reverse("wagtailsnippets_hazards_hazard:changes", args=[hazard_pk]),
        "三单": reverse("wagtailsnippets_hazards_order:inspect", args=[order_pk]),
        "检查表": reverse("inspections_sheet", args=[inspection_pk]),
        "照片": "/files/" + photo_name,
        "缩略图": "/files/thumbs/" + photo_name,
    }


def typed(page, url: str):
    response = page.goto(f"{page.base_url}{url}")
    return response


def test_typed_urls_outside_the_users_scope_answer_404(users, ref, make_target, login):
    # inside both users' scope: 拱辰街道, 危化品 (led by 应急管理局), ordered to 应急管理局
    inside = records(users, ref, make_target, jurisdiction="拱辰街道", sector="危化品", lead="应急管理局", unit="应急管理局",
                     name="拱辰化工仓储有限公司", description="拱辰仓库静电接地线断开")
    # outside both: 黄石镇, 燃气, inspected by 住建局, ordered to 住建局
    outside = records(users, ref, make_target, jurisdiction="黄石镇", sector="燃气", lead="住建局", unit="住建局",
                      name="黄石液化气供应站", description="黄石气站钢瓶露天存放")
    reports_open(actor=None, reason="测试", month=datetime.date(2026, 3, 1))
    own_report = MonthlyReport.objects.get(department=ref["departments"]["应急管理局"])
    other_report = MonthlyReport.objects.get(department=ref["departments"]["住建局"])
    report_url = "wagtailsnippets_reporting_monthlyreport:inspect"

    for role in (Role.JURISDICTION, Role.DEPARTMENT):
        page = login(users[role].username)
        inside_urls, outside_urls, missing_urls = urls_of(inside), urls_of(outside), urls_of(outside, missing=True)
        if role == Role.DEPARTMENT:
            inside_urls["月度报告"] = reverse(report_url, args=[own_report.pk])
            outside_urls["月度报告"] = reverse(report_url, args=[other_report.pk])
            missing_urls["月度报告"] = reverse(report_url, args=[MISSING])
        for label, url in inside_urls.items():
            if label == "隐患修改":
                continue  # changing a hazard goes through its page's buttons; the edit form is the office's
            response = typed(page, url)
            assert response.status == 200 and response.request.redirected_from is None, (role, "inside", label, url, response.status)
        for label, url in outside_urls.items():
            response = typed(page, url)
            assert response.status == 404 and response.request.redirected_from is None, (role, label, url, response.status)
            text = page.inner_text("body")
            assert outside["needle"] not in text and "黄石液化气供应站" not in text and "住建局" not in text, (role, label, url)
            assert typed(page, missing_urls[label]).status == 404, (role, label, missing_urls[label])
        page.context.clear_cookies()
