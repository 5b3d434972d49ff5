"""Hostile strings (HTML/script, SQL-looking, emoji, 10,000 characters, NUL bytes) and dates
out of range: a clear error or a faithful save, nothing half-written, never a 500."""

from __future__ import annotations

import datetime
import re

import pytest

from cms.api.router import router
from cms.directory.models import Target
from cms.roles import Role

HOSTILE = {
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE directory_target; --",
    "emoji": "安全生产🚒🔥👷‍♀️",
    "long": "隐" * 10_000,
    "nul": "化工\x00厂",
}
PREFIXES = [prefix for prefix, _, _ in router.registry]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_search_and_filters_with_hostile_strings_never_fail(prefix, kind, users, api_for):
    """A search for any text is a search (200); a hostile ``ordering``, ``page`` or ``page_size``
    is a Chinese 400 naming the parameter, never a 200 that quietly ignored it."""
    client = api_for(users[Role.OFFICE_ADMIN])
    value = HOSTILE[kind]
    searchable = client.get(f"/api/v1/{prefix}/", {"search": value})
    assert searchable.status_code == (200 if "search" in _known(prefix) else 400), (prefix, searchable.status_code)
    for name in ("ordering", "page", "page_size"):
        response = client.get(f"/api/v1/{prefix}/", {name: value})
        assert response.status_code == 400, (prefix, name, response.status_code)
        assert name in response.json().get("errors", {}), (prefix, name, response.json())


def _known(prefix: str) -> set[str]:
    from cms.api.filters import known_params

    viewset = next(v for p, v, _ in router.registry if p == prefix)
    view = viewset()
    view.action = "list"
    return known_params(view, viewset.queryset)


@pytest.mark.parametrize("kind", HOSTILE)
def test_target_create_with_hostile_names(kind, users, api_for, ref):
    client = api_for(users[Role.OFFICE_EDITOR])
    before = Target.objects.count()
    value = HOSTILE[kind]
    response = client.post("/api/v1/targets/", {
        "name": value, "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
        "sectors": [ref["sectors"]["工贸"].pk], "address": value[:200], "note": value[:2000],
    }, format="json")
    if kind in ("long", "nul"):
        assert response.status_code == 400
        body = response.json()
        assert "name" in body.get("errors", {}) or "控制字符" in body["detail"]
        assert Target.objects.count() == before
    else:
        assert response.status_code == 201, response.json()
        saved = Target.objects.get(pk=response.json()["id"])
        assert saved.name == value  # stored as given; escaping is the templates' job
        listing = api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/targets/", {"search": value[:20]})
        assert listing.json()["count"] >= 1


