"""The two editions of the real site, checked as built: every page has its twin, twins cite the
same sources, print the same figures and carry the same anchors; the Chinese chrome is all
Chinese; dates and money are written the Chinese way; translated quotations say so. The fixture
gets the generator-level checks (formats, links into the same language)."""
from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT, built_pages, page_file

from sitegen.formats import date, figure

ZH = "zh/"
# Ids that name the same thing in both editions: claims, events, spec and rule rows, glossary
# terms, sources, charts, years, disagreements, headings' own ids.
ITEM_ID = re.compile(r'\sid="((?:claim|event|row|rule|term|src|chart|disagree|verdict|kind)-[^"]+|y\d{4})"')


def pairs(site: Path) -> list[tuple[str, str]]:
    english = [p for p in built_pages(site) if not p.startswith(ZH)]
    return [(p, ZH + p) for p in english]


def test_every_page_has_its_twin(real_site: Path) -> None:
    pages = set(built_pages(real_site))
    english = {p for p in pages if not p.startswith(ZH)}
    chinese = {p[len(ZH):] for p in pages if p.startswith(ZH)}
    assert english == chinese, (english ^ chinese)
    assert len(english) >= 18


def references(html: str) -> set[str]:
    refs = re.search(r'<section class="references".*?</section>', html, re.S)
    return set(re.findall(r'#src-([a-z0-9._-]+)"', refs[0])) if refs else set()


def amount(text: str) -> Decimal | None:
    """The quantity a printed figure stands for, in either language: '$4.5 billion', '45亿美元',
    '700,000', '70万', '15%', '4.0 TB/s' -> a number; None for words (HBM3)."""
    text = text.replace("\u00a0", " ").replace(",", "").strip()
    m = re.match(r"^\$?([\d.]+)(?: (thousand|million|billion|trillion))?", text)
    zh = re.match(r"^([\d.]+)(万亿|亿|万)", text)
    if zh:
        return Decimal(zh[1]) * 10 ** {"万亿": 12, "亿": 8, "万": 4}[zh[2]]
    if m:
        return Decimal(m[1]) * 10 ** {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}.get(m[2] or "", 0)
    return None


def values(html: str) -> list[Decimal]:
    main = html[html.index("<main"):html.index("</main>")]
    texts = re.findall(r'<span class="value">(.*?)<sup', main, re.S)
    return sorted(a for a in map(amount, texts) if a is not None)


def test_twins_cite_the_same_sources_print_the_same_figures_and_share_anchors(real_site: Path) -> None:
    problems = []
    for en, zh in pairs(real_site):
        a, b = page_file(real_site, en).read_text(), page_file(real_site, zh).read_text()
        if references(a) != references(b):
            problems.append(f"{zh}: sources differ: {sorted(references(a) ^ references(b))[:5]}")
        if values(a) != values(b):
            problems.append(f"{zh}: figures differ: {values(a)} / {values(b)}")
        ids_a, ids_b = set(ITEM_ID.findall(a)), set(ITEM_ID.findall(b))
        if ids_a != ids_b:
            problems.append(f"{zh}: anchors differ: {sorted(ids_a ^ ids_b)[:5]}")
        headings = [set(re.findall(r'<h[23] id="([^"]+)"', x)) for x in (a, b)]
        if headings[0] != headings[1]:
            problems.append(f"{zh}: heading ids differ: {sorted(headings[0] ^ headings[1])[:5]}")
    assert not problems, "\n".join(problems)
    claims = page_file(real_site, "zh/claims/").read_text()
    assert 'id="claim-h20-nvlink-cut-to-400"' in claims  # the example of the issue


def test_each_edition_links_to_its_twin_and_declares_its_language(real_site: Path) -> None:
    for en, zh in pairs(real_site):
        a, b = page_file(real_site, en).read_text(), page_file(real_site, zh).read_text()
        assert '<html lang="en">' in a and '<html lang="zh-Hans">' in b, zh
        # The language switch leads to the same page in the other language, not the home page.
        switch_a = re.search(r'<p class="languages"><a href="([^"]+)"', a)[1]
        switch_b = re.search(r'<p class="languages"><a href="([^"]+)"', b)[1]
        assert switch_a.endswith("/" + zh.removesuffix("index.html")) or switch_a.endswith(zh), (en, switch_a)
        assert switch_b.endswith("/" + en) or (en == "" and switch_b.endswith("/h20/")), (zh, switch_b)
        if en != "404.html":
            for html in (a, b):
                tags = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
                assert set(tags) == {"en", "zh-Hans", "x-default"}, en
        assert '<meta property="og:locale" content="zh_CN">' in b


PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z]+\}|<[^>]+>")


def catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (ROOT / "i18n/zh/LC_MESSAGES/messages.po").open("rb") as fh:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(fh) if m.id}


