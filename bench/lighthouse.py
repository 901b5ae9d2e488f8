"""Lighthouse on every built page, mobile (Lighthouse's default config) and desktop
(--preset=desktop), in Debian's chromium (never a downloaded browser), against the site served on
127.0.0.1 below its base path. Records the performance, accessibility, best-practices and SEO
scores and, for every score below 100, the audits that cost points.

    npm ci --prefix bench            # once: Lighthouse, pinned in bench/package-lock.json
    .venv/bin/python bench/lighthouse.py --site /tmp/wsite

Writes the section between <!-- lighthouse:start --> and <!-- lighthouse:end --> of
bench/RESULTS.md and the full reports (JSON and HTML) into bench/out/lighthouse/. Lighthouse's
network and CPU throttling are simulated (Lantern), so the performance numbers model a slow phone
or a desktop from one fast local load."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import (command_line, BENCH, CHROME_FLAGS, CHROMIUM, OUT, ROOT, check_site, label, page_url, pages,  # noqa: E402
                   serve, site_arg, write_section)

LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MODES = {"mobile": [], "desktop": ["--preset=desktop"]}
# Modes in which an audit does not count towards a score and so is not a failure.
NOT_SCORED = {"manual", "notApplicable", "informative", "error"}
# Hints that come from the local test server (Python's http.server sends no compression and no
# cache headers); GitHub Pages serves gzip and caching headers, so these say nothing about the site.
SERVER_HINTS = {"uses-text-compression", "uses-long-cache-ttl", "cache-insight", "document-latency-insight"}


def lighthouse_version() -> str:
    pkg = BENCH / "node_modules" / "lighthouse" / "package.json"
    return json.loads(pkg.read_text())["version"]


def run(url: str, mode: str, out: Path) -> dict:
    """One Lighthouse run; returns the report (LHR) and leaves JSON and HTML next to `out`."""
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    cmd = [str(LIGHTHOUSE), url, *MODES[mode],
           f"--only-categories={','.join(CATEGORIES)}",
           f"--chrome-flags={' '.join(CHROME_FLAGS)}",
           "--output=json", "--output=html", f"--output-path={out}",
           "--quiet", "--no-enable-error-reporting", "--max-wait-for-load=30000"]
    if url.endswith("/no-such-page/"):
        cmd.append("--ignore-status-code")  # the 404 page is served with status 404, on purpose
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    report = out.with_suffix(".report.json")
    if proc.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({mode}), exit {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads(report.read_text())


def failing(lhr: dict, category: str) -> list[dict]:
    """The audits of a category that cost it points: weight > 0 and score < 1. For performance
    these are the metrics; its other audits (insights, diagnostics) are listed separately."""
    audits = lhr["audits"]
    found = []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if audit.get("scoreDisplayMode") in NOT_SCORED or audit.get("score") is None:
            continue
        if ref.get("weight", 0) > 0 and audit["score"] < 1:
            found.append({"id": ref["id"], "title": audit["title"], "score": audit["score"],
                          "weight": ref["weight"], "value": audit.get("displayValue", ""),
                          "items": items(audit)})
    return found


def unweighted(lhr: dict) -> list[dict]:
    """Accessibility, best-practices and SEO audits that fail but carry no weight (so they do not
    show in the score): still real findings, e.g. axe rules Lighthouse counts as weight 0."""
    audits, found = lhr["audits"], []
    for category in CATEGORIES[1:]:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) == 0 and audit.get("scoreDisplayMode") not in NOT_SCORED \
                    and audit.get("score") is not None and audit["score"] < 1:
                found.append({"category": category, "id": ref["id"], "title": audit["title"],
                              "items": items(audit)})
    return found


def perf_hints(lhr: dict) -> list[dict]:
    """Performance audits without weight that Lighthouse flags (score < 0.9): why a metric is slow."""
    audits = lhr["audits"]
    hints = []
    for ref in lhr["categories"]["performance"]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref.get("weight", 0) == 0 and audit.get("scoreDisplayMode") not in NOT_SCORED \
                and audit.get("score") is not None and audit["score"] < 0.9:
            hints.append({"id": ref["id"], "title": audit["title"], "value": audit.get("displayValue", ""),
                          "items": items(audit)})
    return hints


def items(audit: dict, limit: int = 5) -> list[str]:
    """What an audit points at: the elements (selector and snippet) or URLs in its details."""
    details = audit.get("details") or {}
    found = []
    entries = details.get("items")
    if not isinstance(entries, list):
        return found
    for item in entries[:limit]:
        node = item.get("node") if isinstance(item, dict) else None
        if isinstance(node, dict):
            found.append(f"{node.get('selector', '')} {node.get('snippet', '')}".strip())
        elif isinstance(item, dict) and item.get("description"):
            where = item.get("sourceLocation", {}).get("url") or item.get("url") or ""
            found.append(f"{item.get('source', '')}: {item['description']} {where}".strip())
        elif isinstance(item, dict) and item.get("url"):
            found.append(str(item["url"]))
        elif isinstance(item, dict) and item.get("source"):
            src = item["source"]
            found.append(src.get("url", str(src)) if isinstance(src, dict) else str(src))
    return [f for f in found if f and not f.startswith(":")]  # drop text-only list entries


def cell(score) -> str:
    if score is None:
        return "error"
    value = round(score * 100)
    return str(value) if value == 100 else f"**{value}**"


def report(results: list[dict], versions: dict, command: str, seconds: float) -> str:
    lines = ["## Lighthouse", "",
             "Scores out of 100 for every page, Lighthouse's default (mobile: Moto G Power emulation, "
             "simulated slow 4G and 4× CPU slowdown) and `--preset=desktop`. The 404 page is measured "
             "where readers meet it, at a missing URL answered with status 404 (`--ignore-status-code`), "
             "and as the file itself (status 200). Lantern simulates the throttling from the tasks it "
             "observed, so a busy machine can cost a page a point of performance (99 instead of 100) "
             "from one run to the next; a lasting drop shows up in every run.",
             "", "| page | mode | performance | accessibility | best practices | SEO |", "|---|---|--:|--:|--:|--:|"]
    for r in results:
        s = r["scores"]
        lines.append(f"| `{r['shown']}` | {r['mode']} | " + " | ".join(cell(s[c]) for c in CATEGORIES) + " |")
    below = [r for r in results if any(v is None or v < 1 for v in r["scores"].values())]
    lines += ["", "### Below 100, and why", ""]
    if not below:
        lines.append("Every score is 100.")
    for r in below:
        for c in CATEGORIES:
            if r["scores"][c] is not None and r["scores"][c] >= 1:
                continue
            lines.append(f"- `{r['shown']}` {r['mode']}, {c} {cell(r['scores'][c])}:")
            for a in r["failing"][c]:
                value = f" ({a['value']})" if a["value"] else ""
                lines.append(f"  - `{a['id']}` — {a['title']}{value}, score {a['score']:.2f}, weight {a['weight']}")
                for item in a["items"]:
                    lines.append(f"    - `{item.replace('`', chr(39))[:200]}`")
            if c == "performance":
                server = [h["id"] for h in r["hints"] if h["id"] in SERVER_HINTS]
                for h in r["hints"]:
                    if h["id"] in SERVER_HINTS:
                        continue
                    value = f" ({h['value']})" if h["value"] else ""
                    lines.append(f"  - hint `{h['id']}` — {h['title']}{value}")
                    for item in h["items"][:3]:
                        lines.append(f"    - `{item.replace('`', chr(39))[:200]}`")
                if server:
                    lines.append(f"  - also flagged, caused by the local server only (no gzip, no cache headers): "
                                 + ", ".join(f"`{i}`" for i in server))
    seen, extra = set(), []
    for r in results:
        for a in r["unweighted"]:
            key = (r["shown"], a["id"])
            if key not in seen:
                seen.add(key)
                extra.append(f"- `{r['shown']}` {a['category']}: `{a['id']}` — {a['title']}")
                extra += [f"  - `{item.replace('`', chr(39))[:200]}`" for item in a["items"]]
    if extra:
        lines += ["", "### Failing audits that carry no weight (not in any score)", ""] + extra
    warnings = sorted({w for r in results for w in r["warnings"]})
    if warnings:
        lines += ["", "Lighthouse's run warnings:", ""] + [f"- {w}" for w in warnings]
    lines += ["", f"- command: {command}",
              f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, {len(results)} runs in {seconds:.0f} s",
              f"- tools: Lighthouse {versions['lighthouse']}, {versions['browser']} (`{CHROMIUM}`), Node {versions['node']}",
              f"- chrome flags: `{' '.join(CHROME_FLAGS)}`",
              "- full reports: `bench/out/lighthouse/<page>-<mode>.report.html` (git-ignored)"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = site_arg(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]))
    parser.add_argument("--page", action="append", help="only this page (as in the table: /, specs/, 404.html); repeatable")
    parser.add_argument("--mode", choices=list(MODES), action="append", help="only this mode; repeatable")
    args = parser.parse_args(argv)
    site = check_site(args.site)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci --prefix bench` first")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium (never a downloaded browser)")
    out_dir = OUT / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = [p for p in pages(site) if not args.page or (p or "/") in args.page]
    modes = args.mode or list(MODES)
    results, started = [], time.monotonic()
    versions = {"lighthouse": lighthouse_version()}
    versions["browser"] = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    versions["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    with serve(site) as (origin, base):
        targets = []
        for page in chosen:
            if page == "404.html":
                # Where readers meet it (a missing URL, status 404), and the file itself (status 200),
                # so the 404 page's own faults are not hidden behind the two deductions any
                # status-404 response gets (http-status-code, and its console error).
                targets.append((page, page_url(origin, base, page), "404", "404.html at a missing URL (status 404)"))
                targets.append((page, origin + base + page, "404-direct", "404.html itself (status 200)"))
            else:
                targets.append((page, page_url(origin, base, page), label(page), page or "/"))
        for page, url, name, shown_as in targets:
            for mode in modes:
                lhr = run(url, mode, out_dir / f"{name}-{mode}")
                scores = {c: lhr["categories"][c]["score"] for c in CATEGORIES}
                results.append({"page": page, "shown": shown_as, "mode": mode, "scores": scores,
                                "failing": {c: failing(lhr, c) for c in CATEGORIES},
                                "hints": perf_hints(lhr), "unweighted": unweighted(lhr), "warnings": lhr.get("runWarnings", [])})
                print(f"{name:18} {mode:7} " + "  ".join(f"{c[:4]} {cell(scores[c]).strip('*'):>5}" for c in CATEGORIES),
                      flush=True)
    command = command_line("lighthouse.py", argv)
    text = report(results, versions, command, time.monotonic() - started)
    print()
    print(text)
    if not args.no_write:
        write_section("lighthouse", text)
        print(f"wrote the lighthouse section of {BENCH / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
