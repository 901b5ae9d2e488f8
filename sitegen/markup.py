"""Our Markdown: Python-Markdown plus four extensions, all working on the element tree.

- citations  `[@id]`, `[@a; @b]`  -> numbered links to the page's reference list
- values     `{{chip.metric}}`    -> the figure from data/ with its unit and citation
- figures    `{{fig:id}}`         -> a figure of data/figures.csv (money, counts), cited
- dates      `{{2025-08-11}}`     -> the date in the page's language (11 August 2025, 2025年8月11日)
- quotations `{{q:id}}`          -> a quotation of data/quotations.csv in the page's language,
                                     marked "(our translation)" where the words are ours
- blocks     `{{< name k="v" >}}` -> templates/blocks/name.html rendered in place
- links      site paths get the base path (and, for a page, the page's language) and are
             checked; external links get rel=noopener
- glossary   the first use of each glossary term on a page links to its definition
Numbering happens in one pass over the finished tree, in document order, so citations in
prose and in rendered blocks share one sequence.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Callable

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

CITE_RE = r"\[(@[^\]\n]*)\]"
VALUE_RE = (r"\{\{\s*([a-z0-9][a-z0-9_-]*)\.([a-z0-9_]+)"
            r"(?:\s*/\s*([a-z0-9][a-z0-9_-]*)\.([a-z0-9_]+))?\s*\}\}")
FIGURE_RE = r"\{\{\s*fig:([a-z0-9][a-z0-9_.-]*)\s*\}\}"
DATE_RE = r"\{\{\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*\}\}"
TR_RE = r"\{\{\s*tr\s*\}\}"
from .quotations import QUOTE_RE  # noqa: E402 (one syntax, shared with data cells)
BLOCK_RE = re.compile(r'^\{\{<\s*([a-z][a-z0-9-]*)((?:\s+[a-z_]+="[^"\n]*")*)\s*>\}\}\s*$')
ARG_RE = re.compile(r'([a-z_]+)="([^"\n]*)"')
_CITE_ID = re.compile(r"^@([a-z0-9][a-z0-9-_.]*)$")
# Raw HTML a page may contain, with the attributes each tag may carry. Everything else
# (script, iframe, style, event handlers, links) is refused with file:line: pages say what
# they mean in Markdown, and templates own the markup.
ALLOWED_HTML = {"abbr": {"title"}, "sup": set(), "sub": set(), "kbd": set(), "br": set(), "small": set(),
                "q": set(), "mark": set(), "time": {"datetime"}, "ruby": set(), "rt": set(), "rp": set()}
TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s<>/]*)(\s[^<>]*)?(?:/?>|$)")
AUTOLINK_RE = re.compile(r"^(?:https?|ftp):|@")  # <https://...> and <name@host> are Markdown, not HTML
ATTR_RE = re.compile(r"""([^\s=/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
CODE_SPAN_RE = re.compile(r"(`+).+?\1")
# Files every edition has its own copy of (a link from a translated page goes to its language's).
EDITION_FILES = {"/feed.xml", "/offline.html"}
SKIP_TERMS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "abbr", "kbd", "span"}


@dataclass
class PageState:
    """What one page's conversion produced besides HTML: its sources, links and problems."""

    order: dict[str, int] = field(default_factory=dict)    # source id -> number
    uses: dict[str, int] = field(default_factory=dict)     # source id -> times cited
    links: list[tuple[str, tuple]] = field(default_factory=list)  # (href as written, tokens)
    problems: list[tuple] = field(default_factory=list)  # (token or tokens to locate, message)
    facts: set = field(default_factory=set)  # what the page prints from data/: twins must agree
    terms: list = field(default_factory=list)  # glossary paths linked, in order: the page's term list
    cited_for: dict = field(default_factory=dict)  # source id -> items of data/ the page cites it for

    def cites_for(self, sources, item: str) -> None:
        """Remember that the page cites these sources for this item (a figure, a claim, an
        event...): its passages are the ones data/quotes.csv gives for that pair."""
        for sid in sources:
            self.cited_for.setdefault(sid, set()).add(item)

    def number(self, sid: str) -> tuple[int, int]:
        """(reference number, occurrence) for a citation of sid, numbering on first use."""
        n = self.order.setdefault(sid, len(self.order) + 1)
        self.uses[sid] = self.uses.get(sid, 0) + 1
        return n, self.uses[sid]


@dataclass
class Context:
    """What the extensions need from the rest of the site; set once per build."""

    source_ids: set[str]
    lookup_value: Callable  # (chip, metric) -> data.Value, raises KeyError
    render_block: Callable  # (name, args, cite) -> HTML, raises LookupError/ValueError
    base_path: str          # "/" or "/repo/"
    terms: list[tuple[str, str]]  # (phrase, site path of its definition)
    lookup_figure: Callable = None  # id -> (printed text, source ids), raises KeyError
    format_date: Callable = str     # '2025-08-11' -> the date in the page's language
    translation_mark: str = ""      # the mark of our translations: templates/partials/marks.html
    lookup_quote: Callable = None   # id -> (the quotation in its marks, is it ours), raises KeyError
    page_keys: frozenset = frozenset()  # every page's default-language URL, for links
    prefix: str = ""                # this language's folder: "" or "zh/"
    state: PageState = field(default_factory=PageState)
    page_url: str = "/"


def fill_cite(el: etree.Element, ctx: Context, ids: tuple[str, ...]) -> etree.Element:
    """Make el the marker for a citation of one or more sources: <sup>[1, 4]</sup>. Only a
    source's first citation gets an id (cite-N), the target of the reference list's back link:
    ids on every later one cost the specifications page over a kilobyte and serve nothing."""
    el.tag, el.text = "sup", "["
    el.attrib.clear()
    el.set("class", "cite")
    for i, sid in enumerate(ids):
        n, k = ctx.state.number(sid)
        a = etree.SubElement(el, "a", {"href": f"#ref-{n}", "id": f"cite-{n}"} if k == 1 else {"href": f"#ref-{n}"})
        a.text = str(n)
        a.tail = ", " if i < len(ids) - 1 else "]"
    return el


def cite_markup(ctx: Context, ids: tuple[str, ...], item: str | None = None) -> Markup:
    """The same marker as HTML text, for templates rendered inside a page (blocks); built as a
    string because blocks cite hundreds of times (the ids and numbers need no escaping).
    item: what the sources are cited for (chip.metric, claim:id, event:id ...), if anything."""
    if item:
        ctx.state.cites_for(ids, item)
    links = []
    for sid in ids:
        n, k = ctx.state.number(sid)
        links.append(f'<a href="#ref-{n}" id="cite-{n}">{n}</a>' if k == 1 else f'<a href="#ref-{n}">{n}</a>')
    return Markup('<sup class="cite">[' + ", ".join(links) + "]</sup>")


def parse_cite_ids(inner: str) -> tuple[tuple[str, ...], str | None]:
    """'@a; @b' -> (('a', 'b'), None) or ((), error message)."""
    ids = []
    for part in inner.split(";"):
        m = _CITE_ID.match(part.strip())
        if not m:
            return (), f"malformed citation '[{inner}]': write [@id] or [@id-one; @id-two]"
        ids.append(m[1])
    return tuple(ids), None


class CiteInline(InlineProcessor):
    def __init__(self, ctx: Context):
        super().__init__(CITE_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        ids, error = parse_cite_ids(m[1])
        token = m[0]
        if error:
            self.ctx.state.problems.append((token, error))
        for sid in ids:
            if sid not in self.ctx.source_ids:
                self.ctx.state.problems.append((token, f"unknown source id '{sid}' (see data/sources.csv)"))
        el = etree.Element("sup")
        el.set("data-cite", " ".join(s for s in ids if s in self.ctx.source_ids))
        return el, m.start(0), m.end(0)


class ValueInline(InlineProcessor):
    def __init__(self, ctx: Context):
        super().__init__(VALUE_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802
        try:
            value = self.ctx.lookup_value(m[1], m[2])
            other = self.ctx.lookup_value(m[3], m[4]) if m[3] else None
        except KeyError as exc:
            self.ctx.state.problems.append((m[0], f"{m[0]}: {exc.args[0]}"))
            return etree.Element("span"), m.start(0), m.end(0)
        el = etree.Element("span")
        el.set("class", "value")
        if other is None:
            el.text = f"{value.text}\u00a0{value.unit}" if value.unit else value.text
            sources = value.sources
            self.ctx.state.facts.add(("value", f"{m[1]}.{m[2]}"))
            self.ctx.state.cites_for(value.sources, f"{m[1]}.{m[2]}")
        else:  # {{a.metric / b.metric}}: a percentage, cited by both figures' sources
            if value.number is None or other.number is None:
                self.ctx.state.problems.append((m[0], f"{m[0]}: a ratio needs two numeric metrics"))
                return el, m.start(0), m.end(0)
            el.text = percent(value.number / other.number)
            sources = tuple(dict.fromkeys(value.sources + other.sources))
            self.ctx.state.facts.add(("ratio", f"{m[1]}.{m[2]}/{m[3]}.{m[4]}"))
            self.ctx.state.cites_for(value.sources, f"{m[1]}.{m[2]}")
            self.ctx.state.cites_for(other.sources, f"{m[3]}.{m[4]}")
        sup = etree.SubElement(el, "sup")
        sup.set("data-cite", " ".join(sources))
        return el, m.start(0), m.end(0)


class FigureInline(InlineProcessor):
    """{{fig:id}}: a figure of data/figures.csv, formatted for the page's language, cited."""

    def __init__(self, ctx: Context):
        super().__init__(FIGURE_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802
        el = etree.Element("span")
        try:
            text, sources = self.ctx.lookup_figure(m[1])
        except KeyError as exc:
            self.ctx.state.problems.append((m[0], f"{m[0]}: {exc.args[0]}"))
            return el, m.start(0), m.end(0)
        el.set("class", "value")
        el.text = text
        etree.SubElement(el, "sup").set("data-cite", " ".join(sources))
        self.ctx.state.facts.add(("fig", m[1]))
        self.ctx.state.cites_for(sources, f"fig:{m[1]}")
        return el, m.start(0), m.end(0)


class DateInline(InlineProcessor):
    """{{2025-08-11}}: a date written out in the page's language, in a <time> element."""

    def __init__(self, ctx: Context):
        super().__init__(DATE_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802
        from .schema import partial_date

        el = etree.Element("time")
        try:
            partial_date(m[1])
        except ValueError as exc:
            self.ctx.state.problems.append((m[0], f"{m[0]}: {exc}"))
            return el, m.start(0), m.end(0)
        el.set("datetime", m[1])
        el.text = self.ctx.format_date(m[1])
        self.ctx.state.facts.add(("date", m[1]))
        return el, m.start(0), m.end(0)


class QuoteInline(InlineProcessor):
    """{{q:id}}: a quotation of data/quotations.csv, in the page's language, marked as our
    translation where the words are ours (one translation per quotation, site-wide)."""

    def __init__(self, ctx: Context):
        super().__init__(QUOTE_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802
        el = etree.Element("span")
        try:
            text, ours = self.ctx.lookup_quote(m[1])
        except KeyError:
            self.ctx.state.problems.append((m[0], f"{m[0]}: unknown quotation '{m[1]}' (see data/quotations.csv)"))
            return el, m.start(0), m.end(0)
        el.set("class", "quote")
        el.set("data-q", m[1])
        el.text = text
        if ours:
            mark = etree.SubElement(el, "small")
            mark.set("class", "tr")
            mark.text = self.ctx.translation_mark
        self.ctx.state.facts.add(("quote", m[1]))
        return el, m.start(0), m.end(0)


class RetiredTranslationMark(InlineProcessor):
    """{{tr}}, the hand-typed translation mark of earlier versions: refused, since a quotation
    translated by hand on each page came out differently on each (quotations.py)."""

    def __init__(self, ctx: Context):
        super().__init__(TR_RE)
        self.ctx = ctx

    def handleMatch(self, m, data):  # noqa: N802
        self.ctx.state.problems.append((m[0], "{{tr}} is no longer used: write the quotation once in "
                                              "data/quotations.csv and print it with {{q:id}}, which marks our translations"))
        return etree.Element("span"), m.start(0), m.end(0)


def percent(ratio: float) -> str:
    """A ratio as a percentage: one decimal under 10%, none above (15%, 119%, 2.4%)."""
    pct = ratio * 100
    return f"{pct:,.1f}%" if pct < 10 else f"{pct:,.0f}%"


class BlockShortcode(BlockProcessor):
    def __init__(self, parser, ctx: Context):
        super().__init__(parser)
        self.ctx = ctx

    def test(self, parent, block):
        return block.lstrip().startswith("{{<")

    def run(self, parent, blocks):
        block = blocks.pop(0).strip()
        m = BLOCK_RE.match(block)
        el = etree.SubElement(parent, "div")
        if not m:
            self.ctx.state.problems.append((block.split("\n")[0], 'malformed block: write {{< name >}} or '
                                            '{{< name key="value" >}} alone in its paragraph'))
            return
        el.set("data-block", m[1])
        el.set("data-args", json.dumps(dict(ARG_RE.findall(m[2])), sort_keys=True))
        el.set("data-token", block)


class RawHtmlPolicy(Preprocessor):
    """Refuse raw HTML outside the allow-list, before Python-Markdown stashes it."""

    def __init__(self, md, ctx: Context):
        super().__init__(md)
        self.ctx = ctx

    def run(self, lines):
        # No line is exempt: without the fenced-code extension, indented or fenced text can
        # still reach the page as raw HTML. Only code spans are safe (Markdown escapes them).
        for line in lines:
            for problem in html_problems(CODE_SPAN_RE.sub("", line)):
                self.ctx.state.problems.append(problem)
        return lines


def html_problems(line: str) -> list[tuple[str, str]]:
    """(token, message) for each tag or attribute in line that the allow-list does not permit."""
    out = []
    if "<!--" in line or "<?" in line or "<!" in line:
        out.append(("<!", "HTML comments and declarations are not allowed in pages"))
    for m in TAG_RE.finditer(line):
        name = m[2].lower()
        if AUTOLINK_RE.search(name):
            continue
        if name not in ALLOWED_HTML:
            out.append((m[0], f"HTML tag <{name}> is not allowed in pages "
                              f"(allowed: {', '.join(sorted(ALLOWED_HTML))})"))
            continue
        for attr in ATTR_RE.findall(m[3] or ""):
            attr = attr.lower()
            if attr.startswith("on"):
                out.append((m[0], f"event handler attribute '{attr}' is not allowed"))
            elif attr not in ALLOWED_HTML[name]:
                out.append((m[0], f"attribute '{attr}' is not allowed on <{name}>"))
    return out


class Finish(Treeprocessor):
    """Number citations and render blocks in document order; check and rewrite links."""

    def __init__(self, md, ctx: Context):
        super().__init__(md)
        self.ctx = ctx

    def run(self, root):
        ctx = self.ctx
        for el in list(root.iter()):
            if "data-cite" in el.attrib:
                ids = tuple(el.attrib.pop("data-cite").split())
                fill_cite(el, ctx, ids) if ids else el.attrib.clear()
            elif "data-block" in el.attrib:
                self._render_block(el)
            elif el.tag == "a" and "href" in el.attrib:
                self._link(el)
            elif el.tag == "img" and "src" in el.attrib:
                ctx.state.problems.append((el.get("src"), "images are not allowed in pages; "
                                           "charts are generated from data/"))
        if ctx.terms:
            link_terms(root, ctx)

    def _render_block(self, el):
        ctx = self.ctx
        name = el.attrib.pop("data-block")
        args = json.loads(el.attrib.pop("data-args"))
        token = el.attrib.pop("data-token")
        ctx.state.facts.add(("block", name + json.dumps(args, sort_keys=True, ensure_ascii=False)))
        try:
            html = ctx.render_block(name, args, lambda *ids, item=None: cite_markup(ctx, _flatten(ids), item))
        except (LookupError, ValueError) as exc:
            ctx.state.problems.append((token, f"block '{name}': {exc}"))
            html = ""
        el.tag = "p"
        el.text = self.md.htmlStash.store(html)

    def _link(self, el):
        ctx = self.ctx
        href = el.get("href")
        token = (f"]({href}", f"<{href}>", href or "](")
        if href.startswith("/") and not href.startswith("//"):
            path = href.partition("#")[0].partition("?")[0]
            if ctx.prefix and (path in ctx.page_keys or path in EDITION_FILES):
                href = "/" + ctx.prefix + href[1:]  # the page in this page's language
            ctx.state.links.append((href, token))
            el.set("href", ctx.base_path + href[1:])
        elif href.startswith("#"):
            ctx.state.links.append((ctx.page_url + href, token))
        elif href.startswith("https://"):
            el.set("rel", "noopener noreferrer")
        elif href.startswith("mailto:"):
            pass
        else:
            ctx.state.problems.append((token, f"link '{href}' must start with https://, mailto: or "
                                       "'/' (a page of this site, e.g. /specs/#memory)"))


def _flatten(ids) -> tuple[str, ...]:
    out = []
    for item in ids:
        out.extend(item if isinstance(item, (list, tuple)) else str(item).split())
    return tuple(out)


def link_terms(root: etree.Element, ctx: Context) -> None:
    """Link the first use of each glossary term on this page to its definition."""
    targets = {phrase: path for phrase, path in ctx.terms if not path.startswith(ctx.page_url + "#")}
    if not targets:
        return
    # Word boundaries in Latin script only: Chinese runs words together ("其显存带宽为").
    pattern = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(p) for p in sorted(targets, key=len, reverse=True))
                         + r")(?![A-Za-z0-9_-])")
    linked: set[str] = set()

    def split(text: str) -> tuple[str, list[etree.Element]]:
        pieces: list[etree.Element] = []
        head, pos = None, 0
        for m in pattern.finditer(text):
            path = targets[m[1]]
            if path in linked:
                continue
            linked.add(path)
            ctx.state.terms.append(path)
            a = etree.Element("a", {"href": ctx.base_path + path[1:], "class": "term"})
            a.text = m[1]
            if head is None:
                head = text[:m.start()]
            else:
                pieces[-1].tail = text[pos:m.start()]
            pieces.append(a)
            pos = m.end()
        if head is None:
            return text, []
        pieces[-1].tail = text[pos:]
        return head, pieces

    def visit(el: etree.Element) -> None:
        if el.tag in SKIP_TERMS or el.get("class") == "skip-terms":
            return
        children = list(el)
        if el.text and el.tag not in ("div", "ul", "ol", "table", "thead", "tbody", "tr"):
            el.text, new = split(el.text)
            for i, a in enumerate(new):
                el.insert(i, a)
        for child in children:
            visit(child)
            if child.tail:
                child.tail, new = split(child.tail)
                at = list(el).index(child) + 1
                for i, a in enumerate(new):
                    el.insert(at + i, a)

    visit(root)


class WrapTables(Treeprocessor):
    """Put each Markdown table in a scrollable region that keyboard users can reach, named
    by the heading above it (runs after the toc extension has given headings their ids)."""

    def run(self, root):
        heading_id = None
        for i, el in enumerate(list(root)):
            if el.tag in ("h2", "h3", "h4") and el.get("id"):
                heading_id = el.get("id")
            elif el.tag == "table":
                wrap = etree.Element("div", {"class": "table-wrap", "tabindex": "0", "role": "region"})
                if heading_id:
                    wrap.set("aria-labelledby", heading_id)
                wrap.tail, el.tail = el.tail, None
                root.remove(el)
                wrap.append(el)
                root.insert(i, wrap)


class SiteExtension(Extension):
    def __init__(self, ctx: Context):
        super().__init__()
        self.ctx = ctx

    def extendMarkdown(self, md):  # noqa: N802
        md.preprocessors.register(RawHtmlPolicy(md, self.ctx), "html_policy", 40)
        md.inlinePatterns.register(CiteInline(self.ctx), "cite", 175)
        md.inlinePatterns.register(ValueInline(self.ctx), "value", 174)
        md.inlinePatterns.register(FigureInline(self.ctx), "figure", 173)
        md.inlinePatterns.register(DateInline(self.ctx), "date", 172)
        md.inlinePatterns.register(RetiredTranslationMark(self.ctx), "translation_mark", 171)
        md.inlinePatterns.register(QuoteInline(self.ctx), "quote", 170)
        md.parser.blockprocessors.register(BlockShortcode(md.parser, self.ctx), "block", 95)
        md.treeprocessors.register(Finish(md, self.ctx), "finish", 15)
        md.treeprocessors.register(WrapTables(md), "wrap_tables", 4)
        # Reference-style links ([text][id] with "[id]: url" elsewhere) and e-mail autolinks are
        # not part of our syntax; each inline pattern is tried on every run of text, so unused
        # ones are dropped (a measurable share of the build at 1,000 pages).
        for name in ("reference", "short_reference", "image_reference", "short_image_ref", "automail"):
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)


def make_markdown(ctx: Context) -> markdown.Markdown:
    """One configured converter, reused for every page (building one is expensive)."""
    return markdown.Markdown(
        # Instances, not names: looking names up goes through importlib.metadata (slow start-up).
        extensions=[TableExtension(), AttrListExtension(), SaneListExtension(),
                    TocExtension(slugify=slugify_unicode, toc_depth="2-3", permalink=False),
                    SiteExtension(ctx)],
        output_format="html",
    )


def convert(md: markdown.Markdown, ctx: Context, body: str, page_url: str) -> tuple[str, list, PageState]:
    """(HTML, table of contents tokens, page state) for one page's Markdown."""
    ctx.state = PageState()
    ctx.page_url = page_url
    md.reset()
    html = md.convert(body)
    return html, getattr(md, "toc_tokens", []), ctx.state


def heading_ids(toc_tokens: list) -> list[str]:
    out = []
    for tok in toc_tokens:
        out.append(tok["id"])
        out.extend(heading_ids(tok.get("children", [])))
    return out


__all__ = ["Context", "PageState", "make_markdown", "convert", "cite_markup", "escape"]
