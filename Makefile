# The two commands a newcomer needs: `make demo` and `make test`. Each sets itself up
# (virtual environment + install) from nothing but python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo demo-web test test-fast lint format typecheck services bench eval catalogs models clean

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/handoff demo

demo-web: $(STAMP)
	$(BIN)/handoff demo --web

services:
	bash scripts/services.sh
	bash scripts/dovecot.sh
	bash scripts/chromium.sh

test: $(STAMP) services
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not backends" -x -q

lint: $(STAMP)
	$(BIN)/ruff check agent mailflows db tests bench
	$(BIN)/ruff format --check agent mailflows db tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix agent mailflows db tests bench
	$(BIN)/ruff format agent mailflows db tests bench

typecheck: $(STAMP)
	$(BIN)/mypy agent mailflows db

bench: $(STAMP)
	$(BIN)/python bench/run.py

eval: $(STAMP)
	$(BIN)/python ../shared/tools/eval_deals.py --cmd "$(BIN)/handoff"

# Our own words in the code and templates -> agent/locale/handoff.pot -> each language's .po (agent/wording.py).
# Translate what it adds (msgstr) before committing: tests/test_wording.py fails on an untranslated message.
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o agent/locale/handoff.pot .
	$(BIN)/pybabel -q update -i agent/locale/handoff.pot -d agent/locale -D handoff --no-fuzzy-matching --ignore-obsolete

# Every learned model's rows and weights from the labelled deals in training/deals, in the order each needs the
# last: the stance model (its hand-written sentences and the rep's words about each person), the sectioner (its
# hand-written sentences), then the people model's rows (read with the models before it) and weights. Commit what changes; tests/test_model_rows.py checks the shipped rows are what this makes.
DEALS := training/deals
DATA := agent/extract/data
models: $(STAMP)
	$(BIN)/python -m agent.extract.harvest $(DEALS) --stance -o $(DATA)/stance_deals.tsv
	$(BIN)/python -m agent.extract.stance
	$(BIN)/python -m agent.extract.harvest $(DEALS) --none -o $(DATA)/sentences_deals.tsv
	$(BIN)/python -m agent.extract.sectioner
	$(BIN)/python -m agent.extract.harvest $(DEALS) --rows feelings -o $(DATA)/feelings_people.tsv
	$(BIN)/python -m agent.extract.feelings

clean:
	rm -rf $(VENV) handoff-demo .pytest_cache
