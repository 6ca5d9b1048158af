# Round table portal. `make run` serves the portal with demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

.PHONY: help setup run test bench lint audit format messages system-deps browser axe wrk clean

help:
	@echo "make run    - set up and serve the portal with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - scale benchmark (PostgreSQL; see README)"
	@echo "make lint   - ruff check and format check"
	@echo "make audit  - dependency audit (pip-audit) and bandit"

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet uv==0.13.8
	$(UV) sync --frozen
	@touch $@

# gettext compiles the translations; install it from Debian when it is missing.
system-deps:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  else echo "Please install gettext (msgfmt)." >&2; exit 1; fi; }

# Browser tests drive Debian's chromium; as root it is installed when missing.
browser:
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's chromium: apt-get install chromium" >&2; exit 1; fi; }

# axe-core for the accessibility tests, pinned in tests/e2e/axe/package-lock.json.
axe:
	@test -f tests/e2e/axe/node_modules/axe-core/axe.min.js || \
	  npm ci --prefix tests/e2e/axe --no-audit --no-fund

messages: $(VENV)/.synced system-deps
	$(PY) manage.py compilemessages --ignore=.venv -v0

setup: $(VENV)/.synced messages

run: setup
	@mkdir -p "$${VAR_DIR:-var}"
	DEBUG=true $(PY) manage.py rundev --port $(PORT)

test: setup browser axe
	$(PY) tests/services.py $(PYTEST_ARGS)

# The load generator for throughput figures; as root it is installed when missing.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "The benchmark needs wrk: apt-get install wrk" >&2; exit 1; fi; }

bench: setup wrk
	$(PY) -m bench.run

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

audit: $(VENV)/.synced
	.ci/audit

format: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
