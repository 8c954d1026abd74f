# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi:app

.PHONY: run test lint install install-dev migrate seed worker bench clean journey messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask db-upgrade

seed: migrate
	$(BIN)/flask seed-demo

run: seed  ## create the venv, install, migrate SQLite, load demo data, serve on :5000
	@echo "API:  http://127.0.0.1:5000/api/v1/therapists"
	@echo "Docs: http://127.0.0.1:5000/docs"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install-dev  ## ruff, mypy (strict on scheduling/ and matching/) and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint  ## lint and run the whole suite (TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache

journey: install-dev  ## the frontend check: lint /openapi.json, TypeScript types, the client journey
	tests/typescript/run-journey

messages: install-dev  ## extract the catalog's messages and update every shipped translation
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k message -k marked --no-location \
		--omit-header --sort-output -o app/i18n/translations/messages.pot app scheduling billing matching
	$(BIN)/pybabel update -i app/i18n/translations/messages.pot -d app/i18n/translations \
		--no-location --no-fuzzy-matching
