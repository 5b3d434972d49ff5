#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database Django uses, and the media
# folder from the tarball with the same timestamp (if present).
#   scripts/restore.sh backups/<ts>.sqlite3   (SQLite: sqlite3 backup API, replaces the whole file)
#   scripts/restore.sh backups/<ts>.dump      (PostgreSQL: pg_restore --clean; creates the database if missing)
# The media folder in place is kept aside as <media>.before-restore-<now>. Asks for confirmation
# on a terminal unless RESTORE_YES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-cms.settings.dev}
file=${1:-}
[ -n "$file" ] && [ -f "$file" ] || { echo "用法：make restore FILE=backups/<时间>.sqlite3 或 .dump（文件不存在：${file:-未指定}）" >&2; exit 2; }

eval "$("$PY" - <<'PYEOF'
import shlex, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
engine = "postgresql" if "postgresql" in db["ENGINE"] else "sqlite" if "sqlite3" in db["ENGINE"] else db["ENGINE"]
for key, value in {"DB_ENGINE": engine, "DB_NAME": db.get("NAME") or "", "DB_HOST": db.get("HOST") or "",
                   "DB_PORT": str(db.get("PORT") or ""), "DB_USER": db.get("USER") or "",
                   "DB_PASSWORD": db.get("PASSWORD") or "", "MEDIA_DIR": str(settings.MEDIA_ROOT)}.items():
    print(f"{key}={shlex.quote(str(value))}")
PYEOF
)"

if [ -t 0 ] && [ "${RESTORE_YES:-}" != "1" ]; then
  read -r -p "将用 $file 覆盖数据库 $DB_NAME 及上传文件目录，确定吗？[y/N] " answer
  [ "$answer" = "y" ] || [ "$answer" = "Y" ] || { echo "已取消"; exit 1; }
fi

case "$file" in
  *.sqlite3)
    [ "$DB_ENGINE" = sqlite ] || { echo "$file 是 SQLite 备份，而当前数据库是 $DB_ENGINE" >&2; exit 2; }
    "$PY" - "$file" "$DB_NAME" <<'PYEOF'
import sqlite3, sys
src = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
dst = sqlite3.connect(sys.argv[2], timeout=30)
with dst:
    src.backup(dst)
dst.close(); src.close()
PYEOF
    ;;
  *.dump)
    [ "$DB_ENGINE" = postgresql ] || { echo "$file 是 PostgreSQL 备份，而当前数据库是 $DB_ENGINE" >&2; exit 2; }
    conn=(${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-p "$DB_PORT"} ${DB_USER:+-U "$DB_USER"})
    export PGPASSWORD="$DB_PASSWORD"
    if ! psql "${conn[@]}" -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
      createdb "${conn[@]}" "$DB_NAME"
    fi
    pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction "${conn[@]}" -d "$DB_NAME" "$file"
    ;;
  *) echo "无法识别的备份文件：$file（应为 .sqlite3 或 .dump）" >&2; exit 2 ;;
esac
echo "已恢复数据库：$DB_NAME ← $file"

media="${file%.*}.media.tar.gz"
if [ -f "$media" ]; then
  staging="$(mktemp -d "${MEDIA_DIR%/}.restore-XXXXXX")"
  tar -xzf "$media" -C "$staging"
  if [ -d "$MEDIA_DIR" ]; then
    aside="${MEDIA_DIR%/}.before-restore-$(date +%Y%m%d-%H%M%S)"
    mv "$MEDIA_DIR" "$aside"
    echo "原上传文件目录已移至：$aside"
  fi
  mv "$staging" "$MEDIA_DIR"
  echo "已恢复上传文件：$MEDIA_DIR ← $media"
else
  echo "未找到上传文件备份 $media，上传文件目录未改动"
fi
