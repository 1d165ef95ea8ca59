# SIGAP — two commands: `make run` and `make test`. Only Python 3.11, pip, venv and make are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SIGAP  := $(BIN)/sigap

.PHONY: run setup test lint typecheck pytest bench demo migrate messages clean a11y-tools

run: setup
	$(SIGAP) demo
	$(SIGAP) serve 127.0.0.1:8000

# Creates .venv, installs the hash-pinned dependencies and SIGAP itself, compiles translations,
# migrates the SQLite database under var/ (local secrets are generated there on first use).
setup: $(STAMP)
	$(SIGAP) compile-catalogues
	$(SIGAP) migrate --noinput

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { echo "SIGAP needs Python 3.11 (found: $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

test: $(STAMP) lint typecheck pytest

# Optional (needs npm): axe-core for the accessibility browser test, from package-lock.json; without
# it that one test skips (CI installs it and requires it).
a11y-tools:
	npm ci --no-audit --no-fund --ignore-scripts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy sigap tests bench

# pytest exits 5 when it collects no test: that is not a failure of the suite.
pytest: $(STAMP)
	$(SIGAP) compile-catalogues
	$(BIN)/pytest -n 2 $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/detection.py
	$(BIN)/python bench/intake_api.py
	$(BIN)/python bench/inbox.py

messages: $(STAMP)
	cd sigap && ../$(BIN)/django-admin makemessages --settings=sigap.settings.test -l id -l en --no-obsolete --no-location

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
