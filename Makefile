# Two commands do all the set-up on a fresh machine (Python 3.11 and make present):
#   make demo   # creates .venv, installs peernet with the dev extra, runs the main job
#   make test   # same set-up, runs the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint samples figures notebooks bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/peernet evaluate data/samples/riverbend --year 2025 --out report/

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check peernet tests scripts benchmarks
	$(BIN)/mypy

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py --out data/samples

figures: $(STAMP)
	$(BIN)/python scripts/make_figures.py --out docs/figures

notebooks: $(STAMP)
	$(BIN)/python scripts/make_notebooks.py

# every ratio of issue 23 in one table (benchmarks/results/summary.md); QUICK=1: one run a
# pair, no 100k / 10M; the stage-by-stage table of one size: benchmarks/run.py --members ...
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --all $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) report build dist
