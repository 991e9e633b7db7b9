# Both targets build .venv from nothing when it is missing; the stamp files make reruns cheap.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean core

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/gongkai demo

test: $(VENV)/.installed-test
	tools/system-deps.sh
	$(MAKE) --no-print-directory core
	$(BIN)/python -m pytest

# The classifier's optional compiled core (classifier/_core.py through Cython). Best effort: no
# compiler, headers or Cython, and build_core.py says so in one line and exits 0 — the classifier
# then runs the same code as pure Python. `pip install -e .` never builds it.
$(VENV)/.installed-core: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[core]' || echo "core: Cython not installed"
	touch $@

core: $(VENV)/.installed-core
	$(BIN)/python tools/build_core.py

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-out build *.egg-info classifier/_core_c.*
