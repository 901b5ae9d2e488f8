"""The search index: Pagefind reads the written pages and writes its index beside them (pagefind/).

Pagefind (pinned in requirements.txt) ships its indexer as a binary inside a PyPI wheel; its
extended build segments Chinese into words, and it keeps one index per <html lang>, so each
edition searches its own pages. Only what a page marks with data-pagefind-body is indexed
(the article, without its reference list), so the 404 and search pages stay out of results.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cbor2

from .errors import BuildFailed, Problem

FOLDER = "pagefind"
PAGES = "**/index.html"  # what Pagefind reads (see _pagefind)
# Pagefind's ready-made interfaces and its web worker, which our search page (static/search.js)
# does not use (it searches on the main thread, see there): removed after indexing, so the site
# publishes only what it loads (about 390 KB less).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js", "pagefind-worker.js")


def index(site_dir: Path, groups: list[list[str]] = ()) -> None:
    """Index every page under site_dir and write the search bundle to site_dir/pagefind/,
    with a lexicon per language beside it (see write_lexicons)."""
    _pagefind(site_dir, site_dir / FOLDER, groups)


def refresh(site_dir: Path, groups: list[list[str]] = ()) -> None:
    """The preview server's re-index after an edit: a new bundle built beside the site, then
    swapped in for site_dir/pagefind/ in one step, so the server never sends half an index."""
    from .write import _exchange

    tmp = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site_dir.parent))
    try:
        _pagefind(site_dir, tmp / FOLDER, groups)
        target = site_dir / FOLDER
        if not target.exists():
            os.rename(tmp / FOLDER, target)
        elif not _exchange(tmp / FOLDER, target):
            os.rename(target, tmp / "old")
            os.rename(tmp / FOLDER, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _pagefind(site_dir: Path, output: Path, groups: list[list[str]]) -> None:
    """Pagefind over site_dir's pages, its bundle written to output.

    The command line, not Pagefind's Python API: the API's in-process writer was seen to
    leave a file cut at 64 KiB, while the command writes every file before it exits.

    Only the pages (every page is a folder's index.html): Pagefind reads and segments every file
    it is given before it drops those without data-pagefind-body, and the companions
    (quotes.html) and offline editions carry none; in Chinese that reading cost about 1 s of
    the 1.3 s the index took on the real site."""
    run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", PAGES,
                          "--output-path", str(output.absolute())],
                         capture_output=True, text=True)
    if run.returncode != 0:  # the new site is then not published; site/ stays as it was
        said = (run.stdout + run.stderr).strip().splitlines() or ["no message"]
        raise BuildFailed([Problem("site.toml", 0, f"search = true: Pagefind could not index the pages: {said[-1]}")])
    for name in UNUSED:
        (output / name).unlink(missing_ok=True)
    # Pagefind writes its languages in hash-map order, different from run to run: sorted, the
    # same input gives the same bytes here as everywhere else in the build.
    entry = output / "pagefind-entry.json"
    languages = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(languages, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")
    write_lexicons(output, sorted(languages["languages"]), groups)


# A word of Chinese script only (the index also holds words such as "英伟达h", where the indexer
# kept a Latin letter: no reader types those).
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}$")
_SIGNATURE = b"pagefind_dcd"


def words(folder: Path, language: str, pattern: re.Pattern = None) -> list[str]:
    """The Chinese words of a language's index (or those matching pattern), as Pagefind's indexer
    segmented the pages.

    Pagefind 1.5 segments a Chinese query in the browser with the browser's own dictionary
    (Intl.Segmenter), which often cuts differently from the indexer's (Chromium: 带宽 -> 带 + 宽,
    where the index has 带宽), and a query word must begin an indexed word: so search.js
    segments queries into these words instead. Each index chunk is gzip'd CBOR after a
    signature, a list whose first item lists [word, pages...] (Pagefind's own format, pinned
    with it in requirements.txt; the search tests fail if it changes)."""
    found: set[str] = set()
    for chunk in sorted((folder / "index").glob(f"{language}_*.pf_index")):
        raw = gzip.decompress(chunk.read_bytes())
        if not raw.startswith(_SIGNATURE):
            raise BuildFailed([Problem("site.toml", 0, f"search = true: {chunk.name} is not a Pagefind index "
                                                       "this build can read (is Pagefind the pinned version?)")])
        found.update(entry[0] for entry in cbor2.loads(raw[len(_SIGNATURE):])[0] if (pattern or _HAN_WORD).match(entry[0]))
    return sorted(found)


def write_lexicons(folder: Path, languages: list[str], groups: list[list[str]]) -> None:
    """pagefind/lexicon-LANG.json, read by static/search.js: the words of that language's
    index (to segment Chinese queries as the pages were) and the groups of names for one thing
    (sitegen/lexicon.py), so a query in either language's words finds the page."""
    for language in languages:
        body = {"words": words(folder, language), "groups": groups}
        (folder / f"lexicon-{language}.json").write_text(
            json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
