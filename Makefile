# Hotline: `make run` starts the console with demo data, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/hotline_ci
REDIS_URL ?= redis://127.0.0.1:6379/14
# `make run PORT=8001`: the port served on; links in the demo's messages follow it
# (settings derive SITE_URL from PORT unless SITE_URL is set).
PORT ?= 8000
export PORT

.PHONY: install run test test-integration test-browser test-all lint messages demo clean fuzz-api

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	# Every app with a catalogue (the folders that hold a locale/), hotline included.
	for app in $$(ls -d */locale | xargs -n1 dirname); do \
	  (cd $$app && ../$(BIN)/python ../manage.py compilemessages --verbosity 0); \
	done

# Quiet on purpose: the demo's e-mails and SMS go to var/log/outbox.log, its logs at WARNING.
demo: install
	@echo "Preparing the database (var/) and the demo data; this takes a minute or two..."
	@$(BIN)/python manage.py migrate --noinput --verbosity 0
	@LOG_LEVEL=WARNING $(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest -q -m "not integration and not browser" -n 2

test-integration: install
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) CACHE_URL=$(REDIS_URL) \
	  $(BIN)/python -m pytest -q -m integration -p no:xdist

test-browser: install
	$(BIN)/python -m pytest -q -m browser -p no:xdist

# A bounded schemathesis run over the whole API (operator and distributor tokens) on a
# throwaway embedded instance; fails on any server error. FUZZ_SECONDS per identity.
fuzz-api: install
	FUZZ_SECONDS=$${FUZZ_SECONDS:-20} bash tests/fuzz/api_fuzz.sh

test-all: test test-integration test-browser fuzz-api

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var
