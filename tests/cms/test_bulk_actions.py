"""Wagtail's bulk actions (``/admin/bulk/<app>/<model>/<action>/``) delete with ``QuerySet.delete()``:
no reason, no scope, none of the services' rules. Every model with an audit history refuses them,
whoever asks, for the confirmation page as for the action itself; the listings offer none."""

import pytest
from wagtail.snippets.models import get_snippet_models

from cms.audit.models import history_records
from cms.directory.models import Target
from cms.roles import Role
from workflows.hazards.models import Hazard
from workflows.hazards.services import hazard_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(ref, make_target):
    target = make_target("荔城批量操作测试企业", jurisdiction="拱辰街道", sectors=("危化品",))
    hazard = hazard_register(actor=None, reason="测试数据", description="消防通道堵塞", target=target, sector=ref["sectors"]["危化品"])
    return {"directory/target": target, "hazards/hazard": hazard}


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.OFFICE_EDITOR, Role.DEPARTMENT, Role.JURISDICTION])
def test_bulk_delete_is_refused_for_audited_models(client, users, rows, role):
    client.force_login(users[role])
    history_before = {label: type(obj).history.count() for label, obj in rows.items()}
    for label, obj in rows.items():
        url = f"/admin/bulk/{label}/delete/?id={obj.pk}"
        page = client.get(url)
        assert page.status_code == 403, (label, page.status_code)
        assert "不能批量操作" in page.content.decode()
        assert (obj.code if label == "hazards/hazard" else obj.name) not in page.content.decode()
        done = client.post(url, {})
        assert done.status_code == 403, (label, done.status_code)
    assert Target.objects.filter(pk=rows["directory/target"].pk).exists()
    assert Hazard.objects.filter(pk=rows["hazards/hazard"].pk).exists()
    assert {label: type(obj).history.count() for label, obj in rows.items()} == history_before


def test_listings_of_audited_models_offer_no_bulk_selection(client, users, rows):
    client.force_login(users[Role.OFFICE_ADMIN])
    audited = [m for m in get_snippet_models() if history_records(m) is not None]
    assert {Hazard, Target} <= set(audited)
    for model in audited:
        url = f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        assert response.status_code == 200, url
        assert "data-bulk-action-checkbox" not in response.content.decode(), url


def test_bulk_actions_of_unaudited_wagtail_models_still_answer(client, users):
    """Wagtail's own models (here: users) keep their bulk actions, under Wagtail's permissions."""
    client.force_login(users[Role.OFFICE_ADMIN])
    auditor = users[Role.AUDITOR]
    response = client.get(f"/admin/bulk/auth/user/delete/?id={auditor.pk}")
    assert response.status_code == 200  # the office admin manages users (README 角色与数据范围): the confirmation page
    assert auditor.get_full_name() in response.content.decode()
