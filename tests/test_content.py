"""The product's promise, checked on the built real site: every stated quantity carries a
citation, every source is used, every page says when it was reviewed and how current it is."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, built_pages, page_file

# A quantity: a number with a unit, a currency or a percentage, or any number of three or
# more digits that is not a year. Bare small counts ("five facts", "2 bytes") are allowed.
QUANTITY = re.compile(
    r"(\$\s?\d|(?<![A-Za-z\d])\d[\d,.]*\s?(%|percent|billion|million|TB/s|GB/s|GB|TFLOPS|TOPS|W\b|mm²|FLOP|亿|万|美元)"
    r"|(?<![\w.-])(?!(?:19|20)\d\d(?![\d,]))\d{1,3}(,\d{3})+(?!\d)|(?<![\w.,-])(?<!S\. )(?<!H\.R\. )(?!(?:19|20)\d\d\b)\d{3,}(?![\w-]))")

# Where numbers need no citation of their own: the source lists themselves, the reference lists,
# formulas and the estimator (their inputs are cited beside them), chart axes, navigation.
EXEMPT_CLASSES = {"sources", "references", "formula", "estimator", "toc", "masthead", "colophon", "chart",
                  "src-id", "page-head", "fields", "worked"}
BLOCK_TAGS = {"p", "li", "tr", "dd", "figcaption"}


class Units(HTMLParser):
    """Collects (text, has_citation) for every paragraph, list item, table row and caption in <main>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []     # (tag, exempt)
        self.open_units: list[dict] = []
        self.units: list[tuple[str, bool]] = []
        self.in_main = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        classes = set((a.get("class") or "").split())
        exempt = bool(classes & EXEMPT_CLASSES) or tag in ("svg", "time", "code", "h1", "h2", "h3", "thead") \
            or bool(self.stack and self.stack[-1][1])
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "circle", "rect", "line", "path"):
            return
        self.stack.append((tag, exempt))
        if "cite" in classes or tag == "cite":
            for unit in self.open_units:
                unit["cited"] = True
        if tag in BLOCK_TAGS and self.in_main and not exempt:
            self.open_units.append({"tag": tag, "text": [], "cited": False, "depth": len(self.stack)})

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        while self.stack:
            top, _ = self.stack.pop()
            if self.open_units and self.open_units[-1]["depth"] == len(self.stack) + 1:
                unit = self.open_units.pop()
                self.units.append(("".join(unit["text"]).strip(), unit["cited"]))
            if top == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            return
        for unit in self.open_units:
            unit["text"].append(data)


def uncited(html: str) -> list[str]:
    parser = Units()
    parser.feed(html)
    # A row or item is covered when it or an enclosing row/item cites (a list item whose
    # sentence ends in a citation after a nested list, a table row citing in its last cell).
    return [text for text, cited in parser.units if not cited and QUANTITY.search(text)]


def test_quantity_regex_catches_what_it_should() -> None:
    for text in ["4.0 TB/s", "15%", "$4.5 billion", "2,368", "148 TFLOPS", "400 W", "700,000 chips",
                 "up to 20 percent", "814 mm²", "45亿美元", "70万颗", "提高了15%"]:
        assert QUANTITY.search(text), text
    for text in ["in 2025", "on 9 April 2025", "five facts", "the H20", "H100 SXM", "Article I, Section 9",
                 "S. 1705", "H.R. 3447", "2022-10-07", "Ascend 910B and 910C", "the A800", "2025年8月11日",
                 "昇腾910B"]:
        assert not QUANTITY.search(text), text


def test_uncited_quantities_are_found() -> None:
    assert uncited("<main><p>The chip reads 4.0 TB/s.</p></main>") == ["The chip reads 4.0 TB/s."]
    assert uncited('<main><p>The chip reads 4.0 TB/s.<sup class="cite">[1]</sup></p></main>') == []
    assert uncited('<main><div class="references"><p>4.0 TB/s</p></div></main>') == []


def test_every_quantity_on_every_page_is_cited(real_site: Path) -> None:
    problems = []
    for page in built_pages(real_site):
        if page == "404.html":
            continue
        for text in uncited(page_file(real_site, page).read_text()):
            problems.append(f"{page or '/'}: {text[:160]}")
    assert not problems, "quantities without a citation:\n" + "\n".join(problems)


def test_every_source_is_used_somewhere_and_listed_once(real_site: Path) -> None:
    ids = [row["id"] for row in csv.DictReader((ROOT / "data" / "sources.csv").open(encoding="utf-8"))]
    cited, listed = set(), {"en": [], "zh": []}
    for page in built_pages(real_site):
        html = page_file(real_site, page).read_text()
        refs = re.search(r'<section class="references".*?</section>', html, re.S)
        if refs:  # a page's reference list links each source to its entry on a sources page
            cited |= set(re.findall(r'#src-([a-z0-9._-]+)"', refs[0]))
        listed["zh" if page.startswith("zh/") else "en"] += re.findall(r'<dt id="src-([a-z0-9._-]+)"', html)
    unused = [i for i in ids if i not in cited]
    assert not unused, f"sources no page cites: {unused}"
    for edition, found in listed.items():
        assert sorted(found) == sorted(ids), f"every source has exactly one entry on the {edition} sources pages"


def test_every_page_shows_review_date_and_latest_event(real_site: Path) -> None:
    """Every page says when it was last reviewed; a page that reports events names the latest
    of them, found here from the page itself (the dates of its text and blocks, not the dates a
    verdict holds at); the home and timeline pages name the latest event in data/timeline.csv.
    No page claims its facts are current to a date ("facts as of")."""
    on_record = max(r["date"] for r in csv.DictReader((ROOT / "data" / "timeline.csv").open(encoding="utf-8")))
    for page in built_pages(real_site):
        text = page_file(real_site, page).read_text()
        reviewed = "最后审阅" if page.startswith("zh/") else "Last reviewed"
        assert re.search(reviewed + r"[^<]{0,3}<time datetime=\"\d{4}-\d{2}-\d{2}\">", text), page
        assert "Facts as of" not in text and "事实截至" not in text, page
        printed = re.search(r'<span class="latest">[^<]*<time datetime="([\d-]+)">', text)
        if page.removeprefix("zh/") in ("", "timeline/"):
            assert printed and printed[1] == on_record, (page, printed and printed[1], on_record)
            continue
        body = re.split(r'<section class="(?:references|terms|cite-page)"', text.split('<div class="prose">', 1)[-1])[0]
        body = re.sub(r'<span class="holds">.*?</span>|<ol class="changes"[^>]*>.*?</ol>', "", body, flags=re.S)
        reported = re.findall(r'<time datetime="([\d-]+)">', body)
        assert (printed[1] if printed else None) == (max(reported) if reported else None), page


