"""`make run PORT=…`: ensure_admin prints the address the server really listens on."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def printed_url(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "WAGTAILADMIN_BASE_URL")}
    env.update(env_extra, DJANGO_SETTINGS_MODULE="cms.settings.dev")
    code = "from django.conf import settings; import django; django.setup(); print(settings.WAGTAILADMIN_BASE_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_base_url_follows_port():
    assert printed_url({"PORT": "9123"}) == "http://127.0.0.1:9123"
    assert printed_url({}) == "http://127.0.0.1:8000"
    assert printed_url({"PORT": "9123", "WAGTAILADMIN_BASE_URL": "https://aq.example.gov.cn"}) == "https://aq.example.gov.cn"
