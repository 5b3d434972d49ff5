"""Role × data scope in the Wagtail admin: every directory model, every role.

The office edits; everyone else reads, within scope; a read-only role gets no add/edit/delete
buttons, and the URLs answer 403 (or 404 when the row is out of scope), never 500.
"""

import pytest
from django.urls import reverse

from cms.directory.models import (
    Department,
    Expert,
    Jurisdiction,
    Sector,
    SpecialAssignment,
    Target,
    TargetCategory,
    UserProfile,
    Village,
)
from cms.records import save_record
from cms.roles import Role
from cms.scope import in_scope

DIRECTORY_MODELS = [Target, Department, Jurisdiction, Village, Sector, SpecialAssignment, Expert, TargetCategory, UserProfile]
READ_ONLY_ROLES = [Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR, Role.AUDITOR]


def url(model, action: str, obj=None) -> str:
    name = f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:{action}"
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


@pytest.fixture
def one_of_each(ref, four_targets, users):
    gongchen = ref["jurisdictions"]["拱辰街道"]
    village = save_record(instance=Village(jurisdiction=gongchen, name="拱辰东村"), actor=None, reason="测试")
    expert = save_record(instance=Expert(name="林工", phone="13900000000"), actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]]})
    return {
        Target: four_targets["gc_hazchem"],
        Department: ref["departments"]["应急管理局"],
        Jurisdiction: gongchen,
        Village: village,
        Sector: ref["sectors"]["危化品"],
        SpecialAssignment: SpecialAssignment.objects.filter(jurisdiction=gongchen).first(),
        Expert: expert,
        TargetCategory: TargetCategory.objects.first(),
        UserProfile: UserProfile.objects.get(user=users[Role.JURISDICTION]),
    }


def login(client, user) -> None:
    client.force_login(user)


def status(client, path: str) -> int:
    return client.get(path).status_code


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.OFFICE_EDITOR])
def test_office_can_list_add_edit_inspect_and_delete_every_directory_model(client, users, one_of_each, role):
    login(client, users[role])
    for model, obj in one_of_each.items():
        may_write = not (model is UserProfile and role == Role.OFFICE_EDITOR)
        listing = client.get(url(model, "list"))
        assert listing.status_code == 200, model
        assert (url(model, "add") in listing.content.decode()) is may_write, model
        expected = 200 if may_write else 403
        assert status(client, url(model, "add")) == expected, model
        assert status(client, url(model, "edit", obj)) == expected, model
        assert status(client, url(model, "delete", obj)) == expected, model
        assert status(client, url(model, "inspect", obj)) == 200, model
        assert status(client, url(model, "changes", obj)) == 200, model


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_list_and_inspect_but_cannot_add_edit_or_delete(client, users, one_of_each, role):
    login(client, users[role])
    for model, obj in one_of_each.items():
        listing = client.get(url(model, "list"))
        assert listing.status_code == 200, model
        html = listing.content.decode()
        assert url(model, "add") not in html, model
        assert "/edit/" not in html and "/delete/" not in html, model
        assert status(client, url(model, "add")) == 403, model
        assert client.post(url(model, "add"), {"name": "越权新增"}).status_code == 403, model
        visible = in_scope(users[role], obj)  # the exact scope of targets is pinned down below
        for action in ("edit", "delete"):
            assert status(client, url(model, action, obj)) == (403 if visible else 404), (model, action)
        if visible:
            assert status(client, url(model, "inspect", obj)) == 200, model
            assert status(client, url(model, "changes", obj)) == 200, model


TARGET_SCOPE = {
    # role: targets of four_targets the role sees
    Role.OFFICE_ADMIN: {"gc_hazchem", "bg_hazchem", "gc_site", "bg_gas"},
    Role.OFFICE_EDITOR: {"gc_hazchem", "bg_hazchem", "gc_site", "bg_gas"},
    Role.DEPARTMENT: {"gc_hazchem", "bg_hazchem"},  # 应急管理局 leads 危化品
    Role.INSPECTOR: {"gc_hazchem", "bg_hazchem"},  # belongs to 应急管理局
    Role.JURISDICTION: {"gc_hazchem", "gc_site"},  # 拱辰街道
    Role.AUDITOR: {"gc_hazchem", "bg_hazchem", "gc_site", "bg_gas"},
}


