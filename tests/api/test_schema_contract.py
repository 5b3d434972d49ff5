"""The API keeps its own schema (issue 15, finding 10). Each answer below is produced by the real
endpoint through the WSGI app and checked by Schemathesis against ``/api/schema/``: the status
must be declared and the body must match what is declared for it."""

from __future__ import annotations

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from cms.roles import Role
from tests.workflows.hazards.factories import register

pytestmark = pytest.mark.django_db
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(keep_test_connection):  # noqa: F811
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def call(schema, user, method: str, path: str, **kwargs):
    """One real request through the WSGI app, validated against the schema; returns the response."""
    template = kwargs.pop("template", path)
    case = schema[template][method].Case(headers={"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}, **kwargs)
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    return response


def test_blank_responsible_kind_is_inside_its_declared_enum(api_schema, users, make_target):
    register(users[Role.INSPECTOR], make_target("枚举测试厂"))
    response = call(api_schema, users[Role.OFFICE_ADMIN], "GET", "/api/v1/hazards/")
    assert response.status_code == 200
    assert [row["responsible_kind"] for row in response.json()["results"]] == [""]
    declared = api_schema.raw_schema["components"]["schemas"]["Hazard"]["properties"]["responsible_kind"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in declared["oneOf"]


def test_history_is_the_bare_list_the_schema_declares(api_schema, users, make_target):
    hazard = register(users[Role.INSPECTOR], make_target("历史测试厂"))
    response = call(api_schema, users[Role.AUDITOR], "GET", f"/api/v1/hazards/{hazard.pk}/history/",
                    template="/api/v1/hazards/{id}/history/", path_parameters={"id": hazard.pk})
    assert response.status_code == 200 and isinstance(response.json(), list) and response.json()[0]["action"] == "register"
    operation = api_schema.raw_schema["paths"]["/api/v1/hazards/{id}/history/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert not [p for p in operation.get("parameters", []) if p["in"] == "query"]  # no list filters or paging on it


@pytest.mark.parametrize(("body", "expected"), [
    ({"file": b"PK\x03\x04 not really a workbook", "mode": "all_or_nothing"}, "detail"),
    ({"mode": "all_or_nothing"}, "errors"),
])
def test_target_import_400_matches_its_declared_body(api_schema, users, body, expected):
    response = call(api_schema, users[Role.OFFICE_EDITOR], "POST", "/api/v1/targets/import/", body=body, media_type="multipart/form-data")
    assert response.status_code == 400 and expected in response.json()


def test_target_import_400_with_row_errors_is_a_report(api_schema, users):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["名称", "属地", "行业领域"])
    workbook.active.append(["某厂", "不存在的镇", "危化品"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = call(api_schema, users[Role.OFFICE_EDITOR], "POST", "/api/v1/targets/import/",
                    body={"file": buffer.getvalue(), "mode": "all_or_nothing"}, media_type="multipart/form-data")
    assert response.status_code == 400 and response.json()["imported"] is False and response.json()["errors"]


def test_error_answers_are_declared_with_the_shared_body(api_schema, users, make_target):
    raw = api_schema.raw_schema
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, operations in raw["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "401", "403", "404"} | ({"409"} if method != "get" else set())
            assert expected <= set(operation["responses"]), f"{method} {path}"
            assert operation["responses"]["404"]["content"]["application/json"]["schema"] == error
    # and the bodies the exception handler writes match it: 404, 409, 400, 401
    hazard = register(users[Role.INSPECTOR], make_target("错误测试厂"))
    office = users[Role.OFFICE_ADMIN]
    assert call(api_schema, office, "GET", "/api/v1/hazards/999999/", template="/api/v1/hazards/{id}/",
                path_parameters={"id": 999999}).status_code == 404
    stale = call(api_schema, office, "POST", f"/api/v1/hazards/{hazard.pk}/verify/", template="/api/v1/hazards/{id}/verify/",
                 path_parameters={"id": hazard.pk}, body={"version": 99}, media_type="application/json")
    assert stale.status_code == 409 and stale.json()["detail"]
    bad = call(api_schema, office, "GET", "/api/v1/assessment/", query={"year": "1999"})
    assert bad.status_code == 400 and bad.json()["errors"]["year"]
    case = api_schema["/api/v1/hazards/"]["GET"].Case()
    anonymous = case.call()
    case.validate_response(anonymous, checks=CHECKS)
    assert anonymous.status_code == 401 and anonymous.json() == {"detail": "未登录或登录已失效，请先登录"}


def test_limits_and_enums_are_declared(api_schema):
    raw = api_schema.raw_schema
    components = raw["components"]["schemas"]
    method = components["InspectionSubmitRequest"]["properties"]["method"]
    enum = components[method["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"] if "allOf" in method else method["enum"]
    assert set(enum) == {"discussion", "planned", "unannounced", "covert", "tipoff"}

    def parameter(path, name):
        return next(p["schema"] for p in raw["paths"][path]["get"]["parameters"] if p["name"] == name)

    year = parameter("/api/v1/assessment/", "year")
    assert (year["minimum"], year["maximum"]) == (2000, 2100)
    size = parameter("/api/v1/hazards/", "page_size")
    assert (size["minimum"], size["maximum"]) == (1, 200)
    assert parameter("/api/v1/orders/", "year")["maximum"] == 2100
    assert components["TargetRequest"]["properties"]["name"]["maxLength"] == 100
    assert components["HazardEvidenceRequest"]["properties"]["photos"]["maxItems"] == 10
    # free text refuses what the parsers refuse; unknown fields are not part of the API
    assert components["TargetRequest"]["properties"]["name"]["pattern"].startswith("^[^\\x00")
    assert components["TargetRequest"]["additionalProperties"] is False


@pytest.mark.parametrize(("query", "status"), [
    ({"target": "999999"}, 200), ({"target": ""}, 400), ({"target": "abc"}, 400), ({"target": "0"}, 400),
    ({"overdue": "true"}, 200), ({"overdue": "maybe"}, 400),
    ({"page_size": "200"}, 200), ({"page_size": "201"}, 400), ({"page_size": "0"}, 400),
    ({"page_size": "abc"}, 400), ({"page_size": "1000000000000"}, 400),
])
def test_list_parameters_are_what_the_schema_says(api_schema, users, query, status):
    """What the schema allows is accepted (an unknown id is an empty list); what it forbids is a
    Chinese 400 instead of being silently ignored."""
    response = call(api_schema, users[Role.OFFICE_ADMIN], "GET", "/api/v1/hazards/", query=query)
    assert response.status_code == status, response.json()
    if status == 200:
        assert response.json()["results"] == []
    else:
        assert list(response.json()["errors"]) == list(query)