def test_hostile_name_is_escaped_in_the_admin_listing(users, client, make_target):
    make_target(HOSTILE["html"])
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.get("/admin/snippets/directory/target/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html


BAD_VALUES = [
    ("/api/v1/hazards/", {"found_from": "0000-01-01"}, "found_from"),
    ("/api/v1/hazards/", {"found_to": "明天"}, "found_to"),
    ("/api/v1/hazards/", {"jurisdiction": "١"}, "jurisdiction"),  # an Arabic-Indic one is not id 1
    ("/api/v1/exports/hazard-ledger/", {"found_from": "notadate"}, "found_from"),
    ("/api/v1/exports/hazard-ledger/", {"found_to": "2026-02-30"}, "found_to"),
    ("/api/v1/exports/hazard-ledger/", {"found_from": "2999-01-01"}, "found_from"),
    ("/api/v1/exports/hazard-ledger/", {"sector": "abc"}, "sector"),
    ("/api/v1/exports/hazard-ledger/", {"state": "AAA"}, "state"),
    ("/api/v1/exports/hazard-ledger/", {"overdue": "maybe"}, "overdue"),
    ("/api/v1/exports/hazard-ledger/", {"format": "AAA"}, "format"),
    ("/api/v1/exports/four-lists/", {"month": "2026-1"}, "month"),
    ("/api/v1/exports/four-lists/", {"month": "２０２６-０３"}, "month"),
    ("/api/v1/exports/district-report/", {"month": "2026-13"}, "month"),
    ("/api/v1/exports/assessment/", {"year": "١٢٣٤"}, "year"),
    ("/api/v1/exports/hazard-history/", {"hazard": "١"}, "hazard"),
    ("/api/v1/compliance/", {"month": "2026-1"}, "month"),
    ("/api/v1/targets/", {"format": "AAA"}, "format"),
    ("/api/v1/targets/", {"page_size": "-1"}, "page_size"),
    ("/api/v1/targets/", {"page_size": "0"}, "page_size"),
    ("/api/v1/targets/", {"page_size": "abc"}, "page_size"),
    ("/api/v1/targets/", {"page_size": str(10**12)}, "page_size"),
    ("/api/v1/targets/", {"ordering": "password"}, "ordering"),
]


@pytest.mark.parametrize("url, query, name", BAD_VALUES)
def test_a_bad_parameter_value_is_a_chinese_400(url, query, name, users, api_for):
    response = api_for(users[Role.OFFICE_ADMIN]).get(url, query)
    assert response.status_code == 400, (url, query, response.status_code)
    body = response.json()
    assert name in body.get("errors", {}), body
    assert all(CJK.search(str(m)) for m in body["errors"][name]), body


def test_an_id_that_is_not_ascii_digits_is_not_found(users, api_for, make_target):
    target = make_target("阿拉伯数字化工")
    client = api_for(users[Role.OFFICE_ADMIN])
    assert client.get(f"/api/v1/targets/{target.pk}/").status_code == 200
    arabic = "".join(chr(0x0660 + int(d)) for d in str(target.pk))
    response = client.get(f"/api/v1/targets/{arabic}/")
    assert response.status_code == 404 and CJK.search(response.json()["detail"])


def _date_filters(prefix: str) -> list[str]:
    """The date (and month) filters of a list, read from its FilterSet: the names it knows."""
    import django_filters
    from django_filters.rest_framework import DjangoFilterBackend

    viewset = next(v for p, v, _ in router.registry if p == prefix)
    filterset = DjangoFilterBackend().get_filterset_class(viewset(), viewset.queryset)
    if filterset is None:
        return []
    return [name for name, f in filterset.base_filters.items()
            if isinstance(f, (django_filters.DateFilter, django_filters.DateTimeFilter)) or name == "month"]


DATED_LISTS = {prefix: names for prefix in PREFIXES if (names := _date_filters(prefix))}


def test_the_lists_with_date_filters_are_the_dated_records():
    assert {"hazards", "plans", "inspections", "consultations", "monthly-reports"} <= set(DATED_LISTS)


@pytest.mark.parametrize("value", ["0000-01-01", "9999-12-31T25:61:00", "2026-02-30", "明天"])
@pytest.mark.parametrize("prefix", sorted(DATED_LISTS))
def test_dates_out_of_range_in_filters_are_refused_cleanly(prefix, value, users, api_for):
    """Each date filter a list knows answers a bad date with a 400 naming that filter, in Chinese."""
    client = api_for(users[Role.OFFICE_ADMIN])
    for name in DATED_LISTS[prefix]:
        response = client.get(f"/api/v1/{prefix}/", {name: value})
        assert response.status_code == 400, (prefix, name, value, response.status_code)
        errors = response.json()["errors"]
        assert name in errors and any("\u4e00" <= ch <= "\u9fff" for ch in str(errors[name])), (prefix, name, errors)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_parameter_a_list_does_not_know_is_refused_not_ignored(prefix, users, api_for):
    response = api_for(users[Role.OFFICE_ADMIN]).get(f"/api/v1/{prefix}/", {"created_after": "2026-01-01"})
    assert response.status_code == 400, (prefix, response.status_code)
    assert response.json()["errors"] == {"created_after": ["不支持的查询参数"]}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_parameter_sent_twice_is_refused_unless_it_takes_several(prefix, users, api_for):
    """``?page_size=5&page_size=6`` is a 400 naming the parameter (it would filter by the last value
    only); a parameter the schema declares as an array (a hazard's ``state``) may repeat."""
    client = api_for(users[Role.OFFICE_ADMIN])
    response = client.get(f"/api/v1/{prefix}/?page_size=5&page_size=6")
    assert response.status_code == 400, (prefix, response.status_code)
    assert response.json()["errors"] == {"page_size": ["只能出现一次"]}
    assert "查询参数只能出现一次" in response.json()["detail"]


@pytest.mark.parametrize("path, good", [
    ("/api/v1/assessment/", "year=2026"), ("/api/v1/compliance/", "month=2026-11"), ("/api/v1/plans/focus-proposal/", "month=2026-11"),
])
def test_the_views_that_are_not_lists_refuse_unknown_and_repeated_parameters(path, good, users, api_for):
    """The assessment, the compliance check and the focus proposal answered ``?year=2025&year=2026``
    with the last year, and ignored ``?yaer=2026``."""
    client = api_for(users[Role.OFFICE_ADMIN])
    assert client.get(f"{path}?{good}").status_code == 200
    name = good.split("=")[0]
    assert client.get(f"{path}?{good}&{good}").json()["errors"] == {name: ["只能出现一次"]}
    assert client.get(f"{path}?{good}&yaer=2026").json()["errors"] == {"yaer": ["不支持的查询参数"]}


def test_a_year_twice_is_refused_and_states_may_repeat(users, api_for):
    client = api_for(users[Role.OFFICE_ADMIN])
    assert client.get("/api/v1/orders/?year=2025&year=2026").json()["errors"] == {"year": ["只能出现一次"]}
    assert client.get("/api/v1/hazards/?state=reported&state=assigned").status_code == 200
    assert client.get("/api/v1/orders/?status=issued&status=acknowledged").status_code == 200


def test_a_name_that_normalisation_lengthens_past_its_limit_is_refused_not_a_500(users, api_for):
    """NFKC writes "¼" as "1⁄4": 50 of them are 150 characters for a 50-character name. The
    database would refuse it (PostgreSQL) or keep it over length (SQLite); the API answers 400."""
    from cms.directory.models import Sector

    client = api_for(users[Role.OFFICE_ADMIN])
    response = client.post("/api/v1/sectors/", {"name": "¼" * 50, "code": "quarter"}, format="json")
    assert response.status_code == 400, response.content
    assert "不超过 50" in response.json()["errors"]["name"][0]
    assert not Sector.objects.filter(code="quarter").exists()
    assert client.post("/api/v1/sectors/", {"name": "¼" * 16, "code": "quarter"}, format="json").status_code == 201
    assert Sector.objects.get(code="quarter").name == "1⁄4" * 16


def test_control_characters_are_refused_at_the_door(users, api_for, ref, client):
    before = Target.objects.count()
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", {
        "name": "坏\x07名字", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk, "sectors": [ref["sectors"]["工贸"].pk],
    }, format="json")
    assert response.status_code == 400 and "控制字符" in response.json()["detail"]
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.post("/admin/snippets/directory/department/add/", {
        "name": "坏\x1b单位", "short_name": "坏", "code": "bad", "kind": "department", "sort_order": 1})
    assert response.status_code == 200 and "控制字符" in response.content.decode()
    assert Target.objects.count() == before
    # and what is stored can always be exported to Excel
    assert client.get("/admin/snippets/directory/target/?export=xlsx").status_code == 200


