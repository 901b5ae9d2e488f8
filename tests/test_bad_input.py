"""Every class of bad input stops the build with `file:line: message`, exit status 1, no
traceback, and the previously built site/ untouched."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, copy_site, run_build, tree_digest

LINE = re.compile(r"^[^\s:][^:]*:\d+: .+$")
# The line of one catalogue entry, where the build must point when it lacks a translation.
PO_LINE = next(i for i, line in enumerate((ROOT / "i18n/zh/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
                                         .splitlines(), 1) if line == 'msgid "On this page"')


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def publish(root: Path) -> None:
    """Record the fixture's figures and verdicts as first published (data/published.csv), as
    a published site has them, so that the changes log is checked from here on."""
    import csv
    rows = ["item,value,source"]
    for r in csv.DictReader((root / "data/specs.csv").open(encoding="utf-8")):
        if r["accepted"] == "yes":
            rows.append(f"{r['chip']}.{r['metric']},{r['value']},{r['source']}")
    for r in csv.DictReader((root / "data/figures.csv").open(encoding="utf-8")):
        rows.append(f"fig:{r['id']},{r['value']},{r['source']}")
    for r in csv.DictReader((root / "data/claims.csv").open(encoding="utf-8")):
        rows.append(f"claim:{r['id']},{r['verdict']},")
    (root / "data/published.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def change_figure(root: Path, entry: str = "") -> None:
    """After publication, the H20's memory bandwidth goes from 4.0 to 4.1 (with an entry, if given)."""
    publish(root)
    edit(root / "data/specs.csv", "h20,memory_bandwidth,4.0,", "h20,memory_bandwidth,4.1,")
    append(root / "data/changes.csv", entry)


