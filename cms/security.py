"""Who is asking (the client's address behind our proxies) and login attempt limiting.

Client address
    ``client_ip(request)`` is the one place that reads ``X-Forwarded-For``. Only the last
    ``TRUSTED_PROXY_HOPS`` entries were written by proxies we run (settings, from the environment;
    0 = no proxy, use the connection's address); anything to their left is whatever the client
    sent and is never used. The result is a valid IP address (``ipaddress``) or ``None``: a
    malformed value is never used as a key nor stored. The login limits below, DRF's throttles,
    the tip-off rate limit and the audit's 来源地址 all use it.

Login limits (admin login and API token)
    * per address: ``LOGIN_MAX_FAILURES × 4`` failures within ``LOGIN_LOCKOUT_SECONDS`` lock the
      address out (an office shares one address, so the bar is higher);
    * per (address, username): ``LOGIN_MAX_FAILURES`` failures lock that username out *from that
      address* only;
    * per username: from the ``LOGIN_MAX_FAILURES``-th failure on, wherever it came from, each
      further failure doubles a waiting time (``LOGIN_BACKOFF_SECONDS`` × 2ⁿ, at most
      ``LOGIN_LOCKOUT_SECONDS``). It applies to addresses that have themselves failed for this
      username; an address that has not been failing still gets its attempt, so a stranger who
      knows a username cannot lock its owner out of the right password.
    ``unlock(username=…, address=…)`` lifts all of it (admin page 解除登录锁定 and
    ``manage.py unlock_login``; both leave a history row). Counters live in the cache, shared by
    every app server when the cache is (Redis or the database cache).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from rest_framework.throttling import AnonRateThrottle
from wagtail.admin.forms.auth import LoginForm

# --------------------------------------------------------------------------- client address


def valid_ip(value) -> str | None:
    """``value`` as a normalised IP address, or ``None`` if it is not one (an IPv4-mapped IPv6
    address is given as IPv4)."""
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def trusted_proxy_hops() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_HOPS", 0) or 0))


def client_ip(request) -> str | None:
    """The client's address: the entry ``TRUSTED_PROXY_HOPS`` hops from the right of
    ``X-Forwarded-For`` (the leftmost one if the header is shorter, as DRF's ``NUM_PROXIES``
    does), or the connection's address when no proxy is trusted or the header is missing."""
    if request is None:
        return None
    meta = request.META
    hops = trusted_proxy_hops()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",")]
        return valid_ip(entries[-min(hops, len(entries))])
    return valid_ip(meta.get("REMOTE_ADDR"))


