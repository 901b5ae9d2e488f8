"""The search index: Pagefind reads the written pages and writes its index beside them (pagefind/).

Pagefind (pinned in requirements.txt) ships its indexer as a binary inside a PyPI wheel; its
extended build segments Chinese into words, and it keeps one index per <html lang>, so each
edition searches its own pages. Only what a page marks with data-pagefind-body is indexed
(the article, without its reference list), so the 404 and search pages stay out of results.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .errors import BuildFailed, Problem

FOLDER = "pagefind"
# Pagefind's ready-made interfaces, which our search page (static/search.js) does not use:
# removed after indexing, so the site publishes only what it loads (about 350 KB less).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def index(site_dir: Path) -> None:
    """Index every page under site_dir and write the search bundle to site_dir/pagefind/.

    The command line, not Pagefind's Python API: the API's in-process writer was seen to
    leave a file cut at 64 KiB, while the command writes every file before it exits."""
    run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", FOLDER],
                         capture_output=True, text=True)
    if run.returncode != 0:  # the new site is then not published; site/ stays as it was
        said = (run.stdout + run.stderr).strip().splitlines() or ["no message"]
        raise BuildFailed([Problem("site.toml", 0, f"search = true: Pagefind could not index the pages: {said[-1]}")])
    for name in UNUSED:
        (site_dir / FOLDER / name).unlink(missing_ok=True)
    # Pagefind writes its languages in hash-map order, different from run to run: sorted, the
    # same input gives the same bytes here as everywhere else in the build.
    entry = site_dir / FOLDER / "pagefind-entry.json"
    entry.write_text(json.dumps(json.loads(entry.read_text(encoding="utf-8")), sort_keys=True,
                                ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
