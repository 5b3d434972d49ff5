"""Login attempt limiting (admin and API token login) and safe serving of uploads.

After ``LOGIN_MAX_FAILURES`` failed attempts for one username or one client address within
``LOGIN_LOCKOUT_SECONDS``, further attempts are refused until the window passes. Counters live
in the cache, so several app servers share them when the cache is shared (Redis/database).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from cms.audit.context import client_address


def _keys(username: str | None, address: str | None) -> list[str]:
    keys = []
    if username:
        keys.append(f"login-fail:user:{username.strip().lower()[:150]}")
    if address:
        keys.append(f"login-fail:addr:{address}")
    return keys


def _limit() -> tuple[int, int]:
    return getattr(settings, "LOGIN_MAX_FAILURES", 5), getattr(settings, "LOGIN_LOCKOUT_SECONDS", 900)


def is_locked(username: str | None, address: str | None) -> bool:
    """A username is locked after ``limit`` failures; an address after 4× that (offices share one)."""
    limit, _ = _limit()
    if username and cache.get(_keys(username, None)[0], 0) >= limit:
        return True
    return bool(address) and cache.get(_keys(None, address)[0], 0) >= limit * 4


class LimitedAuthBackend(ModelBackend):
    """The model backend, refusing every attempt while the username or address is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked(username, _address(request)):
            raise PermissionDenied("登录失败次数过多，请 15 分钟后再试")
        return super().authenticate(request, username=username, password=password, **kwargs)


def _address(request) -> str | None:
    if request is None:
        return client_address()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    _, window = _limit()
    for key in _keys(credentials.get("username"), _address(request)):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    cache.delete(f"login-fail:user:{user.get_username().strip().lower()[:150]}")
