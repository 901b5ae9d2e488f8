"""What the preview server remembers between rebuilds, so that saving one page re-renders
that page (and the pages that list every page), not the whole site.

A page keeps its previous output when its own file is unchanged and nothing it depends on
changed: templates, catalogues (i18n/), static files and site.toml affect every page; a data file affects the
pages that print a changed figure, cite a changed source or draw a block from a changed table,
and the glossary every page;
the navigation, the sections and the source listings (titles, order and front matter
lists_sources of every page) affect every page's layout.
"""
from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path


# Which parts of the loaded data (attributes of data.Data) each file of data/ feeds.
TABLE_PARTS = {
    "sources.csv": {"sources"}, "chips.csv": {"chips", "values"}, "metrics.csv": {"metrics", "values"},
    "specs.csv": {"specs", "values", "rejected"}, "timeline.csv": {"timeline"}, "claims.csv": {"claims"},
    "verdicts.csv": {"verdicts"}, "figures.csv": {"figures"},
    "models.csv": {"models"}, "scenarios.csv": {"scenarios"}, "thresholds.csv": {"thresholds"},
    # A passage changes the companion of each page citing its source (see _compare), nothing else.
    "quotes.csv": {"quotes"},
}


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


def data_digests(root: Path) -> dict[str, str]:
    """name -> digest of each file of data/: read once per rebuild, both to keep the data loaded
    last (pipeline.render) and to find what changed (Memory)."""
    return {p.name: _digest([p]) for p in _files(root / "data")}


def _row(row: dict | None) -> dict | None:
    """A data row without its line number (moving a row does not change what it says)."""
    return None if row is None else {k: v for k, v in row.items() if k != "line"}


def _printed(value) -> tuple | None:
    """What {{chip.metric}} prints of a figure (its note appears only in blocks)."""
    return None if value is None else (value.text, value.number, value.unit, value.sources, value.derived)


def _rows(table: dict) -> dict:
    return {k: _row(v) for k, v in table.items()}


