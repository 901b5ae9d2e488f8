"""Where each source was read, so that a link never passes a copy off as the original.

A source read on its publisher's own site (access = original) must link to a domain that
data/publishers.csv gives that publisher; any other link is a copy (syndicated, reprint) or
another outlet's rewrite (relay), which names the original publisher (origin) where it is known
and the site it was read on (via). A copy found on the original publisher's own site is an
original. Every link also gets an archived copy at the Wayback Machine, dated the day we read
it (accessed), in the manner of Wikipedia's archive-url: built from the address, with no
request to the archive at build time.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from . import evidence
from .errors import Problems

COPIES = ("syndicated", "reprint")


def on(url: str, domains) -> bool:
    """Is url on one of domains (the domain itself or any of its subdomains)?"""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def archive_url(source: dict) -> str:
    """The Wayback Machine's copy of a source's link nearest to the day we read it."""
    return f"https://web.archive.org/web/{source['accessed'].replace('-', '')}/{source['url']}"


def check(data, problems: Problems, label: str) -> None:
    """Each source's link against its publisher's domains, and what a relay passes on;
    label: data/sources.csv."""
    domains = {r["name"]: r["domains"] for r in data.raw["publishers"]}
    # Who speaks for itself (issues documents, statements, remarks, posts) is not a newsroom:
    # a rewrite of its words is not "a rewrite of its reporting".
    speakers = {s["origin"] for s in data.raw["sources"] if s["origin"] and
                (s["kind"] in evidence.PRIMARY_KINDS or s["relays"] not in ("", "report", "analysis"))}
    others = [c[len("title_"):] for c in (data.raw["sources"][0] if data.raw["sources"] else {}) if c.startswith("title_")]
    for s in data.raw["sources"]:
        line = s["line"]
        # A title is the document's own, in its own language, in every edition; where we could
        # not see it, our description in brackets is in each reader's language.
        for code in others:
            ours = s["title"].startswith("[")
            if ours and not s[f"title_{code}"].startswith("〔" if code == "zh" else "["):
                problems.add(label, line, f"the title is our description ([…]): 'title_{code}' gives it in {code}"
                                          + (", in 〔〕" if code == "zh" else ""))
            elif not ours and s[f"title_{code}"]:
                problems.add(label, line, f"'title_{code}' is only for our description of an untitled source ([…]): "
                                          "a title stays in its own language")
        if (s["access"] == "relay") != bool(s["relays"]):
            problems.add(label, line, "a relay (access=relay) says what it passes on in 'relays' (one of "
                                      "report, statement, document, remarks, post, analysis); other rows leave it empty")
        elif s["relays"] == "report" and s["origin"] in speakers:
            problems.add(label, line, f"relays=report calls {s['origin']} a newsroom, but it speaks for itself "
                                      "elsewhere here (a document, statement, remarks or post): say which it is")
        if s["url"] and not s["accessed"]:
            problems.add(label, line, "a source with a url needs 'accessed', the day we read it (YYYY-MM-DD): "
                                      "its archived copy is dated by it")
        if s["access"] in COPIES and not s["via"]:
            problems.add(label, line, f"access '{s['access']}' needs 'via', the site we read the copy on")
        if s["access"] == "original":
            if s["url"] and s["publisher"] not in domains:
                problems.add(label, line, f"publisher '{s['publisher']}' is not in data/publishers.csv: add it "
                                          "with its domains, or mark this link as a copy (access)")
            elif s["url"] and not on(s["url"], domains[s["publisher"]]):
                host = urlsplit(s["url"]).hostname
                problems.add(label, line, f"the link is on {host}, not on {s['publisher']}'s own site "
                                          f"({'; '.join(domains[s['publisher']])}): mark it access=syndicated, "
                                          "reprint or relay, with the original publisher in 'origin'")
        elif s["access"] in COPIES and s["url"] and s["origin"] in domains and on(s["url"], domains[s["origin"]]):
            problems.add(label, line, f"the link is on {s['origin']}'s own site: it is the original, not a copy "
                                      "(access=original)")
