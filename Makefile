# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install demo worker beat lint conformance bench bench-box-office bench-public check-deploy clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (Python 3.11+) on PATH; set PYTHON=python3.x"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Serve the demo on http://127.0.0.1:$(PORT) (SQLite, Celery eager unless DATABASE_URL / REDIS_URL are set).
PORT ?= 8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

test: $(STAMP)
	$(PY) -m pytest -q

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -l info --concurrency 2

beat: $(STAMP)
	$(VENV)/bin/celery -A config beat -l info

# ruff, then import-linter: the apps depend only downward (pyproject.toml's [tool.importlinter]).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

conformance: $(STAMP)
	../shared/tools/conformance --project .

bench: $(STAMP)
	$(PY) bench/run.py

# A 100,000-row box-office-report/1 file imported on a throwaway PostgreSQL database (target < 30 s).
bench-box-office: $(STAMP)
	$(PY) bench/box_office.py

# Public pages and API under load: 5,000,000 tickets on a throwaway PostgreSQL database, gunicorn, wrk.
bench-public: $(STAMP)
	$(PY) bench/public_load.py

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=tracker.example DATABASE_URL=sqlite:///tmp/check.sqlite3 \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
