#!/usr/bin/env python3
"""Write a benchmark corpus of N generated explainer pages for our generator and its peers.

    python bench/corpus.py N OUTDIR [--seed S]

OUTDIR becomes a complete project for our generator:
    OUTDIR/content/   index.md, 404.md, sources.md and page-0001.md ... page-NNNN.md
    OUTDIR/data/ OUTDIR/templates/ OUTDIR/static/ OUTDIR/i18n/ OUTDIR/site.toml   copied from the real
    site (site.toml with its default language only: the peers build one edition)
and the SAME pages for the peers, citations as footnotes and data values as plain text:
    OUTDIR/pelican/   pelicanconf.py, content/*.md (articles), content/pages/sources.md
    OUTDIR/mkdocs/    mkdocs.yml (theme: mkdocs), docs/*.md
    OUTDIR/hugo/      hugo.toml, content/*.md, layouts/_default/{baseof,single,list}.html

Each generated page has about 1,200 words: TOML front matter, h2/h3 headings, a table, bullet
lists, links to other generated pages, citations of real ids from data/sources.csv and a few
data values ({{chip.metric}}) from accepted rows of data/specs.csv. The output depends only on
N, the seed and data/: the same arguments give byte-identical files.

Check it builds:  .venv/bin/python build.py --root OUTDIR --out OUTDIR/site
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 20261122
WORDS = 950  # words of prose after which a page ends its last section (~1,200 in all)

CITE_RE = re.compile(r"\[@([^\]]+)\]")
VALUE_RE = re.compile(r"\{\{([a-z0-9-]+)\.([a-z0-9_]+)\}\}")
PAGE_LINK_RE = re.compile(r"\]\(/(page-\d{4})/\)")


# ---------------------------------------------------------------- data from the real site

@dataclass
class Facts:
    sources: dict[str, dict]            # id -> row of data/sources.csv
    chips: dict[str, str]               # id -> printed name
    metrics: dict[str, dict]            # id -> row of data/metrics.csv
    values: dict[tuple[str, str], str]  # (chip, metric) -> plain text as our generator prints it


def format_number(text: str) -> str:
    """As sitegen.data.format_number: thousands separators, decimals as given."""
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def load_facts(data_dir: Path) -> Facts:
    sources = {r["id"]: r for r in read_csv(data_dir / "sources.csv")}
    chips = {r["id"]: r["name"] for r in read_csv(data_dir / "chips.csv")}
    metrics = {r["id"]: r for r in read_csv(data_dir / "metrics.csv")}
    values = {}
    for row in read_csv(data_dir / "specs.csv"):
        metric = metrics.get(row["metric"])
        if row["accepted"] != "yes" or row["chip"] not in chips or metric is None:
            continue
        if metric["kind"] == "number":
            values[(row["chip"], row["metric"])] = f"{format_number(row['value'])} {metric['unit']}".strip()
        elif metric["kind"] == "text":
            values[(row["chip"], row["metric"])] = row["value"]
    return Facts(sources, chips, metrics, dict(sorted(values.items())))


# ---------------------------------------------------------------- the generated prose

TOPICS = [
    "memory bandwidth", "export thresholds", "inference serving", "training clusters",
    "performance density", "the licence requirement", "HBM supply", "NVLink scaling",
    "Huawei's Ascend line", "cloud rental prices", "the 15% revenue share", "KV cache size",
    "batch size and latency", "FP8 throughput", "power and cooling", "die area",
    "the October 2023 rule", "customs enforcement", "domestic substitution", "software lock-in",
]
H2 = [
    "What the numbers say", "How the rule measures a chip", "Why memory matters more here",
    "What buyers actually ran", "Where the sources disagree", "The policy argument",
    "What changed in 2025", "Costs and margins", "The engineering trade-offs",
    "How this compares with the H100", "What remains uncertain", "Reading the filings",
    "The view from Beijing", "The view from Washington", "Practical consequences",
]
H3 = [
    "A worked example", "The short answer", "Caveats", "What the datasheet omits",
    "Second-hand figures", "A note on units", "Who said what", "Timeline in brief",
    "Numbers to remember", "Open questions",
]
SUBJECTS = [
    "The H20", "Nvidia", "The Commerce Department", "BIS", "China's cloud market",
    "Huawei", "One bank's analysis", "The datasheet", "Reuters", "The rule's text",
    "Each model developer", "A server maker", "Beijing's regulator", "Nvidia's annual filing",
]
VERBS = [
    "points to", "undercuts", "confirms", "complicates", "depends on", "was shaped by",
    "reflects", "rarely mentions", "puts a number on", "draws attention to", "sidesteps",
    "leaves open", "hinges on", "was reported alongside",
]
OBJECTS = [
    "the gap between training and inference performance",
    "how much memory bandwidth a chat model really needs",
    "the total processing performance score the rule counts",
    "the cost of moving a cluster from one chip to another",
    "the difference between dense and sparse throughput figures",
    "the size of the Chinese market for data-centre accelerators",
    "the way export licences were granted and then withdrawn",
    "the role of high-bandwidth memory in serving large models",
    "the tension between revenue and national-security goals",
    "how quickly domestic chips could replace imported ones",
    "the bandwidth of the links between chips in one server",
    "what a customer gives up by buying the cut-down part",
]
CLAUSES = [
    "which is easy to miss in press coverage",
    "although the sources do not agree on every figure",
    "and this shapes how the chip is used in practice",
    "even if the headline numbers look modest",
    "a point that both sides of the dispute accept",
    "which matters most for long conversations",
    "as the filings make clear",
    "while the rules themselves say nothing about it",
    "and the effect compounds at larger batch sizes",
    "so the comparison needs care",
]
BULLETS = [
    "check whether a figure is dense or sparse before comparing it",
    "read the rule's definition of performance density, not a summary of it",
    "look for the original filing rather than a rewrite of it",
    "compare memory bandwidth per chip, not per server",
    "note the date of each report, since the rules changed often",
    "treat anonymous supply-chain figures as estimates",
    "prefer the manufacturer's datasheet where one exists",
    "remember that throughput and latency are different questions",
    "ask which precision a benchmark used",
    "separate what was announced from what was shipped",
    "watch for figures quoted in the wrong unit",
    "see whether a claim counts one chip or eight",
]


@dataclass
class Page:
    slug: str
    title: str
    summary: str
    date: dt.date
    updated: dt.date
    body: str  # our dialect: [@id] citations, {{chip.metric}} values, /page-NNNN/ links


def sentence(rng: random.Random) -> str:
    s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        s += f", {rng.choice(CLAUSES)}"
    return s + "."


class Writer:
    """Builds one page's Markdown in our dialect, counting words of prose."""

    def __init__(self, rng: random.Random, facts: Facts, index: int, n: int, titles: list[str]):
        self.rng, self.facts, self.index, self.n, self.titles = rng, facts, index, n, titles
        self.source_ids = list(facts.sources)
        self.value_keys = list(facts.values)
        self.words = 0
        self.values_left = rng.randint(3, 5)

    def cite(self) -> str:
        ids = self.rng.sample(self.source_ids, 1 if self.rng.random() < 0.7 else self.rng.randint(2, 3))
        return "[" + "; ".join(f"@{i}" for i in ids) + "]"

    def link(self) -> str:
        other = self.rng.randrange(1, self.n + 1)
        if other == self.index and self.n > 1:
            other = other % self.n + 1
        return f"[{self.titles[other - 1]}](/page-{other:04d}/)"

    def value_sentence(self) -> str:
        chip, metric = self.rng.choice(self.value_keys)
        label = self.facts.metrics[metric]["label"]
        return f"The {self.facts.chips[chip]}'s {label if label[1:2].isupper() else label[0].lower() + label[1:]} is {{{{{chip}.{metric}}}}}."

    def paragraph(self, sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            s = sentence(self.rng)
            if self.rng.random() < 0.35:
                s += self.cite()
            parts.append(s)
        if self.values_left and self.rng.random() < 0.5:
            parts.insert(self.rng.randrange(len(parts) + 1), self.value_sentence())
            self.values_left -= 1
        if self.rng.random() < 0.4:
            parts.append(f"See also {self.link()}.")
        text = " ".join(parts)
        self.words += len(text.split())
        return text

    def bullets(self) -> str:
        items = self.rng.sample(BULLETS, self.rng.randint(3, 5))
        lines = []
        for i, item in enumerate(items):
            line = f"- {item[0].upper()}{item[1:]}"
            if i == 0:
                line += f"; {self.link()} gives an example"
            if self.rng.random() < 0.3:
                line += "." + self.cite()
            lines.append(line)
        self.words += sum(len(x.split()) for x in lines)
        return "\n".join(lines)

    def table(self) -> str:
        metrics = ["memory_capacity", "memory_bandwidth", "fp16_dense"]
        chips = [c for c in self.facts.chips if all((c, m) in self.facts.values for m in metrics)]
        rows = ["| Chip | Memory | Memory bandwidth | FP16 dense |", "|---|---:|---:|---:|"]
        for chip in self.rng.sample(chips, min(4, len(chips))):
            rows.append(f"| {self.facts.chips[chip]} | "
                        + " | ".join(self.facts.values[(chip, m)] for m in metrics) + " |")
        self.words += sum(len(r.split("|")) for r in rows[2:])
        return "\n".join(rows)

    def page(self) -> str:
        rng = self.rng
        blocks = [self.paragraph(rng.randint(4, 6))]
        h2s = rng.sample(H2, len(H2))
        table_at, lists_at = rng.randrange(1, 3), {rng.randrange(0, 3), rng.randrange(3, 6)}
        section = 0
        while self.words < WORDS or self.values_left:
            blocks.append(f"## {h2s[section % len(h2s)]}")
            blocks.append(self.paragraph(rng.randint(4, 7)))
            if section == table_at:
                blocks.append(self.table())
            if section in lists_at:
                blocks.append(self.bullets())
            for h3 in rng.sample(H3, rng.randint(0, 2)):
                blocks.append(f"### {h3}")
                blocks.append(self.paragraph(rng.randint(3, 5)))
            section += 1
        return "\n\n".join(blocks) + "\n"


def generate(n: int, facts: Facts, seed: int = SEED) -> list[Page]:
    rng = random.Random(seed)
    topics = [rng.choice(TOPICS) for _ in range(n)]
    titles = [f"Notes {i:04d}: {t[0].upper()}{t[1:]}" for i, t in enumerate(topics, 1)]
    pages = []
    for i in range(1, n + 1):
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        updated = min(date + dt.timedelta(days=rng.randrange(0, 300)), dt.date(2026, 11, 22))
        body = Writer(rng, facts, i, n, titles).page()
        summary = f"What the sources say about {topics[i - 1]}, with the figures and where they come from."
        pages.append(Page(f"page-{i:04d}", titles[i - 1], summary, date, updated, body))
    return pages


INTRO = ("A generated corpus for the speed benchmark: explainer pages about Nvidia's H20 with "
         "citations, figures from data and links between pages.")


def index_links(pages: list[Page], href) -> str:
    return "\n".join(f"- [{p.title}]({href(p.slug)})" for p in pages)


# ---------------------------------------------------------------- our generator

def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_ours(pages: list[Page], out: Path) -> None:
    for name in ("data", "templates", "static", "i18n"):
        shutil.copytree(REPO / name, out / name)
    # One edition (the peers build one language): site.toml up to its second [languages.*]
    # table; the data files' translated columns are then ignored.
    text = (REPO / "site.toml").read_text(encoding="utf-8")
    tables = [i for i in range(len(text)) if text.startswith("[languages.", i)]
    text = text[:tables[1]] if len(tables) > 1 else text
    # No offline edition or search index either: a one-file copy of 1,000 pages, or a Pagefind
    # index, measures nothing the peers do (the real site's build below includes both).
    text = text.replace("offline = true", "offline = false").replace("search = true", "search = false")
    (out / "site.toml").write_text(text, encoding="utf-8")
    content = out / "content"
    content.mkdir()

    def front(title, summary, extra=""):
        return (f"+++\ntitle = {toml_str(title)}\nsummary = {toml_str(summary)}\n"
                f"date = 2026-11-22\nupdated = 2026-11-22\n{extra}+++\n\n")

    (content / "index.md").write_text(
        front("The H20, checked", "Benchmark corpus: generated explainer pages.", 'nav = 1\nnav_title = "Home"\ntoc = false\n')
        + INTRO + "\n\n" + index_links(pages, lambda s: f"/{s}/") + "\n", encoding="utf-8")
    (content / "404.md").write_text(
        front("Page not found", "There is no page at this address on this site.", "toc = false\n")
        + "The page you asked for does not exist. Try [the home page](/) or the [sources](/sources/).\n",
        encoding="utf-8")
    (content / "sources.md").write_text(
        front("Sources", "Every source this site cites, which pages cite it, and how far we trust it.", "nav = 9\n")
        + "{{< sources >}}\n", encoding="utf-8")
    for p in pages:
        (content / f"{p.slug}.md").write_text(
            f"+++\ntitle = {toml_str(p.title)}\nsummary = {toml_str(p.summary)}\n"
            f"date = {p.date.isoformat()}\nupdated = {p.updated.isoformat()}\n+++\n\n{p.body}",
            encoding="utf-8")


# ---------------------------------------------------------------- the peers' plain Markdown

def md_escape(s: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", s)


def source_line(row: dict) -> str:
    title = md_escape(row["title"])
    cite = f"[{title}]({row['url']})" if row["url"] else f"*{title}*"
    author = f"{md_escape(row['author'])}, " if row["author"] else ""
    return f"{author}{cite}, {md_escape(row['publisher'])}, {row['date'] or 'undated'}."


def plain_body(body: str, facts: Facts, link) -> str:
    """Our dialect -> plain Markdown: footnotes for citations, text for values, link(slug) hrefs."""
    order: dict[str, int] = {}

    def cite(m):
        refs = []
        for part in m[1].split(";"):
            sid = part.strip().lstrip("@")
            order.setdefault(sid, len(order) + 1)
            refs.append(f"[^{order[sid]}]")
        return "".join(refs)

    text = CITE_RE.sub(cite, body)
    text = VALUE_RE.sub(lambda m: facts.values[(m[1], m[2])], text)
    text = PAGE_LINK_RE.sub(lambda m: f"]({link(m[1])})", text)
    if order:
        text += "\n" + "\n".join(f"[^{n}]: {source_line(facts.sources[sid])}" for sid, n in order.items()) + "\n"
    return text


def sources_page(facts: Facts) -> str:
    lines = ["Every source the pages cite, and how far we trust it.", ""]
    for sid, row in facts.sources.items():
        lines.append(f"- {source_line(row)} {md_escape(row['reliability'])}")
    return "\n".join(lines) + "\n"


def write_pelican(pages: list[Page], facts: Facts, out: Path) -> None:
    content = out / "content"
    (content / "pages").mkdir(parents=True)
    (out / "pelicanconf.py").write_text(
        '# Minimal Pelican settings for the speed benchmark (default theme, default Markdown).\n'
        'AUTHOR = "bench"\nSITENAME = "The H20, checked"\nSITEURL = ""\nPATH = "content"\n'
        'TIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        '# URLs like ours and the other peers: /page-0007/\n'
        'ARTICLE_URL = "{slug}/"\nARTICLE_SAVE_AS = "{slug}/index.html"\n'
        'PAGE_URL = "{slug}/"\nPAGE_SAVE_AS = "{slug}/index.html"\n', encoding="utf-8")
    (content / "pages" / "sources.md").write_text(
        "Title: Sources\nDate: 2026-11-22\nSlug: sources\n\n" + sources_page(facts), encoding="utf-8")
    for p in pages:
        (content / f"{p.slug}.md").write_text(
            f"Title: {p.title}\nDate: {p.date.isoformat()}\nModified: {p.updated.isoformat()}\n"
            f"Slug: {p.slug}\nSummary: {p.summary}\n\n"
            + plain_body(p.body, facts, lambda s: f"/{s}/"), encoding="utf-8")


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_mkdocs(pages: list[Page], facts: Facts, out: Path) -> None:
    docs = out / "docs"
    docs.mkdir(parents=True)
    # An explicit nav like ours (a few pages in the menu), not MkDocs' automatic one, which
    # would repeat all N pages in the sidebar of every page; no search index (we build none).
    (out / "mkdocs.yml").write_text(
        'site_name: "The H20, checked"\ntheme:\n  name: mkdocs\nplugins: []\n'
        "markdown_extensions:\n  - toc\n  - tables\n  - footnotes\n"
        "nav:\n  - Home: index.md\n  - Sources: sources.md\n", encoding="utf-8")
    (docs / "index.md").write_text(
        "# The H20, checked\n\n" + INTRO + "\n\n" + index_links(pages, lambda s: f"{s}.md") + "\n",
        encoding="utf-8")
    (docs / "sources.md").write_text("# Sources\n\n" + sources_page(facts), encoding="utf-8")
    for p in pages:
        (docs / f"{p.slug}.md").write_text(
            f"---\ntitle: {yaml_str(p.title)}\ndescription: {yaml_str(p.summary)}\n"
            f"date: {p.date.isoformat()}\nupdated: {p.updated.isoformat()}\n---\n\n# {p.title}\n\n"
            + plain_body(p.body, facts, lambda s: f"{s}.md"), encoding="utf-8")


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a> {{ end }}</nav></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ with .Lastmod }}Updated {{ .Format "2 January 2006" }}. {{ end }}<a href="{{ "/sources/" | relURL }}">All sources</a>.</p></footer>
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="summary">{{ . }}</p>{{ end }}
{{ if .TableOfContents }}<nav class="toc">{{ .TableOfContents }}</nav>{{ end }}
{{ .Content }}
</article>
{{ end }}
"""
HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ if not .IsHome }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
{{ end }}
"""


