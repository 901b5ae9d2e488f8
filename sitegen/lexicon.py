"""The names readers type for one thing: every form of a glossary entry or a term of
data/terms.csv (English and Chinese, aliases included) is one group, so that search can treat
"Jensen Huang", "Huang" and 黄仁勋, or 显存带宽 and 内存带宽, as the same query.

A form may belong to one group only: a name that meant two things would send a reader to
the wrong page, so it stops the build at its row."""
from __future__ import annotations

import re
import unicodedata

from .errors import Problems

# Brackets around an added name (英伟达（NVIDIA）) and marks around a title or a name
# (《人民日报》, “玉渊谭天”) are not part of what a reader types.
_BRACKETED = re.compile(r"[（(]([^）)]*)[）)]")
_MARKS = re.compile(r"[《》“”\"「」]")


def forms(phrase: str) -> list[str]:
    """The forms a reader might type for one written phrase: NFKC, lower case, without marks;
    a bracketed addition is a form of its own (英伟达（NVIDIA）: 英伟达 and nvidia)."""
    phrase = unicodedata.normalize("NFKC", phrase)
    found = [inner for inner in _BRACKETED.findall(phrase)]
    found.append(_BRACKETED.sub("", phrase))
    out = []
    for form in found:
        form = " ".join(_MARKS.sub("", form).lower().split())
        if form and form not in out:
            out.append(form)
    return out


def _names(row: dict, codes: tuple[str, ...]) -> list[str]:
    """The names the site writes: the term in each language."""
    return [n for n in [row["term"], *(row.get(f"term_{code}") or "" for code in codes)] if n]


def _phrases(row: dict, codes: tuple[str, ...]) -> list[str]:
    """Every name of a row: the site's own and the other names readers use."""
    phrases = _names(row, codes) + list(row["aliases"])
    for code in codes:
        phrases += list(row.get(f"aliases_{code}") or ())
    return [p for p in phrases if p]


def groups(data, codes: tuple[str, ...] = ("zh",)) -> list[list[list[str]]]:
    """Each glossary entry and term as [names the site writes, other names readers type]
    (forms as readers type them, sorted): search looks for any of them in a query and reads
    the query again with the site's names. The groups in a stable order."""
    out = []
    for row in [*data.glossary, *data.terms]:
        names = sorted({f for p in _names(row, codes) for f in forms(p)})
        others = sorted({f for p in _phrases(row, codes) for f in forms(p)} - set(names))
        if len(names) + len(others) > 1:
            out.append([names, others])
    return sorted(out)


def check(data, problems: Problems, labels: dict, codes: tuple[str, ...] = ("zh",)) -> None:
    """No form names two different things."""
    owner: dict[str, tuple[str, str, int]] = {}
    for table in ("glossary", "terms"):
        for row in data.raw[table]:
            for form in sorted({f for p in _phrases(row, codes) for f in forms(p)}):
                first = owner.setdefault(form, (table, row["id"], row["line"]))
                if first[:2] != (table, row["id"]):
                    problems.add(labels[table], row["line"],
                                 f"'{form}' already names '{first[1]}' ({labels[first[0]]}:{first[2]}): "
                                 "a form may name one thing only")
