# WeGO Learning — `make run` starts the platform with demo content; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest workers (the machines have 2 cores); files stay together on a worker.
# Browser tests run afterwards in their own process: Playwright's event loop must
# not share a process with the database tests.
PYTEST_ARGS ?= -n 2 --dist loadfile -m "not e2e"
E2E_ARGS ?= -p no:xdist -m e2e

.PHONY: run test lint format migrate seed install install-dev worker beat serve prod backup clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	exec env BIN=$(BIN) bin/serve $(HOST) $(PORT)

serve: install
	exec env BIN=$(BIN) bin/serve $(HOST) $(PORT)

# The production topology (nginx, gunicorn, Daphne, Celery worker and beat under
# supervisord) on PostgreSQL and Redis: http://127.0.0.1:8080 unless PORT is given.
prod: install
	exec env BIN=$(BIN) PORT=$(if $(filter command line environment,$(origin PORT)),$(PORT),8080) bin/prod

# One archive: database, media, certificate PDFs (+ the file signing key,
# encrypted, with BACKUP_PASSPHRASE). BACKUP=path to choose where.
BACKUP ?= var/backups/wego-$(shell date -u +%Y%m%dT%H%M%SZ).tar
backup: install
	$(PY) manage.py backup $(BACKUP)

worker: install
	$(BIN)/celery -A lms worker --loglevel INFO --concurrency 2

beat: install
	$(BIN)/celery -A lms beat --loglevel INFO

test: install-dev
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run --settings=lms.settings.test >/dev/null || (echo "Missing migrations: run manage.py makemigrations" && exit 1)
	$(BIN)/pytest $(PYTEST_ARGS)
	if [ -n "$(E2E_ARGS)" ]; then $(BIN)/pytest $(E2E_ARGS) || [ $$? -eq 5 ]; fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache
