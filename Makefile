# Two commands on a fresh machine: `make demo` and `make test`. Each creates the project's
# virtual environment first if it is missing or older than pyproject.toml. Packages are
# installed compiled: where PYTHONDONTWRITEBYTECODE is set, every Dagster run, dbt call and
# code server would otherwise compile Dagster and dbt from source, seconds each time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
UV_VERSION := 0.13.9

.PHONY: demo test test-fast lint ui clean browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e ".[dev]" \
		|| $(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/intel demo

# The UI test drives Debian's chromium headless; scripts/install-browser installs it once.
browser:
	@bash scripts/install-browser

test: $(STAMP) browser
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

ui: $(STAMP)
	$(BIN)/intel ui

clean:
	rm -rf .intel dbt/target dbt/logs
