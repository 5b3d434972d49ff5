"""Issue 14: choosing a group's members and invited experts, by clicks, from a checkbox list with a
filter box (no Ctrl-click multi-select), where two people with the same name are told apart by
their unit or 属地 and two experts by their organisation."""

import re

import pytest

from cms.directory.models import Expert
from cms.records import save_record
from cms.roles import Role
from workflows.inspections.models import InspectionGroup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_picks_the_right_namesake_members_and_expert_by_clicks(users, make_user, ref, login):
    zhang_dept = make_user(Role.INSPECTOR, department="应急管理局", username="zhangwei_a")
    zhang_town = make_user(Role.INSPECTOR, jurisdiction="拱辰街道", username="zhangwei_b")
    for user in (zhang_dept, zhang_town):
        user.first_name = "张伟"
        user.save()
    li_a = save_record(instance=Expert(name="李明", organization="莆田市特种设备检验所", phone="13800001111"), actor=None, reason="测试")
    li_b = save_record(instance=Expert(name="李明", organization="福建省安全生产科学研究院", phone="13900002222"), actor=None, reason="测试")
    dept_name, town_name = ref["departments"]["应急管理局"].name, "拱辰街道"

    page = login(users[Role.OFFICE_ADMIN].username)
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="督导检查").click()
    with page.expect_navigation():
        sidebar.get_by_role("link", name="督导检查组", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^添加")).first.click()

    assert page.locator("select[name=members], select[name=experts], select[name=member_departments]").count() == 0
    page.fill("input[name=name]", "拱辰街道燃气专项督导检查组")
    page.select_option("select[name=kind]", label="专项督导检查组")
    page.select_option("select[name=lead_department]", label=dept_name)
    page.locator("[data-choice-box]").filter(has=page.locator("input[name=jurisdictions]")).get_by_label(town_name, exact=True).check()

    members = page.locator("[data-choice-box]").filter(has=page.locator("input[name=members]"))
    members.locator("[data-choice-filter]").fill("张伟")
    visible = [t.strip() for t in members.locator("label:visible").all_inner_texts()]
    assert sorted(visible) == sorted([f"张伟（{dept_name}）", f"张伟（{town_name}）"])  # namesakes told apart, the rest hidden
    members.get_by_label(f"张伟（{town_name}）").check()

    experts = page.locator("[data-choice-box]").filter(has=page.locator("input[name=experts]"))
    experts.locator("[data-choice-filter]").fill("李明")
    assert sorted(t.strip() for t in experts.locator("label:visible").all_inner_texts()) == [
        "李明（福建省安全生产科学研究院）", "李明（莆田市特种设备检验所）"]
    experts.get_by_label("李明（莆田市特种设备检验所）").check()

    units = page.locator("[data-choice-box]").filter(has=page.locator("input[name=member_departments]"))
    units.locator("[data-choice-filter]").fill("住建")
    units.locator("label:visible").first.locator("input").check()

    with page.expect_navigation():
        page.get_by_role("button", name="保存").first.click()
    group = InspectionGroup.objects.get(name="拱辰街道燃气专项督导检查组")
    assert list(group.members.all()) == [zhang_town]
    assert list(group.experts.all()) == [li_a] and li_b not in group.experts.all()
    assert [d.short_name for d in group.member_departments.all()] == ["住建局"]

    # the listing's link opens the edit form again, the same choices ticked
    with page.expect_navigation():
        page.get_by_role("link", name="拱辰街道燃气专项督导检查组").first.click()
    assert page.get_by_label(f"张伟（{town_name}）").is_checked()
    assert not page.get_by_label(f"张伟（{dept_name}）").is_checked()
