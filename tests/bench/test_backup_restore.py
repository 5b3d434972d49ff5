"""Backup and restore drill: fill a scratch database, back it up with scripts/backup.sh, wipe
it, restore it with scripts/restore.sh; then every table has the same row count, the media
files are back and ``verify_history`` passes. Runs the real scripts as subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}

COUNT_SCRIPT = """
import json
from django.db import connection
counts = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, **kwargs)
    assert result.returncode == 0, f"{args} → {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run([PYTHON, "manage.py", *args], env)


def table_counts(env: dict[str, str]) -> dict[str, int]:
    return json.loads(manage(env, "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1])


def drill_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="cms.settings.dev",  # MEDIA_ROOT from the environment; demo data allowed
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path / "backups"),
        PY=PYTHON,
    )
    return env


def fill(env: dict[str, str], tmp_path: Path) -> dict[str, int]:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data")
    manage(env, "load_demo", "--password", "drill-pass-2023")
    manage(env, "generate_load", "--scale", "tiny")
    photo = tmp_path / "media" / "hazards" / "2026" / "01" / "1-found.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0drill")
    counts = table_counts(env)
    assert counts["hazards_hazard"] == 200 and counts["hazards_historicalhazard"] > 600
    assert counts["directory_target"] > 50
    return counts


def backup(env: dict[str, str], tmp_path: Path, suffix: str) -> Path:
    out = run(["bash", "scripts/backup.sh"], env).stdout
    files = sorted((tmp_path / "backups").glob(f"*{suffix}"))
    assert len(files) == 1, out
    assert files[0].with_name(files[0].name.replace(suffix, ".media.tar.gz")).exists()
    return files[0]


def check_restored(env: dict[str, str], tmp_path: Path, before: dict[str, int]) -> None:
    assert table_counts(env) == before
    assert (tmp_path / "media" / "hazards" / "2026" / "01" / "1-found.jpg").read_bytes() == b"\xff\xd8\xff\xe0drill"
    verified = manage(env, "verify_history")
    assert "审计链完好" in verified.stdout


def test_sqlite_backup_wipe_restore(tmp_path):
    db = tmp_path / "drill.sqlite3"
    env = drill_env(tmp_path, f"sqlite:///{db}")
    before = fill(env, tmp_path)
    dump = backup(env, tmp_path, ".sqlite3")

    db.unlink()
    shutil.rmtree(tmp_path / "media")
    assert not db.exists()

    out = run(["bash", "scripts/restore.sh", str(dump)], env).stdout
    assert "已恢复数据库" in out and "已恢复上传文件" in out
    check_restored(env, tmp_path, before)


def test_restore_refuses_missing_or_foreign_file(tmp_path):
    env = drill_env(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    missing = subprocess.run(["bash", "scripts/restore.sh", str(tmp_path / "nope.sqlite3")], cwd=ROOT, env=env,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert missing.returncode == 2 and "用法" in missing.stderr
    foreign = tmp_path / "other.dump"
    foreign.write_bytes(b"PGDMP")
    wrong = subprocess.run(["bash", "scripts/restore.sh", str(foreign)], cwd=ROOT, env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert wrong.returncode == 2 and "PostgreSQL 备份" in wrong.stderr


def pg_available() -> bool:
    return shutil.which("pg_dump") is not None and subprocess.run(
        ["pg_isready", "-h", PG["host"], "-p", PG["port"]], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not pg_available(), reason="PostgreSQL 不可用")
def test_postgres_backup_drop_restore(tmp_path):
    name = f"drill_{uuid.uuid4().hex[:10]}"
    conn = ["-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
    env = drill_env(tmp_path, f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}")
    run(["createdb", *conn, name], env)
    try:
        before = fill(env, tmp_path)
        dump = backup(env, tmp_path, ".dump")

        run(["dropdb", *conn, name], env)
        shutil.rmtree(tmp_path / "media")

        out = run(["bash", "scripts/restore.sh", str(dump)], env).stdout
        assert "已恢复数据库" in out
        check_restored(env, tmp_path, before)
    finally:
        subprocess.run(["dropdb", *conn, "--if-exists", name], capture_output=True)
