# The two set-up commands of the README:
#   make report   create .venv, install pinned dependencies, build the 2016/17 sample report
#   make test     install the test extras (and the browser-test packages) and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: report test lint validate lock clean

report: $(VENV)/.installed
	$(BIN)/complaints-report build

test: $(VENV)/.installed-test tests/browser/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

validate: $(VENV)/.installed
	$(BIN)/complaints-report validate

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -c requirements.lock -e ".[test]"
	touch $@

# Browser tests need axe-core and playwright-core from npm, the HTML validity tests vnu-jar
# (run with the system's Java); skipped when npm is absent. --ignore-scripts: vnu-jar's
# install script would download a Java runtime from outside the registry when none is found.
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the browser tests will be skipped"; fi

lock: $(VENV)/.installed-test
	{ echo "# Pinned versions of every Python package the project installs (pip constraints file)."; \
	  echo "# Regenerate after changing dependencies: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock

clean:
	rm -rf build .build-* .quarto
