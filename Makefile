# Two commands for a fresh machine: `make serve` and `make test`.
# Needs Python 3.11+, Node.js/npm, and Chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: deps serve build test test-fast bench mutation lint clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test,excel]'
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
	$(BIN)/python tools/bench_search.py

# Mutation testing of the fee core (modules: [tool.mutmut] only_mutate in
# pyproject.toml). Not part of `make test`: 5 to 10 minutes on two cores.
# Installs only the `mutation` extra's pins, not the project again; starts
# from scratch each time, since mutmut does not notice edited tests; fails
# when a module kills less than 90% of its mutants.
MUTATION_CHILDREN ?= 2

$(BIN)/.mutation-installed: pyproject.toml | $(BIN)/.installed
	$(BIN)/python -m pip install --quiet $$($(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["mutation"])')
	@touch $@

mutation: $(BIN)/.mutation-installed
	rm -rf mutants && mkdir mutants
	@echo "mutmut run: log in mutants/run.log"
	@$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) >mutants/run.log 2>&1 \
		|| { tail -n 40 mutants/run.log; exit 1; }
	$(BIN)/python tools/mutation_report.py

clean:
	rm -rf site $(VENV) node_modules .pytest_cache .hypothesis mutants
