"""Render pages and site-wide files (sitemap, feed, robots) through Jinja2 templates."""
from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import posixpath
import re
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import budget, cite, charts, estimate, evidence, formats, markup, offline, parallel, provenance, quotations, sections, support, translations, typeset
from .content import Page
from .data import Data
from .errors import Problems, line_of

_ID_ATTR = re.compile(r'\sid="([^"]+)"')
# Every link to a file of the site is written as ROOT + its path from the site's root, then made
# relative to the page once the page is done (relative_links): the same site works at its base
# path, at any other path or host, and largely from disk. A private-use character, which no
# input uses, so that cached fragments (reference entries) serve every page.
ROOT = "\ue000"
# Blocks styled by static/figures.css, which only the pages that draw one of them link.
FIGURE_BLOCKS = ("chart-", "estimator", "timeline", "kv-size", "worked-example")

_ROOT_LINK = re.compile(ROOT + r'([^"]*)')


@dataclass
class Site:
    """The build's context: configuration, data, pages and asset names; read-only while rendering."""

    root: Path
    config: dict
    data: Data
    pages: list[Page]
    assets: dict[str, str]  # "style.css" -> "assets/style.1a2b3c4d5e.css"
    listed_on: dict[str, dict[str, str]]  # language -> source id -> URL of the page that lists it
    messages: dict = field(default_factory=dict)  # language -> catalog.Messages
    stylesheet: str = ""  # style.css and figures.css as served (minified), for the offline edition

    @property
    def base_path(self) -> str:
        return self.config["base_path"]

    @property
    def languages(self) -> dict:
        return self.config["languages"]

    def url(self, path: str) -> str:
        """A site path ('/specs/', 'assets/x.css') for href and src: ROOT + the path, which
        relative_links() turns into a link relative to the page it is on."""
        return ROOT + path.lstrip("/")

    def abs_url(self, path: str) -> str:
        """The same path as an absolute URL, for canonical links, the sitemap and the feed."""
        return self.config["base_url"] + path.lstrip("/")

    def page_url(self, key: str, code: str) -> str:
        """The site path of a page in a language, from its default-language URL: ('/specs/', 'zh')
        -> '/zh/specs/'."""
        return "/" + self.languages[code]["prefix"] + key.lstrip("/")

    def asset(self, name: str) -> str:
        try:
            return self.url(self.assets[name])
        except KeyError:
            raise LookupError(f"no file static/{name}") from None


