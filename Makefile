# Quartier – the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install translations lint format migrate db setup demo lock bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile --statistics -d translations

# Development server on http://127.0.0.1:5000 with SQLite under instance/.
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask setup
	$(BIN)/flask demo load
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set, in parallel
# (pytest-xdist, one scratch database per worker). The browser tests run once: on PostgreSQL
# when it is there (CI), otherwise on SQLite. Tests that use no database fixture (marked
# db_independent by tests/conftest.py) run on the SQLite pass only: on PostgreSQL they would do
# the very same work again. Each pass's wall time is printed at the end.
WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)
TIMES := .test-times

test: install translations lint
	@rm -f $(TIMES)
	@if [ -n "$$TEST_DATABASE_URL" ]; then marks="not postgres_only and not browser"; \
	  else marks="not postgres_only"; fi; \
	  start=$$(date +%s); \
	  env -u TEST_DATABASE_URL $(PYTEST) -m "$$marks"; status=$$?; \
	  echo "SQLite pass ($$marks): $$(( $$(date +%s) - start )) s" >> $(TIMES); \
	  [ $$status -eq 0 ] || { cat $(TIMES); exit $$status; }
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL, with the browser tests: $$TEST_DATABASE_URL"; \
	  start=$$(date +%s); \
	  $(PYTEST) -m "not db_independent"; status=$$?; \
	  echo "PostgreSQL pass (not db_independent): $$(( $$(date +%s) - start )) s" >> $(TIMES); \
	  [ $$status -eq 0 ] || { cat $(TIMES); exit $$status; }; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
	  echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"; exit 1; \
	fi
	@echo "== wall time per pass"; cat $(TIMES); rm -f $(TIMES)

# Update the catalogues after changing strings (then translate and commit the .po files).
messages: install
	$(BIN)/flask translate update

# Regenerate requirements.lock from pyproject.toml in a scratch venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet ".[dev]" --no-cache-dir
	.lock-venv/bin/pip freeze --exclude quartier > requirements.lock
	rm -rf .lock-venv

# Every benchmark script in bench/ (each prints its figures and ratios).
bench: install
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance/*.sqlite
