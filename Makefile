# One command to set up and run the flagship scenario (`make demo`), one to set up and test
# (`make test`). Everything installs into .venv from pyproject.toml; nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= scenarios/baseline_2025.yaml
REPS   ?= 20
OUT    ?= runs/demo

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,dask,notebooks]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/minsim run $(SCENARIO) --reps $(REPS) --out $(OUT)

lint: setup
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/ruff format --check sim tests benchmarks

test: lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .mypy_cache .hypothesis
