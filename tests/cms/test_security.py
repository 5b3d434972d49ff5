from django.core.cache import cache
from rest_framework.test import APIClient

from cms.roles import Role


def test_login_is_refused_after_five_failures_even_with_the_right_password(users, client):
    cache.clear()
    user = users[Role.OFFICE_EDITOR]
    for _ in range(5):
        r = client.post("/admin/login/", {"username": user.username, "password": "wrong"})
        assert r.status_code == 200 and "_auth_user_id" not in client.session
    r = client.post("/admin/login/", {"username": user.username, "password": "pass-1234-word"})
    assert "_auth_user_id" not in client.session
    api = APIClient()
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": "pass-1234-word"}, format="json")
    assert r.status_code == 400
    cache.clear()
    r = client.post("/admin/login/", {"username": user.username, "password": "pass-1234-word"})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
