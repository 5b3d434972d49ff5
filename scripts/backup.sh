#!/usr/bin/env bash
# Back up the database and the media folder into backups/<timestamp>.*
#   SQLite:      backups/<ts>.sqlite3   (sqlite3 online backup API: consistent while the site runs)
#   PostgreSQL:  backups/<ts>.dump      (pg_dump -Fc)
#   media:       backups/<ts>.media.tar.gz
# The database is the one Django uses (DATABASE_URL, or db.sqlite3). BACKUP_DIR overrides backups/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=${BACKUP_DIR:-backups}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-cms.settings.dev}
mkdir -p "$OUT"
stamp=$(date +%Y%m%d-%H%M%S)

# Database and media location exactly as the settings see them.
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

case "$DB_ENGINE" in
  sqlite)
    target="$OUT/$stamp.sqlite3"
    [ -f "$DB_NAME" ] || { echo "数据库文件不存在：$DB_NAME" >&2; exit 1; }
    "$PY" - "$DB_NAME" "$target" <<'PYEOF'
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
dst = sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
dst.close(); src.close()
PYEOF
    ;;
  postgresql)
    target="$OUT/$stamp.dump"
    PGPASSWORD="$DB_PASSWORD" pg_dump -Fc --no-owner ${DB_HOST:+-h "$DB_HOST"} ${DB_PORT:+-p "$DB_PORT"} ${DB_USER:+-U "$DB_USER"} \
      -f "$target" "$DB_NAME"
    ;;
  *) echo "不支持的数据库引擎：$DB_ENGINE" >&2; exit 1 ;;
esac

media="$OUT/$stamp.media.tar.gz"
if [ -d "$MEDIA_DIR" ]; then
  tar -czf "$media" -C "$MEDIA_DIR" .
else
  tar -czf "$media" --files-from /dev/null
fi
echo "已备份数据库：$target（$(du -h "$target" | cut -f1)）"
echo "已备份上传文件：$media（$(du -h "$media" | cut -f1)）"
echo "恢复：make restore FILE=$target"
