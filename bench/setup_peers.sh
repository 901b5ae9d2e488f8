#!/usr/bin/env bash
# Install the peers of the speed benchmark (bench/speed.py), once per machine:
#   - Pelican and MkDocs, pinned in bench/requirements-peers.txt, into bench/.venv-peers
#     (git-ignored; built on the same Python as the site's .venv);
#   - Hugo from Debian (apt-get install hugo), as root or through sudo, and GNU time
#     (/usr/bin/time, Debian's "time"), which reports each build's peak RSS.
# None of this is a dependency of the site itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv-peers"

# Same interpreter as the site's build (.venv), so Python start-up costs are alike.
if [ -x "$root/.venv/bin/python" ]; then
  python="$("$root/.venv/bin/python" -c 'import sys, os; print(os.path.realpath(sys.executable))')"
else
  python="${PYTHON:-python3}"
fi

test -x "$venv/bin/python" || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-peers.txt"

if ! command -v hugo >/dev/null || [ ! -x /usr/bin/time ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends hugo time
fi

echo "pelican: $("$venv/bin/pelican" --version)"
echo "mkdocs:  $("$venv/bin/mkdocs" --version)"
echo "hugo:    $(hugo version)"
