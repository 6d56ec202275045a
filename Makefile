# The two commands a new user runs: `make reports` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TABLES := data/processed

.PHONY: install annotate reports lab test browser clean

# requirements.lock pins every package (uv pip compile pyproject.toml --extra test -o requirements.lock).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q workbench
	$(BIN)/python -m ipykernel install --sys-prefix --name workbench --display-name "Workbench (Python 3)"
	touch $(STAMP)

install: $(STAMP)

annotate: install
	$(BIN)/python -m workbench annotate data/raw --out $(TABLES)

reports: annotate
	$(BIN)/python -m workbench report --tables $(TABLES) --corpus data/raw --out reports

# JupyterLab on 127.0.0.1:$(PORT) with the project kernel, opening notebooks/ (Ctrl-C stops it).
PORT ?= 8888
lab: install
	$(BIN)/python -m workbench.lab --port $(PORT)

# Debian's chromium checks the rendered reports in the tests (headless).
browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(TABLES) reports data/interim
