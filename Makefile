# The two commands of README's Quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The pages' front-end files (bpmn-js, the Sarabun font), pinned in package-lock.json and served locally.
VENDOR := web/static/vendor
# `make test` runs one pytest-xdist worker per core, at most 4 (each worker holds its own template databases).
TEST_WORKERS := $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
# Debian packages the report PDFs need (Pango for WeasyPrint, a Thai font; poppler to test them), installed
# only when missing; CI runs as root, elsewhere through sudo.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test check bench clean translations

# make run PORT=8080 HOST=0.0.0.0: where the demo listens (and where its mail links point).
HOST ?= 127.0.0.1
PORT ?= 5000

run: $(VENV)/.installed $(VENDOR)/node_modules/.installed
	$(BIN)/khumue up --demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test $(VENDOR)/node_modules/.installed
	test -x /usr/bin/chromium || ($(APT) update -qq && $(APT) install -y -qq chromium)
	command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || ($(APT) update -qq && $(APT) install -y -qq poppler-utils)
	command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || ($(APT) update -qq && $(APT) install -y -qq postgresql-client)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=20

# Lint and import order (ruff), types of engine/ and db/ (mypy), the floors of the house (import-linter:
# web over engine over db, no Flask in the engine, the engine's rooms), and every shipped process model.
check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/khumue processes check

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench --quick

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python setup.cfg
	command -v fc-list >/dev/null && fc-list | grep -qi laksaman || ($(APT) update -qq && $(APT) install -y -qq fontconfig fonts-thai-tlwg)
	$(PYTHON) -c "import ctypes.util as u, sys; sys.exit(not u.find_library('pangoft2-1.0'))" || ($(APT) update -qq && $(APT) install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(VENDOR)/node_modules/.installed: $(VENDOR)/package.json $(VENDOR)/package-lock.json
	npm ci --prefix $(VENDOR) --no-audit --no-fund --ignore-scripts
	touch $@

# After changing a page's text: extract the messages, merge them into the English catalog, compile it.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F web/translations/babel.cfg --no-location --sort-output --project khumue -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d web/translations -l en --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations -l en

clean:
	rm -rf $(VENV) var *.egg-info $(VENDOR)/node_modules
