# WeGO Learning — `make run` starts the platform with demo content; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (e-mails, QR codes, credentials, the API) name the server being
# started, unless BASE_URL says otherwise (lms/links.py).
SERVED_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
export WEGO_SERVED_URL ?= http://$(SERVED_HOST):$(PORT)
# Two pytest workers (the machines have 2 cores); files stay together on a worker.
# Browser tests run afterwards in their own process: Playwright's event loop must
# not share a process with the database tests.
PYTEST_ARGS ?= -n 2 --dist loadfile -m "not e2e"
E2E_ARGS ?= -p no:xdist -m e2e

.PHONY: lock run test lint format migrate seed static install install-dev worker beat serve prod backup clean messages

$(BIN)/activate:
	@echo "Python: creating $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements/base.txt
	@echo "Python packages: installing into $(VENV)"
	@$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

# The locks, with every file's hash, from requirements/*.in (pins kept unless
# an .in file asks for another version; `--upgrade-package NAME` to move one).
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: $(BIN)/activate
	$(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) --output-file=requirements/base.txt requirements/base.in
	$(PIP_COMPILE) --output-file=requirements/dev.txt requirements/dev.in
install-dev: $(VENV)/.installed-dev

migrate: install
	@mkdir -p var
	@echo "Database: migrating"
	@$(PY) manage.py migrate --noinput --verbosity 0

# Migrations are applied in the seeding process, and only when some are
# unapplied (a second start skips migrate altogether).
seed: install
	@mkdir -p var
	@$(PY) manage.py seed_demo --migrate

# collectstatic (hashing and compressing every file: most of a first start) runs
# only when there is no copy yet or a source changed since the last one.
STATIC_STAMP := var/static/.collected
static: install
	@if [ -f $(STATIC_STAMP) ] && [ -z "$$(find static requirements/base.txt lms/settings -newer $(STATIC_STAMP) -type f -print -quit)" ]; then \
		echo "Static files: up to date"; \
	else \
		echo "Static files: collecting (first start, or they changed)"; \
		STATIC_COMPRESS=false $(PY) manage.py collectstatic --noinput --verbosity 0 --clear && touch $(STATIC_STAMP); \
	fi

run: seed static
	@exec env BIN=$(BIN) bin/serve $(HOST) $(PORT)

serve: install
	exec env BIN=$(BIN) bin/serve $(HOST) $(PORT)

# The production topology (nginx, gunicorn, Daphne, Celery worker and beat under
# supervisord) on PostgreSQL and Redis: http://127.0.0.1:8080 unless PORT is given.
PROD_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
prod: install
	exec env BIN=$(BIN) PORT=$(PROD_PORT) WEGO_SERVED_URL=$(if $(BASE_URL),$(BASE_URL),http://127.0.0.1:$(PROD_PORT)) bin/prod

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
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache
