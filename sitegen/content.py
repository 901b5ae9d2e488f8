"""Read content/*.md: TOML front matter between '+++' lines, then Markdown.

A page in a language other than the default one is its twin's file name with the language
code before '.md' (Hugo's translation by file name): content/about.md is /about/ and
content/about.zh.md is /zh/about/. translations.py pairs the twins."""
from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problems
from .schema import SOURCE_KINDS

# The front matter schema: key -> (type, required). Unknown keys are errors (they are typos).
FRONT_MATTER = {
    "title": (str, True),
    "summary": (str, True),
    "date": (_dt.date, True),
    "updated": (_dt.date, True),
    "nav": (int, False),
    "nav_title": (str, False),
    "slug": (str, False),
    "toc": (bool, False),
    "layout": (str, False),
    "scripts": (list, False),
    "order": (int, False),          # position among the pages of its section (see sections.py)
    "lists_sources": (dict, False),  # which sources this page lists (see sections.py)
    "latest": (str, False),         # "site": show the latest event on record, not the page's own
    "search_weight": (float, False),  # how much the page's words count in search (a hub: less)
}
# lists_sources = {kinds = [...], from = "2025-08", until = "2026"}: dates compare as text.
LISTS_SOURCES = {"kinds": list, "from": str, "until": str}
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 300  # characters for title and summary: longer ones break cards and feeds


@dataclass
class Page:
    """A page as read from disk: metadata validated, Markdown not yet rendered."""

    path: str             # relative to the project root, for messages
    meta: dict
    body: str             # Markdown after the front matter
    body_line: int        # line number of the body's first line in the file
    url: str              # site-relative URL: "/" or "/specs/"; "/404.html" for the error page
    output: str           # file to write under site/
    html: str = ""
    toc: list = field(default_factory=list)
    references: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)
    uses: frozenset = frozenset()  # (chip, metric) figures the page prints; for preview rebuilds
    lines: dict = field(default_factory=dict)  # front matter key -> its line, for later messages
    lang: str = "en"      # the language code of this edition (site.toml [languages.CODE])
    key: str = ""         # the default-language URL, shared by a page and its translations
    translations: dict = field(default_factory=dict)  # language code -> the twin Page (itself included)
    facts: frozenset = frozenset()  # the figures, dates and blocks it prints: twins must agree
    article: str = ""     # its <article>, links not yet relative: a chapter of the offline edition

    @property
    def is_explainer(self) -> bool:
        """A page of the explainer itself: not the 404 page, nor a tool with its own layout
        (search). Such a page is a chapter of the offline edition and can be cited."""
        return self.key != "/404.html" and self.meta.get("layout", "page") == "page"


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) or None if the file does not start with '+++'."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None


def read_page(path: Path, root: Path, problems: Problems, languages: dict | None = None) -> Page | None:
    """One page, or None with problems recorded. languages: site.toml's [languages] tables."""
    label = path.relative_to(root).as_posix()
    languages = languages or {"en": {"prefix": ""}}
    default = next(iter(languages))
    stem, dot, lang = path.stem.rpartition(".")
    if not dot:
        stem, lang = path.stem, default
    elif lang not in languages or lang == default:
        problems.add(label, 1, f"'.{lang}' in the file name is not a language of this site "
                               f"(site.toml has {', '.join(languages)}; the default, {default}, has no suffix)")
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(label, 1, f"not UTF-8 ({exc.reason} at byte {exc.start})")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        problems.add(label, text.count("\n", 0, bad.start()) + 1,
                     f"control character U+{ord(bad.group()):04X} is not allowed")
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(label, 1, "front matter missing: the file must start with a '+++' line "
                               "and the front matter must end with another '+++' line")
        return None
    front, body, body_line = parts
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        # tomllib reports "(at line N, column M)" counted inside the front matter.
        m = re.search(r"at line (\d+)", str(exc))
        line = int(m[1]) + 1 if m else 2
        problems.add(label, line, f"front matter is not valid TOML: {exc}")
        return None
    lines = {key: _key_line(front, key) for key in meta}  # found once, for every message below
    ok = _check_meta(meta, label, lines, problems)
    if not ok:
        return None
    rel = path.relative_to(root / "content").parent / stem
    slug = meta.get("slug", "" if stem == "index" else rel.as_posix())
    if stem == "index" and path.parent != root / "content":
        slug = path.parent.relative_to(root / "content").as_posix()
    if slug and not _SLUG.match(slug):
        problems.add(label, lines.get("slug", 1), f"slug '{slug}' must be lower-case letters, digits and '-'")
        return None
    if slug == "404":
        key, output = "/404.html", "404.html"
    elif slug:
        key, output = f"/{slug}/", f"{slug}/index.html"
    else:
        key, output = "/", "index.html"
    prefix = languages[lang]["prefix"]
    url = "/" + prefix + key[1:]
    return Page(label, meta, body, body_line, url, prefix + output, lines=lines, lang=lang, key=key)


def _key_line(front: str, key: str) -> int:
    """Line in the file (front matter starts on line 2) where key is set (or its [table] opens)."""
    for i, line in enumerate(front.split("\n")):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line) or re.match(rf"^\s*\[{re.escape(key)}\]", line):
            return i + 2
    return 1


def _check_lists_sources(value: dict, label: str, line: int, problems: Problems) -> bool:
    """kinds: a list of source kinds; from/until: dates or date prefixes like 2025 or 2025-08."""
    found = []
    for key, item in value.items():
        want = LISTS_SOURCES.get(key)
        if want is None:
            found.append(f"unknown key '{key}' (allowed: {', '.join(LISTS_SOURCES)})")
        elif not isinstance(item, want):
            found.append(f"'{key}' must be {'a list' if want is list else 'a string'}, got {item!r}"[:200])
        elif key == "kinds" and (not item or not all(k in SOURCE_KINDS for k in item)):
            found.append(f"'kinds' must list some of: {', '.join(SOURCE_KINDS)}; got {item!r}"[:300])
        elif key != "kinds" and not _DATE_PREFIX.match(item):
            found.append(f"'{key}' must be a date or its start, like 2025 or 2025-08; got {item!r}"[:200])
    if "kinds" not in value:
        found.append("'kinds' is required")
    for message in found:
        problems.add(label, line, f"front matter 'lists_sources': {message}")
    return not found


def _check_meta(meta: dict, label: str, lines: dict, problems: Problems) -> bool:
    ok = True
    for key in meta:
        if key not in FRONT_MATTER:
            problems.add(label, lines[key],
                         f"unknown front matter key '{key}' (allowed: {', '.join(FRONT_MATTER)})")
            ok = False
    for key, (kind, required) in FRONT_MATTER.items():
        if key not in meta:
            if required:
                problems.add(label, 1, f"front matter key '{key}' is required")
                ok = False
            continue
        value = meta[key]
        line = lines[key]
        # TOML datetimes are dates too in Python; a page date must be a plain date.
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = meta[key] = float(value)
        if kind is _dt.date and isinstance(value, _dt.datetime) or not isinstance(value, kind) \
                or (kind is int and isinstance(value, bool)):
            want = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
                    _dt.date: "a date like 2025-08-20", dict: "a table", float: "a number"}[kind]
            problems.add(label, line, f"front matter '{key}' must be {want}, got {value!r}"[:200])
            ok = False
            continue
        if kind is str:
            if not value.strip():
                problems.add(label, line, f"front matter '{key}' is empty")
                ok = False
            elif key in ("title", "summary", "nav_title") and len(value) > MAX_TEXT:
                problems.add(label, line, f"front matter '{key}' is longer than {MAX_TEXT} characters")
                ok = False
        if key == "scripts" and not all(isinstance(s, str) for s in value):
            problems.add(label, line, "front matter 'scripts' must be a list of file names under static/")
            ok = False
        if key == "lists_sources":
            ok = _check_lists_sources(value, label, line, problems) and ok
        if key == "search_weight" and not 0 < value <= 10:
            problems.add(label, line, f"front matter 'search_weight' must be a number above 0 and at most 10, got {value!r}")
            ok = False
        if key == "latest" and value != "site":
            problems.add(label, line, f"front matter 'latest' can only be \"site\" (the latest event on record), got {value!r}")
            ok = False
    if ok and meta["updated"] < meta["date"]:
        problems.add(label, lines["updated"], "'updated' is earlier than 'date'")
        ok = False
    return ok


def read_pages(root: Path, problems: Problems, parsed: dict | None = None,
               languages: dict | None = None) -> list[Page]:
    """Every page under content/, in path order; duplicate URLs are reported.

    parsed (preview mode): path -> ((mtime, size), Page) from earlier builds; a file that has not
    changed since is not read again."""
    pages: list[Page] = []
    by_url: dict[str, str] = {}
    for path in sorted((root / "content").rglob("*.md")):
        if parsed is None:
            page = read_page(path, root, problems, languages)
        else:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            known = parsed.get(path)
            if known and known[0] == stamp:
                page = replace(known[1])  # a fresh copy: rendering fills in its other fields
            else:
                page = read_page(path, root, problems, languages)
                if page is not None:
                    parsed[path] = (stamp, replace(page))
        if page is None:
            continue
        if page.url in by_url:
            problems.add(page.path, 1, f"URL {page.url} is already used by {by_url[page.url]}")
            continue
        by_url[page.url] = page.path
        pages.append(page)
    if not (root / "content").is_dir():
        problems.add("content", 0, "folder is missing")
    return pages