# ------------------------------------------------------------------ bodies (issue 15, findings 5 and 9)


def test_deeply_nested_json_is_refused_before_it_recurses(users, api_for, make_target):
    from rest_framework.test import APIClient

    from tests.workflows.hazards.factories import register
    from workflows.reporting.models import MonthlyReport
    from workflows.reporting.services import reports_open

    body = "[" * 50_000 + "]" * 50_000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400 and "嵌套层数过多" in response.json()["detail"]
    nested = '{"a":' * 900 + "1" + "}" * 900
    office = api_for(users[Role.OFFICE_ADMIN])
    hazard = register(users[Role.OFFICE_ADMIN], make_target("嵌套化工"))
    reports_open(month=datetime.date(2026, 3, 1))
    report = MonthlyReport.objects.first()
    for url in ("/api/v1/experts/", f"/api/v1/hazards/{hazard.pk}/submit/", f"/api/v1/monthly-reports/{report.pk}/"):
        method = office.patch if "monthly" in url else office.post
        response = method(url, nested, content_type="application/json")
        assert response.status_code == 400 and "嵌套层数过多" in response.json()["detail"], (url, response.status_code)


def test_nesting_is_measured_outside_strings_and_up_to_the_limit(users, api_for):
    from cms.api.parsers import JSON_MAX_DEPTH, nested_deeper_than

    text = b'{"a": [1, {"b": "[[[[[[not brackets]"}]}'
    assert nested_deeper_than(text, 2) and not nested_deeper_than(text, 3)
    assert not nested_deeper_than(b'"\\"[[["', 0)
    at_limit = "[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH
    assert not nested_deeper_than(at_limit.encode(), JSON_MAX_DEPTH)
    assert nested_deeper_than(("[" + at_limit + "]").encode(), JSON_MAX_DEPTH)
    # 32 levels (the object and 31 lists) reach the view, which answers about its fields; 33 do not
    client = api_for(users[Role.OFFICE_EDITOR])
    inner = "[" * (JSON_MAX_DEPTH - 1) + "]" * (JSON_MAX_DEPTH - 1)
    response = client.post("/api/v1/targets/", '{"name": ' + inner + "}", content_type="application/json")
    assert response.status_code == 400 and "嵌套" not in str(response.json()) and "name" in response.json()["errors"]
    response = client.post("/api/v1/targets/", '{"name": [' + inner + "]}", content_type="application/json")
    assert response.status_code == 400 and "嵌套层数过多" in response.json()["detail"]


