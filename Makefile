# Two commands for a fresh machine with Python 3.11+: `make serve` and `make test`.
# Both create .venv/ from the pinned requirement files first, when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall whenever a requirement file changes. Previewing and building need only
# requirements.txt; testing needs requirements-dev.txt on top.
SITE_INSTALLED := $(VENV)/.installed-site
INSTALLED := $(VENV)/.installed
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1
# mkdocs-redirects asks ProperDocs to print a banner on every build; this site stays on MkDocs 1.6.
export DISABLE_MKDOCS_2_WARNING := true
# Reproducible builds: sitemap dates (and anything else time-dependent) come
# from the last commit, not the clock, so two builds of a commit are identical.
COMMIT_TIME := $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(COMMIT_TIME),)
export SOURCE_DATE_EPOCH ?= $(COMMIT_TIME)
endif

.PHONY: serve build test lint validate new-stage bench hooks clean

$(SITE_INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(INSTALLED): $(SITE_INSTALLED) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

serve: $(SITE_INSTALLED)  ## preview on http://127.0.0.1:$(PORT), reloading on every save; problems shown on the page
	$(BIN)/python scripts/serve.py --dev-addr 127.0.0.1:$(PORT)

build: $(SITE_INSTALLED)  ## check the source, build strictly, check the output, then replace site/
	@$(BIN)/python scripts/build_site.py

validate: $(SITE_INSTALLED)  ## check the source: stage order, links, anchors, review dates
	@$(BIN)/python scripts/validate.py

test: $(INSTALLED)  ## lint and type-check, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

new-stage: $(SITE_INSTALLED)  ## make new-stage ID=follow-up TITLE="Follow-up care" AFTER=protection (or BEFORE=<id>, or AFTER=start)
	@test -n "$(ID)" -a -n "$(TITLE)" -a -n "$(AFTER)$(BEFORE)" || { echo 'usage: make new-stage ID=<id> TITLE="<title>" AFTER=<stage id>  (or BEFORE=<stage id>; AFTER=start makes it the first stage)' >&2; exit 2; }
	@$(BIN)/python scripts/new_stage.py --id "$(ID)" --title "$(TITLE)" --after "$(AFTER)" --before "$(BEFORE)"

bench: $(INSTALLED)  ## benchmarks: build, preview and validator at 100-3,000 pages (SIZES="100 3000" for fewer); page weight; Lighthouse
	cd scripts && ../$(BIN)/python -m bench.build $(if $(SIZES),--sizes $(SIZES))
	cd scripts && ../$(BIN)/python -m bench.validate $(if $(SIZES),--sizes $(SIZES))
	cd scripts && ../$(BIN)/python -m bench.pages
	cd scripts && ../$(BIN)/python -m bench.lighthouse

hooks: $(INSTALLED)  ## run ruff, the validator and YAML checks before every commit
	$(BIN)/pre-commit install

clean:
	rm -rf site .site-versions .site-build-* .site-removing-* .site-build.lock .pytest_cache
