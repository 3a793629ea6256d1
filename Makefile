# plate-unet: every set-up step lives here, so a fresh machine needs only `make`.
#   make lab   - virtual environment, install, sample data, JupyterLab on notebooks/
#   make test  - the same set-up, then ruff, the unit tests and every notebook (nbval),
#                then the notebooks' widgets in JupyterLab in Chromium (test-browser)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# NO_BROWSER=1 starts JupyterLab without opening a web browser (servers, CI, SSH).
NO_BROWSER ?= 0
LAB_FLAGS ?=
PYTEST_FLAGS ?=
# Extras installed with the project (pyproject.toml).
EXTRAS ?= dev
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONHASHSEED ?= 0

# pytest exits 5 when it collects nothing: that is not a failure here.
PYTEST = $(BIN)/python -m pytest

.PHONY: setup venv data lab test lint unit nbval format clean chromium test-browser bench \
	demo pretrained reader

# Install once; re-install only when pyproject.toml changes (idempotent set-up).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

venv: $(STAMP)

# Sample data: data/sample is committed; re-generate it (byte-identical) if missing.
SAMPLE_CMD := generate --n 32 --seed 0 --size 580x360 --out data/sample --quiet
data: $(STAMP)
	@test -f data/sample/labels.csv || $(BIN)/plate-unet $(SAMPLE_CMD)

setup: venv data

lab: setup
	$(BIN)/jupyter lab notebooks/ $(if $(filter 1,$(NO_BROWSER)),--no-browser) $(LAB_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check plate_unet tests $(wildcard benchmarks notebooks)
	$(BIN)/ruff format --check plate_unet tests $(wildcard benchmarks)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix plate_unet tests $(wildcard benchmarks notebooks)
	$(BIN)/ruff format plate_unet tests $(wildcard benchmarks)

unit: setup
	$(PYTEST) tests -m "not browser" $(PYTEST_FLAGS) || [ $$? -eq 5 ]

nbval: setup
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  PLATE_UNET_SMOKE=1 $(PYTEST) --nbval --nbval-current-env \
	    --nbval-sanitize-with notebooks/sanitize.cfg notebooks $(PYTEST_FLAGS) \
	    || [ $$? -eq 5 ]; \
	else echo "nbval: no notebooks yet"; fi

# Chromium for the browser tests, from Debian's packages (root, or sudo without a
# password). When it cannot be installed this says why and the browser tests skip.
chromium:
	@if command -v chromium >/dev/null 2>&1; then \
	  echo "chromium: $$(command -v chromium) is installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "chromium: not installed and no apt-get here; browser tests will skip"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive \
	     apt-get install -y --no-install-recommends chromium) \
	  || echo "chromium: apt-get install failed; browser tests will skip"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  (sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive \
	     apt-get install -y --no-install-recommends chromium) \
	  || echo "chromium: apt-get install failed; browser tests will skip"; \
	else \
	  echo "chromium: not installed, and installing needs root or sudo (you are" \
	    "$$(id -un), no password-less sudo); browser tests will skip"; \
	fi

# JupyterLab in headless Chromium: runs the widget notebooks and moves the widgets.
# Screenshots go to tests/screenshots/ (git-ignored).
test-browser: setup chromium
	$(PYTEST) tests/browser -m browser $(PYTEST_FLAGS)

test: setup lint unit nbval test-browser

# Every benchmarks/bench_*.py (each <= ~5 min on 2 idle cores), its tables printed,
# then benchmarks/results/summary.md for the README. BENCH_FLAGS="--only slim,export".
BENCH_FLAGS ?=
bench: setup
	$(BIN)/python benchmarks/run_all.py $(BENCH_FLAGS)

# The whole job: synthetic data, training (teaching on a CPU, reference on a GPU), held-out
# report and predictions in runs/demo/; the real photos in ../shared/data/ccpd are
# predicted and scored too when that folder exists. DEMO_FLAGS="--preset smoke --out runs/x".
DEMO_PHOTOS ?= $(wildcard ../shared/data/ccpd)
DEMO_FLAGS ?=
demo: setup
	$(BIN)/plate-unet demo $(if $(DEMO_PHOTOS),--images $(DEMO_PHOTOS)) $(DEMO_FLAGS)

# The committed checkpoint plate_unet/inference/pretrained/teaching.keras (fixed seed, about
# 15 min on 2 CPU cores) with metrics.json, training_log.csv and README.md beside it.
# Training data and the run itself go to runs/pretrained/.
pretrained: setup
	$(BIN)/plate-unet demo --pretrained --out plate_unet/inference/pretrained

# The committed plate reader plate_unet/inference/pretrained/reader/reader.keras (fixed seed,
# synthetic crops in runs/reader/) with metrics.json, training_log.csv and README.md.
reader: setup
	$(BIN)/python -m plate_unet.demo.reader --out plate_unet/inference/pretrained/reader

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
