# Two commands for a new user: `make run` and `make test`. CI runs `.ci/run`, which calls `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8000
PG_URL  ?= postgres://postgres@127.0.0.1:5432/test
# The suite runs in one process per core (pytest-xdist; a test file stays in one process, so its
# module and session fixtures are built once). XDIST= runs it in this process alone.
XDIST   ?= -n auto --dist loadfile
# the slow tests are few and long (one Schemathesis run per role): spread test by test
XDIST_SLOW ?= -n auto --dist load
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: run test test-pg test-slow lint format deps venv migrate demo bench backup restore clean samples guide

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null || { echo "需要 Python 3.11（$(PY)）"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

deps:
	@bash scripts/system-deps.sh

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py setup_site
	$(BIN)/python manage.py load_demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	$(BIN)/python manage.py load_inspection_demo
	$(BIN)/python manage.py load_loop_demo
	$(BIN)/python manage.py open_monthly_reports

run: demo
	PORT=$(PORT) $(BIN)/python manage.py ensure_admin
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite (all but `slow`), on SQLite unless DATABASE_URL says otherwise.
test: venv deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-pg:
	DATABASE_URL=$(PG_URL) $(MAKE) test

# Load, concurrency and fuzzing (PostgreSQL).
test-slow: venv deps
	DATABASE_URL=$(PG_URL) DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest -m slow $(XDIST_SLOW) $(PYTEST_ARGS)

# Benchmarks: prints the tables of bench/README.md (PostgreSQL from DATABASE_URL; BENCH_ARGS e.g. --quick).
bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# docs/samples/*.png: every document rendered by LibreOffice from demo data in a throwaway SQLite database.
samples: venv deps
	$(BIN)/python scripts/make_samples.py

# The user guide's screenshots (cms/static/cms/guide/), in chromium against the demo data.
guide: venv deps
	bash scripts/guide.sh

# backups/<timestamp>.sqlite3 or .dump, plus <timestamp>.media.tar.gz
backup: venv
	bash scripts/backup.sh

# make restore FILE=backups/<timestamp>.sqlite3|.dump
restore: venv
	@test -n "$(FILE)" || { echo "用法：make restore FILE=backups/<时间>.sqlite3 或 backups/<时间>.dump"; exit 2; }
	bash scripts/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .test-media