class ClientAddressThrottleMixin:
    """DRF throttles key on ``client_ip`` (DRF's own ``get_ident`` would trust every
    ``X-Forwarded-For`` entry when ``NUM_PROXIES`` is unset)."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class LoginThrottle(ClientAddressThrottleMixin, AnonRateThrottle):
    scope = "login"


# --------------------------------------------------------------------------- login limits


def _limits() -> tuple[int, int, int]:
    return (getattr(settings, "LOGIN_MAX_FAILURES", 5), getattr(settings, "LOGIN_LOCKOUT_SECONDS", 900),
            getattr(settings, "LOGIN_BACKOFF_SECONDS", 2))


def _user(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def _generation(user: str) -> int:
    """Unlocking a username starts a new generation, which orphans every (address, username)
    counter of the old one without having to find them in the cache."""
    return cache.get(f"login:gen:{user}", 0)


def _pair_key(user: str, address: str) -> str:
    return f"login:pair:{_generation(user)}:{address}:{user}"


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _minutes(seconds: float) -> str:
    return f"{math.ceil(seconds / 60)} 分钟" if seconds >= 60 else f"{max(1, math.ceil(seconds))} 秒"


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


def login_refusal(request, username: str | None) -> Refusal | None:
    """Why a login attempt from this request for ``username`` is refused now, or ``None``."""
    address = client_ip(request)
    if address is None:
        address = "unknown"
    limit, window, _ = _limits()
    user = _user(username)
    if cache.get(f"login:addr:{address}", 0) >= limit * 4:
        return Refusal(f"本地址登录失败次数过多，请 {_minutes(window)}后再试，或联系区安办管理员解除锁定", window)
    if not user:
        return None
    pair_failures = cache.get(_pair_key(user, address), 0)
    if pair_failures >= limit:
        return Refusal(f"该账号在本地址登录失败次数过多，请 {_minutes(window)}后再试，或联系区安办管理员解除锁定", window)
    not_before = cache.get(f"login:next:{user}")
    if pair_failures and not_before and not_before > time.time():
        wait = not_before - time.time()
        return Refusal(f"该账号登录失败次数过多，请 {_minutes(wait)}后再试", math.ceil(wait))
    return None


def record_failure(request, username: str | None) -> None:
    address = client_ip(request) or "unknown"
    limit, window, backoff = _limits()
    user = _user(username)
    _count(f"login:addr:{address}", window)
    if not user:
        return
    _count(_pair_key(user, address), window)
    failures = _count(f"login:user:{user}", window * 4)
    if failures >= limit:
        wait = min(backoff * 2 ** (failures - limit), window)
        cache.set(f"login:next:{user}", time.time() + wait, window)


def record_success(request, username: str) -> None:
    user = _user(username)
    address = client_ip(request) or "unknown"
    cache.delete_many([f"login:user:{user}", f"login:next:{user}", _pair_key(user, address)])


def unlock(*, username: str | None = None, address: str | None = None) -> None:
    """Lift every login limit on ``username`` (all addresses) and/or on ``address``."""
    if username:
        user = _user(username)
        generation = _generation(user) + 1
        cache.set(f"login:gen:{user}", generation, None)
        cache.delete_many([f"login:user:{user}", f"login:next:{user}"])
    if address:
        cache.delete(f"login:addr:{valid_ip(address) or address}")


class LimitedAuthBackend(ModelBackend):
    """The model backend, refusing every attempt that ``login_refusal`` refuses. A refused
    attempt is not counted as one more failure (the password was not even tried)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and login_refusal(request, username) is not None:
            request._login_refused = True
            raise PermissionDenied("登录失败次数过多，请稍后再试")
        return super().authenticate(request, username=username, password=password, **kwargs)


class LimitedLoginForm(LoginForm):
    """The admin login form: a refused attempt says why and for how long (not "wrong password")."""

    def clean(self):
        refusal = login_refusal(self.request, self.cleaned_data.get("username"))
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="locked")
        return super().clean()


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "_login_refused", False):
        return
    record_failure(request, credentials.get("username"))


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    if request is not None:
        record_success(request, user.get_username())


UNLOCK_REASON_LIMIT = 400  # the history row's reason adds the prefix and the address (500 in all)


def login_unlock(*, actor, username: str, reason: str, address: str | None = None) -> None:
    """解除登录锁定: lift the limits on ``username`` (and on ``address`` if given) and leave a
    history row on the user's 用户单位 record (who, when, from where, why). Office admins only
    (``actor=None``: the ``unlock_login`` command)."""
    from django.contrib.auth import get_user_model

    from cms.directory.models import UserProfile
    from cms.errors import InvalidInput
    from cms.inputs import checked_reason
    from cms.records import save_record

    reason = checked_reason(reason, limit=UNLOCK_REASON_LIMIT)
    fields: dict[str, str] = {}
    if not reason:
        fields["reason"] = "请填写解除锁定的原因"
    user = get_user_model().objects.filter(username__iexact=(username or "").strip()).first()
    if user is None:
        fields["username"] = "没有该用户名的用户"
    if address and valid_ip(address) is None:
        fields["address"] = "不是有效的 IP 地址"
    if fields:
        raise InvalidInput(fields=fields)
    profile = UserProfile.objects.filter(user=user).first()
    if profile is None:
        profile = UserProfile(user=user)
    where = f"，并解除地址 {valid_ip(address)} 的锁定" if address else ""
    # the history row is the record of the unlock; saving checks that the actor may manage users
    save_record(instance=profile, actor=actor, reason=f"解除登录锁定{where}：{reason}", validate=False)
    unlock(username=user.get_username(), address=address)
