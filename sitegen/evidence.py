"""What evidence a verdict or a dated event needs, checked from data/ so the claims ledger
follows its own rules. data/verdicts.csv states each rule in words (the claims page prints
it); RULES below states the same rule in code. Sources count as:

- primary: the document or statement itself (a datasheet, a rule, a filing, the company's or
  government's own statement, the developer's own paper), however we read it;
- a report: anything else, counted once per `origin`, the publisher that did the reporting
  (two copies of one Reuters story, or a rewrite of the FT and the FT itself, are one report;
  a source whose origin we could not tell, left empty, does not count);
- weak: read only as a `reprint` or a `relay`; a row whose every source is weak must say so
  (`sourcing = no-original`), and the page shows that it rests on secondary copies.
"""
from __future__ import annotations

from .errors import Problems

PRIMARY_KINDS = ("datasheet", "regulation", "filing", "press-release", "paper")
WEAK_ACCESS = ("reprint", "relay")


def primary(sources: list[dict]) -> list[dict]:
    return [s for s in sources if s["kind"] in PRIMARY_KINDS]


def reporters(sources: list[dict]) -> set[str]:
    """The publishers that did their own reporting among the sources (an unknown origin, left
    empty, does not count)."""
    return {s["origin"].casefold() for s in sources if s["kind"] not in PRIMARY_KINDS and s["origin"]}


def _firm(sources: list[dict]) -> bool:
    return bool(primary(sources)) or len(reporters(sources)) >= 2


# verdict -> (does the finding's evidence meet the rule?, what the rule asks for)
RULES = {
    "confirmed": (_firm, "needs a primary source or reports from two different publishers"),
    "wrong": (_firm, "needs a primary source or reports from two different publishers against the claim"),
    "reported": (lambda s: bool(s), "needs the report the claim rests on"),
    "disputed": (lambda s: len(reporters(s) | {x["origin"].casefold() for x in primary(s) if x["origin"]}) >= 2,
                 "needs sources from at least two publishers, one for each side"),
    "unsupported": (lambda s: bool(s) and not primary(s),
                    "needs secondary evidence and no primary source (a primary source against the claim makes it 'wrong')"),
    "unverifiable": (lambda s: bool(s), "needs the records the finding checked"),
}


def sort_key(date: str) -> str:
    """A date that sorts after the dated events of its month or year: '2025-08' -> '2025-08-99'."""
    return date + "-99" * (2 - date.count("-"))


def check(data, problems: Problems, files: dict[str, str]) -> None:
    """Verdict rules, later developments and sourcing notes; files: table name -> label."""
    sources = data.sources
    defined = {row["id"] for row in data.raw["verdicts"]}
    missing = [v for v in RULES if v not in defined]
    if missing:
        problems.add(files["verdicts"], 1, f"no definition of verdict(s) {', '.join(missing)}: "
                                           "the claims page states every rule")
    for row in data.raw["claims"]:
        label, line = files["claims"], row["line"]
        evidence = [sources[s] for s in row["finding_source"] if s in sources]
        ok, rule = RULES[row["verdict"]]
        if not ok(evidence):
            problems.add(label, line, f"claim '{row['id']}' is '{row['verdict']}', which {rule}; "
                                      f"its finding cites {_describe(evidence)}")
        later = [row[k] for k in ("later_date", "later", "later_source")]
        if any(later) and not all(later):
            problems.add(label, line, f"claim '{row['id']}': a later development needs all of "
                                      "later_date, later and later_source")
        elif row["later_date"] and sort_key(row["later_date"]) <= sort_key(row["holds_on"]):
            problems.add(label, line, f"claim '{row['id']}': later_date {row['later_date']} is not after "
                                      f"holds_on {row['holds_on']}")
        _check_sourcing(row, row["finding_source"] + row["later_source"], sources, label, problems)
    for row in data.raw["timeline"]:
        _check_sourcing(row, row["source"], sources, files["timeline"], problems)


def _check_sourcing(row: dict, ids: tuple, sources: dict, label: str, problems: Problems) -> None:
    cited = [sources[s] for s in ids if s in sources]
    weak = bool(cited) and all(s["access"] in WEAK_ACCESS for s in cited)
    name = row.get("id") or row.get("date")
    if weak and row["sourcing"] != "no-original":
        problems.add(label, row["line"], f"'{name}' rests only on reprints or relays ({', '.join(ids)}): "
                                         "cite the original or a faithful copy, or set sourcing to no-original")
    elif not weak and row["sourcing"] == "no-original":
        firm = next(s["id"] for s in cited if s["access"] not in WEAK_ACCESS)
        problems.add(label, row["line"], f"'{name}' is marked no-original but cites '{firm}', "
                                         "which is not a reprint or relay")


def _describe(evidence: list[dict]) -> str:
    if not evidence:
        return "nothing"
    kinds = [f"{s['id']} ({'primary' if s['kind'] in PRIMARY_KINDS else s['origin'] or 'origin unknown'})" for s in evidence]
    return ", ".join(kinds)
