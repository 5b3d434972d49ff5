"""Login limits and the client address behind proxies (issue 15, findings 1 and 7).

Each test sets the connection's address (REMOTE_ADDR) and X-Forwarded-For as a client behind
our proxies would arrive; ``TRUSTED_PROXY_HOPS`` says how many of the header's entries our own
proxies wrote."""

import io
import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from rest_framework.test import APIClient

from cms.directory.models import UserProfile
from cms.roles import Role
from cms.security import client_ip, login_refusal, valid_ip

PASSWORD = "pass-1234-word"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


class FakeRequest:
    def __init__(self, remote="10.0.0.1", forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def admin_login(client, username, password):
    client.post("/admin/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def api_login(username, password, **headers):
    return APIClient(**headers).post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


# ------------------------------------------------------------------ the client address


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(FakeRequest("10.0.0.1", "203.0.113.99, 198.51.100.1")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_one_trusted_hop_takes_the_rightmost_entry():
    # the client wrote 203.0.113.99; our nginx appended what it saw: 198.51.100.1
    assert client_ip(FakeRequest("10.0.0.1", "203.0.113.99, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(FakeRequest("10.0.0.1")) == "10.0.0.1"  # no header: the connection


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_two_trusted_hops_take_the_second_from_the_right():
    assert client_ip(FakeRequest("10.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.9")) == "203.0.113.5"
    # fewer entries than hops: the leftmost (as DRF's NUM_PROXIES does)
    assert client_ip(FakeRequest("10.0.0.1", "203.0.113.5")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_anything_that_is_not_an_ip_address_is_never_used():
    assert client_ip(FakeRequest("10.0.0.1", "<b>not-an-ip</b>")) is None
    assert client_ip(FakeRequest("10.0.0.1", "1.2.3.4:5678")) is None
    assert client_ip(FakeRequest("not an address")) is None
    assert valid_ip("::ffff:192.0.2.1") == "192.0.2.1" and valid_ip("2001:DB8::0:1") == "2001:db8::1"


def test_trusted_proxy_hops_comes_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from cms.settings.base import _proxy_hops

    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    assert _proxy_hops() == 2
    monkeypatch.delenv("TRUSTED_PROXY_HOPS")
    assert _proxy_hops() == 0
    for bad in ("-1", "one", "２", "99"):
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", bad)
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_HOPS"):
            _proxy_hops()


# ------------------------------------------------------------------ rotating X-Forwarded-For


@pytest.mark.parametrize("hops", [0, 1])
def test_a_rotated_forwarded_for_does_not_escape_the_limits(hops, users):
    """25 wrong passwords, each with a new X-Forwarded-For: with hops=0 the header is ignored,
    with hops=1 only the entry our proxy appended (the same each time) counts."""
    user = users[Role.OFFICE_EDITOR]
    with override_settings(TRUSTED_PROXY_HOPS=hops):
        for i in range(25):
            forwarded = f"203.0.113.{i}" if hops == 0 else f"203.0.113.{i}, 198.51.100.7"
            c = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
            assert not admin_login(c, user.username, "wrong")
        c = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.250" if hops == 0 else "203.0.113.250, 198.51.100.7")
        response = c.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        assert "_auth_user_id" not in c.session
        assert "登录失败次数过多" in response.content.decode()
        headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.251" if hops == 0 else "9.9.9.9, 198.51.100.7"}
        r = api_login(user.username, PASSWORD, **headers)
        assert r.status_code == 429 and "登录失败次数过多" in r.json()["detail"]


def test_drf_login_throttle_keys_on_the_client_address(users):
    """DRF's own throttle (10 a minute) is not escaped by a new X-Forwarded-For per request."""
    statuses = [api_login(f"nobody{i}", "wrong", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
                for i in range(12)]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


# ------------------------------------------------------------------ a stranger cannot lock the owner out


def test_a_stranger_cannot_lock_a_known_user_out_of_the_right_password(users):
    user = users[Role.OFFICE_EDITOR]
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(30):
        assert not admin_login(stranger, user.username, "guess")
    assert not admin_login(stranger, user.username, PASSWORD)  # the stranger's address is refused, even with the password
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert admin_login(owner, user.username, PASSWORD)
    assert api_login(user.username, PASSWORD, REMOTE_ADDR="198.51.100.21").status_code == 200


def test_the_owner_typing_wrong_five_times_waits_with_a_reason(users):
    user = users[Role.OFFICE_EDITOR]
    c = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(5):
        assert not admin_login(c, user.username, "wrong")
    response = c.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in c.session
    assert "该账号在本地址登录失败次数过多" in response.content.decode()
    assert "用户名或密码错误" not in response.content.decode()


def test_back_off_doubles_for_failing_addresses_only(users, monkeypatch):
    """From the 5th failure of one username on, each failure doubles the wait (2 s, 4 s, 8 s…) for
    every address that has failed for it; an address that has not failed is not held back."""
    user = users[Role.OFFICE_EDITOR]
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(time, "time", lambda: clock["now"])
    for i in range(5):  # five addresses, one failure each: no address reaches its own limit
        assert not admin_login(Client(REMOTE_ADDR=f"203.0.113.{i}"), user.username, "wrong")
    request = FakeRequest("203.0.113.0")
    refusal = login_refusal(request, user.username)
    assert refusal is not None and refusal.retry_after == 2
    assert login_refusal(FakeRequest("198.51.100.40"), user.username) is None  # not failing: no wait
    assert not admin_login(Client(REMOTE_ADDR="203.0.113.9"), user.username, "wrong")  # 6th failure
    assert login_refusal(request, user.username).retry_after == 4
    clock["now"] += 5
    assert login_refusal(request, user.username) is None
    assert admin_login(Client(REMOTE_ADDR="203.0.113.0"), user.username, PASSWORD)
    assert login_refusal(request, user.username) is None  # success clears the username's back-off


# ------------------------------------------------------------------ unlocking


def test_unlock_command_lifts_the_lock_and_leaves_history(users):
    user = users[Role.OFFICE_EDITOR]
    c = Client(REMOTE_ADDR="198.51.100.50")
    for _ in range(5):
        admin_login(c, user.username, "wrong")
    assert not admin_login(c, user.username, PASSWORD)
    with pytest.raises(CommandError, match="原因"):
        call_command("unlock_login", user.username, "--reason", " ", stdout=io.StringIO())
    call_command("unlock_login", user.username, "--reason", "本人电话核实", stdout=io.StringIO())
    assert admin_login(c, user.username, PASSWORD)
    row = UserProfile.history.filter(user_id=user.pk).order_by("-history_id").first()
    assert row.history_change_reason == "解除登录锁定：本人电话核实"


def test_office_admin_unlocks_from_the_admin(users):
    user = users[Role.OFFICE_EDITOR]
    c = Client(REMOTE_ADDR="198.51.100.60")
    for _ in range(5):
        admin_login(c, user.username, "wrong")
    admin = Client()
    admin.force_login(users[Role.OFFICE_ADMIN])
    dashboard = admin.get("/admin/").content.decode()
    assert "/admin/directory/login-unlock/" in dashboard  # reachable from the menu
    page = admin.get(f"/admin/directory/login-unlock/?username={user.username}")
    assert page.status_code == 200 and user.username in page.content.decode()
    missing = admin.post("/admin/directory/login-unlock/", {"username": user.username, "reason": ""})
    assert missing.status_code == 200 and 'class="error-message"' in missing.content.decode()
    done = admin.post("/admin/directory/login-unlock/", {"username": user.username, "reason": "本人到场核实",
                                                         "address": "198.51.100.60"})
    assert done.status_code == 302
    assert admin_login(c, user.username, PASSWORD)
    row = UserProfile.history.filter(user_id=user.pk).order_by("-history_id").first()
    assert row.history_user_id == users[Role.OFFICE_ADMIN].pk
    assert "本人到场核实" in row.history_change_reason and "198.51.100.60" in row.history_change_reason


@pytest.mark.parametrize("role", [Role.OFFICE_EDITOR, Role.DEPARTMENT, Role.AUDITOR])
def test_only_the_office_admin_may_unlock(role, users):
    c = Client()
    c.force_login(users[role])
    response = c.get("/admin/directory/login-unlock/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "/admin/directory/login-unlock/" not in c.get("/admin/").content.decode()
