"""Production settings: refuse to start without secrets, pass ``check --deploy`` cleanly,
and refuse demo data."""

import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "DJANGO_SETTINGS_MODULE": "cms.settings.production", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def production_env() -> dict[str, str]:
    return {"SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "aq.licheng.gov.cn,127.0.0.1"}


def test_check_deploy_passes_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_secret_key_or_allowed_hosts():
    env = production_env()
    without_key = manage("check", ALLOWED_HOSTS=env["ALLOWED_HOSTS"])
    assert without_key.returncode != 0 and "生产环境必须设置环境变量 SECRET_KEY" in without_key.stderr
    without_hosts = manage("check", SECRET_KEY=env["SECRET_KEY"])
    assert without_hosts.returncode != 0 and "生产环境必须设置环境变量 ALLOWED_HOSTS" in without_hosts.stderr
    blank_hosts = manage("check", SECRET_KEY=env["SECRET_KEY"], ALLOWED_HOSTS=" ")
    assert blank_hosts.returncode != 0


def test_load_demo_refuses_under_production_settings():
    result = manage("load_demo", "--password", "whatever-123", **production_env())
    assert result.returncode != 0
    assert "生产环境不允许载入演示数据" in result.stderr
