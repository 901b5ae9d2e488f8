"""Render pages and site-wide files (sitemap, feed, robots) through Jinja2 templates."""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import charts, estimate, markup, parallel, sections
from .content import Page
from .data import Data
from .errors import Problems, line_of

_ID_ATTR = re.compile(r'\sid="([^"]+)"')


@dataclass
class Site:
    """The build's context: configuration, data, pages and asset names; read-only while rendering."""

    root: Path
    config: dict
    data: Data
    pages: list[Page]
    assets: dict[str, str]  # "style.css" -> "assets/style.1a2b3c4d5e.css"
    listed_on: dict[str, str]  # source id -> URL of the page that lists it (sections.py)

    @property
    def base_path(self) -> str:
        return self.config["base_path"]

    def url(self, path: str) -> str:
        """A site path ('/specs/', 'assets/x.css') with the base path, for href and src."""
        return self.base_path + path.lstrip("/")

    def abs_url(self, path: str) -> str:
        """The same path as an absolute URL, for canonical links, the sitemap and the feed."""
        return self.config["base_url"] + path.lstrip("/")

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


def make_env(site: Site) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(site.root / "templates")),
        bytecode_cache=_template_cache(site.root),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(site=site, config=site.config, data=site.data, url=site.url,
                       abs_url=site.abs_url, asset=site.asset,
                       estimator_chips=lambda: estimate.chip_inputs(site.data),
                       estimator_rows=lambda: estimate.scenario_rows(site.data),
                       kv_kib=estimate.kv_kib, show=estimate.show, charts=charts)
    return env


def render_site(site: Site, problems: Problems, memory=None, sink=None) -> dict[str, bytes | None]:
    """Every output file's bytes keyed by its path under site/; problems are collected.

    memory (preview mode only) holds the previous successful build: pages whose inputs did not
    change keep their rendered output. Large sites are rendered by several processes.
    """
    env = make_env(site)
    terms = []
    glossary_url = site.config.get("glossary_page")
    if glossary_url and any(p.url == glossary_url for p in site.pages):
        for row in site.data.glossary:
            for phrase in (row["term"], *row["aliases"]):
                terms.append((phrase, f"{glossary_url}#term-{row['id']}"))

    def render_block(name: str, args: dict, cite) -> str:
        try:
            template = env.get_template(f"blocks/{name}.html")
        except jinja2.TemplateNotFound as exc:
            if exc.name == f"blocks/{name}.html":
                raise LookupError(f"no template templates/blocks/{name}.html") from None
            raise ValueError(f"templates/blocks/{name}.html: includes a missing template {exc.name}") from None
        except jinja2.TemplateSyntaxError as exc:
            path, line = template_location(exc, site.root)
            raise ValueError(f"{path}:{line}: {exc}") from None
        try:
            return template.render(args=args, cite=cite, page=current["page"])
        except Exception as exc:  # anything a template's code raises is that template's problem
            path, line = template_location(exc, site.root)
            raise ValueError(f"{path}:{line}: {exc}") from None

    current: dict = {}
    used: set = set()      # (chip, metric) figures the page being rendered prints
    tables: set = set()    # parts of data/ its blocks read, e.g. "timeline", "values"
    env.globals.update(data=_Reading(site.data, tables),
                       estimator_chips=lambda: tables.update({"values"}) or estimate.chip_inputs(site.data),
                       estimator_rows=lambda: tables.update({"values", "models", "scenarios"})
                       or estimate.scenario_rows(site.data))

    def lookup_value(chip: str, metric: str):
        used.add((chip, metric))  # remembered, so preview rebuilds know who prints what
        return site.data.value(chip, metric)

    ctx = markup.Context(source_ids=set(site.data.sources), lookup_value=lookup_value,
                         render_block=render_block, base_path=site.base_path, terms=terms)
    md = markup.make_markdown(ctx)
    nav = sorted((p for p in site.pages if "nav" in p.meta), key=lambda p: (p.meta["nav"], p.url))
    citations: dict[str, list[Page]] = {}
    entries: dict[str, markup.Markup] = {}

    def source_entry(source: dict) -> markup.Markup:
        """A source as printed in reference lists (templates/partials/source.html), rendered
        once per source per build: a large site cites the same sources thousands of times."""
        if source["id"] not in entries:
            entries[source["id"]] = env.get_template("partials/source.html").module.source(source)
        return entries[source["id"]]

    listing: dict[str, list[dict]] = {}
    for sid in sorted(site.listed_on):
        listing.setdefault(site.listed_on[sid], []).append(site.data.sources[sid])

    def sources_listed_on(url: str) -> list[dict]:
        """The sources a page lists (sections.py), by id; the page then depends on sources.csv."""
        tables.add("sources")
        return listing.get(url, [])

    env.globals.update(nav=nav, pages=site.pages, citations=citations, source_entry=source_entry,
                       listed_on=site.listed_on, sources_listed_on=sources_listed_on,
                       section=sections.sections(site.pages).get)

    def render_page(page: Page) -> tuple[bytes | None | bool, list[tuple[str, int, str]], tuple]:
        """Markdown, then the layout: (the page's bytes, or None once the sink has written them,
        or False if it could not be rendered; its problems; what the rest of the build needs to
        know of it: references, links, element ids and the data it used)."""
        found: list[tuple[str, int, str]] = []
        current["page"] = page
        used.clear()
        tables.clear()
        html, toc, state = markup.convert(md, ctx, page.body, page.url)
        page.uses = frozenset(used) | frozenset(tables)
        for token, message in state.problems:
            found.append((page.path, line_of(page.body, token, page.body_line), message))
        page.html, page.toc = html, toc
        page.links = [(href, line_of(page.body, token, page.body_line)) for href, token in state.links]
        page.references = [
            {"number": n, "id": sid, "source": site.data.sources[sid], "uses": state.uses[sid]}
            for sid, n in sorted(state.order.items(), key=lambda kv: kv[1])
        ]
        layout = page.meta.get("layout", "page")
        try:
            out = env.get_template(f"{layout}.html").render(page=page, content=markup.Markup(page.html))
        except jinja2.TemplateNotFound as exc:
            found.append((page.path, 1, f"layout '{layout}': no template templates/{exc.name}"))
            return False, found, (_refs(page), page.links, set(), page.uses)
        except Exception as exc:  # anything a template's code raises is that template's problem
            path, line = template_location(exc, site.root)
            found.append((path, line, f"{type(exc).__name__} while rendering {page.path}: {exc}"))
            return False, found, (_refs(page), page.links, set(), page.uses)
        page.ids = set(_ID_ATTR.findall(out))
        page.html = ""  # the layout has it now; keeps memory and inter-process traffic small
        body = out.encode("utf-8")
        if sink is not None and not found:
            sink(page.output, body)  # written now, by this process; the entry stays None
            body = None
        return body, found, (_refs(page), page.links, page.ids, page.uses)

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
        page.references, page.links, page.ids, page.uses = old.references, old.links, old.ids, old.uses
        files[page.output] = memory.files[page.output]

    def take(page: Page, result: tuple) -> bool:
        """Record one rendered page; False if it could not be rendered."""
        out, found, (refs, page.links, page.ids, page.uses) = result  # a worker may have rendered it
        page.references = [{"number": n, "id": sid, "source": site.data.sources[sid], "uses": uses}
                           for n, sid, uses in refs]
        for problem in found:
            problems.add(*problem)
        if out is not False:
            files[page.output] = out
        return out is not False

    for page in others:
        if page.output in reused:
            keep(page, reused[page.output])
    for page, result in zip(todo, parallel.map_pages(render_page, todo)):
        unrendered |= not take(page, result)
    for cited in others:
        for ref in cited.references:
            citations.setdefault(ref["id"], []).append(cited)
    # A page listing sources only changes when which pages cite the sources it lists changes.
    cited_by = {p.url: tuple((s["id"], c.url, c.meta["title"]) for s in listing.get(p.url, [])
                             for c in citations.get(s["id"], [])) for p in summarising}
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

    listed = [p for p in site.pages if p.url != "/404.html"]
    for name in ("sitemap.xml", "feed.xml", "robots.txt"):
        try:
            out = env.get_template(name).render(pages=listed)
        except jinja2.TemplateError as exc:
            path, line = template_location(exc, site.root)
            problems.add(path, line, str(exc))
            continue
        files[name] = out.encode("utf-8")
    files[".nojekyll"] = b""
    files.update(memory.data_files if memory and memory.same_data(site) else data_files(site))
    if not unrendered:  # links into a page that failed to render would all look broken
        check_links(site, files, problems)
    return files


