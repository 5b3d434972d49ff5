"""Uploaded files are private: served only through cms.files.file_view, after the data-scope check."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from cms.roles import Role
from tests.workflows.hazards.factories import register
from workflows.hazards.models import HazardPhoto

pytestmark = pytest.mark.django_db


def jpeg(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photos(users, make_target):
    office = users[Role.OFFICE_ADMIN]
    inside = register(office, make_target("拱辰化工厂"))
    outside = register(office, make_target("黄石气站", jurisdiction="黄石镇", sectors=("燃气",)), sector="燃气")
    made = {}
    for key, hazard in (("inside", inside), ("outside", outside)):
        photo = HazardPhoto(hazard=hazard, stage=HazardPhoto.Stage.FOUND, uploaded_by=office)
        photo.image.save("found.jpg", ContentFile(jpeg()), save=False)
        photo._change_reason = "测试"
        photo.save()
        made[key] = photo
    return made


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_photo_urls_point_at_the_checking_view_not_media(photos):
    url = photos["inside"].image.url
    assert url.startswith("/files/hazards/") and "/media/" not in url


def test_nothing_is_served_under_media(client, users, photos):
    client.force_login(users[Role.OFFICE_ADMIN])
    assert client.get("/media/" + photos["inside"].image.name).status_code == 404


def test_anonymous_requests_are_refused(client, photos):
    for photo in photos.values():
        for url in (photo.image.url, "/files/thumbs/" + photo.image.name):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_jurisdiction_user_sees_its_own_area_only(client, users, photos):
    client.force_login(users[Role.JURISDICTION])  # 拱辰街道
    inside = client.get(photos["inside"].image.url)
    assert inside.status_code == 200 and body(inside) == photos["inside"].image.open("rb").read()
    assert inside["Cache-Control"].startswith("private")
    assert client.get(photos["outside"].image.url).status_code == 404
    assert client.get("/files/thumbs/" + photos["outside"].image.name).status_code == 404


def test_office_and_auditor_see_every_photo(client, users, photos):
    for role in (Role.OFFICE_ADMIN, Role.AUDITOR):
        client.force_login(users[role])
        for photo in photos.values():
            assert client.get(photo.image.url).status_code == 200, role


def test_thumbnail_is_a_small_jpeg(client, users, photos):
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.get("/files/thumbs/" + photos["inside"].image.name)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body(response))) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320


def test_unregistered_and_traversing_names_are_refused(client, users, photos):
    client.force_login(users[Role.OFFICE_ADMIN])
    assert client.get("/files/other/secret.txt").status_code == 404
    assert client.get("/files/hazards/../../settings.py").status_code == 404
    assert client.get("/files/thumbs/thumbs/x.jpg").status_code == 404


def test_production_hands_the_bytes_to_nginx(client, users, photos, settings):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = "/_protected/"
    client.force_login(users[Role.OFFICE_ADMIN])
    response = client.get(photos["inside"].image.url)
    assert response.status_code == 200 and response["X-Accel-Redirect"] == "/_protected/" + photos["inside"].image.name
    assert response.content == b""
    client.force_login(users[Role.JURISDICTION])
    response = client.get(photos["outside"].image.url)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_every_file_field_of_our_apps_is_registered_with_its_owner():
    from django.apps import apps
    from django.db.models import FileField

    from cms.files import _REGISTRY
    from cms.roles import OUR_APPS

    registered = {(r.model, r.field) for r in _REGISTRY if r.model is not None}
    fields = {(m, f.name) for label in OUR_APPS for m in apps.get_app_config(label).get_models()
              for f in m._meta.get_fields() if isinstance(f, FileField) and not m.__name__.startswith("Historical")}
    assert fields and fields <= registered, fields - registered
