# Two commands for a fresh machine with Python 3.11+: `make serve` and `make test`.
# Both create .venv/ from the pinned requirement files first, when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall whenever a requirement file changes.
INSTALLED := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: sitemap dates (and anything else time-dependent) come
# from the last commit, not the clock, so two builds of a commit are identical.
COMMIT_TIME := $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(COMMIT_TIME),)
export SOURCE_DATE_EPOCH ?= $(COMMIT_TIME)
endif

.PHONY: serve build test lint validate new-stage bench hooks clean

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

serve: $(INSTALLED)  ## build and preview with live reload on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(INSTALLED)  ## check the source, build strictly, check the output, then replace site/
	$(BIN)/python scripts/build_site.py

validate: $(INSTALLED)  ## check the source: stage order, links, anchors, review dates
	$(BIN)/python scripts/validate.py

test: $(INSTALLED)  ## lint and type-check, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

new-stage: $(INSTALLED)  ## make new-stage ID=follow-up TITLE="Follow-up care" AFTER=protection
	@test -n "$(ID)" -a -n "$(TITLE)" -a -n "$(AFTER)" || { echo 'usage: make new-stage ID=<id> TITLE="<title>" AFTER=<stage id>' >&2; exit 2; }
	@$(BIN)/python scripts/new_stage.py --id "$(ID)" --title "$(TITLE)" --after "$(AFTER)"

bench: $(INSTALLED)  ## benchmarks: build and validator at 100-3,000 pages; page weight; Lighthouse
	cd scripts && ../$(BIN)/python -m bench.build
	cd scripts && ../$(BIN)/python -m bench.validate
	cd scripts && ../$(BIN)/python -m bench.pages
	cd scripts && ../$(BIN)/python -m bench.lighthouse

hooks: $(INSTALLED)  ## run ruff, the validator and YAML checks before every commit
	$(BIN)/pre-commit install

clean:
	rm -rf site .site-versions .site-build-* .site-build.lock .pytest_cache
