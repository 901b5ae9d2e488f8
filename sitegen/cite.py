"""Cite this page: each page's reference as BibTeX and CSL-JSON, written beside it (cite.bib,
cite.json) for reference managers. The readable form is in templates/partials/cite.html.

The date accessed is left out of both files: it is the reader's, and site.js adds today's
date when a reader copies a citation."""
from __future__ import annotations

import functools
import json

# BibTeX's names for the languages of the editions (biblatex's `langid` values).
_BIBTEX_LANGUAGE = {"en": "english", "zh": "chinese"}


def files(page, site) -> dict[str, bytes]:
    """{'<page folder>/cite.bib': ..., '<page folder>/cite.json': ...} for one page."""
    lang = site.languages[page.lang]
    return _files(page.url, page.lang, page.meta["title"], page.meta["updated"], lang["title"], lang["tag"],
                  site.abs_url(page.url))


@functools.lru_cache(maxsize=8192)
def _files(path: str, code: str, title: str, reviewed, name: str, tag: str, url: str) -> dict[str, bytes]:
    """files() from all they print: the preview asks again after every edit, for every page."""
    key = "h20-" + (path.strip("/").replace("/", "-") or "home")
    folder = path.lstrip("/")
    bib = "\n".join([
        f"@online{{{key},",
        f"  author = {{{{{_bib(name)}}}}},",
        f"  title = {{{_bib(title)}}},",
        f"  organization = {{{_bib(name)}}},",
        f"  date = {{{reviewed.isoformat()}}},",  # the day the page was last reviewed
        f"  year = {{{reviewed.year}}},",  # for BibTeX styles that do not read date
        f"  url = {{{url}}},",
        f"  langid = {{{_BIBTEX_LANGUAGE.get(code, code)}}},",
        "}",
    ]) + "\n"
    csl = [{
        "id": key,
        "type": "webpage",
        "title": title,
        "container-title": name,
        "author": [{"literal": name}],
        "URL": url,
        "language": tag,
        "issued": {"date-parts": [[reviewed.year, reviewed.month, reviewed.day]]},
    }]
    return {folder + "cite.bib": bib.encode("utf-8"),
            folder + "cite.json": (json.dumps(csl, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def _bib(text: str) -> str:
    """Text for a BibTeX field: braces and the characters TeX treats specially escaped."""
    for ch in "{}%&$#_":
        text = text.replace(ch, "\\" + ch)
    return text
