# Two commands for a fresh machine (see README):
#   make site   build the site into site/
#   make test   run every test (installs what the tests need on first use)
# Both create and reuse a virtual environment in .venv, so nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: site serve test bench clean system-deps messages

# Root on CI and here; sudo elsewhere.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

site: $(VENV)/.site-deps
	$(PY) build.py $(if $(BASE_URL),--base-url $(BASE_URL))

serve: $(VENV)/.site-deps
	$(PY) build.py serve

test: $(VENV)/.test-deps node_modules/.installed system-deps
	$(PY) -m pytest

# Extract every phrase of the templates and merge it into each translation's catalogue
# (i18n/CODE/LC_MESSAGES/messages.po): new phrases arrive empty, for a translator to fill in
# (the build refuses an empty one), and phrases no template uses any more are dropped.
messages: $(VENV)/.site-deps
	@mkdir -p .cache
	$(VENV)/bin/pybabel -q extract -F babel.cfg --add-location=file --no-wrap --sort-by-file -o .cache/messages.pot .
	@for code in $$($(PY) -c "import tomllib; print(*list(tomllib.load(open('site.toml','rb'))['languages'])[1:])"); do \
	  if [ -f i18n/$$code/LC_MESSAGES/messages.po ]; then \
	    $(VENV)/bin/pybabel -q update -i .cache/messages.pot -d i18n -l $$code --ignore-obsolete --no-fuzzy-matching --no-wrap; \
	  else \
	    $(VENV)/bin/pybabel -q init -i .cache/messages.pot -d i18n -l $$code --no-wrap; \
	  fi; done

$(VENV)/.site-deps: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements-test.txt requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $(VENV)/.site-deps $@

# The browser tests need Debian's chromium (never a downloaded browser), a CJK font for
# the Chinese text, and Java for the Nu HTML Checker. Installed only when missing.
system-deps:
	@command -v chromium >/dev/null && command -v java >/dev/null \
	  && fc-list 2>/dev/null | grep -qi "noto sans cjk" \
	  || { $(SUDO) apt-get update -qq \
	       && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	          chromium fonts-noto-cjk default-jre-headless fontconfig; }

# axe-core, pinned to an exact version in package.json (it has no dependencies, so no lock
# file is needed), injected into pages by the accessibility tests.
node_modules/.installed: package.json
	npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .site-tmp-* $(VENV)