# (id, change to make in the project, expected "file:line", expected words in the message)
CASES = [
    ("front-matter-syntax", lambda r: edit(r / "content/about.md", 'title = "About"', 'title = "About'),
     "content/about.md:2", "not valid TOML"),
    ("front-matter-missing-delimiter", lambda r: edit(r / "content/about.md", "+++\n\nMade", "\nMade"),
     "content/about.md:1", "front matter missing"),
    ("missing-required-field", lambda r: edit(r / "content/about.md", 'summary = "About the fixture."\n', ""),
     "content/about.md:1", "'summary' is required"),
    ("wrong-type", lambda r: edit(r / "content/specs.md", "nav = 2", 'nav = "two"'),
     "content/specs.md:6", "'nav' must be an integer"),
    ("impossible-date", lambda r: edit(r / "content/about.md", "date = 2025-01-01", "date = 2025-02-30"),
     "content/about.md:4", "not valid TOML"),
    ("date-not-a-date", lambda r: edit(r / "content/about.md", "date = 2025-01-01", 'date = "yesterday"'),
     "content/about.md:4", "must be a date"),
    ("unknown-front-matter-key", lambda r: edit(r / "content/about.md", "+++\n\nMade", 'colour = "red"\n+++\n\nMade'),
     "content/about.md:6", "unknown front matter key 'colour'"),
    ("unknown-citation", lambda r: edit(r / "content/specs.md", "Second claim.[@paper; @sheet]", "Second claim.[@paper; @nope]"),
     "content/specs.md:9", "unknown source id 'nope'"),
    ("malformed-citation", lambda r: append(r / "content/about.md", "\nBad [@two words] here.\n"),
     "content/about.md:10", "malformed citation"),
    ("unknown-chip", lambda r: append(r / "content/about.md", "\nIt has {{b200.memory_bandwidth}}.\n"),
     "content/about.md:10", "unknown chip 'b200'"),
    ("unknown-metric", lambda r: append(r / "content/about.md", "\nIt has {{h20.warp_speed}}.\n"),
     "content/about.md:10", "unknown metric 'warp_speed'"),
    ("missing-value", lambda r: append(r / "content/about.md", "\nIt has {{h100-sxm.memory_type}}.\n"),
     "content/about.md:10", "no value of 'memory_type' for chip 'h100-sxm'"),
    ("dead-page-link", lambda r: append(r / "content/about.md", "\nSee [nothing](/nowhere/).\n"),
     "content/about.md:10", "link to /nowhere/: no such page"),
    ("dead-anchor", lambda r: append(r / "content/about.md", "\nSee [memory](/specs/#no-such-heading).\n"),
     "content/about.md:10", "no element with id 'no-such-heading'"),
    ("dead-anchor-same-page", lambda r: append(r / "content/about.md", "\nSee [above](#nothing-here).\n"),
     "content/about.md:10", "no element with id 'nothing-here'"),
    ("bad-link-scheme", lambda r: append(r / "content/about.md", "\nSee [this](http://example.com/).\n"),
     "content/about.md:10", "must start with https://"),
    ("duplicate-url", lambda r: (r / "content/about-copy.md").write_text(
        (r / "content/about.md").read_text(encoding="utf-8").replace("+++\n\nMade", 'slug = "about"\n+++\n\nMade'),
        encoding="utf-8"),
     "content/about.md:1", "URL /about/ is already used by content/about-copy.md"),
    ("unknown-block", lambda r: append(r / "content/about.md", "\n{{< nosuchblock >}}\n"),
     "content/about.md:10", "block 'nosuchblock'"),
    ("csv-wrong-cell-count", lambda r: append(r / "data/specs.csv", "h20,power,400,sheet\n"),
     "data/specs.csv:11", "row has 4 cells, the header has 9"),
    ("csv-non-numeric", lambda r: append(r / "data/specs.csv", "h20,power,four hundred,sheet,yes,2026-01-01,,,\n"),
     "data/specs.csv:11", "must be a positive number"),
    ("csv-negative", lambda r: append(r / "data/specs.csv", "h20,power,-400,sheet,yes,2026-01-01,,,\n"),
     "data/specs.csv:11", "must be a positive number"),
    ("csv-duplicate-id", lambda r: append(r / "data/sources.csv", "sheet,news,X,Y,,2025,,,,en,original,,,X,no,Z,,X,Z,,X,,\n"),
     "data/sources.csv:5", "duplicate id 'sheet' (first on line 2)"),
    ("csv-bad-date", lambda r: append(r / "data/timeline.csv", "x,2025-02-30,,nvidia,Something.,paper,,某事。\n"),
     "data/timeline.csv:4", "not a real date"),
    ("csv-unknown-source", lambda r: append(r / "data/timeline.csv", "y,2025-02-03,,nvidia,Something.,ghost,,某事。\n"),
     "data/timeline.csv:4", "unknown source id 'ghost'"),
    ("csv-missing-column", lambda r: edit(r / "data/chips.csv", "id,name,vendor,architecture,note", "id,name,vendor,note"),
     "data/chips.csv:1", "missing column(s) architecture"),
    ("csv-two-accepted", lambda r: append(r / "data/specs.csv", "h20,memory_bandwidth,4.8,paper,yes,2026-01-01,,,\n"),
     "data/specs.csv:11", "second accepted value for h20 memory_bandwidth"),
    ("template-syntax", lambda r: edit(r / "templates/page.html", "{% block main %}", "{% block main %}{% if %}"),
     "templates/page.html:2", "TemplateSyntaxError"),
    ("template-undefined", lambda r: edit(r / "templates/page.html", "<h1>{{ page.meta.title }}</h1>",
                                          "<h1>{{ page.meta.no_such_key }}</h1>"),
     "templates/page.html:6", "no_such_key"),
    ("block-template-undefined", lambda r: edit(r / "templates/blocks/claims.html", "{{ c.claim|marked }}", "{{ c.nonsense }}"),
     "content/timeline.md:11", "templates/blocks/claims.html:11"),
    ("lists-sources-unknown-kind", lambda r: edit(r / "content/sources/news.md", 'kinds = ["news"]', 'kinds = ["gossip"]'),
     "content/sources/news.md:8", "'kinds' must list some of"),
    ("lists-sources-bad-date", lambda r: edit(r / "content/sources/news.md", 'kinds = ["news"]', 'kinds = ["news"]\nfrom = "July"'),
     "content/sources/news.md:8", "'from' must be a date or its start"),
    ("lists-sources-overlap", lambda r: (r / "content/sources/all-news.md").write_text(
        (r / "content/sources/news.md").read_text(encoding="utf-8"), encoding="utf-8"),
     "content/sources/news.md:8", "lists_sources overlaps content/sources/all-news.md: both claim 1 source(s), e.g. 'paper'"),
    ("sources-not-shown", lambda r: edit(r / "content/sources/news.md", "{{< sources >}}", "No list here."),
     "content/sources/news.md:8", "lists 1 source(s) but shows no entry for them, e.g. 'paper'"),
    ("sources-page-missing", lambda r: [(r / f"content/sources{suffix}.md").unlink() for suffix in ("", ".zh")],
     "site.toml:1", "sources_page /sources/ is not a page"),
    ("site-config", lambda r: edit(r / "site.toml", 'base_url = "https://example.github.io/repo/"', 'base_url = "ftp://x"'),
     "site.toml:1", "base_url"),
    # Verdicts and sourcing (sitegen/evidence.py)
    ("verdict-without-evidence", lambda r: edit(r / "data/claims.csv", "paper,wrong,2025-07,It is higher.,sheet",
                                                "paper,confirmed,2025-07,It is higher.,paper"),
     "data/claims.csv:2", "claim 'bw' is 'confirmed', which needs a primary source or reports from two different publishers"),
    ("rests-only-on-copies", lambda r: edit(r / "data/sources.csv", "en,original,,,Daily News,no", "en,relay,report,,Daily News,no"),
     "data/timeline.csv:2", "'licence' rests only on reprints or relays (paper)"),
    ("later-without-source", lambda r: edit(r / "data/claims.csv", "sheet,,,,,H20的显存带宽低于H100,一位专栏作者,实际更高。,",
                                            "sheet,2025-08,It changed.,,,H20的显存带宽低于H100,一位专栏作者,实际更高。,后来有变。"),
     "data/claims.csv:2", "a later development needs all of later_date, later and later_source"),
    ("verdict-undefined", lambda r: edit(r / "data/verdicts.csv", 'unsupported,Unsupported,"No evidence for, some against.",缺乏依据,没有支持的证据，且有相反证据。\n', ""),
     "data/verdicts.csv:1", "no definition of verdict(s) unsupported"),
    ("unknown-figure", lambda r: append(r / "content/about.md", "\nIt cost {{fig:nope}}.\n"),
     "content/about.md:10", "unknown figure 'nope'"),
    ("impossible-date-in-text", lambda r: append(r / "content/about.md", "\nOn {{2025-02-30}} nothing happened.\n"),
     "content/about.md:10", "is not a real date"),
    # The editions (sitegen/translations.py, sitegen/catalog.py)
    ("missing-twin", lambda r: (r / "content/about.zh.md").unlink(),
     "content/about.md:1", "no 中文 (zh) edition of this page: add content/about.zh.md"),
    ("translation-without-original", lambda r: (r / "content/extra.zh.md").write_text(
        (r / "content/about.zh.md").read_text(encoding="utf-8"), encoding="utf-8"),
     "content/extra.zh.md:1", "no English (en) edition of this page: add content/extra.md"),
    ("unknown-language", lambda r: (r / "content/about.fr.md").write_text(
        (r / "content/about.md").read_text(encoding="utf-8"), encoding="utf-8"),
     "content/about.fr.md:1", "'.fr' in the file name is not a language of this site"),
    ("translation-sets-structure", lambda r: edit(r / "content/index.zh.md", "updated = 2025-06-01", "updated = 2025-06-01\nnav = 4"),
     "content/index.zh.md:6", "'nav' is set by content/index.md for every edition"),
    ("twin-cites-other-sources", lambda r: append(r / "content/about.zh.md", "\n还有一条。[@sheet]\n"),
     "content/about.zh.md:1", "cites sources that differ from the English page (only here: sheet)"),
    ("twin-prints-other-figures", lambda r: append(r / "content/about.zh.md", "\n功耗为{{fig:charge}}。\n"),
     "content/about.zh.md:1", "prints figures, dates or blocks that differ from the English page (only here: fig:charge)"),
    ("twin-heading-without-id", lambda r: edit(r / "content/specs.zh.md", "## 显存 {#memory}", "## 显存"),
     "content/specs.zh.md:1", "has anchors that differ from the English page"),
    ("missing-chinese-cell", lambda r: edit(r / "data/timeline.csv", ",获告知需要许可证。", ","),
     "data/timeline.csv:2", "column 'event_zh' is empty: the zh translation of 'event' is missing"),
    ("text-value-untranslated", lambda r: edit(r / "data/specs.csv", "h20,memory_type,HBM3,sheet,yes,2026-01-01,,HBM3,", "h20,memory_type,HBM3,sheet,yes,2026-01-01,,,"),
     "data/specs.csv:3", "column 'value_zh' is empty: 'memory_type' is text"),
    ("catalogue-entry-untranslated", lambda r: edit(r / "i18n/zh/LC_MESSAGES/messages.po",
                                                    'msgid "On this page"\nmsgstr "本页内容"', 'msgid "On this page"\nmsgstr ""'),
     f"i18n/zh/LC_MESSAGES/messages.po:{PO_LINE}", "no zh translation of 'On this page'"),
    ("catalogue-entry-fuzzy", lambda r: edit(r / "i18n/zh/LC_MESSAGES/messages.po",
                                             'msgid "On this page"', '#, fuzzy\nmsgid "On this page"'),
     f"i18n/zh/LC_MESSAGES/messages.po:{PO_LINE + 1}", "is marked fuzzy"),
    ("phrase-not-in-catalogue", lambda r: edit(r / "templates/page.html", "<h1>{{ page.meta.title }}</h1>",
                                               "<h1>{{ page.meta.title }}</h1> {{ _('A new phrase') }}"),
     "templates/page.html:6", "no zh translation of 'A new phrase'"),
    ("original-link-on-another-site", lambda r: edit(r / "data/sources.csv", "https://news.example.org/news",
                                                      "https://copies.example.net/news"),
     "data/sources.csv:3", "the link is on copies.example.net, not on Daily News's own site"),
    ("copy-without-via", lambda r: edit(r / "data/sources.csv", "en,original,,,Daily News,no", "en,reprint,,,Daily News,no"),
     "data/sources.csv:3", "access 'reprint' needs 'via'"),
    ("copy-on-the-originals-own-site", lambda r: (edit(r / "data/sources.csv", "en,original,,,Daily News,no",
                                                       "en,reprint,,A mirror,Daily News,no"),
                                                  edit(r / "data/sources.csv", "种子文章000。,《每日新闻》,",
                                                       "种子文章000。,《每日新闻》,镜像")),
     "data/sources.csv:3", "is the original, not a copy"),
    ("link-without-accessed-date", lambda r: edit(r / "data/sources.csv", ",2025-07-02,", ",,"),
     "data/sources.csv:3", "needs 'accessed'"),
    ("latest-not-site", lambda r: edit(r / "content/index.md", "nav = 1\n", 'nav = 1\nlatest = "page"\n'),
     "content/index.md:7", "front matter 'latest' can only be \"site\""),
    ("form-naming-two-things", lambda r: append(r / "data/terms.csv", "hbm-memory,stacked memory,HBM,堆叠内存,,,\n"),
     "data/terms.csv:4", "'hbm' already names 'hbm' (data/glossary.csv:2): a form may name one thing only"),
    ("search-weight-out-of-range", lambda r: edit(r / "content/index.md", "nav = 1\n", "nav = 1\nsearch_weight = 0\n"),
     "content/index.md:7", "front matter 'search_weight' must be a number above 0 and at most 10, got 0.0"),
    ("figure-changed-without-entry", change_figure,
     "data/specs.csv:2", "h20.memory_bandwidth is '4.1', but the record says '4.0'"),
    ("figure-source-changed-without-entry", lambda r: (publish(r), edit(r / "data/specs.csv",
                                                       "h20,memory_bandwidth,4.0,sheet,", "h20,memory_bandwidth,4.0,paper,")),
     "data/specs.csv:2", "the sources of h20.memory_bandwidth changed from sheet to paper"),
    ("change-entry-with-wrong-old-value", lambda r: change_figure(r, "bandwidth,2026-02-01,figure,/specs/,"
                                                                 "Bandwidth corrected.,A new datasheet.,h20.memory_bandwidth,"
                                                                 "3.9,4.1,,带宽更正。,新的数据手册。\n"),
     "data/changes.csv:3", "old value '3.9' of h20.memory_bandwidth is not what the record held"),
    # What each source says (data/quotes.csv): a passage must state what it is cited for.
    ("passage-not-stating-the-figure", lambda r: edit(r / "data/quotes.csv", "Memory bandwidth: 4.0 TB/s,", "Memory bandwidth: 4.5 TB/s,"),
     "data/quotes.csv:2", "the passage for h20.memory_bandwidth does not state 4.0 TB/s"),
    ("citation-without-passage", lambda r: edit(r / "data/quotes.csv", "paper,fig:orders,Orders for 700000 chips were reported.,en,,,据报道订单为70万颗芯片。,,\n", ""),
     "data/figures.csv:3", "fig:orders cites paper, but data/quotes.csv has no passage of it"),
    ("passage-and-reason-both", lambda r: edit(r / "data/quotes.csv", "FP8 Tensor: 296 TFLOPS,en,,,FP8张量：296 TFLOPS,,", "FP8 Tensor: 296 TFLOPS,en,,,FP8张量：296 TFLOPS,pdf,"),
     "data/quotes.csv:6", "give the passage (quote) or why there is none"),
    ("passage-without-translation", lambda r: edit(r / "data/quotes.csv", ",en,,,FP16张量：148 TFLOPS,,", ",en,,,,,"),
     "data/quotes.csv:5", "'quote_zh' is empty"),
    ("passage-reason-unknown", lambda r: edit(r / "data/quotes.csv", ",,,,,,not-stored,", ",,,,,,paywalled,"),
     "data/quotes.csv:17", "missing 'paywalled' must be one of"),
    ("verdict-changed-without-entry", lambda r: (publish(r), edit(r / "data/claims.csv", ",wrong,", ",disputed,")),
     "data/claims.csv:2", "but the record says 'wrong'"),
]


