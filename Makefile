# Two commands for a fresh machine (see README):
#   make site   build the site into site/
#   make test   run every test (installs what the tests need on first use)
# Both create and reuse a virtual environment in .venv, so nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: site serve test bench clean

site: $(VENV)/.site-deps
	$(PY) build.py $(if $(BASE_URL),--base-url $(BASE_URL))

serve: $(VENV)/.site-deps
	$(PY) build.py serve

test: $(VENV)/.test-deps
	$(PY) -m pytest

$(VENV)/.site-deps: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements-test.txt requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $(VENV)/.site-deps $@

clean:
	rm -rf site .site-tmp-* $(VENV)
