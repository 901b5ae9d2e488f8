"""The explicit schema of every file in data/: columns, their types and which are required.

A column type is a function from the cell's text to a value that raises ValueError with a
message for the author. data.py applies these; cross-file checks (ids that must exist) live
there too.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, Callable

_IDENT = re.compile(r"^[a-z0-9][a-z0-9-_.]*$")


def text(value: str) -> str:
    """Any non-empty text; control characters are refused (they break HTML and feeds)."""
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        raise ValueError("contains a control character")
    return value


def ident(value: str) -> str:
    """A lower-case id: letters, digits, '-', '_' and '.'."""
    if not _IDENT.match(value):
        raise ValueError(f"'{value}' is not a valid id (lower-case letters, digits, '-', '_', '.')")
    return value


def https_url(value: str) -> str:
    """An absolute https:// address (mailto: is allowed in content, not in data)."""
    if not re.match(r"^https://[^\s/$.?#][^\s<>\"]*$", value):
        raise ValueError(f"'{value}' is not an https:// URL")
    return value


def partial_date(value: str) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY, checked against the calendar; kept as text for sorting."""
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", value)
    if not m:
        raise ValueError(f"'{value}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        _dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    return value


def day(value: str) -> str:
    """A full date, YYYY-MM-DD (a review or a change happens on a day)."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        raise ValueError(f"'{value}' is not a full date (YYYY-MM-DD)")
    return partial_date(value)


def id_list(value: str) -> tuple[str, ...]:
    """One or more ids separated by ';'."""
    items = tuple(part.strip() for part in value.split(";"))
    if any(not part for part in items):
        raise ValueError(f"'{value}' has an empty item in its ';'-separated list")
    return tuple(ident(part) for part in items)


def text_list(value: str) -> tuple[str, ...]:
    """Phrases separated by ';' (glossary aliases)."""
    return tuple(text(part.strip()) for part in value.split(";") if part.strip())


def positive(value: str) -> float:
    """A number greater than zero, written plainly (4.0, 70.6)."""
    if not re.match(r"^\d+(\.\d+)?$", value) or float(value) <= 0:
        raise ValueError(f"'{value}' must be a positive number like 4.0 or 70")
    return float(value)


def whole(value: str) -> int:
    """A whole number of at least 1."""
    if not re.match(r"^[1-9]\d{0,6}$", value):
        raise ValueError(f"'{value}' must be a whole number from 1 to 9999999")
    return int(value)


def yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"'{value}' must be 'yes' or 'no'")
    return value == "yes"


def language(value: str) -> str:
    """A two- or three-letter ISO 639 language code (en, zh, ja, de ...)."""
    if not re.match(r"^[a-z]{2,3}$", value):
        raise ValueError(f"'{value}' is not a language code like en or zh")
    return value


def amount(value: str) -> str:
    """A plain positive number, optionally followed by 'thousand', 'million', 'billion' or
    'trillion' (4.5 billion, 180 million, 12000): kept as written, so the decimals the source gave stay."""
    if not re.match(r"^\d+(\.\d+)?( (thousand|million|billion|trillion))?$", value) or float(value.split()[0]) <= 0:
        raise ValueError(f"'{value}' must be a positive number like 4.5, 700000 or 4.5 billion")
    return value


def one_of(*choices: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"'{value}' must be one of: {', '.join(choices)}")
        return value

    check.__doc__ = f"One of {', '.join(choices)}."
    return check


@dataclass(frozen=True)
class Column:
    """translated: the file has one more column per other language (`event_zh`), required
    wherever this one is filled in; "optional" where the text may stay as it is (a number)."""

    name: str
    parse: Callable[[str], Any]
    required: bool = True
    translated: bool | str = False


@dataclass(frozen=True)
class Table:
    """A CSV file in data/: its name, its columns and the column that must be unique."""

    file: str
    columns: tuple[Column, ...]
    key: str | None = None
    optional: bool = False  # a missing file is an empty table, not a problem


SOURCE_KINDS = ("datasheet", "regulation", "filing", "press-release", "news", "analysis", "paper", "reference")
# china-state-media: outlets the Chinese state owns (People's Daily, CCTV's accounts), which speak
# with official weight but are not the government itself (the desk editor's pattern 4).
ACTORS = ("us-government", "us-congress", "nvidia", "china-government", "china-state-media", "chinese-companies",
          "chinese-chipmakers", "other")