@pytest.mark.parametrize("change,where,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_site_kept(site: Path, change, where: str, words: str) -> None:
    assert run_build(site).returncode == 0
    before = tree_digest(site / "site")
    change(site)
    result = run_build(site)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("build failed:")
    problems = lines[:-1]
    assert problems and all(LINE.match(line) for line in problems), problems
    assert any(line.startswith(where + ":") and words in line for line in problems), problems
    assert tree_digest(site / "site") == before


def test_a_logged_change_builds_and_is_shown_in_both_editions_and_feeds(site: Path) -> None:
    """The same change with its entry builds; the entry is on the changes page of each edition,
    newest first, with its anchor, the old and new value, and in each edition's feed."""
    change_figure(site, "bandwidth,2026-02-01,figure,/specs/#row-memory_bandwidth,Bandwidth corrected.,"
                        "A new datasheet.,h20.memory_bandwidth,4.0,4.1,,带宽更正。,新的数据手册。\n")
    edit(site / "data/quotes.csv", "Memory bandwidth: 4.0 TB/s,en,,,显存带宽：4.0 TB/s", "Memory bandwidth: 4.1 TB/s,en,,,显存带宽：4.1 TB/s")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    for prefix, words in (("", "Bandwidth corrected."), ("zh/", "带宽更正。")):
        page = (site / "site" / prefix / "changes/index.html").read_text(encoding="utf-8")
        ids = re.findall(r'<li id="change-([^"]+)"><time datetime="([^"]+)"', page)
        assert ids == [("bandwidth", "2026-02-01"), ("first-publication", "2025-06-01")], ids
        assert words in page and "4.0" in page and "4.1" in page
        assert 'href="../specs/#row-memory_bandwidth"' in page or 'href="../../specs/#row-memory_bandwidth"' in page
        feed = (site / "site" / prefix / "feed.xml").read_text(encoding="utf-8")
        assert f"{prefix}changes/#change-bandwidth</id>" in feed and words in feed


def test_all_problems_are_reported_together(site: Path) -> None:
    append(site / "content/about.md", "\nOne [@ghost-one] and [dead](/gone/).\n")
    append(site / "content/specs.md", "\nTwo [@ghost-two].\n")
    append(site / "data/timeline.csv", "bad,2025-13-01,,nvidia,Bad month.,paper,,坏月份。\n")
    append(site / "data/quotes.csv", "paper,event:bad,The bad month.,en,,,坏月份。,,\n")
    result = run_build(site)
    assert result.returncode == 1
    # Data problems stop the build before rendering; fix them and the page problems show together.
    assert "data/timeline.csv:4:" in result.stderr
    edit(site / "data/timeline.csv", "2025-13-01", "2025-06-01")
    result = run_build(site)
    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()[:-1]
    assert len(problems) == 3, problems
    assert [p.split(":")[0] for p in problems] == ["content/about.md", "content/about.md", "content/specs.md"]


def test_errors_raised_inside_templates_are_located(site: Path) -> None:
    (site / "templates" / "blocks" / "claims.html").write_text("{{ 1 / 0 }}", encoding="utf-8")
    quiet = run_build(site)
    assert quiet.returncode == 1 and "Traceback" not in quiet.stderr
    assert "templates/blocks/claims.html:1: ZeroDivisionError" in quiet.stderr or \
        "templates/blocks/claims.html:1: division by zero" in quiet.stderr, quiet.stderr
    verbose = run_build(site, "--verbose")
    assert verbose.returncode == 1


@pytest.mark.parametrize("snippet,words", [
    ("<script>alert(1)</script>", "HTML tag <script> is not allowed"),
    ('<iframe src="https://example.com"></iframe>', "HTML tag <iframe> is not allowed"),
    ('<abbr title="x" onmouseover="alert(1)">HBM</abbr>', "event handler attribute 'onmouseover'"),
    ('<a href="javascript:alert(1)">x</a>', "HTML tag <a> is not allowed"),
    ("[x](javascript:alert(1))", "link 'javascript:alert(1)' must start with https://"),
    ("<javascript:alert(1)>", "HTML tag <javascript:alert(1)> is not allowed"),
    ("<http://example.com>", "link 'http://example.com' must start with https://"),
    ("    <script>indented</script>", "HTML tag <script> is not allowed"),
    ("<script\nsrc=x></script>", "HTML tag <script> is not allowed"),
    ("![chart](https://example.com/x.png)", "images are not allowed"),
])
def test_raw_html_outside_the_allow_list_is_refused(site: Path, snippet: str, words: str) -> None:
    append(site / "content/about.md", f"\n{snippet}\n")
    result = run_build(site)
    assert result.returncode == 1
    assert any(line.startswith("content/about.md:10:") and words in line for line in result.stderr.splitlines()), result.stderr


def test_allowed_inline_html_and_code_spans_pass(site: Path) -> None:
    append(site / "content/about.md", '\nPress <kbd>Ctrl</kbd>; <abbr title="high-bandwidth memory">HBM</abbr>3; '
                                      "code `<script>` is shown, not run.\n")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    page = (site / "site/about/index.html").read_text(encoding="utf-8")
    assert "<kbd>Ctrl</kbd>" in page and "<code>&lt;script&gt;</code>" in page
