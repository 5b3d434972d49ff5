#!/usr/bin/env bash
# make guide: a throw-away database with the demo data, a dev server on GUIDE_PORT, and
# scripts/guide_screenshots.py taking the user guide's screenshots against it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${GUIDE_PORT:-8765}
WORK=$(mktemp -d)
PASSWORD=guide-demo-$(date +%s)
export DATABASE_URL="sqlite:///$WORK/guide.sqlite3" MEDIA_ROOT="$WORK/media" DJANGO_SETTINGS_MODULE=cms.settings.dev
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py load_reference_data >/dev/null
$BIN/python manage.py setup_site >/dev/null
$BIN/python manage.py load_demo --password "$PASSWORD" >/dev/null
$BIN/python manage.py load_inspection_demo >/dev/null
$BIN/python manage.py load_loop_demo >/dev/null
$BIN/python manage.py open_monthly_reports >/dev/null
$BIN/python manage.py runserver --noreload "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/admin/login/" && break; sleep 1; done
$BIN/python scripts/guide_screenshots.py --base "http://127.0.0.1:$PORT" --password "$PASSWORD"
