"""The public 受理举报 form and its protections: a rate limit per client address (cache), an
image captcha (``notices.captcha``; its answer only on the server), a honeypot field, and photos checked by the one upload rule
(``cms.uploads``: real JPEG/PNG/WebP images within the limits, re-encoded, whatever their name says)."""

from __future__ import annotations

import datetime
import secrets

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.response import TemplateResponse
from django.utils import timezone

from cms.forms import TextForm
from cms.security import client_ip
from cms.uploads import CheckedPhoto, check_photos, max_count

from .captcha import captcha_field

MAX_PHOTOS = 3


def rate_limit() -> tuple[int, int]:
    """(submissions, seconds) allowed per address; settings.TIPOFF_RATE_LIMIT overrides 5 per hour."""
    return tuple(getattr(settings, "TIPOFF_RATE_LIMIT", (5, 3600)))


def client_address(request) -> str:
    """The address the limit counts: ``cms.security.client_ip`` (X-Forwarded-For trusted only for
    the ``TRUSTED_PROXY_HOPS`` proxies we run), or "unknown" when there is no valid address."""
    return client_ip(request) or "unknown"


def _rate_key(address: str) -> str:
    return f"tipoff-rate:{address}"


def is_rate_limited(address: str) -> bool:
    limit, _ = rate_limit()
    return cache.get(_rate_key(address), 0) >= limit


def count_attempt(address: str) -> None:
    _, window = rate_limit()
    key = _rate_key(address)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [super(PhotosField, self).clean(f, initial) for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        # The one upload rule (cms.uploads): count, size, JPEG/PNG/WebP by content, re-encoded.
        checked, errors = check_photos(files, limit=min(MAX_PHOTOS, max_count()))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class TipOffForm(TextForm):
    place = forms.CharField(label="隐患地点", max_length=200, help_text="尽量具体：镇街、村居、门牌号或明显标志物")
    description = forms.CharField(label="隐患描述", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    photos = PhotosField(label="现场照片", required=False, help_text=f"可选，最多 {MAX_PHOTOS} 张图片")
    contact = forms.CharField(label="联系方式（可选）", max_length=100, required=False,
                              help_text="便于核实情况；不会公开")
    captcha = captcha_field()
    website = forms.CharField(label="网址", required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    # photos already checked on an earlier try whose other fields were refused (kept server-side, see stash_photos)
    photo_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.pop("page", None)
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)

    def clean_place(self):
        return self.cleaned_data["place"].replace("\x00", "").strip()

    def clean_description(self):
        value = self.cleaned_data["description"].replace("\x00", "").strip()
        if len(value) < 5:
            raise forms.ValidationError("请描述隐患情况（至少 5 个字）")
        return value

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


# ---------------------------------------------------------------- photos that survive a refused try

PENDING_KEY = "tipoff_pending_photos"
PENDING_DIR = "tipoff-pending"  # under MEDIA_ROOT, owned by no record: cms.files never serves it
PENDING_MAX_AGE = datetime.timedelta(hours=6)


def stash_photos(request, photos: list[CheckedPhoto]) -> str:
    """Keep photos that passed their checks while another field (the captcha…) was refused, so the
    citizen need not choose them again. Stored under a random token tied to this session."""
    _sweep_stale()
    token = secrets.token_urlsafe(18)
    kept = []
    for n, photo in enumerate(photos):
        name = default_storage.save(f"{PENDING_DIR}/{token}/{n}.{photo.extension}", ContentFile(photo.content))
        kept.append([name, photo.extension, photo.size])
    _drop(request)
    request.session[PENDING_KEY] = {"token": token, "files": kept}
    return token


def pending_photos(request, token: str) -> list[CheckedPhoto]:
    """The photos stashed under ``token`` in this session (none for another session's token)."""
    pending = request.session.get(PENDING_KEY) or {}
    if not token or pending.get("token") != token:
        return []
    photos = []
    for name, extension, _size in pending.get("files", []):
        try:
            with default_storage.open(name, "rb") as handle:
                photos.append(CheckedPhoto(name=f"photo.{extension}", content=handle.read(), extension=extension))
        except FileNotFoundError:
            return []
    return photos


def _drop(request) -> None:
    pending = request.session.pop(PENDING_KEY, None) or {}
    for name, _extension, _size in pending.get("files", []):
        default_storage.delete(name)


def _sweep_stale() -> None:
    try:
        folders, _ = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for folder in folders:
        _, files = default_storage.listdir(f"{PENDING_DIR}/{folder}")
        for name in files:
            path = f"{PENDING_DIR}/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)


def serve_tipoff_form(page, request, *args, **kwargs):
    address = client_address(request)
    status = 200
    if request.method == "POST":
        if is_rate_limited(address):
            context = page.get_context(request)
            context["rate_limited"] = True
            return TemplateResponse(request, page.get_template(request), context, status=429)
        count_attempt(address)
        form = TipOffForm(request.POST, request.FILES)
        if form.is_bot:
            # Answer as if it worked, keep nothing: the bot learns nothing.
            return page.render_landing_page(request, None, *args, **kwargs)
        kept = pending_photos(request, request.POST.get("photo_token", ""))
        chose_new = any(request.FILES.getlist("photos"))
        if form.is_valid():
            if not chose_new and kept:
                form.cleaned_data["photos"] = kept
            form.client_address = address
            submission = page.process_form_submission(form)
            _drop(request)
            return page.render_landing_page(request, submission, *args, **kwargs)
        status = 400
        token = ""
        if chose_new and "photos" not in form.errors and form.cleaned_data.get("photos"):
            token = stash_photos(request, form.cleaned_data["photos"])
        elif not chose_new and kept:
            token = request.POST.get("photo_token", "")
        form.data = form.data.copy()
        form.data["photo_token"] = token
        kept_count = len(form.cleaned_data.get("photos") or []) if chose_new and token else len(kept) if token else 0
    else:
        form = TipOffForm()
        kept_count = 0
    context = page.get_context(request)
    context["form"] = form
    context["kept_photos"] = kept_count
    return TemplateResponse(request, page.get_template(request), context, status=status)
