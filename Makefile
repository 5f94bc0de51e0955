# One command to set up and run the flagship scenario (`make demo`), one to set up and test
# (`make test`: lint, types, import contracts, every test), and a fast loop (`make check`: the
# same without the tests marked slow). Everything installs into .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= scenarios/outlook_2026.yaml
REPS   ?= 20
OUT    ?= runs/demo

WORKSHOP_PORT ?= 0

.PHONY: setup demo workshop test check lint types contracts browser bench bench-peers golden guide backtest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,dask,notebooks,sensitivity,workshop]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/minsim run $(SCENARIO) --reps $(REPS) --out $(OUT)

# The live workshop page on the flagship scenario (loopback only; PORT 0 = any free port).
workshop: setup
	$(BIN)/minsim workshop $(SCENARIO) --port $(WORKSHOP_PORT)

lint: setup
	$(BIN)/ruff check sim tests benchmarks scripts
	$(BIN)/ruff format --check sim tests benchmarks scripts

types: setup
	$(BIN)/mypy sim

contracts: setup
	$(BIN)/lint-imports

test: lint types contracts browser
	$(BIN)/python -m pytest

check: lint types contracts
	$(BIN)/python -m pytest -m "not slow" -q

# Headless Chromium and its driver for the report and workshop browser tests (skipped where
# they cannot be installed).
browser:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -q && apt-get install -y -q chromium chromium-driver) >/dev/null 2>&1 \
		|| echo "chromium not installed: the browser tests will be skipped"; \
	fi

bench: setup
	$(BIN)/python benchmarks/bench_engine.py

# minsim beside SupplyNetPy on the same network (installs the `bench` extra).
bench-peers: setup
	$(BIN)/python -c "import SupplyNetPy" 2>/dev/null || $(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/bench_peers.py

# Regenerate tests/golden/*.csv after an intended change of results (then look at the diff).
golden: setup
	$(BIN)/python scripts/update_golden.py

# Rerun the scenario library and rewrite the result sections of docs/scenarios.md.
guide: setup
	$(BIN)/python scripts/scenario_guide.py --reps $(REPS)

backtest: setup
	$(BIN)/minsim backtest --reps $(REPS)

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .mypy_cache .hypothesis