def _plain(obj):
    """A part of the loaded data without line numbers, to compare with the same part of the
    last build's (rows, lists of rows, rows keyed by id or by (chip, metric))."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k != "line"}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def _fields(data, languages: tuple) -> dict:
    """(chip, metric) -> {field: value} of each figure as each edition prints it (a note in
    Chinese comes from its own column of specs.csv), to find which fields an edit changed."""
    from .translations import localize

    out: dict = {}
    for code in languages:
        for key, v in localize(data, code, languages[0]).values.items():
            out.setdefault(key, {}).update({(code, f.name): getattr(v, f.name) for f in fields(v) if f.name != "line"})
    return out


# The parts of the loaded data compared one by one after a data edit (a part not named here,
# or a file not in TABLE_PARTS, counts as changed whenever its file changed).
_COMPARED = {"sources", "chips", "metrics", "rejected", "timeline", "claims", "verdicts", "figures",
             "models", "scenarios", "thresholds", "quotes"}


def _page_key(page) -> tuple:
    return (page.path, page.url, page.body_line, repr(sorted(page.meta.items())), page.body)


def _nav_key(site) -> tuple:
    """What every page's layout shows of the other pages: the navigation, the pages of each
    section, and which page lists each source (so where "About this source" links)."""
    return tuple(sorted((p.url, p.meta.get("nav"), p.meta.get("nav_title"), p.meta["title"], p.meta.get("order"),
                         repr(p.meta.get("lists_sources"))) for p in site.pages))


class Memory:
    """The last successful build's inputs and outputs."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.data_files: dict[str, bytes] = {}
        self.data_tables: dict = {}         # table -> (what its files print from, its two files) (render.data_files)
        self.frame = self.data = self.glossary = self.nav = None
        self.site_data = None
        self.data_key = None                # data/ as last loaded (pipeline.render reuses it)
        self.data_now: dict | None = None   # data_digests() of this build, set by pipeline.render
        self.pages: dict[str, tuple] = {}   # output -> (page key, page)
        self.rendered: list[str] = []       # outputs rendered by the last build (the rest were kept)
        self.companions: dict = {}         # page output -> (what its companion prints, the companion) (render.py)
        self.cited_by: dict = {}            # sources page URL -> (source, citing URL, title), each listed source
        self.parsed: dict = {}              # content file -> ((mtime, size), Page as read)
        self.tables: dict = {}              # data file -> (its digest, rows, problems) (data.load_data)
        self.entries: dict = {}             # language -> (what they print from, source entries) (render.py)
        self._fields: tuple = (None, None)  # (data, _fields of it): the last build's figures, compared once
        self._now: tuple = (None, None, None)  # (site, its signatures, what changed) of this build

    def _signatures(self, site) -> tuple:
        """Digests of what this build reads, computed once per build (they read every file)."""
        if self._now[0] is not site:
            self._now = (site, self._read_signatures(site), None)
        return self._now[1]

    def _read_signatures(self, site) -> tuple:
        root = site.root
        frame = _digest(_files(root / "templates") + _files(root / "static") + _files(root / "i18n")
                        + [root / "site.toml"]) \
            + site.config["base_url"]
        digests = self.data_now if self.data_now is not None else data_digests(root)
        data = {name: digest for name, digest in digests.items() if name != "glossary.csv"}
        return frame, data, digests.get("glossary.csv") or _digest([]), _nav_key(site)

    def frame_key(self, site) -> tuple:
        """What every page's layout depends on besides its data: templates, catalogues, static
        files, site.toml, the glossary and the navigation."""
        frame, _, glossary, nav = self._signatures(site)
        return frame, glossary, nav

    def reusable(self, site, pages) -> dict:
        """output -> previous Page, for the pages whose output can be kept."""
        frame, data, glossary, nav = self._signatures(site)
        if (frame, glossary, nav) != (self.frame, self.glossary, self.nav) or not self.files:
            return {}
        values, sources, parts = self._changed(site) if data != self.data else (set(), set(), set())
        keep = {}
        for page in pages:
            old = self.pages.get(page.output)
            if old is None or old[0] != _page_key(page):
                continue
            prev = old[1]
            if prev.uses & (values | parts) or "raw" in prev.uses and parts \
                    or any(ref["id"] in sources for ref in prev.references):
                continue
            keep[page.output] = prev
        return keep

    def _changed(self, site) -> tuple[set, set, set]:
        """What changed in data/: the figures, as (chip, metric) where their printed form changed
        (what {{chip.metric}} prints) and as ("values", chip, metric, field) for each field of
        them a block may print that changed ("exists" where a figure came or went); the source
        ids; and the parts of data/ (names of Data attributes, "values" if any figure changed,
        "raw" for any file without parts)."""
        self._signatures(site)
        if self._now[2] is None:
            self._now = (*self._now[:2], self._compare(site))
        return self._now[2]

    def _compare(self, site) -> tuple[set, set, set]:
        old, new = self.site_data, site.data
        _, data, _, _ = self._signatures(site)
        files = {name for name in data.keys() | self.data.keys() if data.get(name) != self.data.get(name)}
        parts = set().union(*(TABLE_PARTS.get(name, {"raw"}) for name in files))
        parts = {p for p in parts if p not in _COMPARED or _plain(getattr(old, p)) != _plain(getattr(new, p))}
        values = {k for k in old.values.keys() | new.values.keys()
                  if _printed(old.values.get(k)) != _printed(new.values.get(k))}
        sources = {k for k in old.sources.keys() | new.sources.keys()
                   if _row(old.sources.get(k)) != _row(new.sources.get(k))}
        passages = lambda data: {(r["source"], tuple(r["for"]), r["quote"], r["missing"],  # noqa: E731
                                  tuple(sorted((k, v) for k, v in r.items() if k.startswith("quote_"))))
                                 for r in data.quotes}
        sources |= {row[0] for row in passages(old) ^ passages(new)}
        languages = tuple(site.languages) or ("en",)
        before = self._fields[1] if self._fields[0] is old else _fields(old, languages)
        after = _fields(new, languages)
        self._fields = (new, after)
        names = {name for v in (*before.values(), *after.values()) for _, name in v}
        if _rows(old.chips) != _rows(new.chips) or _rows(old.metrics) != _rows(new.metrics):
            changed = before.keys() | after.keys()  # names and units: every figure, every field
            values |= changed
        else:
            changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        for key in changed:
            a, b = before.get(key), after.get(key)
            if a is None or b is None:
                values |= {("values", *key, name) for name in names | {"exists"}}
            else:
                values |= {("values", *key, name) for code, name in a.keys() | b.keys() if a.get((code, name)) != b.get((code, name))}
        if "values" in parts and not changed:
            parts.discard("values")  # specs.csv changed, but no figure did (a rejected row)
        return values, sources, parts

    def same_data(self, site) -> bool:
        frame, data, glossary, _ = self._signatures(site)
        return bool(self.data_files) and (frame, data, glossary) == (self.frame, self.data, self.glossary)

    def remember(self, site, files: dict[str, bytes]) -> None:
        self.frame, self.data, self.glossary, self.nav = self._signatures(site)
        self.site_data = site.data
        self.files = dict(files)
        self.data_files = {k: v for k, v in files.items() if k.startswith("data/")}
        self.pages = {p.output: (_page_key(p), p) for p in site.pages}
