#!/usr/bin/env bash
# Build the site and run the three browser-side benchmarks on it:
#   page weight (bench/weight.py), Lighthouse (bench/lighthouse.py), screenshots (bench/screenshots.py).
# Results: bench/RESULTS.md (weight and lighthouse sections), bench/out/ (reports, PNGs; git-ignored).
#
#   bash bench/run-browser-bench.sh [SITE_DIR]     # SITE_DIR defaults to a fresh temporary folder
#
# Needs: the site's .venv with Playwright (`make test` makes it), Debian's chromium and node/npm.
# Installs Lighthouse, pinned in bench/package.json, into bench/node_modules when it is missing or
# out of date (no lock file is committed: the repository holds nothing generated). Never downloads a browser.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

py="$root/.venv/bin/python"
if [ ! -x "$py" ] || ! "$py" -c "import playwright" 2>/dev/null; then
  make .venv/.test-deps >/dev/null   # the site's venv with the test tools (Playwright)
fi
command -v chromium >/dev/null || { echo "chromium is missing: apt-get install chromium (or make system-deps)" >&2; exit 1; }

stamp="$here/node_modules/.installed"
if [ ! -f "$stamp" ] || [ "$here/package.json" -nt "$stamp" ]; then
  npm install --prefix "$here" --no-save --no-package-lock --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

cleanup=""
site="${1:-}"
if [ -z "$site" ]; then
  site="$(mktemp -d "${TMPDIR:-/tmp}/h20-bench-site.XXXXXX")"
  cleanup="$site"
fi
trap '[ -n "$cleanup" ] && rm -rf "$cleanup"' EXIT

export BENCH_COMMAND="bash bench/run-browser-bench.sh${1:+ $1}"
"$py" build.py --out "$site"
"$py" bench/weight.py --site "$site"
"$py" bench/lighthouse.py --site "$site"
"$py" bench/screenshots.py --site "$site"
