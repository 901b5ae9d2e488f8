"""The Chinese edition read as a Chinese reader reads it, from the built pages: typesetting
(citation marks, spaces, brackets), a Chinese reference apparatus, the terms it must not use,
one rendering per quotation, the glossary in pinyin order; and no internal id in either
edition's text. The rules live in sitegen/typeset.py and the data; these tests make sure no
new text regresses."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import companion_pages, ROOT, built_pages, page_file

FULL = "，。；：、！？（）《》“”‘’【】〔〕"
KEEP = {"script", "style", "code", "pre", "svg", "textarea", "kbd"}
VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}


class Text(HTMLParser):
    """The text a reader sees, outside other-language elements, code and charts; with the
    elements of a given class collected apart (quotations, reference entries)."""

    def __init__(self, skip_classes=()):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, str]] = []
        self.parts: list[str] = []
        self.skip_classes = set(skip_classes)
        self.quotes: list[tuple[str, str]] = []  # (data-q id, its text)
        self._quote: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        lang = a.get("lang") or ""
        classes = set((a.get("class") or "").split())
        keep = (tag in KEEP or "gbt" in classes or bool(classes & self.skip_classes)
                or (bool(lang) and not lang.lower().startswith("zh")))
        self.stack.append((tag, keep, a.get("data-q") or ""))
        if a.get("data-q"):
            self._quote = [a["data-q"], ""]

    def handle_endtag(self, tag):
        while self.stack:
            name, _, q = self.stack.pop()
            if q and self._quote:
                self.quotes.append(tuple(self._quote))
                self._quote = None
            if name == tag:
                break

    def handle_data(self, data):
        if self._quote is not None:
            self._quote[1] += data
        if not any(keep for _, keep, _ in self.stack):
            self.parts.append(data)
        elif data.strip() and not (self.parts and self.parts[-1] == "\ufffc"):
            self.parts.append("\ufffc")  # text set apart still stands between its neighbours

    @property
    def text(self) -> str:
        return "".join(self.parts)


def zh_pages(real_site: Path) -> list[str]:
    return [p for p in built_pages(real_site) if p.startswith("zh/")]


def main_html(real_site: Path, page: str) -> str:
    html = page_file(real_site, page).read_text(encoding="utf-8")
    return html[html.index("<main"):html.index("</main>")] if "<main" in html else ""


def reading(real_site: Path, page: str, skip_classes=()) -> Text:
    parser = Text(skip_classes)
    parser.feed(main_html(real_site, page))
    return parser


def test_citation_marks_sit_before_chinese_punctuation(real_site: Path) -> None:
    bad = [f"{p}: …{m[0][-60:]}" for p in zh_pages(real_site)
           for m in re.finditer(r'.{0,20}[，。；：、！？]\s*<sup class="cite">', main_html(real_site, p))]
    assert not bad, "\n".join(bad[:20])


def test_no_half_width_space_or_bracket_in_chinese_text(real_site: Path) -> None:
    problems = []
    for page in zh_pages(real_site):
        text = reading(real_site, page).text
        for m in re.finditer(rf"[{FULL}][ \t\n]+\S|\S[ \t\n]+[{FULL}]", text):
            problems.append(f"{page}: space beside full-width punctuation: {text[max(0, m.start() - 12):m.end() + 12]!r}")
        for m in re.finditer(r"[()]|->", text):
            problems.append(f"{page}: half-width {m[0]!r}: {text[max(0, m.start() - 15):m.end() + 15]!r}")
    assert not problems, "\n".join(problems[:30])


def test_no_internal_source_id_in_reader_text(real_site: Path) -> None:
    """Ids are for the data and the links (#src-…), never for the reader to read."""
    ids = [r["id"] for r in csv.DictReader((ROOT / "data/sources.csv").open(encoding="utf-8"))]
    found = re.compile(r"(?<![\w/#.-])(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")(?![\w-])")
    problems = []
    for page in built_pages(real_site):
        parser = Text()
        parser.skip_classes = set()
        parser.feed(main_html(real_site, page))
        for m in found.finditer("".join(parser.parts)):
            problems.append(f"{page or '/'}: {m[0]}")
    assert not problems, "\n".join(problems[:20])


def test_chinese_reference_entries_are_in_chinese(real_site: Path) -> None:
    """No English placeholder title ([Report on …]) or role label ((compiler)) in a Chinese
    page's references or source lists: our own words are in the reader's language."""
    problems = []
    for page in zh_pages(real_site):
        html = main_html(real_site, page)
        for m in re.finditer(r"<cite[^>]*>(?:<a [^>]*>)?\[[A-Za-z]", html):
            problems.append(f"{page}: English placeholder title: {html[m.start():m.start() + 90]}")
        for m in re.finditer(r"<dt id=\"src-[^\"]+\">(?:<a [^>]*>)?\[[A-Za-z]", html):
            problems.append(f"{page}: English placeholder title: {html[m.start():m.start() + 90]}")
        for label in ("(compiler)", "(co-author)", "A rewrite of", "reporting."):
            if label in html:
                problems.append(f"{page}: English label {label!r}")
    assert not problems, "\n".join(problems[:20])


def test_chinese_text_avoids_the_forms_terms_rule_out(real_site: Path) -> None:
    """data/terms.csv's avoid_zh: 终止开关 for kill switch, 薄荷报 for Mint, 峰会 for the
    presidents' meetings... Titles of sources and quoted words stay as their authors wrote them."""
    avoid = {form: row["id"] for row in csv.DictReader((ROOT / "data/terms.csv").open(encoding="utf-8"))
             for form in filter(None, row["avoid_zh"].split(";"))}
    problems = []
    for page in zh_pages(real_site):
        text = reading(real_site, page, skip_classes={"quote"}).text
        text = re.sub(r"<cite.*?</cite>", "", text)
        for form, term in avoid.items():
            if form in text:
                i = text.index(form)
                problems.append(f"{page}: {form} ({term}): {text[max(0, i - 15):i + 15]!r}")
    # Our translations of passages, on the companions (the passages themselves are the sources').
    for page in (p for p in companion_pages(real_site) if p.startswith("zh/")):
        ours = " ".join(re.findall(r'<p class="ours">(.*?)</p>', page_file(real_site, page).read_text(encoding="utf-8")))
        problems += [f"{page}: {form} ({term}) in our translation of a passage" for form, term in avoid.items() if form in ours]
    assert not problems, "\n".join(problems[:20])


def test_each_quotation_reads_the_same_everywhere(real_site: Path) -> None:
    """A quotation renders one way per edition, and no translation mark stands outside a
    quotation from data/quotations.csv (a hand-typed translation would be a second version)."""
    seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    problems = []
    for page in built_pages(real_site):
        edition = "zh" if page.startswith("zh/") else "en"
        html = main_html(real_site, page)
        parser = Text()
        parser.feed(html)
        for qid, text in parser.quotes:
            seen[(edition, qid)].setdefault(text, page)
        mark = "（本站译）" if edition == "zh" else "(our translation)"
        outside = re.sub(r'<span class="quote" data-q="[^"]+">.*?</span>', "", html, flags=re.S)
        if mark in outside:
            i = outside.index(mark)
            problems.append(f"{page or '/'}: translation mark outside a quotation: {outside[max(0, i - 60):i]!r}")
    for (edition, qid), versions in seen.items():
        if len(versions) > 1:
            problems.append(f"{edition} {qid}: rendered {len(versions)} ways: {list(versions.values())}")
    assert seen, "no quotation rendered from data/quotations.csv"
    assert not problems, "\n".join(problems[:20])


def test_glossary_in_each_languages_order(real_site: Path) -> None:
    pypinyin = pytest.importorskip("pypinyin")
    terms = lambda page: [re.sub(r"<[^>]+>", "", t).strip() for t in
                          re.findall(r'<dt id="term-[^"]+">(.*?) <a class="pl"', main_html(real_site, page), re.S)]
    en, zh = terms("glossary/"), terms("zh/glossary/")
    assert en == sorted(en, key=str.casefold) and len(en) > 20
    latin = [t for t in zh if re.match(r"[A-Za-z0-9]", t)]
    han = [t for t in zh if not re.match(r"[A-Za-z0-9]", t)]
    assert zh == latin + han, "terms beginning with Latin letters come first"
    readings = [pypinyin.lazy_pinyin(t.lstrip("《“"), style=pypinyin.Style.TONE3) for t in han]
    assert readings == sorted(readings), [t for t in han]
