# lap_nb: `make demo` runs the main job, `make test` runs every test. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.lap_nb-installed

.PHONY: demo test lab export clean install readme

$(STAMP): setup.py settings.ini
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/lap-nb demo

test: $(STAMP)
	$(BIN)/python tools/run_tests.py

lab: $(STAMP)
	$(BIN)/jupyter lab nbs/

export: $(STAMP)
	$(BIN)/nbdev_export

clean: $(STAMP)
	$(BIN)/nbdev_clean

readme: $(STAMP)
	$(BIN)/python tools/update_readme.py
