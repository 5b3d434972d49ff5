"""Publishing a 通报 goes through the "通报审核" workflow: an editor submits, a 区安办管理员 approves
(it goes live) or rejects with a comment (the editor is told by email); scheduled publishing
works; "通报本月结果" drafts a notice from the month's hazard data."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Revision

from cms.errors import NotAllowed
from cms.roles import Role
from notices.models import NoticePage
from notices.services import notice_draft_month_results
from notices.site_setup import WORKFLOW_NAME, setup_site
from workflows.hazards.models import HazardLevel
from workflows.hazards.services import hazard_register

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(users):
    editor, leader = users[Role.OFFICE_EDITOR], users[Role.OFFICE_ADMIN]
    editor.email, leader.email = "editor@example.cn", "leader@example.cn"
    editor.save()
    leader.save()
    return editor, leader


def editor_submits(site, editor, title="关于10月督导检查情况的通报") -> NoticePage:
    """The editor creates a notice in the admin and presses 提交审核 (action-submit)."""
    c = admin_client(editor)
    index = site["index"]
    url = f"/admin/pages/add/notices/noticepage/{index.pk}/"
    form = c.get(url)
    assert form.status_code == 200
    data = {
        "title": title, "slug": "oct-2026", "document_number": "荔安办〔2026〕95号", "issuing_office": "荔城区人民政府安全生产委员会办公室",
        "issued_on": "2026-11-05", "addressee_text": "各镇街", "visibility": "public",
        "body-count": "1", "body-0-type": "paragraph", "body-0-value": '{"blocks":[{"key":"a","text":"十月共发现隐患12项。","type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "", "body-0-order": "0", "body-0-id": "",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0", "attachments-MIN_NUM_FORMS": "0", "attachments-MAX_NUM_FORMS": "1000",
        "action-submit": "1",
    }
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return NoticePage.objects.get(title=title)


def test_setup_site_is_idempotent_and_attaches_the_workflow(site):
    assert setup_site().created == []
    assert site["index"].get_workflow().name == WORKFLOW_NAME


def test_editor_cannot_publish_directly_but_can_submit(site, people):
    editor, _ = people
    page = editor_submits(site, editor)
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.status == "in_progress"
    assert Client().get("/api/v2/pages/?type=notices.NoticePage").json()["meta"]["total_count"] == 0


def test_leader_rejects_with_comment_and_the_editor_is_notified(site, people):
    editor, leader = people
    page = editor_submits(site, editor)
    mail.outbox.clear()
    task_state = page.current_workflow_state.current_task_state
    c = admin_client(leader)
    response = c.post(f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/", {"comment": "数据口径不对，请核实后再报"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    workflow_state = page.workflow_states.order_by("-created_at").first()
    assert workflow_state.status == "needs_changes"
    task_state.refresh_from_db()
    assert task_state.status == "rejected"
    assert task_state.get_comment() == "数据口径不对，请核实后再报"
    to_editor = [m for m in mail.outbox if editor.email in m.to]
    assert to_editor, [m.to for m in mail.outbox]
    assert page.title in to_editor[0].subject + to_editor[0].body


def test_leader_approves_and_the_notice_goes_live_with_who_approved(site, people):
    editor, leader = people
    page = editor_submits(site, editor)
    task_state = page.current_workflow_state.current_task_state
    response = admin_client(leader).post(f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    task_state.refresh_from_db()
    assert task_state.finished_by == leader
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() >= 1
    assert Client().get(page.get_url()).status_code == 200


def test_non_leader_cannot_approve(site, people, users):
    editor, _ = people
    page = editor_submits(site, editor)
    task = page.current_workflow_state.current_task_state.task.specific
    assert not task.user_can_access_editor(page, users[Role.DEPARTMENT])
    assert task.get_actions(page, editor) == []


def test_scheduled_publishing(site, people):
    _, leader = people
    page = NoticePage(title="定时发布的通报", slug="scheduled", document_number="荔安办〔2026〕96号", live=False)
    site["index"].add_child(instance=page)
    page.go_live_at = timezone.now() + datetime.timedelta(seconds=3)
    revision = page.save_revision(user=leader)
    revision.publish(user=leader)
    page.refresh_from_db()
    assert not page.live
    assert Client().get(page.get_url()).status_code == 404
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live  # not yet due
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    time.sleep(max(0.0, (page.go_live_at - timezone.now()).total_seconds()) + 0.2)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert Client().get(page.get_url()).status_code == 200


def test_month_results_draft_is_prefilled_from_hazard_data(site, users, make_target, ref):
    leader = users[Role.OFFICE_ADMIN]
    target = make_target("荔城化工厂", jurisdiction="拱辰街道")
    found = timezone.make_aware(datetime.datetime(2026, 10, 12, 10, 0))
    overdue = hazard_register(actor=None, reason="测试", description="储罐区未设防火堤", target=target, sector=ref["sectors"]["危化品"],
                              level=HazardLevel.MAJOR, found_at=found)
    hazard_register(actor=None, reason="测试", description="消防通道堵塞", target=target, sector=ref["sectors"]["危化品"], found_at=found)
    overdue.deadline = datetime.date(2026, 10, 20)
    overdue._change_reason = "测试：整改时限"
    overdue.save()
    with pytest.raises(NotAllowed):
        notice_draft_month_results(actor=users[Role.DEPARTMENT], reason="", month=datetime.date(2026, 10, 1))
    page = notice_draft_month_results(actor=leader, reason="测试", month=datetime.date(2026, 10, 1))
    page.refresh_from_db()
    assert not page.live and page.visibility == "internal"
    text = str(page.body)
    assert "共发现隐患问题2项" in text and "重大隐患1项" in text and "逾期未整改1项" in text
    hazard_blocks = [b for b in page.body if b.block_type == "hazards"]
    assert [h.pk for h in hazard_blocks[0].value["hazards"]] == [overdue.pk]
    assert page.get_latest_revision() is not None
    assert page.addressee_jurisdictions.filter(name="拱辰街道").exists()


def test_month_results_admin_view_opens_the_draft_in_the_editor(site, users):
    leader = users[Role.OFFICE_ADMIN]
    month = timezone.localdate().replace(day=1).isoformat()
    response = admin_client(leader).post("/admin/notices/month-results/", {"month": month})
    assert response.status_code == 302
    page = NoticePage.objects.get(report_month=month)
    assert response["Location"].endswith(f"/admin/pages/{page.pk}/edit/")
    refused = admin_client(users[Role.DEPARTMENT]).get("/admin/notices/month-results/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_draft_with_hazard_and_unit_blocks_opens_in_the_editor_and_renders(site, users, make_target, ref):
    leader = users[Role.OFFICE_ADMIN]
    target = make_target("荔城化工厂", jurisdiction="拱辰街道")
    hazard = hazard_register(actor=None, reason="测试", description="储罐区未设防火堤", target=target, sector=ref["sectors"]["危化品"])
    hazard.deadline = timezone.localdate() - datetime.timedelta(days=1)
    hazard._change_reason = "测试：整改时限"
    hazard.save()
    page = notice_draft_month_results(actor=leader, reason="测试", month=timezone.localdate())
    c = admin_client(leader)
    assert c.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    preview = c.get(f"/admin/pages/{page.pk}/view_draft/")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "储罐区未设防火堤" in html and "拱辰街道" in html
    api = c.get("/api/v2/pages/?type=notices.NoticePage&fields=body")
    assert api.status_code == 200  # a draft is not listed, even for the office
    assert api.json()["meta"]["total_count"] == 0


def test_two_month_results_drafts_for_the_same_month_get_their_own_pages_and_no_invented_number(site, users):
    leader = users[Role.OFFICE_ADMIN]
    first = notice_draft_month_results(actor=leader, reason="测试", month=datetime.date(2026, 10, 1))
    second = notice_draft_month_results(actor=leader, reason="测试", month=datetime.date(2026, 10, 1))
    assert first.slug != second.slug
    assert first.document_number == second.document_number == ""  # numbered when signed, not a placeholder
