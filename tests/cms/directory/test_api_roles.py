"""Role × data scope in the API: list, detail, create, update, delete of targets and departments."""

import pytest

from cms.directory.models import Department, Target
from cms.roles import Role

from .test_admin_roles import TARGET_SCOPE

OFFICE = (Role.OFFICE_ADMIN, Role.OFFICE_EDITOR)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", list(Role))
def test_target_list_and_detail_follow_the_scope(api_for, users, four_targets, role):
    client = api_for(users[role])
    expected = {four_targets[k].pk for k in TARGET_SCOPE[role]}
    assert ids(client.get("/api/v1/targets/", {"page_size": 200})) == expected
    for target in four_targets.values():
        response = client.get(f"/api/v1/targets/{target.pk}/")
        if target.pk in expected:
            assert response.status_code == 200 and response.json()["name"] == target.name
        else:
            assert response.status_code == 404
            assert response.json() == {"detail": "未找到该记录，或不在您的数据范围内"}


@pytest.mark.parametrize("role", list(Role))
def test_target_create_update_delete_only_for_the_office(api_for, users, four_targets, ref, role):
    client = api_for(users[role])
    mine = four_targets["gc_hazchem"]  # in every role's scope
    payload = {"name": "接口新增企业", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk, "sectors": [ref["sectors"]["危化品"].pk]}
    created = client.post("/api/v1/targets/", payload, format="json")
    updated = client.patch(f"/api/v1/targets/{mine.pk}/", {"address": "新地址"}, format="json")
    deleted = client.delete(f"/api/v1/targets/{four_targets['bg_gas'].pk}/")
    mine.refresh_from_db()
    if role in OFFICE:
        assert created.status_code == 201 and Target.objects.filter(name="接口新增企业").exists()
        assert updated.status_code == 200 and mine.address == "新地址"
        assert deleted.status_code == 204 and not Target.objects.filter(pk=four_targets["bg_gas"].pk).exists()
    else:
        assert created.status_code == 403 and created.json()["detail"] == "您没有执行此操作的权限"
        assert updated.status_code == 403
        assert deleted.status_code == 403  # refused before the record is looked up: no role learns which ids exist
        assert not Target.objects.filter(name="接口新增企业").exists()
        assert mine.address == ""
        assert Target.objects.filter(pk=four_targets["bg_gas"].pk).exists()


@pytest.mark.parametrize("role", list(Role))
def test_departments_are_read_by_every_role_and_written_by_the_office(api_for, users, role):
    client = api_for(users[role])
    response = client.get("/api/v1/departments/", {"page_size": 50})
    assert response.status_code == 200 and response.json()["count"] == Department.objects.count() == 23
    yjj = Department.objects.get(short_name="应急管理局")
    assert client.get(f"/api/v1/departments/{yjj.pk}/").json()["name"] == "区应急管理局"
    created = client.post("/api/v1/departments/", {"name": "区测试局", "short_name": "测试局", "code": "csj"}, format="json")
    updated = client.patch(f"/api/v1/departments/{yjj.pk}/", {"contact_person": "赵六"}, format="json")
    spare = Department.objects.get(short_name="效能")
    deleted = client.delete(f"/api/v1/departments/{spare.pk}/")
    yjj.refresh_from_db()
    if role in OFFICE:
        assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)
        assert yjj.contact_person == "赵六"
    else:
        assert (created.status_code, updated.status_code, deleted.status_code) == (403, 403, 403)
        assert yjj.contact_person == "" and Department.objects.filter(pk=spare.pk).exists()
        assert not Department.objects.filter(code="csj").exists()


def test_deleting_a_referenced_department_is_a_409_in_chinese(api_for, users):
    client = api_for(users[Role.OFFICE_ADMIN])
    yjj = Department.objects.get(short_name="应急管理局")  # leads sectors, and users belong to it
    response = client.delete(f"/api/v1/departments/{yjj.pk}/")
    assert response.status_code == 409  # the record's state (others refer to it) forbids it, not the input
    assert "仍被其他记录引用" in response.json()["detail"]
    assert Department.objects.filter(pk=yjj.pk).exists()
