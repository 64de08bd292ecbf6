# Care Market Workbook — the two commands in the README are `make demo` and `make test`.
# Both set everything up on a fresh machine that has only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
YEAR ?= 2026
COUNCIL ?= E08000019
DEMO_DATA := data/demo

.PHONY: setup demo test demo-data clean accept-notebooks accept-key-figures benchmark

setup: $(VENV)/.installed
	@bash scripts/ensure_chromium.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (care-market-workbook)" >/dev/null
	touch $@

demo-data: setup
	$(BIN)/caremarket demo-data --out $(DEMO_DATA)

# Main job: demo data -> Papermill notebooks -> Market Position Statements in reports/: last year's, then this
# year's, which shows what changed since the last one (one data folder holds both years' files)
demo: demo-data
	$(BIN)/caremarket run --data $(DEMO_DATA) --out reports --year $(shell expr $(YEAR) - 1) --council $(COUNCIL)
	$(BIN)/caremarket run --data $(DEMO_DATA) --out reports --year $(YEAR) --council $(COUNCIL)

# Whole test suite: unit (tests/load, assess, present, run), real published files, regression (key figures and
# nbval over the notebooks, both on data/demo), end to end (tests/e2e); the 15 slowest tests are listed at the end.
test: demo-data
	$(BIN)/python -m pytest --durations=15 --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg tests notebooks

clean:
	rm -rf $(VENV) $(DEMO_DATA) reports/20*

# Re-execute the committed notebooks on the demo data and store their outputs as nbval's reference.
# Run this only when a change to the figures is intended, and say so in the commit.
accept-notebooks: demo-data
	$(BIN)/python scripts/accept_notebooks.py

# Refresh the stored key figures the regression test compares with (tests/expected/), on purpose only.
# Made from the default demo dataset (data/demo), the same one the nbval references run on.
accept-key-figures: demo-data
	$(BIN)/caremarket run --data $(DEMO_DATA) --out data/accepted-reports --year 2026 --council E08000019 --formats html --force
	mkdir -p tests/expected && cp data/accepted-reports/2026/E08000019/key_figures.json tests/expected/key_figures_E08000019.json

# Batch benchmark (slow, on demand; never part of `make test`): writes benchmarks/results.md
benchmark: setup
	$(BIN)/python benchmarks/run_benchmarks.py $(ARGS)