def test_every_template_phrase_is_in_the_catalogue_and_translated(tmp_path: Path) -> None:
    """Extract the phrases as `make messages` does; each must have a Chinese entry, and the
    catalogue must hold nothing the templates no longer use."""
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    from babel.messages.pofile import read_po
    with pot.open("rb") as fh:
        wanted = {(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(fh) if m.id}
    have = catalogue()
    assert len(wanted) > 150
    missing = sorted(wanted - set(have))
    untranslated = sorted(k for k, v in have.items() if not (v if isinstance(v, str) else all(v)))
    unused = sorted(set(have) - wanted)
    assert not missing and not untranslated and not unused, (missing, untranslated, unused)


class Chrome(HTMLParser):
    """The text of a Chinese page that the templates write (navigation, headings of lists and
    tables, captions, labels, footer), leaving out what quotes or names other-language things:
    source titles, elements marked with another language, code and source ids."""

    SKIP = {"cite", "code", "script", "style", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("br", "meta", "link", "input", "img", "circle", "rect", "line", "polyline", "path"):
            return
        foreign = (a.get("lang") or "zh").split("-")[0] != "zh" or tag in self.SKIP or "src-id" in (a.get("class") or "")
        self.stack.append(foreign or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def test_no_english_template_phrase_on_a_chinese_page(real_site: Path) -> None:
    # Every catalogue phrase, cut at its placeholders into runs of two or more English words.
    fragments = set()
    for english in catalogue():
        for part in PLACEHOLDER.split(english):
            words = re.findall(r"[A-Za-z][A-Za-z'-]+", part)
            if len(words) >= 2:
                fragments.add(" ".join(words))
    found = []
    for page in built_pages(real_site):
        if not page.startswith(ZH):
            continue
        parser = Chrome()
        parser.feed(page_file(real_site, page).read_text())
        # Quotations keep the speaker's English words; only the rest must be Chinese.
        prose = re.sub(r"“[^”]*”", " ", " ".join(parser.text))
        text = " ".join(re.findall(r"[A-Za-z][A-Za-z'-]+", prose))
        found += [f"{page}: {f!r}" for f in fragments if re.search(rf"\b{re.escape(f)}\b", text)]
    assert not found, "\n".join(sorted(found)[:30])


def test_dates_and_money_are_written_the_chinese_way(real_site: Path) -> None:
    timeline = page_file(real_site, "zh/export-controls/2025/").read_text()
    assert "45亿美元" in timeline and "$4.5 billion" not in timeline
    assert "2025年4月9日" in timeline
    english = page_file(real_site, "export-controls/2025/").read_text()
    assert "$4.5 billion" in english and "9 April 2025" in english
    events = page_file(real_site, "zh/timeline/").read_text()
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">\d{4}年\d{1,2}月\d{1,2}日</time>', events)
    assert not re.search(r'<time datetime="[^"]+">\d{4}-\d{2}', events)


def test_formatter_writes_each_languages_conventions() -> None:
    cases = [("4.5 billion", "usd", "$4.5 billion", "45亿美元"), ("180 million", "usd", "$180 million", "1.8亿美元"),
             ("12000", "usd", "$12,000", "1.2万美元"), ("700000", "count", "700,000", "70万"),
             ("1 million", "count", "1 million", "100万"), ("2048", "count", "2,048", "2048"),
             ("60 million", "usd", "$60 million", "6000万美元"), ("1.6 trillion", "count", "1.6 trillion", "1.6万亿"),
             ("15", "percent", "15%", "15%"), ("6500", "GB/s", "6,500\u00a0GB/s", "6,500\u00a0GB/s")]
    for value, unit, en, zh in cases:
        assert figure(value, unit, "en_GB") == en and figure(value, unit, "zh_Hans_CN") == zh, value
        assert amount(en) == amount(zh) or unit not in ("usd", "count")
    assert date("2025-08-11", "zh_Hans_CN", "long") == "2025年8月11日"
    assert date("2025-08", "zh_Hans_CN") == "2025年8月" and date("2025", "zh_Hans_CN") == "2025年"
    assert date("2025-08-11", "en_GB", "long") == "11 August 2025" and date("2025-08", "en_GB") == "Aug 2025"


def test_quotations_we_translated_are_marked(real_site: Path) -> None:
    """A long quotation cited only to sources in another language than the page's is our
    translation and must say so ((our translation) / （本站译）) before its citation."""
    problems = []
    for page in built_pages(real_site):
        html = page_file(real_site, page).read_text()
        if "<main" not in html:
            continue
        main = html[html.index("<main"):html.index("</main>")]
        zh = page.startswith(ZH)
        other = {n for n, body in re.findall(r'<li id="ref-(\d+)">(.*?)</li>', main, re.S)
                 if re.search(r'<cite lang="(?!zh)' if zh else r'<cite lang="zh', body)}
        quote = r"“([^”]{10,}?)”" if zh else r"“([^”]{30,}?)”|\"([^\"]{30,}?)\""
        for m in re.finditer(quote + r"(\s*<small class=\"tr\">[^<]*</small>)?[^<“\"]{0,12}<sup class=\"cite\">(.*?)</sup>", main):
            cited = set(re.findall(r'href="#ref-(\d+)"', m[m.lastindex]))
            marked = m[m.lastindex - 1] is not None
            if cited and cited <= other and not marked:
                problems.append(f"{page or '/'}: {(m[1] or m[2])[:60]!r}")
    assert not problems, "quotations translated by us but not marked:\n" + "\n".join(problems)
