"""The editions of one site: every page exists in every language, twins share their structure,
and they must print the same facts. A missing or diverging translation is bad input.

- pair(): content/about.md and content/about.zh.md are twins (same file name without the
  language code); a page without a twin in every language is an error. A translation takes
  its address and its structure (navigation, order, layout, scripts, source lists) from the
  default-language page, so the two cannot drift apart; setting them again is an error.
- compare(): after rendering, twins must cite the same sources, print the same figures and
  dates, draw the same blocks and carry the same anchor ids (headings, claims, events, rows).
- localize(): the data/ tables as a language's templates see them, each translated column
  (`event_zh`) in place of the default one (`event`), so templates never pick a language.
"""
from __future__ import annotations

from dataclasses import replace

from .content import Page
from .errors import Problems
from .schema import TABLES

# Front matter that only the default-language page sets: its translations inherit it.
STRUCTURE = ("nav", "order", "toc", "layout", "scripts", "lists_sources", "slug", "latest", "search_weight")


def _twin_id(page: Page) -> str:
    """content/specs/disagreements.zh.md -> content/specs/disagreements"""
    stem = page.path[: -len(".md")]
    return stem[: -len(page.lang) - 1] if stem.endswith("." + page.lang) else stem


def pair(pages: list[Page], languages: dict, problems: Problems) -> list[Page]:
    """Link twins (page.translations), give translations their twin's address and structure.
    A page without all its twins is reported and left unlinked (its other problems are still
    found, so one build reports them all)."""
    default = next(iter(languages))
    groups: dict[str, dict[str, Page]] = {}
    for page in pages:
        groups.setdefault(_twin_id(page), {})[page.lang] = page
    for twin_id, group in groups.items():
        missing = [code for code in languages if code not in group]
        if missing:
            anchor = group.get(default) or next(iter(group.values()))
            for code in missing:
                want = f"{twin_id}.md" if code == default else f"{twin_id}.{code}.md"
                problems.add(anchor.path, 1, f"no {languages[code]['name']} ({code}) edition of this page: "
                                             f"add {want}")
            continue
        base = group[default]
        for code, page in group.items():
            if code == default:
                continue
            for key in STRUCTURE:
                if key in page.meta:
                    problems.add(page.path, page.lines.get(key, 1),
                                 f"'{key}' is set by {base.path} for every edition; remove it here")
            prefix = languages[code]["prefix"]
            page.key, page.url = base.key, "/" + prefix + base.key[1:]
            page.output = prefix + base.output
            # A new dict: the preview server keeps the page as read, to reuse it unchanged.
            page.meta = {**page.meta, **{k: base.meta[k] for k in STRUCTURE if k in base.meta}}
        for page in group.values():
            page.translations = group
    return pages


def compare(pages: list[Page], languages: dict, problems: Problems) -> None:
    """Twins cite the same sources, print the same facts and carry the same anchors."""
    default = next(iter(languages))
    for base in pages:
        if base.lang != default or not base.translations:
            continue
        for code, twin in base.translations.items():
            if code == default:
                continue
            name = languages[default]["name"]
            for what, mine, theirs in (
                    ("cites sources", {r["id"] for r in twin.references}, {r["id"] for r in base.references}),
                    ("prints figures, dates or blocks", twin.facts, base.facts),
                    ("has anchors", _shared(twin.ids), _shared(base.ids))):
                extra, missing = sorted(map(_show, mine - theirs)), sorted(map(_show, theirs - mine))
                if extra or missing:
                    detail = "; ".join(filter(None, [extra and "only here: " + ", ".join(extra[:6]),
                                                     missing and f"only in {base.path}: " + ", ".join(missing[:6])]))
                    problems.add(twin.path, 1, f"{what} that differ from the {name} page ({detail})")


def _shared(ids: set) -> set:
    """The anchors twins must share: all but the foot's term definitions (def-*), which list
    the glossary terms each edition's own wording links, and so may differ."""
    return {i for i in ids if not i.startswith("def-")}


def _show(item) -> str:
    return item if isinstance(item, str) else ":".join(map(str, item))


def localize(data, code: str, default: str):
    """data as the templates of language `code` see it (the same object for the default)."""
    if code == default:
        return data
    out = replace(data)

    def swap(table: str, row: dict) -> dict:
        new = dict(row)
        for column in TABLES[table].columns:
            if column.translated and row.get(f"{column.name}_{code}"):
                new[column.name] = row[f"{column.name}_{code}"]
        return new

    out.raw = {name: [swap(name, r) for r in rows] for name, rows in data.raw.items()}
    by_id = {name: {r["id"]: r for r in out.raw[name]} for name in
             ("sources", "chips", "metrics", "models", "verdicts")}
    out.sources, out.chips, out.metrics, out.models = (by_id[n] for n in ("sources", "chips", "metrics", "models"))
    out.verdicts = by_id["verdicts"]
    out.timeline = [swap("timeline", r) for r in data.timeline]
    out.changes = [swap("changes", r) for r in data.changes]
    out.claims, out.glossary, out.thresholds = out.raw["claims"], out.raw["glossary"], out.raw["thresholds"]
    out.terms = out.raw["terms"]
    out.status = [swap("status", r) for r in data.status]
    out.scenarios = out.raw["scenarios"]
    out.figures = {r["id"]: r for r in out.raw["figures"]}
    rows = {r["line"]: swap("specs", r) for r in data.raw["specs"]}
    out.values = {}
    for key, v in data.values.items():
        unit = out.metrics[key[1]]["unit"]
        row = rows.get(v.line)
        if row is None:  # derived from other figures: only the unit is in words
            out.values[key] = replace(v, unit=unit)
        else:
            text = v.text if v.number is not None else row["value"]
            out.values[key] = replace(v, text=text, unit=unit, note=row["note"])
    out.rejected = {key: [rows[r["line"]] for r in found]
                    for key, found in data.rejected.items()}
    return out