# What each verdict means, and what evidence it needs, is in data/verdicts.csv and
# sitegen/evidence.py; the claims page prints the rules from that file.
VERDICTS = ("confirmed", "reported", "disputed", "unsupported", "wrong", "unverifiable")
# How we read a source: on its publisher's own site or document, as a licensed copy, as an
# unofficial copy, or in another outlet's rewrite (see AUTHORING.md, "Sources").
ACCESS = ("original", "syndicated", "reprint", "relay")
# What a relay (another outlet's rewrite) passes on: a newsroom's reporting, or the words of
# someone who is not a newsroom (a statement, a document, remarks, a post, an analysis).
RELAYS = ("report", "statement", "document", "remarks", "post", "analysis")
# A row whose every source is a reprint or a relay says so on the page (evidence.py).
SOURCING = ("no-original",)
# What a dated entry of the changes log records (data/changes.csv, the "What changed" page).
CHANGES = ("publication", "figure", "verdict", "claim", "event", "correction", "site")

TABLES = {
    "sources": Table("sources.csv", key="id", columns=(
        Column("id", ident), Column("kind", one_of(*SOURCE_KINDS)), Column("publisher", text, translated=True),
        Column("title", text, translated="optional"), Column("author", text, False), Column("date", partial_date, False),
        Column("url", https_url, False), Column("original_url", https_url, False), Column("accessed", day, False),
        Column("language", language), Column("access", one_of(*ACCESS)), Column("relays", one_of(*RELAYS), False),
        Column("via", text, False, translated=True),
        Column("origin", text, False, translated=True), Column("unnamed", yes_no),
        Column("reliability", text, translated=True), Column("note", text, False, translated=True),
    )),
    "chips": Table("chips.csv", key="id", columns=(
        Column("id", ident), Column("name", text, translated=True), Column("vendor", text),
        Column("architecture", text), Column("note", text, False, translated=True),
    )),
    "metrics": Table("metrics.csv", key="id", columns=(
        Column("id", ident), Column("label", text, translated=True), Column("unit", text, False, translated=True),
        Column("kind", one_of("number", "text", "derived")), Column("description", text, translated=True),
    )),
    "specs": Table("specs.csv", columns=(
        Column("chip", ident), Column("metric", ident), Column("value", text, translated="optional"),
        Column("source", id_list), Column("accepted", yes_no), Column("reviewed", day),
        Column("note", text, False, translated=True),
    )),
    "timeline": Table("timeline.csv", key="id", columns=(
        Column("id", ident), Column("date", partial_date), Column("dated", one_of("event", "report"), False),
        Column("actor", one_of(*ACTORS)), Column("event", text, translated=True), Column("source", id_list),
        Column("sourcing", one_of(*SOURCING), False),
    )),
    "claims": Table("claims.csv", key="id", columns=(
        Column("id", ident), Column("topic", one_of("chips", "policy", "china")),
        Column("claim", text, translated=True), Column("claimant", text, translated=True),
        Column("claim_source", id_list), Column("verdict", one_of(*VERDICTS)), Column("holds_on", partial_date),
        Column("finding", text, translated=True), Column("finding_source", id_list),
        Column("later_date", partial_date, False), Column("later", text, False, translated=True),
        Column("later_source", id_list, False), Column("sourcing", one_of(*SOURCING), False),
    )),
    "verdicts": Table("verdicts.csv", key="id", columns=(
        Column("id", one_of(*VERDICTS)), Column("label", text, translated=True), Column("rule", text, translated=True),
    )),
    "models": Table("models.csv", key="id", columns=(
        Column("id", ident), Column("name", text, translated=True), Column("params_b", positive),
        Column("active_b", positive), Column("layers", whole), Column("kv_values", whole),
        Column("source", id_list), Column("note", text, False, translated=True),
    )),
    "scenarios": Table("scenarios.csv", key="id", columns=(
        Column("id", ident), Column("model", ident), Column("precision", one_of("fp16", "fp8", "int4")),
        Column("batch", whole), Column("context", whole), Column("chips", whole),
    )),
    "thresholds": Table("thresholds.csv", key="id", columns=(
        Column("id", ident), Column("rule", text, translated=True), Column("label", text, translated=True),
        Column("tpp_min", positive, False), Column("tpp_max", positive, False),
        Column("pd_min", positive, False), Column("pd_max", positive, False), Column("source", id_list),
    )),
    "glossary": Table("glossary.csv", key="id", columns=(
        Column("id", ident), Column("term", text, translated=True), Column("aliases", text_list, False, translated=True),
        Column("definition", text, translated=True), Column("source", id_list, False),
    )),
    # Names and recurring terms that are not glossary entries (people, organisations, outlets,
    # words such as "kill switch"): one English and one Chinese form each. Search treats every
    # form of a term or glossary entry as the same thing (sitegen/lexicon.py); avoid_zh lists
    # forms the Chinese text must not use.
    "terms": Table("terms.csv", key="id", optional=True, columns=(
        Column("id", ident), Column("term", text, translated=True),
        # Other names in each language, independent of each other (not translations).
        Column("aliases", text_list, False), Column("aliases_zh", text_list, False),
        Column("avoid_zh", text_list, False), Column("note", text, False),
    )),
    # The H20's status over time, as periods on two tracks: what Washington allowed (us) and what
    # Beijing and Chinese buyers did (china). Drawn as bands by the status chart; the open period
    # of each track (no end) is "where things stand" on the home page.
    "status": Table("status.csv", key="id", optional=True, columns=(
        Column("id", ident), Column("track", one_of("us", "china")), Column("start", partial_date),
        Column("end", partial_date, False), Column("label", text, translated=True),
        Column("summary", text, translated=True), Column("source", id_list),
    )),
    # What each source says for each item it is cited for (sitegen/support.py): the passage,
    # verbatim in its language, with our translations; or why there is none. Without this file
    # a site has no passages and nothing is checked; with it, every citation pair needs a row.
    "quotes": Table("quotes.csv", optional=True, columns=(
        Column("source", ident), Column("for", text_list), Column("quote", text, False),
        Column("language", language, False), Column("scale", one_of("sparse"), False),
        Column("quote_en", text, False), Column("quote_zh", text, False),
        Column("missing", text, False), Column("note", text, False),
    )),
    # Quotations, each once: the words as spoken (in `language`) and our translation into each
    # other language of the site; pages and data cells print them with {{q:id}} (quotations.py).
    # form: quote, or title (a title quoted: 《》 in Chinese).
    "quotations": Table("quotations.csv", key="id", optional=True, columns=(
        Column("id", ident), Column("speaker", text, translated=True), Column("language", language),
        Column("form", one_of("quote", "title")), Column("words", text),
        Column("ours_en", text, False), Column("ours_zh", text, False),
        Column("source", id_list), Column("note", text, False),
    )),
    # Figures that pages state in prose ({{fig:id}}), each with its source: money, counts,
    # shares, thresholds. unit: usd, count or percent (formatted for each language), or a
    # symbol printed after the number (GB/s). note: for authors, not shown.
    "figures": Table("figures.csv", key="id", columns=(
        Column("id", ident), Column("value", amount), Column("unit", text), Column("source", id_list),
        Column("note", text, False),
    )),
    # Each publisher whose own site we cite (access = original), with its web domains: a link
    # elsewhere is a copy, and must say so (sitegen/provenance.py).
    "publishers": Table("publishers.csv", key="name", columns=(
        Column("name", text), Column("domains", id_list),
    )),
    # The changes log, newest entries first on the page: what changed, where (a site path with
    # its #anchor), why, and for a figure or a verdict its id (chip.metric, fig:id or a claim's
    # id) with the old and new value; the build checks figures and verdicts against it (data.py).
    "changes": Table("changes.csv", key="id", columns=(
        Column("id", ident), Column("date", day), Column("kind", one_of(*CHANGES)), Column("link", text),
        Column("what", text, translated=True), Column("why", text, translated=True),
        Column("item", text, False), Column("old", text, False), Column("new", text, False),
        Column("source", id_list, False),
    )),
    # The figures and verdicts as first published (written once, never edited): with the
    # changes log, what each must be now. Without this file the check is off (a new site).
    "published": Table("published.csv", optional=True, columns=(
        Column("item", text), Column("value", text), Column("source", id_list, False),
    )),
}
