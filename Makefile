# Two commands for a fresh machine: `make serve` and `make test`.
# Needs Python 3.11+, Node.js/npm, and Chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: deps serve build test test-fast bench lint clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed: install Node.js 18+ (e.g. apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

deps: $(BIN)/.installed node_modules/.installed

serve: deps
	$(BIN)/mkdocs serve --livereload -a 127.0.0.1:$(PORT)

build: deps
	$(BIN)/mkdocs build --strict --site-dir site

# Python with ruff; JavaScript and CSS with prettier (pinned in package.json).
lint: deps
	$(BIN)/ruff check calculator macros tools tests
	$(BIN)/ruff format --check calculator macros tools tests
	node_modules/.bin/prettier --check "docs/assets/**/*.{js,css}" "tests/**/*.mjs" "tools/**/*.mjs" "bench/**/*.js"

test: deps lint
	@$(BIN)/python tools/find_chromium.py >/dev/null
	$(BIN)/python -m pytest

# Everything except the browser and Pyodide tests: seconds, for quick loops.
test-fast: deps
	$(BIN)/python -m pytest -m "not browser and not pyodide"

bench: build
	@$(BIN)/python tools/find_chromium.py >/dev/null
	$(BIN)/python tools/bench.py
	$(BIN)/python tools/bench_statement.py

clean:
	rm -rf site $(VENV) node_modules .pytest_cache .hypothesis
