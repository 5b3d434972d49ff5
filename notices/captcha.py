"""The 验证码 of the public 受理举报 form: an image captcha from django-simple-captcha (MIT,
maintained, Django 4.2+). Letters are drawn by Pillow with the package's bundled font, rotated,
with arcs and dots of noise; the answer lives only in the server's ``CaptchaStore`` table, is
valid for ``CAPTCHA_TIMEOUT`` minutes and is deleted at the first attempt, right or wrong.

Kept accessible: a Chinese label and alternative text, a “换一张” button (the package's refresh
view), and a spoken version when the server has ``flite`` (``scripts/system-deps.sh`` installs it).
"""

from __future__ import annotations

import secrets

from captcha.fields import CaptchaField, CaptchaTextInput
from django.conf import settings

# No look-alikes: 0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V are left out.
ALPHABET = "ACEFHJKMNPRTWXY34579"


def challenge() -> tuple[str, str]:
    """(text drawn in the image, expected answer): ``CAPTCHA_CHALLENGE_FUNCT``. The package's own
    generator uses ``random``; this one ``secrets``."""
    text = "".join(secrets.choice(ALPHABET) for _ in range(int(settings.CAPTCHA_LENGTH)))
    return text, text.lower()


class CaptchaInput(CaptchaTextInput):
    template_name = "notices/captcha/widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = self.refresh_url()
        context["length"] = settings.CAPTCHA_LENGTH
        return context


def captcha_field() -> CaptchaField:
    message = "验证码错误或已过期，请看新的图片重新输入"
    return CaptchaField(
        label="验证码", widget=CaptchaInput(attrs={"inputmode": "latin", "maxlength": 10}),
        help_text=f"请输入图中的 {settings.CAPTCHA_LENGTH} 个字母或数字，不区分大小写；看不清可点“换一张”或收听语音",
        error_messages={"invalid": message, "required": "请输入图中的验证码", "incomplete": "请输入图中的验证码"},
    )
