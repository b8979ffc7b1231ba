# Overleg — the two commands: `make run` and `make test`.
# Both work on a fresh Debian machine with Python 3.11 and make: they install what is missing.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

# Debian packages: WeasyPrint (Pango, HarfBuzz subsetting), PostgreSQL for the second test
# database, Chromium for browser tests, Java for the Nu Html Checker (npm vnu-jar), libical's
# GObject bindings for Debian's python3 (the .ics check), Node.js/npm for the house-style
# assets and the validators.
APT_RUN  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
APT_TEST := postgresql chromium poppler-utils qpdf openjdk-17-jre-headless python3-gi gir1.2-ical-3.0

VENDOR := static/vendor


.PHONY: lint run test install install-test sysdeps sysdeps-test assets db serve test-sqlite test-postgres bench bench-pdf bench-postgres clean help

help:
	@echo "make run   installeer, migreer, laad demo en start op http://$(HOST):$(PORT)"
	@echo "make serve als make run, maar onder gunicorn (de productieserver)"
	@echo "make test  installeer en draai lint, typecontrole en de hele testsuite (SQLite, PostgreSQL en browser)"
	@echo "make lint  alleen ruff (regels en opmaak) en mypy"
	@echo "make bench  paginas (SQLite) en PDFs tegen hun doelen; make bench-pdf, make bench-postgres"

run: install db
	@echo ""
	@echo "  Overleg draait op http://$(HOST):$(PORT)"
	@echo "  Inloggen met een demo-account, bijvoorbeeld oov@example.org (OOV ambtenaar)"
	@echo "  of beheerder@example.org; wachtwoord: Veilig-Overleg-2019 (zie README.md)."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

# The production server on the local database: gunicorn with gunicorn.conf.py (workers
# from the cores). Not the demo's Flask server: what deploy/overleg.service runs.
serve: install db
	@echo ""
	@echo "  Overleg draait onder gunicorn op http://$(HOST):$(PORT) (zie README.md, In productie)"
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# Lint first, then both databases; all three always run, so one report shows everything;
# fails if any of them failed (a ruff or mypy finding fails the run).
test: install-test
	@status=0; \
	$(MAKE) --no-print-directory lint || status=1; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-postgres || status=1; \
	if [ $$status -ne 0 ]; then echo "== Testsuite NIET geslaagd (zie hierboven) =="; fi; \
	exit $$status

# Each pass runs on its own frozen clock (tests/conftest.py), chosen to be awkward:
# SQLite late on the Saturday before the spring DST change, PostgreSQL on a weekday
# morning just after the usual 10:00 meetings began. `make test OVERLEG_TEST_NOW=…`
# (ISO 8601, Amsterdam time unless an offset is given) runs both at another moment.
SQLITE_NOW   := $(or $(OVERLEG_TEST_NOW),2027-03-27T23:45)
POSTGRES_NOW := $(or $(OVERLEG_TEST_NOW),2027-06-09T10:45)

# Both passes run on every core (pytest-xdist; on PostgreSQL each worker has a database of
# its own). The fuzz tests take 200 examples per form on SQLite and 50 on PostgreSQL, where
# they exercise the same forms against the other database.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST := $(VENV)/bin/pytest -q -n $(JOBS)

test-sqlite:
	@echo "== Testsuite op SQLite (met browsertests), klok op $(SQLITE_NOW) =="
	OVERLEG_TEST_NOW=$(SQLITE_NOW) $(PYTEST)

test-postgres:
	@echo "== Testsuite op PostgreSQL (tijdelijk cluster), klok op $(POSTGRES_NOW) =="
	OVERLEG_TEST_NOW=$(POSTGRES_NOW) OVERLEG_FUZZ_EXAMPLES=$${OVERLEG_FUZZ_EXAMPLES:-50} \
	  tests/support/with-postgres.sh $(PYTEST) -m "not browser"

# Lint and type check: ruff (rules and format in pyproject.toml) and mypy on overleg/.
lint: $(VENV)/.installed-test
	@echo "== Lint (ruff) en typecontrole (mypy) =="
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

install: sysdeps $(VENV)/.installed assets
install-test: sysdeps sysdeps-test $(VENV)/.installed-test assets

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(PIP) install --disable-pip-version-check -q -r requirements-test.txt
	touch $@

sysdeps:
	@tools/apt-ensure.sh $(APT_RUN)
	@command -v npm >/dev/null || tools/apt-ensure.sh nodejs npm

sysdeps-test:
	@tools/apt-ensure.sh $(APT_TEST)

assets: $(VENDOR)/.installed

# node_modules holds the validators the tests run, beside the files copied into static/vendor:
# npm ci again when either is missing or older than the lock file.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht-components.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css $(VENDOR)/utrecht-theme.css
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe.min.js
	touch $@

# Benchmarks (issue 12): they print OK / TE TRAAG against their targets and take minutes.
# BENCH_ARGS goes to bench/pages.py (e.g. BENCH_ARGS="--years 1 --only home --repeat 5").
BENCH_ARGS ?=
PDF_BENCH_ARGS ?=

bench: install
	@status=0; \
	$(PY) bench/pages.py $(BENCH_ARGS) || status=1; \
	$(MAKE) --no-print-directory bench-pdf || status=1; \
	exit $$status

bench-pdf: install
	@status=0; \
	$(PY) bench/agenda_pdf.py $(PDF_BENCH_ARGS) || status=1; \
	$(PY) bench/minutes_pdf.py $(PDF_BENCH_ARGS) || status=1; \
	exit $$status

# bench/pages.py --postgres on a throwaway cluster (tests/support/with-postgres.sh), with the
# databases bench_1 and bench_10 created empty beforehand; the cluster is removed afterwards.
bench-postgres: install
	tests/support/with-postgres.sh sh -c '\
	  host=$${DATABASE_URL##*host=}; \
	  bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); \
	  "$$bin/createdb" -h "$$host" -U overleg bench_1 && \
	  "$$bin/createdb" -h "$$host" -U overleg bench_10 && \
	  PGHOST="$$host" $(PY) bench/pages.py --postgres postgresql+psycopg://overleg@/bench \
	    --dir /tmp/overleg-bench-pg $(BENCH_ARGS)'

db: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
