# loket — the two commands that matter on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean messages fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/loket demo --host 127.0.0.1 --port 8000

# pytest exits 5 when it collects no test; that is a failure of the suite, never a pass.
# Two workers (pytest-xdist), each with its own PostgreSQL database; the browser tests stay
# together in one of them (loadgroup) so that their server and Chromium start once.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests were collected"; exit 1; fi; exit $$rc

# The long API fuzz: 500 schemathesis examples per operation (about 11 minutes); `make test`
# runs the short one (15 per operation).
fuzz: $(STAMP)
	LOKET_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q -n 2 --dist loadgroup tests/web/test_api_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# Extract the texts to translate and merge them into the four catalogues; translate every new
# or fuzzy entry before committing (tests/web/test_catalogues.py fails until then).
messages: $(STAMP)
	mkdir -p var && $(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o var/messages.pot .
	for lang in nl fr de en; do \
	  if [ -f src/loket/web/locales/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -l $$lang -D messages -i var/messages.pot -d src/loket/web/locales; \
	  else \
	    $(BIN)/pybabel init -l $$lang -D messages -i var/messages.pot -d src/loket/web/locales; \
	  fi; \
	done

# The figures in benchmarks/RESULTS.md; the 1,000,000-move runs are spelled out there.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_route.py
	$(BIN)/python benchmarks/bench_import_moves.py --citizens 1000000 --moves 100000 --runs 3
	$(BIN)/python benchmarks/bench_consult.py
	$(BIN)/python benchmarks/bench_audit.py
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_outbox.py --messages 20000 --runs 3
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_linkage_accuracy.py
	$(BIN)/python benchmarks/bench_linkage_scale.py --sizes 10000,100000,1000000 --runs 3 --methods loket
	$(BIN)/python benchmarks/bench_linkage_scale.py --sizes 10000,100000 --runs 3 --methods splink
	$(BIN)/python benchmarks/bench_control_accuracy.py --runs 3
	$(BIN)/python benchmarks/bench_control_scale.py --methods score,cli --runs 3

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