class _Reading:
    """The data/ tables as templates see them, noting which parts a page's blocks read, so that
    the preview server re-renders a page only when something it shows changed."""

    def __init__(self, data: Data, seen: set):
        self._data, self._seen = data, seen

    def __getattr__(self, name: str):
        self._seen.add("values" if name in ("get", "value") else name)
        return getattr(self._data, name)


def _refs(page: Page) -> list[tuple]:
    """A page's references without the source rows (which the parent process has already)."""
    return [(r["number"], r["id"], r["uses"]) for r in page.references]


def data_files(site: Site) -> dict[str, bytes]:
    """data/ for download: each file as authored (CSV) and parsed (JSON), plus values.csv,
    every figure as printed on the site (derived ones included) with its source ids."""
    from .schema import TABLES

    out: dict[str, bytes] = {}
    meta = {"license": site.config["license"], "as_of": site.config["as_of"].isoformat(),
            "source": site.abs_url(site.config["sources_page"])}
    for name, table in TABLES.items():
        out[f"data/{name}.csv"] = (site.root / "data" / table.file).read_bytes()
        rows = [{k: list(v) if isinstance(v, tuple) else v for k, v in r.items() if k != "line"}
                for r in site.data.raw[name]]
        out[f"data/{name}.json"] = _json({**meta, "rows": rows})
    lines = ["chip,metric,value,unit,derived,sources"]
    for (chip, metric), v in sorted(site.data.values.items()):
        cells = [chip, metric, v.text, v.unit, "yes" if v.derived else "no", ";".join(v.sources)]
        lines.append(",".join(_csv_cell(c) for c in cells))
    out["data/values.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    return out


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
    for sid, url in sorted(site.listed_on.items()):
        if url in by_url and f"src-{sid}" not in by_url[url].ids:
            missing.setdefault(url, []).append(sid)
    for url, ids in missing.items():
        page = by_url[url]
        problems.add(page.path, page.lines.get("lists_sources", 1),
                     f"lists {len(ids)} source(s) but shows no entry for them, e.g. '{ids[0]}': "
                     "add {{< sources >}} to the page")
