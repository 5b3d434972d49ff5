"""API conventions: token auth, 401, pagination, Chinese errors, schema and docs, search, history."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rest_framework.test import APIClient

from cms.directory.models import Department, Target, Village
from cms.roles import Role

ROOT = Path(__file__).resolve().parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_token_auth_with_right_and_wrong_password(users):
    client = APIClient()
    user = users[Role.OFFICE_EDITOR]
    wrong = client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong-password"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["detail"] == "用户名或密码错误"
    right = client.post("/api/v1/auth/token/", {"username": user.username, "password": "pass-1234-word"}, format="json")
    assert right.status_code == 200
    token = right.json()["token"]
    assert client.get("/api/v1/targets/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/targets/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/targets/").status_code == 401


def test_without_auth_every_resource_answers_401_in_chinese(ref):
    client = APIClient()
    for resource in ("departments", "jurisdictions", "villages", "sectors", "targets", "experts"):
        response = client.get(f"/api/v1/{resource}/")
        assert response.status_code == 401, resource
        assert response.json() == {"detail": "未登录或登录已失效，请先登录"}
        assert response["WWW-Authenticate"].startswith("Token")


def test_pagination_shape_page_size_and_the_200_cap(api_for, users, ref):
    gongchen = ref["jurisdictions"]["拱辰街道"]
    # Test data only: plain rows, no history needed to exercise paging.
    Village.objects.bulk_create([Village(jurisdiction=gongchen, name=f"测试村{i:03d}") for i in range(205)])
    client = api_for(users[Role.OFFICE_EDITOR])
    body = client.get("/api/v1/villages/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 205 and len(body["results"]) == 20 and body["previous"] is None and "page=2" in body["next"]
    body = client.get("/api/v1/villages/", {"page_size": 50, "page": 5}).json()
    assert len(body["results"]) == 5 and body["next"] is None and "page=4" in body["previous"]
    body = client.get("/api/v1/villages/", {"page_size": 200}).json()
    assert len(body["results"]) == 200 and body["next"] is not None
    for bad in (1000, -1, 0, "abc", 10**12, "٥"):  # refused, never quietly clamped or ignored
        response = client.get("/api/v1/villages/", {"page_size": bad})
        assert response.status_code == 400 and "每页条数应为 1 到 200 之间的整数" in str(response.json()), bad
    response = client.get("/api/v1/villages/", {"page": 99})
    assert response.status_code == 404 and "页码无效" in response.json()["detail"]


def test_out_of_scope_detail_is_404(api_for, users, make_target):
    target = make_target("北高某厂", jurisdiction="北高镇", sectors=("燃气",))
    response = api_for(users[Role.JURISDICTION]).get(f"/api/v1/targets/{target.pk}/")
    assert response.status_code == 404
    assert CJK.search(response.json()["detail"])


def field_errors(response, field: str) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert CJK.search(body["detail"]), body
    messages = body["errors"][field]
    assert all(CJK.search(m) for m in messages), messages
    return messages


def test_field_errors_are_400_in_chinese_and_write_nothing(api_for, users, ref, make_target):
    make_target("已有企业")
    client = api_for(users[Role.OFFICE_EDITOR])
    gongchen = ref["jurisdictions"]["拱辰街道"].pk
    hazchem = ref["sectors"]["危化品"].pk
    before = (Target.objects.count(), Department.objects.count())

    duplicate_department = client.post("/api/v1/departments/", {"name": "区应急管理局", "short_name": "另一个", "code": "another"}, format="json")
    assert field_errors(duplicate_department, "name")
    duplicate_target = client.post("/api/v1/targets/", {"name": "已有企业", "jurisdiction": gongchen, "sectors": [hazchem]}, format="json")
    assert duplicate_target.status_code == 400 and CJK.search(str(duplicate_target.json()))
    unknown_fk = client.post("/api/v1/targets/", {"name": "新企业", "jurisdiction": 999999, "sectors": [hazchem]}, format="json")
    assert "999999" in field_errors(unknown_fk, "jurisdiction")[0]
    too_long = client.post("/api/v1/targets/", {"name": "长" * 101, "jurisdiction": gongchen, "sectors": [hazchem]}, format="json")
    assert "100" in field_errors(too_long, "name")[0]
    wrong_type = client.post("/api/v1/departments/", {"name": "区测试局", "short_name": "测试局", "code": "csj", "sort_order": "第一"}, format="json")
    assert field_errors(wrong_type, "sort_order")
    bad_phone = client.post("/api/v1/targets/", {"name": "电话错", "jurisdiction": gongchen, "sectors": [hazchem], "contact_phone": "abc"}, format="json")
    assert field_errors(bad_phone, "contact_phone")
    no_sector = client.post("/api/v1/targets/", {"name": "无行业", "jurisdiction": gongchen, "sectors": []}, format="json")
    assert field_errors(no_sector, "sectors")
    not_json = client.post("/api/v1/targets/", "{broken", content_type="application/json")
    assert not_json.status_code == 400 and CJK.search(not_json.json()["detail"])
    assert (Target.objects.count(), Department.objects.count()) == before


@pytest.mark.parametrize("phone, ok", [
    ("0594-2281234", True), ("(0594) 2281234", True), ("+86 138 0000 0000", True), ("13800001111", True),
    ("(((((", False), ("+-() ", False), ("1234", False), ("12345\n", False), (" 12345", False), ("12345 ", False),
    ("١٢٣٤٥", False),
])
def test_a_phone_is_digits_as_sent(api_for, users, ref, phone, ok):
    """A phone has 5–20 digits (grouped by "-", a space or brackets) and is checked as sent: the
    schema's pattern is the whole rule (issue 15: "(((((" was a phone; " 1234" was valid by the
    schema and refused once trimmed)."""
    client = api_for(users[Role.OFFICE_ADMIN])
    response = client.post("/api/v1/targets/", {"name": f"电话{phone!r}", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
                                                "sectors": [ref["sectors"]["危化品"].pk], "contact_phone": phone}, format="json")
    if ok:
        assert response.status_code == 201, response.json()
        assert Target.objects.get(pk=response.json()["id"]).contact_phone == phone
    else:
        assert "请输入有效的电话号码" in field_errors(response, "contact_phone")[0]
    pattern = re.compile(_schema_pattern(client, "TargetRequest", "contact_phone"))
    assert bool(pattern.fullmatch(phone)) is ok


def test_targets_without_a_credit_code_are_many(api_for, users, ref):
    """An empty credit code is no code (NULL), not a value: the second target sent with "" was
    refused as a duplicate of the first (Schemathesis, issue 15)."""
    from cms.directory.models import Target

    client = api_for(users[Role.OFFICE_ADMIN])
    for name in ("无代码甲", "无代码乙"):
        response = client.post("/api/v1/targets/", {"name": name, "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
                                                    "sectors": [ref["sectors"]["危化品"].pk], "credit_code": ""}, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["credit_code"] is None
    assert Target.objects.filter(name__startswith="无代码", credit_code__isnull=True).count() == 2


def _schema_pattern(client, component: str, field: str) -> str:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    prop = schema["components"]["schemas"][component]["properties"][field]
    return next(s["pattern"] for s in prop.get("oneOf", [prop]) if "pattern" in s)


def test_chinese_substring_search(api_for, users, make_target):
    make_target("某某液氨制冷有限公司", sectors=("工贸",))
    make_target("某某食品有限公司", sectors=("工贸",))
    body = api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/targets/", {"search": "液氨制冷"}).json()
    assert [r["name"] for r in body["results"]] == ["某某液氨制冷有限公司"]


def test_an_api_edit_records_user_reason_and_address_in_history(users, make_target):
    target = make_target("接口编辑企业")
    editor = users[Role.OFFICE_EDITOR]
    client = APIClient(REMOTE_ADDR="10.20.30.40")
    client.force_authenticate(editor)
    response = client.patch(f"/api/v1/targets/{target.pk}/", {"contact_person": "李四"}, format="json",
                            HTTP_X_CHANGE_REASON="核实联系人")
    assert response.status_code == 200
    record = target.history.order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason, record.ip_address) == (editor, "核实联系人", "10.20.30.40")
    assert record.contact_person == "李四"


def test_schema_is_served_and_holds_only_our_v1_api(api_for, users):
    response = api_for(users[Role.OFFICE_EDITOR]).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert paths and all(p.startswith("/api/v1/") for p in paths)
    assert not any("/api/v2" in p or "/admin" in p for p in paths)
    assert {"/api/v1/targets/", "/api/v1/targets/import/", "/api/v1/departments/", "/api/v1/auth/token/"} <= paths
    assert "multipart/form-data" in schema["paths"]["/api/v1/targets/import/"]["post"]["requestBody"]["content"]


def test_schema_validates_against_openapi_3():
    """drf-spectacular validates the generated schema against the OpenAPI 3 JSON schema; an
    invalid schema makes the command fail. The directory and API base add no warnings of their own."""
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--file", "/dev/null"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"DJANGO_SETTINGS_MODULE": "cms.settings.test", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Errors:   0" in result.stderr or "Errors" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if "cms/directory/" in line or "cms/api/" in line]
    assert ours == []


def test_docs_are_served_without_an_external_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "drf_spectacular_sidecar" in html
    assert not re.search(r"https?://(cdn|unpkg|fonts)\.", html)
