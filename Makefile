# Two commands for a newcomer: `make run` and `make test`. `make install` is their shared first step.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint check bench demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/stihub migrate --noinput
	$(BIN)/stihub demo
	$(BIN)/stihub runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/stihub check
	$(BIN)/stihub makemigrations --check --dry-run
	$(BIN)/stihub spectacular --validate --fail-on-warn --file /dev/null

bench: install
	$(BIN)/python -m stihub.bench

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