def template_location(exc: Exception, root: Path) -> tuple[str, int]:
    """(templates/file.html, line) of a Jinja error, from the error or its traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return _rel(Path(exc.filename), root), exc.lineno or 0
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return _rel(Path(frame.filename), root), frame.lineno or 0
    return "templates", 0


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in .cache/jinja/ between builds (compiling them is half the time
    of a small build); keyed by each template's source, so an edit is never served stale."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only checkout builds too, only slower

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()


def _template_cache(root: Path) -> jinja2.BytecodeCache | None:
    folder = root / ".cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))


def make_env(site: Site, code: str, messages, cache=None) -> jinja2.Environment:
    """The templates of one language: its catalogue behind _() and {% trans %}, its date formats,
    links to pages in its language (link('/specs/') is /zh/specs/ in Chinese)."""
    lang = site.languages[code]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(site.root / "templates")),
        bytecode_cache=cache,
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)
    # JSON-LD and data attributes in UTF-8, not \uXXXX escapes (twice the bytes for Chinese).
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.globals.update(site=site, config=site.config, lang=lang, url=site.url,
                       link=lambda key: site.url(site.page_url(key, code)),
                       abs_url=site.abs_url, asset=site.asset,
                       date=lambda text, style="short": formats.date(text, lang["locale"], style),
                       amount=lambda value, unit: formats.figure(value, unit, lang["locale"]),
                       sort_terms=lambda rows: sorted(rows, key=lambda r: formats.sort_key(r["term"], lang["locale"])),
                       kv_kib=estimate.kv_kib, show=estimate.show, charts=charts,
                       primary_kinds=evidence.PRIMARY_KINDS, archive_url=provenance.archive_url)
    # A data cell may print a quotation ({{q:id}}), a figure of data/figures.csv ({{fig:id}}) or
    # a date ({{2025-08-11}}) in the language's own form, as pages do; its row cites the sources
    # (data.py checked all three).
    figures = site.data.figures

    def plain(text: str) -> str:
        """A data cell's words with its figures and dates written out (a feed's plain text)."""
        text = re.sub(markup.FIGURE_RE, lambda m: formats.figure(figures[m[1]]["value"], figures[m[1]]["unit"],
                                                                  lang["locale"]), text)
        return re.sub(markup.DATE_RE, lambda m: formats.date(m[1], lang["locale"], "long"), text)

    rows = site.data.quotations
    our = str(env.get_template("partials/marks.html").module.our_translation())
    env.filters["marked"] = lambda text: markup.Markup(quotations.marked_cell(
        plain(str(markup.escape(text))), rows, code, our))
    env.filters["plain"] = lambda text: re.sub(quotations.QUOTE_RE, lambda m: quotations.marked(rows[m[1]], code)[0],
                                               plain(text))
    # The offline edition's stylesheet is inline, allowed by its hash alone (templates/offline.html).
    env.filters["csp_hash"] = lambda text: "sha256-" + base64.b64encode(hashlib.sha256(str(text).encode()).digest()).decode()
    # og:locale wants language_TERRITORY: zh_Hans_CN -> zh_CN, en_GB -> en_GB.
    env.filters["og_locale"] = lambda locale: "_".join(locale.split("_")[::max(1, len(locale.split("_")) - 1)])
    return env


class _Tracking:
    """What the page being rendered reads: the page, its figures and the parts of data/ its
    blocks draw on (so the preview server knows what to re-render after an edit)."""

    def __init__(self) -> None:
        self.page: Page | None = None
        self.used: set = set()    # (chip, metric) figures the page prints
        self.tables: set = set()  # parts of data/ its blocks read, e.g. "timeline", "values",
        # and the fields of the figures they read one by one, ("values", chip, metric, field)
        self.dates: set = set()   # dates of the events its blocks report (timeline, later developments)


class Edition:
    """One language's renderer: its view of data/ (translated columns in place), its templates
    and catalogue, its Markdown converter and glossary links, its navigation and source lists."""

    def __init__(self, site: Site, code: str, tracking: _Tracking, cache) -> None:
        self.site, self.code, self.tracking = site, code, tracking
        default = next(iter(site.languages))
        self.data = translations.localize(site.data, code, default)
        self.pages = [p for p in site.pages if p.lang == code]
        env = self.env = make_env(site, code, site.messages[code], cache)
        data, seen = self.data, tracking.tables
        reading = _Reading(data, seen)
        env.globals.update(data=reading,
                           estimator_chips=lambda: estimate.chip_inputs(reading),
                           estimator_rows=lambda: estimate.scenario_rows(reading),
                           reports=lambda dates: tracking.dates.update(d for d in dates if d) or "",
                           latest_event=data.latest_event)
        terms = []
        glossary = site.config.get("glossary_page")
        if glossary and any(p.key == glossary for p in self.pages):
            for row in data.glossary:
                for phrase in (row["term"], *row["aliases"]):
                    terms.append((phrase, f"{site.page_url(glossary, code)}#term-{row['id']}"))
        locale = site.languages[code]["locale"]
        self.ctx = markup.Context(
            source_ids=set(data.sources), lookup_value=self.lookup_value, render_block=self.render_block,
            base_path=ROOT, terms=terms, lookup_figure=self.lookup_figure,
            format_date=lambda text: formats.date(text, locale, "long"),
            translation_mark=str(env.get_template("partials/marks.html").module.our_translation()),
            lookup_quote=lambda qid: quotations.marked(data.quotations[qid], code),
            page_keys=frozenset(p.key for p in site.pages), prefix=site.languages[code]["prefix"])
        self.md = markup.make_markdown(self.ctx)
        self.glossary = {row["id"]: row for row in data.glossary}
        self.citations: dict[str, list[Page]] = {}
        self.entries: dict[str, markup.Markup] = {}
        self.passage_entries: dict[tuple, markup.Markup] = {}
        self.listing: dict[str, list[dict]] = {}
        listed_on = site.listed_on.get(code, {})
        for sid in sorted(listed_on):
            self.listing.setdefault(listed_on[sid], []).append(data.sources[sid])
        nav = sorted((p for p in self.pages if "nav" in p.meta), key=lambda p: (p.meta["nav"], p.url))
        # The changes page, where the site has one: the footer and the feeds point to it.
        changes = site.config.get("changes_page")
        env.globals["changes_page"] = changes if any(p.key == changes for p in self.pages) else None
        env.globals.update(nav=nav, pages=self.pages, citations=self.citations, source_entry=self.source_entry,
                           passages_entry=self.passages_entry,
                           listed_on=listed_on, sources_listed_on=self.sources_listed_on,
                           section=sections.sections(self.pages).get, change_page=self.change_page,
                           event_page=self.event_page, item_of=self.item_of, fragment=support.fragment)
        self.passages = support.by_source(data.quotes)
        self.claims = {r["id"]: r for r in data.claims}
        self.events = {r["id"]: r for r in data.timeline}
        # Where each dated list is split (a long log or timeline over several pages, by date):
        # (from, until, page) for every {{< changes >}} and {{< timeline >}} block, read from the
        # pages' text, so any page can link to an entry on another before that one is rendered.
        self.ranges: dict[str, list[tuple[str, str, Page]]] = {"changes": [], "timeline": []}
        for page in self.pages:
            for m in re.finditer(r"^\{\{<\s*(changes|timeline)((?:\s+[a-z_]+=\"[^\"\n]*\")*)\s*>\}\}\s*$",
                                 page.body, re.M):
                args = dict(markup.ARG_RE.findall(m[2]))
                self.ranges[m[1]].append((args.get("from", ""), args.get("until", ""), page))

    def item_of(self, item: str) -> dict:
        """What a cited item is, for a template to name it: a specification value, a figure,
        a claim, an event, a threshold or a model (support.py's keys)."""
        kind, _, key = item.rpartition(":")
        if not kind:
            chip, _, metric = item.partition(".")
            return {"kind": "spec", "chip": self.data.chips[chip], "metric": self.data.metrics[metric],
                    "value": self.data.get(chip, metric)}
        if kind == "fig":
            row = self.data.figures[key]
            return {"kind": kind, "text": formats.figure(row["value"], row["unit"], self.site.languages[self.code]["locale"])}
        table = {"claim": self.claims, "event": self.events, "model": self.data.models,
                 "threshold": {r["id"]: r for r in self.data.thresholds}}[kind]
        return {"kind": kind, "row": table[key]}

    def _page_for(self, block: str, day: str) -> Page | None:
        return next((p for start, until, p in self.ranges[block] if start <= day and (not until or day < until)), None)

    def change_page(self, day: str) -> str:
        """The page that lists the changes log's entries of that day."""
        page = self._page_for("changes", day)
        return page.url if page else self.site.page_url(self.site.config["changes_page"], self.code)

    def event_page(self, day: str) -> str:
        """The page of the timeline that lists the events of that day."""
        page = self._page_for("timeline", day)
        if page is None:
            raise LookupError(f"no page's timeline block lists the events of {day}")
        return page.url

    def lookup_value(self, chip: str, metric: str):
        self.tracking.used.add((chip, metric))  # remembered, so preview rebuilds know who prints what
        return self.data.value(chip, metric)

    def lookup_figure(self, fid: str) -> tuple[str, tuple]:
        """{{fig:id}}: (the figure as this language prints it, its sources)."""
        row = self.data.figures.get(fid)
        if row is None:
            raise KeyError(f"unknown figure '{fid}' (see data/figures.csv)")
        self.tracking.tables.add("figures")
        return formats.figure(row["value"], row["unit"], self.site.languages[self.code]["locale"]), row["source"]

    def source_entry(self, source: dict) -> markup.Markup:
        """A source as printed in reference lists (templates/partials/source.html), rendered
        once per source per build: a large site cites the same sources thousands of times."""
        if source["id"] not in self.entries:
            self.entries[source["id"]] = self.env.get_template("partials/source.html").module.source(source)
        return self.entries[source["id"]]

    def passages_entry(self, entry: dict) -> markup.Markup:
        """One reference's passages (templates/partials/passages.html), rendered once per build
        for each source, choice of passages and cited items: companions repeat them often."""
        key = (entry["ref"]["id"], tuple(id(row) for row in entry["rows"]), tuple(sorted(entry["items"])))
        if key not in self.passage_entries:
            self.passage_entries[key] = self.env.get_template("partials/passages.html").module.passages_of(entry)
        return self.passage_entries[key]

    def sources_listed_on(self, url: str) -> list[dict]:
        """The sources a page lists (sections.py), by id; the page then depends on sources.csv."""
        self.tracking.tables.add("sources")
        return self.listing.get(url, [])

    def render_block(self, name: str, args: dict, cite) -> str:
        root = self.site.root
        try:
            template = self.env.get_template(f"blocks/{name}.html")
        except jinja2.TemplateNotFound as exc:
            if exc.name == f"blocks/{name}.html":
                raise LookupError(f"no template templates/blocks/{name}.html") from None
            raise ValueError(f"templates/blocks/{name}.html: includes a missing template {exc.name}") from None
        except jinja2.TemplateSyntaxError as exc:
            path, line = template_location(exc, root)
            raise ValueError(f"{path}:{line}: {exc}") from None
        try:
            return template.render(args=args, cite=cite, page=self.tracking.page)
        except Exception as exc:  # anything a template's code raises is that template's problem
            path, line = template_location(exc, root)
            raise ValueError(f"{path}:{line}: {exc}") from None


def render_site(site: Site, problems: Problems, memory=None, sink=None) -> dict[str, bytes | None]:
    """Every output file's bytes keyed by its path under site/; problems are collected.

    memory (preview mode only) holds the previous successful build: pages whose inputs did not
    change keep their rendered output. Large sites are rendered by several processes.
    """
    tracking = _Tracking()
    cache = _template_cache(site.root)
    editions = {code: Edition(site, code, tracking, cache) for code in site.languages}
    if memory is not None:  # the preview keeps the sources' entries while what they print is the same
        printed_from = (memory.frame_key(site), (memory.data_now or {}).get("sources.csv"))
        for code, edition in editions.items():
            last = memory.entries.get(code)
            if last is not None and last[0] == printed_from:
                edition.entries = last[1]
            memory.entries[code] = (printed_from, edition.entries)

    def render_page(page: Page) -> tuple[bytes | None | bool, list[tuple[str, int, str]], tuple]:
        """Markdown, then the layout: (the page's bytes, or None once the sink has written them,
        or False if it could not be rendered; its problems; what the rest of the build needs to
        know of it: references, links, element ids, the data it used and the facts it prints)."""
        edition = editions[page.lang]
        found: list[tuple[str, int, str]] = []
        tracking.page = page
        tracking.used.clear()
        tracking.tables.clear()
        tracking.dates.clear()
        html, toc, state = markup.convert(edition.md, edition.ctx, page.body, page.url)
        # The latest event the page reports: dates in its text ({{2025-08-11}}) and in its blocks.
        # Text dates compare as text, so a month-only "2025-08" counts as later than 2025-07-31.
        page.latest = max(tracking.dates | {text for kind, text in state.facts if kind == "date"}, default=None)
        page.uses = frozenset(tracking.used) | frozenset(tracking.tables)
        page.figures = any(text.startswith(FIGURE_BLOCKS) for kind, text in state.facts if kind == "block")
        # The glossary terms this page links, defined again at its foot for the previews.
        page.terms = [edition.glossary[path.rpartition("#term-")[2]] for path in state.terms]
        page.facts = frozenset(state.facts)
        page.cited_for = state.cited_for
        for token, message in state.problems:
            found.append((page.path, line_of(page.body, token, page.body_line), message))
        page.html, page.toc = html, toc
        page.links = [(href, line_of(page.body, token, page.body_line)) for href, token in state.links]
        page.references = [
            {"number": n, "id": sid, "source": edition.data.sources[sid], "uses": state.uses[sid]}
            for sid, n in sorted(state.order.items(), key=lambda kv: kv[1])
        ]
        layout = page.meta.get("layout", "page")
        # A page's references link its companion, what the sources say, when there is one.
        companion = passages_pages(page, edition, found)
        try:
            out = edition.env.get_template(f"{layout}.html").render(page=page, content=markup.Markup(page.html))
        except jinja2.TemplateNotFound as exc:
            found.append((page.path, 1, f"layout '{layout}': no template templates/{exc.name}"))
            return False, found, (_refs(page), page.links, set(), page.uses, page.facts, "", [])
        except Exception as exc:  # anything a template's code raises is that template's problem
            path, line = template_location(exc, site.root)
            found.append((path, line, f"{type(exc).__name__} while rendering {page.path}: {exc}"))
            return False, found + site.messages[page.lang].take_missing(), \
                (_refs(page), page.links, set(), page.uses, page.facts, "", [])
        found += site.messages[page.lang].take_missing()
        if site.languages[page.lang]["tag"].lower().startswith("zh"):
            out = typeset.chinese(out)  # Chinese typesetting by rule (typeset.py)
        out = _dedent(out)
        if site.config.get("offline"):
            page.article = offline.with_passages(offline.article(out), page.offline_passages)
        out = relative_links(out, page.output, site.base_path if page.key == "/404.html" else None)
        page.ids = set(_ID_ATTR.findall(out))
        page.html = ""  # the layout has it now; keeps memory and inter-process traffic small
        body = out.encode("utf-8")
        if sink is not None and not found:
            sink(page.output, body)  # written now, by this process; the entry stays None
            body = None
            for name, part in companion:
                sink(name, part)
            companion = [(name, None) for name, _ in companion]
        return body, found, (_refs(page), page.links, page.ids, page.uses, page.facts, page.article, companion)

    def passages_pages(page: Page, edition, found: list) -> list[tuple[str, bytes]]:
        """The page's companion, what the sources say (quotes.html beside it, then quotes-2.html
        and on where one would not load in the first round trip): for each of its references,
        the passages data/quotes.csv gives for what the page cites it for (all of the source's
        passages where only its text cites it), each linked at the passage. Sets page.passages:
        (first reference, last reference, URL) of each part, for the page to link."""
        page.passages, page.offline_passages = [], {}
        if page.meta.get("layout", "page") != "page" or \
                not any(ref["id"] in edition.passages for ref in page.references):
            return []
        listed = []
        for ref in page.references:
            rows = edition.passages.get(ref["id"], [])
            items = page.cited_for.get(ref["id"], set())
            chosen = [r for r in rows if items & set(r["for"])] or rows
            listed.append({"ref": ref, "rows": chosen, "items": items})
        # The preview keeps a page's companion while everything it prints is the same: an edit
        # to a page's text or to a figure it does not cite re-renders the page alone.
        key = None
        if memory is not None:
            cited = sorted({i for entry in listed for row in entry["rows"] for i in row["for"]})
            # The companion names what each passage is for, the figures with their values: the
            # page is rendered again when one of those changes.
            page.uses = page.uses | {tuple(i.split(".", 1)) if ":" not in i else _LABEL_PARTS.get(i.rpartition(":")[0], "raw")
                                     for i in cited}
            label = edition.env.get_template("partials/passages.html").module.item_label
            key = repr((memory.frame_key(site), page.output, sorted(page.meta.items()), page.latest,
                        sorted((code, twin.url) for code, twin in page.translations.items()),
                        [(e["ref"], e["rows"], sorted(e["items"])) for e in listed],
                        [str(label(i)) for i in cited], site.config.get("offline")))
            kept = memory.companions.get(page.output)
            if kept is not None and kept[0] == key:
                page.passages, page.offline_passages = kept[1], kept[2]
                return kept[3]
        if site.config.get("offline"):  # the offline edition prints them under each reference
            page.offline_passages = {entry["ref"]["number"]: str(edition.passages_entry(entry)) for entry in listed}
        template = edition.env.get_template("passages.html")
        marks = edition.env.get_template("partials/marks.html").module
        title = str(marks.passages_title(page.meta["title"]))
        summary = str(marks.passages_summary(page.meta["title"]))
        zh = site.languages[page.lang]["tag"].lower().startswith("zh")

        def render(chunks: list[list[dict]]) -> list[tuple[str, bytes]]:
            names = ["quotes.html"] + [f"quotes-{i}.html" for i in range(2, len(chunks) + 1)]
            page.passages = [(c[0]["ref"]["number"], c[-1]["ref"]["number"], page.url + n) for c, n in zip(chunks, names)]
            out = []
            for chunk, name in zip(chunks, names):
                html = template.render(page=_Companion(page, name, title, summary), of=page, listed=chunk)
                if zh:
                    html = typeset.chinese(html)
                target = _beside(page.output, name)
                out.append((target, _dedent(relative_links(html, target, None)).encode("utf-8")))
            return out

        try:
            parts = render([listed])
            if len(listed) > 1 and budget.first_render(parts[0][1], {}) + _style_gz() > budget.BUDGET:
                # Pack references into parts as one compressor sees them (flushed after each, so
                # the running size is the part's size so far), then render the parts.
                pieces = parts[0][1].split(b'<li id="q-ref-')
                head, tail = pieces[0], pieces[-1].partition(b"</ol>")[2]
                room = budget.BUDGET - _style_gz() - len(gzip.compress(tail, 9)) - 128
                chunks, packer, size = [], None, 0
                for entry, piece in zip(listed, pieces[1:]):
                    piece = b'<li id="q-ref-' + piece
                    cost = len(packer.compress(piece) + packer.flush(zlib.Z_SYNC_FLUSH)) if packer else room + 1
                    if size + cost > room:
                        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
                        size = len(packer.compress(head + piece) + packer.flush(zlib.Z_SYNC_FLUSH))
                        chunks.append([entry])
                    else:
                        size += cost
                        chunks[-1].append(entry)
                parts = render(chunks)
        except Exception as exc:  # a template's problem, reported like any other
            path, line = template_location(exc, site.root)
            found.append((path, line, f"{type(exc).__name__} while rendering the passages of {page.path}: {exc}"))
            page.passages = []
            return []
        if key is not None:
            memory.companions[page.output] = (key, page.passages, page.offline_passages, parts)
        return parts

    # The sources page lists which pages cite each source, so pages that summarise the
    # whole site ({{< sources >}}) are rendered after all the others.
    summarising = [p for p in site.pages if "{{< sources" in p.body]
    others = [p for p in site.pages if p not in summarising]
    reused = memory.reusable(site, others) if memory else {}
    todo = [p for p in others if p.output not in reused]
    files: dict[str, bytes] = {}
    unrendered = False

    def keep(page: Page, old: Page) -> None:
        """Preview mode: this page's output from the last build still holds."""
        page.references, page.links, page.ids, page.uses, page.facts, page.article = \
            old.references, old.links, old.ids, old.uses, old.facts, old.article
        files[page.output] = memory.files[page.output]
        page.companion = old.companion
        for name in old.companion:
            files[name] = memory.files[name]

    def take(page: Page, result: tuple) -> bool:
        """Record one rendered page; False if it could not be rendered."""
        out, found, (refs, page.links, page.ids, page.uses, page.facts, page.article, companion) = result  # maybe from a worker
        sources = editions[page.lang].data.sources
        page.references = [{"number": n, "id": sid, "source": sources[sid], "uses": uses}
                           for n, sid, uses in refs]
        for problem in found:
            problems.add(*problem)
        page.companion = [name for name, _ in companion]  # what the sources say: its files
        if out is not False:
            files[page.output] = out
            for name, part in companion:
                files[name] = part
        return out is not False

    for page in others:
        if page.output in reused:
            keep(page, reused[page.output])
    def render_remembered(page: Page) -> tuple:
        """Preview mode: render_page, and what the preview keeps of the rendering (the page's
        companion, the source and passage entries it rendered), which a worker process would
        otherwise take with it (the next rebuild then rendered them all again)."""
        edition = editions[page.lang]
        entries, passages = len(edition.entries), len(edition.passage_entries)
        result = render_page(page)
        return result, (memory.companions.get(page.output), list(edition.entries.items())[entries:],
                        list(edition.passage_entries.items())[passages:])

    for page, result in zip(todo, parallel.map_pages(render_page if memory is None else render_remembered, todo)):
        if memory is not None:
            result, (companion, entries, passages) = result
            if companion is not None:
                memory.companions[page.output] = companion
            editions[page.lang].entries.update(entries)
            editions[page.lang].passage_entries.update(passages)
        unrendered |= not take(page, result)
    for cited in others:
        for ref in cited.references:
            editions[cited.lang].citations.setdefault(ref["id"], []).append(cited)
    # A page listing sources only changes when which pages cite the sources it lists changes.
    cited_by = {p.url: tuple((s["id"], c.url, c.meta["title"]) for s in editions[p.lang].listing.get(p.url, [])
                             for c in editions[p.lang].citations.get(s["id"], [])) for p in summarising}
    unchanged = [p for p in summarising if memory and memory.cited_by.get(p.url) == cited_by[p.url]]
    kept = memory.reusable(site, unchanged) if memory else {}
    if memory is not None:
        memory.cited_by = cited_by
        memory.rendered = [p.output for p in todo] + [p.output for p in summarising if p.output not in kept]
    for page in summarising:
        if page.output in kept:
            keep(page, kept[page.output])
        else:
            unrendered |= not take(page, render_page(page))

    everywhere = [p for p in site.pages if p.key != "/404.html"]  # the sitemap lists both editions
    for code, edition in editions.items():
        listed = [p for p in edition.pages if p.key != "/404.html"]
        names = ("sitemap.xml", "feed.xml", "robots.txt") if code == next(iter(editions)) else ("feed.xml",)
        for name in names:
            try:
                out = edition.env.get_template(name).render(pages=everywhere if name == "sitemap.xml" else listed)
            except jinja2.TemplateError as exc:
                path, line = template_location(exc, site.root)
                problems.add(path, line, str(exc))
                continue
            files[site.languages[code]["prefix"] + name] = out.encode("utf-8")
        for problem in site.messages[code].take_missing():
            problems.add(*problem)
    if site.config.get("offline") and not unrendered:
        for code, edition in editions.items():
            order = offline.reading_order(edition.pages, sections.sections(edition.pages).get)
            files[site.languages[code]["prefix"] + "offline.html"] = offline.build(
                edition.env, order, {p.output: p.article for p in order}, site.stylesheet, ROOT, site.abs_url)
            for problem in site.messages[code].take_missing():
                problems.add(*problem)
    for page in site.pages:
        if page.is_explainer:
            files.update(cite.files(page, site))
    files[".nojekyll"] = b""
    files.update(memory.data_files if memory and memory.same_data(site)
                 else data_files(site, [edition.env for edition in editions.values()],
                                 None if memory is None else (memory.data_tables, memory.data_now or {})))
    if not unrendered:  # links into a page that failed to render would all look broken
        check_links(site, files, problems)
        if len(editions) > 1:
            translations.compare(site.pages, site.languages, problems)
    return files


def relative_links(html: str, output: str, absolute: str | None = None) -> str:
    """The page's links to the site (ROOT + path) made relative to its own folder:
    'zh/specs/index.html' links to 'zh/claims/' as '../claims/' and to the home page as '../../'.
    absolute: the base path to use instead ('/h20/'), for the 404 page, which the server shows
    at any missing address."""
    folder = posixpath.dirname(output)
    if absolute is not None:
        return _ROOT_LINK.sub(lambda m: absolute + m[1], html)

    def rel(m: re.Match) -> str:
        path, hash_, fragment = m[1].partition("#")
        return _relative(path, folder) + hash_ + fragment

    return _ROOT_LINK.sub(rel, html)


@functools.lru_cache(maxsize=65536)
def _relative(path: str, folder: str) -> str:
    """path (from the site's root) as seen from folder; a page links the same few paths often."""
    target = posixpath.relpath(path or ".", folder or ".")
    return "./" if target == "." else target + ("/" if path.endswith("/") or not path else "")


# What the companion's label of a cited item (support.py's keys) prints from: its part of data/.
_LABEL_PARTS = {"fig": "figures", "claim": "claims", "event": "timeline", "threshold": "thresholds", "model": "models"}


class _Reading:
    """The data/ tables as templates see them, noting which parts a page's blocks read, so that
    the preview server re-renders a page only when something it shows changed: a table by its
    name ("timeline"), a figure by the fields a block prints of it ("values", chip, metric,
    field), so that a figure's note changes only the pages that print notes."""

    def __init__(self, data: Data, seen: set):
        self._data, self._seen = data, seen

    def get(self, chip: str, metric: str):
        self._seen.add(("values", chip, metric, "exists"))
        found = self._data.get(chip, metric)
        return None if found is None else _Figure(found, self._seen)

    def value(self, chip: str, metric: str):
        self._seen.add(("values", chip, metric, "exists"))
        return _Figure(self._data.value(chip, metric), self._seen)

    @property
    def values(self):
        return _Figures(self._data.values, self._seen)

    def __getattr__(self, name: str):
        self._seen.add(name)
        return getattr(self._data, name)


class _Figure:
    """One figure (data.Value) as a block reads it, noting each field it reads."""

    __slots__ = ("_value", "_seen")

    def __init__(self, value, seen: set):
        self._value, self._seen = value, seen

    def __getattr__(self, name: str):
        self._seen.add(("values", self._value.chip, self._value.metric, name))
        return getattr(self._value, name)


class _Figures:
    """data.values as a block reads it: a figure looked up by its key is noted as above;
    anything else (going through every figure) notes the whole table."""

    def __init__(self, values: dict, seen: set):
        self._values, self._seen = values, seen

    def __getitem__(self, key):
        self._seen.add(("values", *key, "exists"))
        return _Figure(self._values[key], self._seen)

    def __contains__(self, key) -> bool:
        self._seen.add(("values", *key, "exists"))
        return key in self._values

    def __getattr__(self, name: str):
        self._seen.add("values")
        return getattr(self._values, name)

    def __iter__(self):
        self._seen.add("values")
        return iter(self._values)

    def __len__(self) -> int:
        self._seen.add("values")
        return len(self._values)


def _refs(page: Page) -> list[tuple]:
    """A page's references without the source rows (which the parent process has already)."""
    return [(r["number"], r["id"], r["uses"]) for r in page.references]


def data_files(site: Site, envs: list, kept: tuple[dict, dict] | None = None) -> dict[str, bytes]:
    """data/ for download: each file as authored (CSV) and parsed (JSON), numbers written as
    plain numbers ("4.5 billion" as 4500000000); values.csv (and .json), every figure as
    printed on the site, derived ones included, as a number with its unit, sources and review
    date; and README.md, the licence and how to cite, in every language (templates/data-readme.md).
    kept: the preview's (table -> its files as last written, data_digests()), so that an edit
    to one file rewrites that table's files alone."""
    from .schema import TABLES, amount

    out: dict[str, bytes] = {}
    meta = {"license": next(iter(site.languages.values()))["license"],
            "latest_event": site.data.latest_event,
            "source": site.abs_url(site.config["sources_page"])}
    for name, table in TABLES.items():
        path = site.root / "data" / table.file
        if not path.exists():  # an optional table (published.csv) the site does not have
            continue
        if kept is not None:
            key = (kept[1].get(table.file), tuple(site.languages), repr(meta))
            if name in kept[0] and kept[0][name][0] == key:
                out[f"data/{name}.csv"], out[f"data/{name}.json"] = kept[0][name][1]
                continue
        amounts = [c.name for c in table.columns if c.parse is amount]
        rows = [{k: list(v) if isinstance(v, tuple) else (formats.number(v) if k in amounts else v)
                 for k, v in r.items() if k != "line"} for r in site.data.raw[name]]
        out[f"data/{name}.csv"] = _rewrite_csv(path, amounts) if amounts else path.read_bytes()
        out[f"data/{name}.json"] = _json({**meta, "rows": rows})
        if kept is not None:
            kept[0][name] = (key, (out[f"data/{name}.csv"], out[f"data/{name}.json"]))
    columns = ["chip", "metric", "value", "text", "unit", "derived", "sources", "reviewed"]
    values = []
    for (chip, metric), v in sorted(site.data.values.items()):
        # A number as a number (no thousands separator), a text figure (HBM3) in its own column.
        number = None if v.number is None else (int(v.number) if float(v.number).is_integer() else v.number)
        values.append({"chip": chip, "metric": metric, "value": number, "text": v.text if number is None else "",
                       "unit": v.unit, "derived": v.derived, "sources": list(v.sources), "reviewed": v.reviewed})
    lines = [",".join(columns)] + [",".join(_csv_cell(_cell(row[c])) for c in columns) for row in values]
    out["data/values.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    out["data/values.json"] = _json({**meta, "rows": values})
    out["data/README.md"] = "\n".join(env.get_template("data-readme.md").render() for env in envs).encode("utf-8")
    return out


def _rewrite_csv(path: Path, amounts: list[str]) -> bytes:
    """A data file with its amount columns as plain numbers, every other cell as authored."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    index = [i for i, name in enumerate(rows[0]) if name.strip() in amounts]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([str(formats.number(c)) if i in index and c else c for i, c in enumerate(row)])
    return buf.getvalue().encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n') else text


def _json(obj) -> bytes:
    import json

    # Compact on purpose: with indent=None json uses its C encoder, several times faster.
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def check_links(site: Site, files: dict[str, bytes], problems: Problems) -> None:
    """Every site path and #anchor written in a page must exist in the built site."""
    by_output = {p.output: p for p in site.pages}
    for page in site.pages:
        for href, line in page.links:
            path, _, fragment = href.partition("#")
            path = path.split("?")[0] or page.url
            output = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
            if output not in files and output not in site.assets.values():
                problems.add(page.path, line, f"link to {href}: no such page or file in the site")
                continue
            target = by_output.get(output)
            if fragment and (target is None or fragment not in target.ids):
                problems.add(page.path, line, f"link to {href}: no element with id '{fragment}' on that page")
    # Reference lists link each source to its entry on the page that lists it (sections.py).
    by_url = {p.url: p for p in site.pages}
    missing: dict[str, list[str]] = {}
    for sid, url in sorted((sid, url) for listed in site.listed_on.values() for sid, url in listed.items()):
        if url in by_url and f"src-{sid}" not in by_url[url].ids:
            missing.setdefault(url, []).append(sid)
    for url, ids in missing.items():
        page = by_url[url]
        problems.add(page.path, page.lines.get("lists_sources", 1),
                     f"lists {len(ids)} source(s) but shows no entry for them, e.g. '{ids[0]}': "
                     "add {{< sources >}} to the page")


_KEEP_SPACE = re.compile(r"(<(pre|textarea)[\s>].*?</\2>)", re.S)


def _dedent(html: str) -> str:
    """Lines without the templates' indentation, which the browser ignores but every reader
    downloads (some forty compressed bytes a page), save in <pre> and <textarea>."""
    parts = _KEEP_SPACE.split(html)
    # split() gives text, then (kept element, its tag name) pairs
    return "".join(re.sub(r"\n[ \t]+", "\n", part) if i % 3 == 0 else (part if i % 3 == 1 else "")
                   for i, part in enumerate(parts))


def _beside(output: str, name: str) -> str:
    """A file beside a page's output: specs/index.html, quotes.html -> specs/quotes.html."""
    return output.rpartition("/")[0] + "/" + name if "/" in output else name


@functools.cache
def _style_gz() -> int:
    """The compressed size of the stylesheet every page links, as served (minified), for the
    companion's budget."""
    import rcssmin

    css = (Path(__file__).parent.parent / "static" / "style.css").read_bytes()
    return len(gzip.compress(rcssmin.cssmin(css), 9))


class _Companion:
    """A page's companion as the layout sees it: the page's own facts, its own address."""

    def __init__(self, page: Page, name: str, title: str, summary: str):
        self._page = page
        self.url = page.url + name
        self.key = page.key + name
        self.meta = dict(page.meta, title=title, summary=summary)
        self.translations = {code: _Twin(twin.url + "quotes.html") for code, twin in page.translations.items()}
        self.figures = False
        self.references, self.terms, self.toc, self.is_explainer = [], [], [], False

    def __getattr__(self, name):
        return getattr(self._page, name)


class _Twin:
    def __init__(self, url: str):
        self.url = url
