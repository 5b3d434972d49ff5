"""Only services write process records: every admin form and every API write of each process
model, given an input its service refuses, is refused by both with the service's Chinese message,
and nothing is written (row counts and history counts of every process model unchanged).

The refusals are stated from the notice and the design, not read from the code: a 专项 group
covers jurisdictions (三（一）); a consultation covers 1–2 sectors (三（二）); an issued measure is a
工作交办单 and prints as it was sent (DESIGN: "an issued order … is a record"); feedback follows the
visit; a department plans only for its own groups; a hazard's sector is one of its target's.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from cms.roles import Role
from notices.models import TipOff
from notices.services import tipoff_submit
from workflows.hazards.models import Hazard, Order
from workflows.inspections.models import Inspection, InspectionFeedback, InspectionGroup, InspectionPlan
from workflows.inspections.services import (
    GroupInput,
    PlanInput,
    feedback_record,
    group_save,
    inspection_submit,
    plan_save,
)
from workflows.reporting.models import Consultation, ConsultationMeasure
from workflows.reporting.services import ConsultationInput, MeasureInput, consultation_save, measure_issue

pytestmark = pytest.mark.django_db

PROCESS_MODELS = (Consultation, ConsultationMeasure, InspectionGroup, InspectionPlan, Inspection, InspectionFeedback, Hazard, Order, TipOff)


def snapshot() -> dict[str, tuple[int, int]]:
    return {m.__name__: (m.objects.count(), m.history.count()) for m in PROCESS_MODELS}


@dataclass
class World:
    ref: dict
    users: dict
    objects: dict


@dataclass
class Request:
    role: Role
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict] = lambda w: {}


@dataclass
class Case:
    name: str
    message: str
    admin: Request | None
    api: Request | None
    #: what the API answers: 400 for input the service refuses, 409 for a record whose state
    #: forbids the change (README: 错误均为 JSON 中文提示（400 字段错误……409 状态冲突）)
    api_status: int = 400


# ---------------------------------------------------------------- the world each case starts from


@pytest.fixture
def world(ref, users, make_target, make_user) -> World:
    office = users[Role.OFFICE_ADMIN]
    d, s = ref["departments"], ref["sectors"]
    consultation = consultation_save(actor=office, reason="测试", data=ConsultationInput(
        held_on=datetime.date(2026, 10, 15), title="燃气会商", situation_analysis="形势", risks="风险",
        sectors=[s["燃气"]], lead_departments=[d["住建局"]],
        measures=[MeasureInput(content="燃气专项检查", responsible_department=d["住建局"], deadline=datetime.date(2026, 11, 30))]))
    issued = measure_issue(actor=office, reason="交办", measure=consultation.measures.get())
    group = group_save(actor=office, reason="测试", data=GroupInput(
        name="应急管理局行业督导检查组", kind=InspectionGroup.Kind.INDUSTRY, lead_department=d["应急管理局"],
        sectors=[s["危化品"]], members=[users[Role.INSPECTOR]]))
    other_group = group_save(actor=office, reason="测试", data=GroupInput(
        name="住建局行业督导检查组", kind=InspectionGroup.Kind.INDUSTRY, lead_department=d["住建局"], sectors=[s["建筑施工"]]))
    plan = plan_save(actor=office, reason="测试", data=PlanInput(month=datetime.date(2026, 11, 1), group=group, title="十一月危化品检查"))
    target = make_target("荔城化工仓储有限公司", sectors=("危化品",))
    day = timezone.localdate() - datetime.timedelta(days=3)
    inspection = inspection_submit(actor=users[Role.INSPECTOR], reason="测试", group=group, target=target, inspected_on=day,
                                   method="planned", inspectors=[], checklist_version=None, answers=[], summary="现场检查未发现问题",
                                   started_at=timezone.now() - datetime.timedelta(minutes=20), plan=plan).inspection
    feedback = feedback_record(actor=users[Role.INSPECTOR], reason="测试", inspection=inspection, problems="未发现问题", delivered_on=day)
    tipoff = tipoff_submit(page=None, place="拱辰街道某仓库", description="仓库堆放液化气瓶")
    return World(ref=ref, users=users, objects={
        "consultation": consultation, "issued_measure": issued, "group": group, "other_group": other_group, "plan": plan,
        "target": target, "inspection": inspection, "feedback": feedback, "tipoff": tipoff,
    })


def _group_form(w: World, **extra) -> dict:
    return {"name": "新专项督导检查组", "kind": "special", "lead_department": w.ref["departments"]["交警大队"].pk, "leader_name": "",
            "jurisdictions": [], "sectors": [], "member_departments": [], "members": [], "experts": [], "note": "",
            "is_active": "on", "change_reason": "测试", **extra}


def _plan_form(w: World) -> dict:
    return {"month": "2026-11-01", "group": w.objects["other_group"].pk, "title": "替住建局订的计划", "status": "draft",
            "method": "planned", "content": "", "key_points": "", "major_event": "", "training_topic": "", "training_trainer": "",
            "training_attendees": "", "change_reason": "测试"}


def _three_sectors(w: World) -> dict:
    s, d = w.ref["sectors"], w.ref["departments"]
    return {"held_on": "2026-10-20", "title": "三个领域的会商", "situation_analysis": "形势", "risks": "风险",
            "sectors": [s["危化品"].pk, s["燃气"].pk, s["消防"].pk], "lead_departments": [d["应急管理局"].pk], "notes": "",
            "participating_departments": [], "change_reason": "测试"}


def _measure_form(w: World) -> dict:
    m = w.objects["issued_measure"]
    return {"consultation": m.consultation_id, "content": "改写已交办的措施", "responsible_department": m.responsible_department_id,
            "responsible_jurisdiction": "", "deadline": "2026-12-31", "change_reason": "测试"}


def _early_feedback(w: World) -> dict:
    before = w.objects["inspection"].inspected_on - datetime.timedelta(days=2)
    return {"problems": "未发现问题", "suggestions": "", "rectification_deadline": "", "deadline_note": "",
            "delivered_on": before.isoformat(), "recipient": "", "change_reason": "测试"}


def _wrong_sector_hazard(w: World) -> dict:
    return {"description": "消防通道堵塞", "target": w.objects["target"].pk, "sector": w.ref["sectors"]["燃气"].pk, "level": "general",
            "source": "manual", "legal_basis": "", "change_reason": "测试"}


def _pk(name: str) -> Callable[[World], int]:
    return lambda w: w.objects[name].pk


CASES = [
    Case("专项督导检查组没有督导属地", "专项督导检查组至少要有一个督导属地",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: "/admin/snippets/inspections/inspectiongroup/add/", _group_form),
         api=Request(Role.OFFICE_EDITOR, "post", lambda w: "/api/v1/groups/", lambda w: {k: v for k, v in _group_form(w).items()
                                                                                           if k not in ("change_reason", "is_active")})),
    Case("把专项督导检查组的属地清空", "专项督导检查组至少要有一个督导属地",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspectiongroup/edit/{w.objects['group'].pk}/",
                       lambda w: _group_form(w, name=w.objects["group"].name, lead_department=w.objects["group"].lead_department_id)),
         api=Request(Role.OFFICE_EDITOR, "patch", lambda w: f"/api/v1/groups/{w.objects['group'].pk}/", lambda w: {"kind": "special", "jurisdictions": []})),
    Case("删除已有计划的检查组", "仍被其他记录引用",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspectiongroup/delete/{w.objects['group'].pk}/"),
         api=Request(Role.OFFICE_EDITOR, "delete", lambda w: f"/api/v1/groups/{w.objects['group'].pk}/"),
         api_status=409),
    Case("单位为别的单位的检查组订计划", "检查组不在您的数据范围内",
         admin=Request(Role.DEPARTMENT, "post", lambda w: "/admin/snippets/inspections/inspectionplan/add/", _plan_form),
         api=Request(Role.DEPARTMENT, "post", lambda w: "/api/v1/plans/", lambda w: {k: v for k, v in _plan_form(w).items() if k != "change_reason"})),
    Case("删除已录入督导检查的计划", "该计划下已录入督导检查，不能删除",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspectionplan/delete/{w.objects['plan'].pk}/"),
         api=Request(Role.OFFICE_EDITOR, "delete", lambda w: f"/api/v1/plans/{w.objects['plan'].pk}/"),
         api_status=409),
    Case("反馈日期早于检查日期", "反馈日期不能早于检查日期",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspectionfeedback/edit/{w.objects['feedback'].pk}/",
                       _early_feedback),
         api=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/api/v1/inspections/{w.objects['inspection'].pk}/feedback/",
                     lambda w: {k: v for k, v in _early_feedback(w).items() if v and k != "change_reason"})),
    Case("删除反馈意见", "反馈意见是向被检查单位反馈的记录，不能删除",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspectionfeedback/delete/{w.objects['feedback'].pk}/"),
         api=None),  # the API has no delete of feedback (405)
    Case("删除督导检查", "督导检查提交后不能删除",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/inspections/inspection/delete/{w.objects['inspection'].pk}/"),
         api=None),  # the API has no delete of inspections (405)
    Case("会商研判选了三个行业领域", "1–2 个行业领域",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: "/admin/snippets/reporting/consultation/add/", _three_sectors),
         api=Request(Role.OFFICE_EDITOR, "post", lambda w: "/api/v1/consultations/", lambda w: {k: v for k, v in _three_sectors(w).items()
                                                                                                 if k != "change_reason"})),
    Case("删除措施已交办的会商研判", "已有1项措施交办，不能删除",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/reporting/consultation/delete/{w.objects['consultation'].pk}/"),
         api=Request(Role.OFFICE_EDITOR, "delete", lambda w: f"/api/v1/consultations/{w.objects['consultation'].pk}/"),
         api_status=409),
    Case("改写已交办的措施", "该措施已交办，不能修改",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/reporting/consultationmeasure/edit/{w.objects['issued_measure'].pk}/",
                       _measure_form),
         api=Request(Role.OFFICE_EDITOR, "patch", lambda w: f"/api/v1/consultation-measures/{w.objects['issued_measure'].pk}/",
                     lambda w: {"content": "改写已交办的措施"}),
         api_status=409),
    Case("删除已交办的措施", "该措施已交办，不能删除",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/snippets/reporting/consultationmeasure/delete/{w.objects['issued_measure'].pk}/"),
         api=Request(Role.OFFICE_EDITOR, "delete", lambda w: f"/api/v1/consultation-measures/{w.objects['issued_measure'].pk}/"),
         api_status=409),
    Case("三单没有接收单位", "请选择一个接收单位或接收属地",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: "/admin/snippets/hazards/order/add/",
                       lambda w: {"kind": "reminder", "recipient_department": "", "recipient_jurisdiction": "", "content": "请按期整改",
                                  "due_date": "2026-12-31", "change_reason": "测试"}),
         api=Request(Role.OFFICE_EDITOR, "post", lambda w: "/api/v1/orders/",
                     lambda w: {"kind": "reminder", "content": "请按期整改", "due_date": "2026-12-31"})),
    Case("隐患的行业领域不属于监管对象", "该监管对象不属于所选行业领域",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: "/admin/snippets/hazards/hazard/add/", _wrong_sector_hazard),
         api=Request(Role.OFFICE_EDITOR, "post", lambda w: "/api/v1/hazards/",
                     lambda w: {k: v for k, v in _wrong_sector_hazard(w).items() if k != "change_reason"})),
    Case("受理举报时所选行业领域不属于监管对象", "该监管对象不属于所选行业领域",
         admin=Request(Role.OFFICE_EDITOR, "post", lambda w: f"/admin/tipoffs/{w.objects['tipoff'].pk}/accept/",
                       lambda w: {"target": w.objects["target"].pk, "sector": w.ref["sectors"]["燃气"].pk, "level": "general",
                                  "description": "仓库堆放液化气瓶", "reason": "核实"}),
         api=None),  # tip-offs are triaged in the admin only
]


def _admin(world: World, request: Request):
    client = Client()
    client.force_login(world.users[request.role])
    return client.post(request.url(world), request.data(world), follow=True)


def _api(world: World, request: Request, api_for):
    client = api_for(world.users[request.role])
    return getattr(client, request.method)(request.url(world), request.data(world), format="json")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_admin_and_api_refuse_what_the_service_refuses_and_write_nothing(world, api_for, case):
    assert case.admin or case.api
    before = snapshot()
    if case.admin is not None:
        response = _admin(world, case.admin)
        assert response.status_code == 200, (case.name, response.status_code)  # the form again, or the page the refusal is shown on
        page = response.content.decode()
        assert case.message in page, (case.name, "admin")
        assert snapshot() == before, (case.name, "admin wrote")
    if case.api is not None:
        response = _api(world, case.api, api_for)
        assert response.status_code == case.api_status, (case.name, response.status_code, response.content)
        body = json.dumps(response.json(), ensure_ascii=False)
        assert case.message in body, (case.name, body)
        assert snapshot() == before, (case.name, "API wrote")


def test_every_process_viewset_writes_through_its_service(users):
    """No admin viewset or API viewset of a process model saves through the generic
    ``save_record``: each admin add/edit/delete is refused by the permission policy, has its own
    view (calling the service), or the viewset declares its services; the API ones override every write."""
    from wagtail.snippets.models import get_snippet_models

    from cms.admin_views import AuditedSnippetViewSet
    from cms.api.viewsets import RecordViewSet

    configuration = {"assessment"}  # 考核方案: weights the office configures (reference data of the assessment)
    office = users[Role.OFFICE_ADMIN]
    checked = set()
    for model in get_snippet_models():
        viewset = getattr(model, "snippet_viewset", None)
        if not isinstance(viewset, AuditedSnippetViewSet) or model._meta.app_label in configuration:
            continue
        if not model.__module__.startswith(("workflows.", "notices.")):
            continue
        checked.add(model.__name__)
        if viewset.writes_through_service:
            assert type(viewset).save_through_service is not AuditedSnippetViewSet.save_through_service, model.__name__
            assert type(viewset).delete_through_service is not AuditedSnippetViewSet.delete_through_service, model.__name__
            continue
        for action, view_class in (("add", viewset.add_view_class), ("change", viewset.edit_view_class),
                                   ("delete", viewset.delete_view_class)):
            own_view = view_class.__module__ != "cms.admin_views"
            refused = not viewset.permission_policy.user_has_permission(office, action)
            assert own_view or refused, f"{model.__name__} 的后台{action}绕过了服务"
    assert {"Consultation", "ConsultationMeasure", "InspectionGroup", "InspectionPlan", "Inspection", "InspectionFeedback",
            "Hazard", "Order", "MonthlyReport"} <= checked
    api_checked = set()
    for cls in _subclasses(RecordViewSet):
        model = cls.queryset.model
        if model.__module__.startswith(("workflows.", "notices.")) and model._meta.app_label not in configuration:
            api_checked.add(model.__name__)
            for method in ("perform_create", "perform_update", "perform_destroy"):
                assert getattr(cls, method) is not getattr(RecordViewSet, method), f"{cls.__name__}.{method} 绕过了服务"
    assert api_checked == {"InspectionGroup", "InspectionPlan"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
