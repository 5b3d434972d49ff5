"""The public tip-off form: its image captcha (issue 15, finding 7: the old “a + b = ?” was
solved by a script every time) and its photos under the one upload rule (finding 6)."""

from __future__ import annotations

import io

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from PIL import Image

from notices.models import TipOff
from tests.cms.test_uploads import image_bytes, polyglot, upload

from .test_tipoff import fresh_cache, open_form, post  # noqa: F401 — fresh_cache is an autouse fixture

pytestmark = pytest.mark.django_db


def test_the_answer_is_only_on_the_server_and_the_image_is_a_real_picture(site):
    c = Client()
    response = c.get(site["tipoff"].get_url())
    html = response.content.decode()
    key, answer = open_form(c, site["tipoff"])
    store = CaptchaStore.objects.get(hashkey=key)
    assert len(answer) == 5 and store.challenge.lower() == answer
    for page in (html, c.get(site["tipoff"].get_url()).content.decode()):
        for stored in CaptchaStore.objects.all():
            assert stored.challenge not in page and f'"{stored.response}"' not in page
    assert "请输入图中的 5 个字母或数字" in html and "换一张" in html and 'alt="验证码图片' in html
    assert "+" not in html.split("验证码")[1][:40]  # no arithmetic left
    image = c.get(f"/captcha/image/{key}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(image.content)) as drawn:
        assert drawn.format == "PNG" and drawn.size[0] > 60
        assert len(set(drawn.convert("L").getdata())) > 2  # drawn letters and noise, not a blank


def test_a_wrong_answer_is_refused_in_chinese_and_burns_the_captcha(site):
    c = Client()
    key, answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=(key, "zzzzz"))
    assert response.status_code == 400
    assert "验证码错误或已过期，请看新的图片重新输入" in response.content.decode()
    # the same key cannot be tried again, even with the right answer: no brute force
    assert post(c, site["tipoff"], answer=(key, answer)).status_code == 400
    assert not TipOff.objects.exists()
    # an empty answer has its own message
    response = post(c, site["tipoff"], answer=open_form(c, site["tipoff"])[:1] + ("",))
    assert "请输入图中的验证码" in response.content.decode()


def test_the_right_answer_in_any_case_is_accepted(site):
    c = Client()
    key, answer = open_form(c, site["tipoff"])
    assert post(c, site["tipoff"], answer=(key, f"  {answer.upper()} ")).status_code == 200
    assert TipOff.objects.count() == 1


def test_refresh_gives_a_new_picture_and_the_spoken_version_is_offered(site, settings):
    c = Client()
    key, _ = open_form(c, site["tipoff"])
    refreshed = c.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert refreshed["key"] != key and refreshed["image_url"].startswith("/captcha/image/")
    if settings.CAPTCHA_FLITE_PATH:
        html = c.get(site["tipoff"].get_url()).content.decode()
        assert "收听语音验证码" in html
        audio = c.get(refreshed["audio_url"])
        assert audio.status_code == 200 and b"".join(audio.streaming_content if audio.streaming else [audio.content])[:4] == b"RIFF"


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_gif_and_bmp_tipoff_photos_are_refused(site, fmt):
    c = Client()
    response = post(c, site["tipoff"], answer=open_form(c, site["tipoff"]),
                    photos=[upload(f"现场.{fmt.lower()}", image_bytes(fmt), "image/gif")])
    assert response.status_code == 400
    assert f"照片“现场.{fmt.lower()}”格式不支持，请上传 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert not TipOff.objects.exists()


def test_a_polyglot_tipoff_photo_is_stored_as_a_clean_png(site):
    c = Client()
    response = post(c, site["tipoff"], answer=open_form(c, site["tipoff"]), photos=[upload("poly.pdf", polyglot(), "application/pdf")])
    assert response.status_code == 200
    photo = TipOff.objects.get().photos.get()
    assert photo.extension == "png" and photo.image.name.endswith(".png")
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert b"<script>" not in stored and photo.size == len(stored)
