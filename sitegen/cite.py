"""Cite this page: each page's reference as BibTeX and CSL-JSON, written beside it (cite.bib,
cite.json) for reference managers. The readable form is in templates/partials/cite.html.

The date accessed is left out of both files: it is the reader's, and site.js adds today's
date when a reader copies a citation."""
from __future__ import annotations

import json

# BibTeX's names for the languages of the editions (biblatex's `langid` values).
_BIBTEX_LANGUAGE = {"en": "english", "zh": "chinese"}


def files(page, site) -> dict[str, bytes]:
    """{'<page folder>/cite.bib': ..., '<page folder>/cite.json': ...} for one page."""
    lang = site.languages[page.lang]
    url = site.abs_url(page.url)
    reviewed = page.meta["updated"]
    key = "h20-" + (page.url.strip("/").replace("/", "-") or "home")
    folder = page.url.lstrip("/")
    bib = "\n".join([
        f"@online{{{key},",
        f"  author = {{{{{_bib(lang['title'])}}}}},",
        f"  title = {{{_bib(page.meta['title'])}}},",
        f"  organization = {{{_bib(lang['title'])}}},",
        f"  date = {{{reviewed.isoformat()}}},",  # the day the page was last reviewed
        f"  year = {{{reviewed.year}}},",  # for BibTeX styles that do not read date
        f"  url = {{{url}}},",
        f"  langid = {{{_BIBTEX_LANGUAGE.get(page.lang, page.lang)}}},",
        "}",
    ]) + "\n"
    csl = [{
        "id": key,
        "type": "webpage",
        "title": page.meta["title"],
        "container-title": lang["title"],
        "author": [{"literal": lang["title"]}],
        "URL": url,
        "language": lang["tag"],
        "issued": {"date-parts": [[reviewed.year, reviewed.month, reviewed.day]]},
    }]
    return {folder + "cite.bib": bib.encode("utf-8"),
            folder + "cite.json": (json.dumps(csl, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def _bib(text: str) -> str:
    """Text for a BibTeX field: braces and the characters TeX treats specially escaped."""
    for ch in "{}%&$#_":
        text = text.replace(ch, "\\" + ch)
    return text