@pytest.mark.parametrize("body, message", [
    (b"null", "须为 JSON 对象"),
    (b"42", "须为 JSON 对象"),
    (b"   ", "请求内容为空"),
    (b'{"name": "\xff\xfe\xfa"}', "UTF-8"),
    (b'{"name": "\x00"}', "控制字符"),
    (b'{"name": "\\u0007"}', "控制字符"),
    (b'{"name": ', "不是有效的 JSON"),
])
def test_malformed_json_bodies_get_a_chinese_400(body, message, users, api_for):
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", body, content_type="application/json")
    assert response.status_code == 400, (body, response.status_code)
    assert message in response.json()["detail"], response.json()


def test_an_oversized_body_gets_a_chinese_answer(users, api_for, client, settings):
    big = b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}'  # over API_JSON_MAX_BYTES (2 MB)
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", big, content_type="application/json")
    assert response.status_code == 413 and "请求内容过大" in response.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    form = "username=a&password=" + "x" * (2 * 1024 * 1024)
    response = client.post("/admin/login/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "请求内容过大" in response.content.decode()
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "请求内容过大" in response.json()["detail"]


def test_a_blank_choice_in_a_form_body_is_refused_not_ignored(users, api_for, ref):
    """Schemathesis (negative mode): ``PATCH kind=`` as multipart answered 200 and changed nothing."""
    jurisdiction = ref["jurisdictions"]["拱辰街道"]
    response = api_for(users[Role.OFFICE_ADMIN]).patch(f"/api/v1/jurisdictions/{jurisdiction.pk}/", {"kind": ""}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    jurisdiction.refresh_from_db()
    assert jurisdiction.kind
