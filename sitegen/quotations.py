"""Quotations, each written once (data/quotations.csv): the speaker's words in the language
they spoke, and our translation into each other language of the site, so that a sentence
quoted on three pages reads the same on all three. Pages and data cells write {{q:id}}; a
reader sees the words in the page's language, marked as our translation where they are ours.

A title quoted (a blog post's, a commentary's) is set as a title: in 《》 in Chinese."""
from __future__ import annotations

import re

from markupsafe import Markup

from .errors import Problems

QUOTE_RE = r"\{\{\s*q:([a-z0-9][a-z0-9_.-]*)\s*\}\}"
MARKS = {("quote", "zh"): ("“", "”"), ("title", "zh"): ("《", "》")}
DEFAULT_MARKS = ("“", "”")


def words(row: dict, code: str) -> tuple[str, bool]:
    """(the words in language code, whether they are our translation)."""
    if row["language"] == code:
        return row["words"], False
    return row[f"ours_{code}"], True


def marked(row: dict, code: str) -> tuple[str, bool]:
    """(the words in their quotation marks, or title marks, for language code; are they ours)."""
    text, ours = words(row, code)
    open_, close = MARKS.get((row["form"], code), DEFAULT_MARKS)
    return open_ + text + close, ours


def html(row: dict, code: str, mark: str) -> Markup:
    """The quotation as a page of language code prints it: in its quotation marks (or title
    marks), followed by the translation mark where the words are ours."""
    text, ours = marked(row, code)
    out = Markup('<span class="quote" data-q="{}">{}').format(row["id"], text)
    if ours:
        out += Markup('<small class="tr">{}</small>').format(mark)
    return out + Markup("</span>")


def check(data, problems: Problems, label: str, codes: tuple[str, ...]) -> None:
    """Each quotation has our translation into every language of the site but its own, and
    none into its own; a shorter quotation of the same words is translated as the longer one."""
    rows = data.raw["quotations"]
    for row in rows:
        for code in codes:
            ours = row.get(f"ours_{code}", "")
            if code == row["language"] and ours:
                problems.add(label, row["line"], f"'ours_{code}' must be empty: the words are already in {code}")
            elif code != row["language"] and not ours:
                problems.add(label, row["line"], f"'ours_{code}' is empty: the quotation needs our {code} translation")
    # The same words quoted in full and in part: the part's translation must be part of the whole's.
    for short in rows:
        core = _core(short["words"])
        for whole in rows:
            if whole is short or whole["language"] != short["language"] or core not in _core(whole["words"]):
                continue
            for code in codes:
                if code != short["language"] and short.get(f"ours_{code}") and whole.get(f"ours_{code}"):
                    if not all(piece in _core(whole[f"ours_{code}"]) for piece in _pieces(short[f"ours_{code}"])):
                        problems.add(label, short["line"], f"quotes part of '{whole['id']}' (line {whole['line']}) "
                                                           f"but translates it differently into {code}: use the same words")


def _core(text: str) -> str:
    """The words without punctuation, spaces or case, for comparing quotations."""
    return re.sub(r"[\W_]+", "", text).lower()


def _pieces(text: str) -> list[str]:
    """The runs of a translation between ellipses (a shortened quotation leaves words out)."""
    return [p for p in (_core(part) for part in re.split(r"…+|\.\.\.", text)) if p]


def marked_cell(text: str, rows: dict, code: str, mark: str) -> str:
    """{{q:id}} in an already escaped data cell, written out for language code."""
    return re.sub(QUOTE_RE, lambda m: str(html(rows[m[1]], code, mark)), text)