def write_hugo(pages: list[Page], facts: Facts, out: Path) -> None:
    content = out / "content"
    layouts = out / "layouts" / "_default"
    content.mkdir(parents=True)
    layouts.mkdir(parents=True)
    (out / "hugo.toml").write_text(
        'baseURL = "https://h20-explainer.github.io/h20/"\nlanguageCode = "en"\n'
        'title = "The H20, checked"\n'
        '[params]\ndescription = "Benchmark corpus: generated explainer pages."\n'
        '[[menus.main]]\nname = "Home"\nurl = "/"\nweight = 1\n'
        '[[menus.main]]\nname = "Sources"\nurl = "/sources/"\nweight = 9\n'
        '[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n', encoding="utf-8")
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (content / "_index.md").write_text(
        '+++\ntitle = "The H20, checked"\n+++\n\n' + INTRO + "\n\n"
        + index_links(pages, lambda s: f"/{s}/") + "\n", encoding="utf-8")
    (content / "sources.md").write_text(
        '+++\ntitle = "Sources"\ndate = 2026-11-22\n+++\n\n' + sources_page(facts), encoding="utf-8")
    for p in pages:
        (content / f"{p.slug}.md").write_text(
            f"+++\ntitle = {toml_str(p.title)}\ndescription = {toml_str(p.summary)}\n"
            f"date = {p.date.isoformat()}\nlastmod = {p.updated.isoformat()}\n+++\n\n"
            + plain_body(p.body, facts, lambda s: f"/{s}/"), encoding="utf-8")


def write_corpus(n: int, out: Path, seed: int = SEED) -> list[Page]:
    """Write all four projects into out (which must not exist or be empty)."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out}: exists and is not empty; give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    facts = load_facts(REPO / "data")
    pages = generate(n, facts, seed)
    write_ours(pages, out)
    write_pelican(pages, facts, out / "pelican")
    write_mkdocs(pages, facts, out / "mkdocs")
    write_hugo(pages, facts, out / "hugo")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of generated pages")
    parser.add_argument("outdir", type=Path, help="new folder to write the projects into")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    pages = write_corpus(args.n, args.outdir, args.seed)
    words = sum(len(CITE_RE.sub("", p.body).split()) for p in pages) / len(pages)
    print(f"wrote {len(pages)} pages (~{words:.0f} words each) into {args.outdir}/ "
          "(ours; pelican/, mkdocs/, hugo/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