def test_downloads_round_trip_to_what_the_pages_print(real_site: Path) -> None:
    """values.csv says what the specifications table shows, cell by cell, with the same sources;
    each data/*.json holds the same rows as its CSV."""
    import json
    page = page_file(real_site, "specs/").read_text()
    header = re.search(r'<table class="specs".*?<thead><tr>(.*?)</tr></thead>', page, re.S)[1]
    columns = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', header)[1:]  # after "Metric"
    chips = {row["name"]: row["id"] for row in csv.DictReader((ROOT / "data" / "chips.csv").open(encoding="utf-8"))}
    refs = {n: sid for n, sid in re.findall(r'<li id="ref-(\d+)">.*?#src-([a-z0-9._-]+)"', page)}
    values = list(csv.DictReader((real_site / "data" / "values.csv").open(encoding="utf-8")))
    checked = 0
    for v in values:
        row = re.search(rf'<tr id="row-{re.escape(v["metric"])}">(.*?)</tr>', page, re.S)
        if row is None:
            continue  # a metric the table does not show
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
        name = next(n for n, i in chips.items() if i == v["chip"])
        cell = cells[[re.sub("<[^>]+>", "", c) for c in columns].index(name)]
        printed = re.sub(r"<sup.*", "", cell, flags=re.S)
        # The page formats (1,979); the download holds the plain number (1979), or the words.
        if v["value"]:
            assert float(printed.replace(",", "")) == float(v["value"]), (v["chip"], v["metric"], printed, v["value"])
        else:
            assert printed == v["text"], (v["chip"], v["metric"], printed, v["text"])
        cited = [refs[n] for n in re.findall(r'href="#ref-(\d+)"', cell)]
        assert sorted(set(cited)) == sorted(set(v["sources"].split(";"))), (v["chip"], v["metric"])
        checked += 1
    assert checked >= 100

    for name in ("specs", "sources", "timeline", "claims"):
        rows = list(csv.DictReader((real_site / "data" / f"{name}.csv").open(encoding="utf-8")))
        data = json.loads((real_site / "data" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(data["rows"]) == len(rows), name
        for r, j in zip(rows, data["rows"]):
            for key, text in r.items():
                got = j.get(key)
                got = ";".join(got) if isinstance(got, list) else ("" if got is None else got)
                if isinstance(got, bool):
                    got = "yes" if got else "no"
                assert str(got) == text or _same_number(got, text), (name, key, got, text)


def test_every_csv_download_holds_plain_numbers(real_site: Path) -> None:
    """A spreadsheet or pandas reads every numeric column of every CSV download as numbers:
    no thousands separators, no "billion", units in their own column. Numeric columns are those
    the schema parses as numbers, and values.csv's value."""
    import sys
    sys.path.insert(0, str(ROOT))
    from sitegen.schema import TABLES, amount, positive, whole

    numeric = {f"{name}.csv": [c.name for c in t.columns if c.parse in (amount, positive, whole)]
               for name, t in TABLES.items()}
    numeric["values.csv"] = ["value"]
    downloads = sorted((real_site / "data").glob("*.csv"))
    assert {p.name for p in downloads} >= set(numeric) - {"published.csv"} | {"values.csv"}
    checked = 0
    for path in downloads:
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for i, row in enumerate(rows, start=2):
            for column in numeric.get(path.name, []):
                cell = row[column]
                if cell:
                    assert re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell), f"data/{path.name}:{i}: {column} = {cell!r}"
                    float(cell)
                    checked += 1
    values = list(csv.DictReader((real_site / "data" / "values.csv").open(encoding="utf-8")))
    assert all(v["value"] or v["text"] for v in values) and all(v["reviewed"] and v["sources"] for v in values)
    assert checked > 100
    readme = (real_site / "data" / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "@misc{" in readme and "引用格式" in readme



def _same_number(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def test_every_source_says_where_we_read_it_and_offers_an_archived_copy(real_site: Path) -> None:
    """Each source's entry in the sources lists leads with its original publisher; a link on a
    domain other than that publisher's (data/publishers.csv) is marked as a copy, with the site
    it was read on and the original publisher named (or said to be unknown); every link has a
    Wayback Machine copy dated the day we read it."""
    import html
    from urllib.parse import urlsplit
    domains = {r["name"]: r["domains"].split(";") for r in
               csv.DictReader((ROOT / "data" / "publishers.csv").open(encoding="utf-8"))}
    entries = {}
    for path in (real_site / "sources").rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        for sid, body in re.findall(r'<dt id="src-([^"]+)">(.*?)(?=<dt id=|</dl>)', text, re.S):
            entries[sid] = html.unescape(body)
    sources = list(csv.DictReader((ROOT / "data" / "sources.csv").open(encoding="utf-8")))
    assert set(entries) == {s["id"] for s in sources}
    problems = []
    for s in sources:
        entry = entries[s["id"]]
        first = re.search(r"<dd>(.*?)</dd>", entry, re.S)[1]
        host = (urlsplit(s["url"]).hostname or "").rstrip(".")
        own = s["publisher"] in domains and any(host == d or host.endswith("." + d) for d in domains[s["publisher"]])
        if s["url"] and not own:
            if s["access"] == "original":
                problems.append(f"{s['id']}: {host} is not {s['publisher']}'s site, yet marked original")
            elif s["access"] in ("syndicated", "reprint"):
                if f"Read via {s['via']}" not in first:
                    problems.append(f"{s['id']}: no 'read via' in {first[:80]!r}")
                byline = s["author"].replace("; ", ", ") + ", " if s["author"] else ""
                named = s["origin"] and first.removeprefix(byline).startswith(s["publisher"])
                if not named and "Original publisher not known." not in first:
                    problems.append(f"{s['id']}: original publisher neither named first nor said unknown")
            elif not re.search(r"A rewrite of|A rewrite;|Relays an? |Reports remarks by", first):
                problems.append(f"{s['id']}: a rewrite not marked as one")
            elif s["relays"] != "report" and "reporting" in first:
                problems.append(f"{s['id']}: {s['origin']} named as a newsroom, but it {s['relays']}s")
        if s["url"]:
            archived = f"https://web.archive.org/web/{s['accessed'].replace('-', '')}/{s['url']}"
            if f'href="{archived}"' not in entry:
                problems.append(f"{s['id']}: no archived copy at {archived}")
    assert not problems, "\n".join(problems[:20])
