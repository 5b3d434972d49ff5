"""An internal notice is readable only by its audience — through the page URL, the page API
(listing, typed listing, detail, search, find), the index listing and its search, and its
attachments — and never by anonymous users."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents.models import Document

from cms.roles import Role
from notices.models import NoticeAttachment

pytestmark = pytest.mark.django_db


# Addressed to 应急管理局 (dept user, inspector) and 拱辰街道 (jurisdiction user).
AUDIENCE_OF_OURS = {Role.OFFICE_ADMIN, Role.OFFICE_EDITOR, Role.AUDITOR, Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR}
# Addressed to 住建局 only.
AUDIENCE_OF_OTHERS = {Role.OFFICE_ADMIN, Role.OFFICE_EDITOR, Role.AUDITOR}


@pytest.fixture
def notices(publish_notice):
    return {
        "public": publish_notice("公开通报甲", visibility="public"),
        "ours": publish_notice("内部通报乙", visibility="internal", departments=["应急管理局"], jurisdictions=["拱辰街道"]),
        "others": publish_notice("内部通报丙", visibility="internal", departments=["住建局"]),
    }


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def readers(users, outsider):
    return [(role, user) for role, user in users.items()] + [("住建局用户", outsider), ("匿名", None)]


def expected(name: str, who) -> bool:
    if name == "public":
        return True
    if name == "ours":
        return who in AUDIENCE_OF_OURS
    return who in AUDIENCE_OF_OTHERS or who == "住建局用户"


def test_page_url_serves_internal_notices_only_to_their_audience(notices, users, outsider):
    for who, user in readers(users, outsider):
        c = client_for(user)
        for name, page in notices.items():
            response = c.get(page.get_url())
            assert response.status_code == (200 if expected(name, who) else 404), (who, name)
            if response.status_code == 200:
                assert page.title in response.content.decode()
    internal = client_for(users[Role.OFFICE_ADMIN]).get(notices["ours"].get_url())
    assert "no-store" in internal["Cache-Control"]


def test_api_listing_detail_search_and_find_hide_internal_notices(notices, users, outsider):
    for who, user in readers(users, outsider):
        c = client_for(user)
        listed = {item["id"] for item in c.get("/api/v2/pages/?type=notices.NoticePage&limit=20").json()["items"]}
        untyped = {item["id"] for item in c.get("/api/v2/pages/?limit=20").json()["items"]}
        searched = {item["id"] for item in c.get("/api/v2/pages/", {"type": "notices.NoticePage", "search": "通报"}).json()["items"]}
        for name, page in notices.items():
            visible = expected(name, who)
            assert (page.pk in listed) is visible, (who, name, "listing")
            assert (page.pk in untyped) is visible, (who, name, "untyped listing")
            assert (page.pk in searched) is visible, (who, name, "search")
            detail = c.get(f"/api/v2/pages/{page.pk}/")
            assert detail.status_code == (200 if visible else 404), (who, name, "detail")
            found = c.get("/api/v2/pages/find/", {"html_path": page.url_path.replace("/home", "", 1)})
            if visible:  # find redirects to the page's detail
                assert found.status_code == 302 and found.url.split("?")[0].endswith(f"/api/v2/pages/{page.pk}/"), (who, name, "find")
            else:
                assert found.status_code == 404, (who, name, "find")


def test_api_detail_exposes_the_notice_fields(notices):
    body = Client().get(f"/api/v2/pages/{notices['public'].pk}/").json()
    for field in ("document_number", "issuing_office", "issued_on", "addressee_text", "addressees", "visibility", "body",
                  "attachment_list"):
        assert field in body
    assert body["document_number"].startswith("荔安办〔2026〕")
    assert body["body"][0]["type"] == "paragraph"


def test_index_listing_and_its_search_hide_internal_notices(site, notices, users, outsider):
    for who, user in readers(users, outsider):
        c = client_for(user)
        listing = c.get(site["index"].get_url()).content.decode()
        searched = c.get(site["index"].get_url(), {"q": "内部"}).content.decode()
        home = c.get("/").content.decode()
        for name, page in notices.items():
            visible = expected(name, who)
            assert (page.title in listing) is visible, (who, name)
            assert (page.title in home) is visible, (who, name, "home")
            if name != "public":
                assert (page.title in searched) is visible, (who, name, "search")


def test_attachment_of_an_internal_notice_is_served_only_to_its_audience(notices, users, outsider):
    document = Document.objects.create(title="隐患清单", file=ContentFile(b"%PDF-1.4 test", name="list.pdf"))
    page = notices["others"]
    NoticeAttachment.objects.create(page=page, document=document)
    assert client_for(users[Role.AUDITOR]).get(document.url).status_code == 200
    assert client_for(outsider).get(document.url).status_code == 200
    assert client_for(users[Role.DEPARTMENT]).get(document.url).status_code == 404
    assert client_for(None).get(document.url).status_code == 404


def test_draft_notice_is_not_served_to_anyone_publicly(publish_notice, users):
    draft = publish_notice("草稿通报", visibility="public", live=False)
    assert client_for(None).get("/api/v2/pages/?type=notices.NoticePage").json()["meta"]["total_count"] == 0
    assert client_for(users[Role.OFFICE_ADMIN]).get(f"/api/v2/pages/{draft.pk}/").status_code == 404


def test_api_serializes_hazard_and_unit_blocks_for_clients(publish_notice, make_target, ref):
    from workflows.hazards.services import hazard_register

    target = make_target("荔城化工厂", jurisdiction="拱辰街道")
    hazard = hazard_register(actor=None, reason="测试", description="储罐区未设防火堤", target=target, sector=ref["sectors"]["危化品"])
    page = publish_notice("隐患通报", body=[
        {"type": "hazards", "value": {"heading": "隐患清单", "hazards": [hazard.pk]}},
        {"type": "units", "value": {"heading": "涉及属地", "departments": [ref["departments"]["应急管理局"].pk],
                                    "jurisdictions": [ref["jurisdictions"]["拱辰街道"].pk], "note": ""}},
    ])
    body = Client().get(f"/api/v2/pages/{page.pk}/").json()["body"]
    listed = body[0]["value"]["hazards"][0]
    assert listed["code"] == hazard.code and listed["target"] == "荔城化工厂" and listed["level"] == "一般隐患"
    assert body[1]["value"]["jurisdictions"][0]["name"] == "拱辰街道"
    html = Client().get(page.get_url()).content.decode()
    assert "储罐区未设防火堤" in html and "应急管理局" in html


def test_admin_page_search_reveals_nothing_to_units(notices, users):
    """Units have no page tree in the admin: the page search sends them back to the dashboard, and
    nothing on the way names an internal notice that is not addressed to them. The office's search
    finds it, so the check of the content is not empty."""
    for role in (Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR):
        client = client_for(users[role])
        response = client.get("/admin/pages/search/", {"q": "内部通报丙"})
        assert response.status_code == 302 and response.url == "/admin/", (role, response.status_code)
        landed = client.get(response.url)
        assert landed.status_code == 200
        assert "内部通报丙" not in landed.content.decode(), role
    office = client_for(users[Role.OFFICE_EDITOR]).get("/admin/pages/search/", {"q": "内部通报丙"})
    assert office.status_code == 200 and "内部通报丙" in office.content.decode()
