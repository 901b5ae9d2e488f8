"""Where each page sits: its section (a top-level page and the pages under its URL, such as
/specs/ and /specs/disagreements/), and which page lists each source.

Long lists are split over several pages so that each page stays within one network round trip:
a page's front matter `lists_sources = {kinds = [...], from = "2025-08", until = "2026"}` claims
the sources of those kinds dated from `from` (inclusive) until `until` (exclusive), comparing
dates as text, so "2025-07-29" < "2025-08" and an undated source sorts first. The sources page
(site.toml `sources_page`) lists every source no other page claims.
"""
from __future__ import annotations

from pathlib import Path

from .config import key_line
from .content import Page
from .errors import Problems


def _claims(rule: dict, source: dict) -> bool:
    date = source.get("date") or ""
    return source["kind"] in rule["kinds"] and date >= rule.get("from", "") \
        and ("until" not in rule or date < rule["until"])


def source_listings(pages: list[Page], sources: dict, sources_page: str, root: Path,
                    problems: Problems) -> dict[str, str]:
    """Source id -> URL of the page that lists it, among pages (one language's); overlapping
    claims are errors. sources_page: that language's URL of the page listing all the rest."""
    listers = [p for p in pages if "lists_sources" in p.meta]
    listed: dict[str, str] = {}
    overlaps: dict[tuple[str, str], list[str]] = {}  # (first page, other page) -> source ids
    for sid, source in sources.items():
        found = [p for p in listers if _claims(p.meta["lists_sources"], source)]
        for other in found[1:]:
            overlaps.setdefault((found[0].path, other.path), []).append(sid)
        listed[sid] = found[0].url if found else sources_page
    by_path = {p.path: p for p in listers}
    for (first, other), ids in overlaps.items():
        problems.add(other, by_path[other].lines["lists_sources"],
                     f"lists_sources overlaps {first}: both claim {len(ids)} source(s), e.g. '{ids[0]}'")
    if sources_page in listed.values() and not any(p.url == sources_page for p in pages):
        problems.add("site.toml", key_line(root / "site.toml", "sources_page"),
                     f"sources_page {sources_page} is not a page in content/, so some sources would be listed nowhere")
    return listed


def sections(pages: list[Page]) -> dict[str, list[Page]]:
    """Page URL -> the pages of its section, the top page first, then by front matter 'order';
    only for sections of more than one page."""
    by_top: dict[tuple[str, str], list[Page]] = {}
    for page in pages:  # by the default-language URL, so each edition has the same sections
        parts = page.key.strip("/").split("/")
        if page.key.endswith("/") and parts[0]:
            by_top.setdefault((page.lang, f"/{parts[0]}/"), []).append(page)
    out = {}
    for (_, top), members in by_top.items():
        if len(members) > 1:
            members.sort(key=lambda p: (p.key != top, p.meta.get("order", 0), p.key))
            for page in members:
                out[page.url] = members
    return out
