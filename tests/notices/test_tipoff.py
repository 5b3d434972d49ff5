"""受理举报: the public form's protections (rate limit, image captcha, honeypot, photo type and size),
the triage queue (office only, nothing readable by the public), accept → hazard, dismiss."""

from __future__ import annotations

import io
import re

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role
from notices.models import TipOff, TipOffState
from notices.services import tipoff_accept, tipoff_dismiss
from workflows.hazards.models import Hazard, HazardState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def image_file(name="photo.jpg", fmt="JPEG", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def open_form(c: Client, page) -> tuple[str, str]:
    """Load the form as a visitor does; the captcha's key is in the page, its answer only in the
    server's store (read here as a test may, never from the page)."""
    response = c.get(page.get_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码" in html
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


def post(c: Client, page, *, answer, photos=(), website="", **fields):
    key, text = answer
    data = {"place": "拱辰街道某某路12号", "description": "楼道堆放大量液化气瓶，无人看管", "contact": "13800000000",
            "captcha_0": key, "captcha_1": text, "website": website, **fields}
    if photos:
        data["photos"] = list(photos)
    return c.post(page.get_url(), data)


def test_valid_tipoff_lands_in_the_queue_with_its_photos(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=answer, photos=[image_file(), image_file("b.png", "PNG")])
    assert response.status_code == 200
    tipoff = TipOff.objects.get()
    assert tipoff.state == TipOffState.NEW
    assert tipoff.code in response.content.decode()
    assert [p.extension for p in tipoff.photos.order_by("id")] == ["jpg", "png"]
    assert tipoff.ip_address == "127.0.0.1"
    assert tipoff.history.count() == 1


def test_wrong_challenge_is_refused(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    key, text = answer
    wrong = "".join("x" if ch != "x" else "y" for ch in text)
    response = post(c, site["tipoff"], answer=(key, wrong))
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()
    assert not TipOff.objects.exists()


def test_challenge_cannot_be_replayed(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    assert post(c, site["tipoff"], answer=answer).status_code == 200
    # the answer was used up; posting again without reloading the form fails
    assert post(c, site["tipoff"], answer=answer).status_code == 400
    assert TipOff.objects.count() == 1


def test_honeypot_filled_keeps_nothing(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=answer, website="http://spam.example")
    assert response.status_code == 200
    assert not TipOff.objects.exists()


def test_non_image_with_an_image_name_is_refused(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is not an image", content_type="image/jpeg")
    response = post(c, site["tipoff"], answer=answer, photos=[fake])
    assert response.status_code == 400
    assert "不是有效的图片" in response.content.decode()
    assert not TipOff.objects.exists()


def test_oversized_photo_is_refused(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    big = image_file(size=(600, 600))
    with override_settings(UPLOAD_MAX_IMAGE_BYTES=1024):
        response = post(c, site["tipoff"], answer=answer, photos=[big])
    assert response.status_code == 400
    assert "超过" in response.content.decode()
    assert not TipOff.objects.exists()


def test_more_than_three_photos_is_refused(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=answer, photos=[image_file(f"{i}.jpg") for i in range(4)])
    assert response.status_code == 400
    assert "最多上传 3 张照片" in response.content.decode()


def test_rate_limit_per_address(site):
    c = Client()
    for _ in range(5):
        answer = open_form(c, site["tipoff"])
        assert post(c, site["tipoff"], answer=answer).status_code == 200
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=answer)
    assert response.status_code == 429
    assert TipOff.objects.count() == 5
    other = Client(REMOTE_ADDR="10.0.0.9")
    answer = open_form(other, site["tipoff"])
    assert post(other, site["tipoff"], answer=answer).status_code == 200


@pytest.fixture
def tipoff(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    post(c, site["tipoff"], answer=answer, photos=[image_file()])
    return TipOff.objects.get()


def test_nobody_outside_the_office_reads_tipoffs(tipoff, users):
    anonymous = Client()
    assert anonymous.get("/admin/snippets/notices/tipoff/").status_code == 302  # to the login page
    photo_url = tipoff.photos.get().image.url
    assert photo_url.startswith("/files/tipoffs/")
    assert anonymous.get(photo_url).status_code == 302  # to the login page
    assert anonymous.get("/api/v1/tipoffs/").status_code == 404
    for role in (Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR):
        c = Client()
        c.force_login(users[role])
        # Wagtail answers a refused admin view with a redirect to the dashboard and a message
        assert c.get(photo_url).status_code == 404, role  # 举报照片仅区安办可见
        response = c.get("/admin/snippets/notices/tipoff/")
        assert response.status_code == 302 and response["Location"] == "/admin/", role
        # a report's own pages are outside every unit's scope: 404, as for a report that does not exist
        for url in (f"/admin/tipoffs/{tipoff.pk}/accept/", f"/admin/snippets/notices/tipoff/inspect/{tipoff.pk}/"):
            assert c.get(url).status_code == 404, (role, url)
    office = Client()
    office.force_login(users[Role.OFFICE_EDITOR])
    listing = office.get("/admin/snippets/notices/tipoff/")
    assert listing.status_code == 200 and tipoff.code in listing.content.decode()
    photo = office.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_accept_registers_a_hazard_from_the_tipoff(tipoff, users, make_target, ref):
    target = make_target("某某路12号居民楼", jurisdiction="拱辰街道", sectors=("燃气",))
    with pytest.raises(NotAllowed):
        tipoff_accept(actor=users[Role.DEPARTMENT], reason="", tipoff=tipoff, target=target, sector=ref["sectors"]["燃气"])
    hazard = tipoff_accept(actor=users[Role.OFFICE_ADMIN], reason="核实属实", tipoff=tipoff, target=target, sector=ref["sectors"]["燃气"])
    assert hazard.source == Hazard.Source.TIPOFF and hazard.state == HazardState.REPORTED
    assert hazard.target == target and hazard.jurisdiction == target.jurisdiction
    assert tipoff.code in hazard.description
    assert hazard.photos.count() == 1
    tipoff.refresh_from_db()
    assert tipoff.state == TipOffState.ACCEPTED and tipoff.hazard == hazard and tipoff.handled_by == users[Role.OFFICE_ADMIN]
    assert tipoff.history.first().history_change_reason == "核实属实"
    with pytest.raises(StateConflict):
        tipoff_dismiss(actor=users[Role.OFFICE_ADMIN], reason="重复", tipoff=tipoff)


def test_accept_through_the_admin(tipoff, users, make_target, ref):
    target = make_target("某某路12号居民楼", jurisdiction="拱辰街道", sectors=("燃气",))
    c = Client()
    c.force_login(users[Role.OFFICE_EDITOR])
    url = f"/admin/tipoffs/{tipoff.pk}/accept/"
    assert c.get(url).status_code == 200
    wrong_sector = c.post(url, {"target": target.pk, "sector": ref["sectors"]["危化品"].pk, "level": "general", "description": "液化气瓶"})
    assert wrong_sector.status_code == 200 and "不属于所选行业领域" in wrong_sector.content.decode()
    response = c.post(url, {"target": target.pk, "sector": ref["sectors"]["燃气"].pk, "level": "major", "description": "楼道堆放液化气瓶"})
    assert response.status_code == 302
    hazard = Hazard.objects.get(source=Hazard.Source.TIPOFF)
    assert hazard.level == "major" and hazard.description.startswith("楼道堆放液化气瓶")


def test_dismiss_needs_a_reason(tipoff, users):
    with pytest.raises(InvalidInput):
        tipoff_dismiss(actor=users[Role.OFFICE_ADMIN], reason="  ", tipoff=tipoff)
    tipoff_dismiss(actor=users[Role.OFFICE_ADMIN], reason="经核实不在本区", tipoff=tipoff)
    tipoff.refresh_from_db()
    assert tipoff.state == TipOffState.DISMISSED and tipoff.dismiss_reason == "经核实不在本区"


def test_forwarded_address_counts_only_behind_a_trusted_proxy(site):
    spoofing = Client(HTTP_X_FORWARDED_FOR="1.2.3.4")
    for i in range(5):
        spoofing.defaults["HTTP_X_FORWARDED_FOR"] = f"1.2.3.{i}"  # a new address each time: ignored
        answer = open_form(spoofing, site["tipoff"])
        assert post(spoofing, site["tipoff"], answer=answer).status_code == 200
    answer = open_form(spoofing, site["tipoff"])
    assert post(spoofing, site["tipoff"], answer=answer).status_code == 429
    cache.clear()
    with override_settings(TRUSTED_PROXY_HOPS=1):
        for i in range(6):  # behind our proxy every visitor has the proxy's REMOTE_ADDR; the header tells them apart
            visitor = Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
            answer = open_form(visitor, site["tipoff"])
            assert post(visitor, site["tipoff"], answer=answer).status_code == 200
        assert TipOff.objects.filter(ip_address="203.0.113.5").exists()


def test_office_cannot_edit_or_delete_a_tipoff_by_hand(tipoff, users):
    c = Client()
    c.force_login(users[Role.OFFICE_ADMIN])
    assert c.get(f"/admin/snippets/notices/tipoff/inspect/{tipoff.pk}/").status_code == 200
    for url in (f"/admin/snippets/notices/tipoff/edit/{tipoff.pk}/", f"/admin/snippets/notices/tipoff/delete/{tipoff.pk}/",
                "/admin/snippets/notices/tipoff/add/"):
        response = c.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url  # Wagtail: refused, back to the dashboard
    assert TipOff.objects.filter(pk=tipoff.pk).exists()


# ---------------------------------------------------------------- issue 14: the public side and triage


def test_a_wrong_challenge_answer_keeps_the_chosen_photo(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=(answer[0], "zzzzz"), photos=[image_file("现场.jpg")])
    assert response.status_code == 400
    html = response.content.decode()
    assert "已保留您刚才选择的 1 张照片" in html
    token = re.search(r'name="photo_token" value="([^"]+)"', html).group(1)
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    answer = (key, CaptchaStore.objects.get(hashkey=key).response)  # the new captcha of the refused form
    response = post(c, site["tipoff"], answer=answer, photo_token=token)  # no photo chosen again
    assert response.status_code == 200
    tipoff = TipOff.objects.get()
    assert tipoff.photos.count() == 1 and tipoff.photos.get().extension == "jpg"
    assert not c.session.get("tipoff_pending_photos")


def test_another_sessions_token_brings_no_photo(site):
    first = Client()
    answer = open_form(first, site["tipoff"])
    html = post(first, site["tipoff"], answer=(answer[0], "zzzzz"), photos=[image_file()]).content.decode()
    token = re.search(r'name="photo_token" value="([^"]+)"', html).group(1)
    other = Client(REMOTE_ADDR="10.0.0.7")
    answer = open_form(other, site["tipoff"])
    assert post(other, site["tipoff"], answer=answer, photo_token=token).status_code == 200
    assert TipOff.objects.get().photos.count() == 0


def test_citizen_looks_up_progress_with_number_and_query_code(site, users, make_target, ref):
    c = Client()
    answer = open_form(c, site["tipoff"])
    html = post(c, site["tipoff"], answer=answer).content.decode()
    code = re.search(r'id="tipoff-code">([^<]+)<', html).group(1)
    query_code = re.search(r'id="tipoff-query-code">([^<]+)<', html).group(1)
    tipoff = TipOff.objects.get()
    assert len(query_code) == 8 and query_code not in tipoff.query_code_hash and tipoff.query_code_hash
    assert all(query_code not in str(h.__dict__) for h in tipoff.history.all())
    assert "/tipoff-status/" in html
    page = Client().post("/tipoff-status/", {"code": code, "query_code": query_code.lower()})
    text = page.content.decode()
    assert page.status_code == 200 and "待处理" in text
    for secret in ("楼道堆放", "13800000000", "拱辰街道某某路"):
        assert secret not in text  # state and dates only
    tipoff_accept(actor=users[Role.OFFICE_ADMIN], reason="核实", tipoff=tipoff,
                  target=make_target("某某路12号居民楼", sectors=("燃气",)), sector=ref["sectors"]["燃气"])
    text = Client().post("/tipoff-status/", {"code": code, "query_code": query_code}).content.decode()
    assert "已受理" in text and "正在核查整改" in text and "某某路12号居民楼" not in text


def test_wrong_query_codes_are_rate_limited(site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    html = post(c, site["tipoff"], answer=answer).content.decode()
    code = re.search(r'id="tipoff-code">([^<]+)<', html).group(1)
    query_code = re.search(r'id="tipoff-query-code">([^<]+)<', html).group(1)
    guesser = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(5):
        response = guesser.post("/tipoff-status/", {"code": code, "query_code": f"WRONG{n:03d}"})
        assert response.status_code == 400 and "受理编号或查询码不正确" in response.content.decode()
    # the number is locked for the window, even with the right code and from another address
    assert Client(REMOTE_ADDR="10.1.1.1").post("/tipoff-status/", {"code": code, "query_code": query_code}).status_code == 429
    assert Client().post("/tipoff-status/", {"code": "JB2000-99999", "query_code": "AAAAAAAA"}).status_code == 400


def test_triage_registers_a_new_target_through_the_directory(tipoff, users, ref):
    from cms.directory.models import Target

    office = Client()
    office.force_login(users[Role.OFFICE_ADMIN])
    page = office.get(f"/admin/tipoffs/{tipoff.pk}/accept/").content.decode()
    assert 'class="target-search"' in page and page.count("<option") < 120  # a search, not every target
    response = office.post(f"/admin/tipoffs/{tipoff.pk}/accept/", {
        "new_target_name": "某某路12号自建出租屋", "new_target_jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
        "new_target_address": "拱辰街道某某路12号", "sector": ref["sectors"]["燃气"].pk, "level": "general",
        "description": "楼道堆放大量液化气瓶", "reason": "现场核实属实"})
    assert response.status_code == 302
    target = Target.objects.get(name="某某路12号自建出租屋")
    assert list(target.sectors.all()) == [ref["sectors"]["燃气"]]
    assert target.history.get().history_user == users[Role.OFFICE_ADMIN]
    assert "受理举报" in target.history.get().history_change_reason
    tipoff.refresh_from_db()
    assert tipoff.state == TipOffState.ACCEPTED and tipoff.hazard.target == target


def test_triage_refuses_both_or_neither_target(tipoff, users, ref, make_target):
    office = Client()
    office.force_login(users[Role.OFFICE_ADMIN])
    existing = make_target("已在名录的厂", sectors=("燃气",))
    base = {"sector": ref["sectors"]["燃气"].pk, "level": "general", "description": "楼道堆放大量液化气瓶"}
    html = office.post(f"/admin/tipoffs/{tipoff.pk}/accept/", base).content.decode()
    assert "请选择监管对象" in html
    html = office.post(f"/admin/tipoffs/{tipoff.pk}/accept/", {**base, "target": existing.pk, "new_target_name": "另一个"}).content.decode()
    assert "二者只填其一" in html
    html = office.post(f"/admin/tipoffs/{tipoff.pk}/accept/", {**base, "new_target_name": "已在名录的厂",
                                                               "new_target_jurisdiction": ref["jurisdictions"]["拱辰街道"].pk}).content.decode()
    assert "楼道堆放大量液化气瓶" in html  # refused (same name in the 属地), typed input kept
    tipoff.refresh_from_db()
    assert tipoff.state == TipOffState.NEW


def test_tipoff_detail_shows_local_time(tipoff, users):
    office = Client()
    office.force_login(users[Role.OFFICE_ADMIN])
    html = office.get(f"/admin/snippets/notices/tipoff/inspect/{tipoff.pk}/").content.decode()
    from django.utils import timezone

    assert timezone.localtime(tipoff.submitted_at).strftime("%Y-%m-%d %H:%M") in html
    assert "/files/thumbs/tipoffs/" in html and "查看" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