@pytest.mark.parametrize("role", list(Role))
def test_target_listing_and_pages_follow_the_data_scope(client, users, four_targets, role):
    login(client, users[role])
    listing = client.get(url(Target, "list"))
    assert listing.status_code == 200
    shown = {key for key, target in four_targets.items() if target.name in listing.content.decode()}
    assert shown == TARGET_SCOPE[role]
    for key, target in four_targets.items():
        visible = key in TARGET_SCOPE[role]
        assert status(client, url(Target, "inspect", target)) == (200 if visible else 404), key
        assert status(client, url(Target, "changes", target)) == (200 if visible else 404), key
        if role not in (Role.OFFICE_ADMIN, Role.OFFICE_EDITOR):
            edit = status(client, url(Target, "edit", target))
            assert edit == (403 if visible else 404), key


def target_form(target, **changes) -> dict:
    data = {
        "name": target.name, "credit_code": target.credit_code or "", "kind": target.kind,
        "jurisdiction": target.jurisdiction_id, "village": target.village_id or "",
        "sectors": [s.pk for s in target.sectors.all()], "categories": [c.pk for c in target.categories.all()],
        "address": target.address, "contact_person": target.contact_person, "contact_phone": target.contact_phone,
        "is_active": "on" if target.is_active else "", "note": target.note, "change_reason": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", list(Role))
def test_post_edit_of_a_target_is_saved_only_for_the_office(client, users, four_targets, role):
    target = four_targets["gc_hazchem"]  # in scope for every role
    login(client, users[role])
    response = client.post(url(Target, "edit", target), target_form(target, address="荔城区拱辰街道新址 8 号", change_reason="核实新地址"))
    target.refresh_from_db()
    if role in (Role.OFFICE_ADMIN, Role.OFFICE_EDITOR):
        assert response.status_code == 302
        assert target.address == "荔城区拱辰街道新址 8 号"
        record = target.history.first()
        assert record.history_change_reason == "核实新地址"
        assert record.history_user == users[role]
        assert record.ip_address == "127.0.0.1"
    else:
        assert response.status_code == 403
        assert target.address == ""


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_cannot_delete_by_posting(client, users, four_targets, role):
    target = four_targets["gc_hazchem"]
    login(client, users[role])
    assert client.post(url(Target, "delete", target)).status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()


def test_office_edit_errors_come_back_on_the_form_in_chinese(client, users, four_targets):
    target = four_targets["gc_hazchem"]
    other = four_targets["gc_site"]
    login(client, users[Role.OFFICE_EDITOR])
    response = client.post(url(Target, "edit", target), target_form(target, name=other.name))
    assert response.status_code == 200
    assert "该属地已有同名监管对象" in response.content.decode()
    response = client.post(url(Target, "edit", target), target_form(target, name="名" * 101, contact_phone="abc"))
    html = response.content.decode()
    assert "请输入有效的电话号码" in html
    target.refresh_from_db()
    assert target.name == "拱辰危化品仓储有限公司"


def test_deleting_a_referenced_row_is_refused_with_a_message_not_a_500(client, users, four_targets, ref):
    login(client, users[Role.OFFICE_ADMIN])
    gongchen = ref["jurisdictions"]["拱辰街道"]
    response = client.post(url(Jurisdiction, "delete", gongchen), follow=True)
    assert response.status_code == 200  # back on the edit page, with the reason (not Wagtail's bare 403)
    assert "仍被其他记录引用，不能删除，可改为停用" in response.content.decode()
    assert Jurisdiction.objects.filter(pk=gongchen.pk).exists()


def test_office_delete_of_a_target_records_the_deletion_in_history(client, users, four_targets):
    target = four_targets["bg_gas"]
    login(client, users[Role.OFFICE_EDITOR])
    assert client.post(url(Target, "delete", target)).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    record = Target.history.filter(id=target.pk).first()
    assert record.history_type == "-" and record.history_user == users[Role.OFFICE_EDITOR]


def test_history_is_reachable_from_the_edit_and_inspect_pages_and_the_listing(client, users, four_targets):
    target = four_targets["gc_hazchem"]
    changes = url(Target, "changes", target)
    login(client, users[Role.OFFICE_EDITOR])
    assert changes in client.get(url(Target, "edit", target)).content.decode()
    assert changes in client.get(url(Target, "inspect", target)).content.decode()
    assert changes in client.get(url(Target, "list")).content.decode()
    login(client, users[Role.AUDITOR])
    assert changes in client.get(url(Target, "inspect", target)).content.decode()
    page = client.get(changes).content.decode()
    assert "新增" in page and "测试数据" in page


def test_admin_search_matches_a_chinese_substring(client, users, make_target):
    make_target("某某液氨制冷有限公司", sectors=("工贸",))
    make_target("某某食品有限公司", sectors=("工贸",))
    login(client, users[Role.OFFICE_EDITOR])
    html = client.get(url(Target, "list"), {"q": "液氨制冷"}).content.decode()
    assert "某某液氨制冷有限公司" in html
    assert "某某食品有限公司" not in html


def test_the_chooser_lists_only_targets_in_scope(client, users, four_targets):
    login(client, users[Role.JURISDICTION])
    html = client.get(reverse("wagtailsnippetchoosers_directory_target:choose")).json()["html"]
    assert "拱辰危化品仓储有限公司" in html
    assert "北高燃气供应站" not in html
    chosen = reverse("wagtailsnippetchoosers_directory_target:chosen", args=[four_targets["bg_gas"].pk])
    assert client.get(chosen).status_code == 404


def test_bulk_delete_is_refused_for_audited_models(client, users, four_targets):
    login(client, users[Role.OFFICE_ADMIN])
    target = four_targets["bg_gas"]
    response = client.post(f"/admin/bulk/directory/target/delete/?id={target.pk}")
    assert response.status_code == 403 and "不能批量操作" in response.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()


def test_office_admin_binds_a_user_to_a_jurisdiction(client, users, ref, make_user):
    user = make_user(Role.JURISDICTION, username="new_town_user")
    profile = UserProfile.objects.get(user=user)
    login(client, users[Role.OFFICE_ADMIN])
    form = {"user": user.pk, "department": "", "jurisdiction": "", "title": "安监站长", "phone": "", "change_reason": "新进人员"}
    response = client.post(url(UserProfile, "edit", profile), form)
    assert response.status_code == 200
    assert "属地用户必须绑定所属属地" in response.content.decode()
    form["jurisdiction"] = ref["jurisdictions"]["北高镇"].pk
    response = client.post(url(UserProfile, "edit", profile), form)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.jurisdiction.name == "北高镇"
    assert profile.history.first().history_change_reason == "新进人员"
    listing = client.get(url(UserProfile, "list")).content.decode()
    assert "属地用户" in listing and "new_town_user" in listing


def test_office_editor_cannot_rebind_users(client, users, ref):
    profile = UserProfile.objects.get(user=users[Role.JURISDICTION])
    login(client, users[Role.OFFICE_EDITOR])
    form = {"user": profile.user_id, "jurisdiction": ref["jurisdictions"]["北高镇"].pk, "title": "", "phone": ""}
    assert client.post(url(UserProfile, "edit", profile), form).status_code == 403
    profile.refresh_from_db()
    assert profile.jurisdiction.name == "拱辰街道"


def test_empty_listings_speak_chinese(client, users):
    login(client, users[Role.OFFICE_EDITOR])
    html = client.get(url(Target, "list")).content.decode()
    assert "还没有监管对象" in html and "There are no" not in html
    html = client.get(url(Target, "list"), {"q": "不存在的名称"}).content.decode()
    assert "没有符合条件的监管对象" in html
