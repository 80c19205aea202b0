# Two commands for a newcomer: `make run` and `make test`. `make install` is their shared first step.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve test lint check bench demo clean

# The development settings are chosen here, never by a missing variable: without
# STIHUB_DEBUG=1 the settings are production's (and want a secret key).
run test lint bench: export STIHUB_DEBUG := 1
serve: export STIHUB_DEBUG := 0

# Runs the web server $(1) with the job worker beside it; when either the server stops or make
# is stopped (Ctrl-C, SIGTERM), both are stopped. Both run in the background so that the shell,
# waiting on the server, can act on a signal at once.
define with_worker
@pids=; trap 'kill $$pids 2>/dev/null; wait' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
$(BIN)/stihub db_worker & pids=$$!; \
$(1) & server=$$!; pids="$$pids $$server"; \
wait $$server
endef

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/stihub migrate --noinput
	$(BIN)/stihub demo
	$(call with_worker,$(BIN)/stihub runserver 127.0.0.1:8000)

# Production: static files collected, migrations applied, gunicorn (stihub/gunicorn_conf.py:
# 2 × cores + 1 workers or STIHUB_WEB_WORKERS, bound to STIHUB_BIND, default 127.0.0.1:8000)
# and the job worker beside it. The secret key comes from the environment, never from here.
serve: install
	@test -n "$$STIHUB_SECRET_KEY" || { \
	  echo "make serve: STIHUB_SECRET_KEY is not set. Production needs a random secret key of" >&2; \
	  echo "50+ characters, kept out of the repository, e.g. from" >&2; \
	  echo "  python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; \
	  echo "(see the README, Deploying). For development, use make run." >&2; exit 2; }
	$(BIN)/stihub collectstatic --noinput --verbosity 0
	$(BIN)/stihub migrate --noinput
	$(call with_worker,$(BIN)/gunicorn --config stihub/gunicorn_conf.py)

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
