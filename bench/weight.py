"""Page weight of every built page: bytes of HTML, the CSS and JS it loads, and the inline SVG
inside the HTML, each raw, gzip (level 9) and brotli (quality 11); and the "first render"
bytes, HTML + CSS compressed, against one TCP round trip (14 KB = 14,336 bytes).

    .venv/bin/python bench/weight.py --site /tmp/wsite

Prints the table and writes it into bench/RESULTS.md between <!-- weight:start --> and
<!-- weight:end -->. Brotli comes from Node's built-in zlib (the same Google brotli library
servers use), so nothing beyond the site's .venv and Debian's node is needed."""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import json
import platform
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import command_line, ROOT, check_site, label, base_path, page_file, pages, site_arg, write_section  # noqa: E402

from sitegen.budget import BUDGET  # noqa: E402  14,336 bytes, the same figure the preview server notes

BROTLI_JS = r"""
const zlib = require('zlib');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const blobs = JSON.parse(input);
  const sizes = blobs.map(b => {
    const buf = Buffer.from(b, 'base64');
    return zlib.brotliCompressSync(buf, {params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length}}).length;
  });
  process.stdout.write(JSON.stringify({sizes, brotli: process.versions.brotli, node: process.version}));
});
"""

SVG = re.compile(rb"<svg\b.*?</svg>", re.S)
STYLESHEET = re.compile(rb'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"')
SCRIPT = re.compile(rb'<script\b[^>]*\bsrc="([^"]+)"')


def node() -> str:
    path = shutil.which("node")
    if not path:
        raise SystemExit("node is missing (Debian: apt-get install nodejs); weight.py uses its brotli")
    return path


def brotli_sizes(blobs: list[bytes]) -> tuple[list[int], str, str]:
    payload = json.dumps([base64.b64encode(b).decode() for b in blobs])
    out = subprocess.run([node(), "-e", BROTLI_JS], input=payload, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    return result["sizes"], result["brotli"], result["node"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0)) if data else 0


def asset(site: Path, base: str, page: str, url: bytes) -> Path:
    """The file a page's link names; links are relative to the page (or absolute on the 404 page)."""
    path = urlsplit(urljoin(base + page, url.decode())).path
    if not path.startswith(base):
        raise SystemExit(f"asset {path} is outside the site's base path {base}")
    return site / path[len(base):]


def measure(site: Path) -> tuple[list[dict], dict]:
    base = base_path(site)
    rows = []
    blobs: list[bytes] = []

    def add(data: bytes) -> int:
        blobs.append(data)
        return len(blobs) - 1

    for page in pages(site):
        html = page_file(site, page).read_bytes()
        css = b"".join(asset(site, base, page, u).read_bytes() for u in STYLESHEET.findall(html))
        js = b"".join(asset(site, base, page, u).read_bytes() for u in SCRIPT.findall(html))
        svg = b"".join(SVG.findall(html))
        row = {"page": page, "label": label(page)}
        for kind, data in (("html", html), ("css", css), ("js", js), ("svg", svg)):
            row[kind] = {"raw": len(data), "gzip": gz(data), "_br": add(data)}
        rows.append(row)
    # The one-file offline editions (target: under 1 MB raw, to send by e-mail), and the search
    # bundle, which no page loads until the reader searches.
    extras = []
    for name in sorted(p.relative_to(site).as_posix() for p in site.rglob("offline.html")):
        data = (site / name).read_bytes()
        extras.append({"file": name, "raw": len(data), "gzip": gz(data), "_br": add(data)})
    bundle = sorted(p for p in (site / "pagefind").rglob("*") if p.is_file()) if (site / "pagefind").is_dir() else []
    if bundle:
        extras.append({"file": f"pagefind/ (the search bundle: {len(bundle)} files, both editions)",
                       "raw": sum(p.stat().st_size for p in bundle), "gzip": None, "_br": None})
    sizes, brotli_version, node_version = brotli_sizes(blobs)
    for extra in extras:
        index = extra.pop("_br")
        extra["brotli"] = None if index is None else sizes[index]
    for row in rows:
        for kind in ("html", "css", "js", "svg"):
            row[kind]["brotli"] = sizes[row[kind].pop("_br")] if row[kind]["raw"] else 0
        row["first"] = {c: row["html"][c] + row["css"][c] for c in ("raw", "gzip", "brotli")}
        row["fits"] = {c: row["first"][c] <= BUDGET for c in ("gzip", "brotli")}
    versions = {"python": platform.python_version(), "zlib": zlib.ZLIB_RUNTIME_VERSION,
                "node": node_version, "brotli": brotli_version, "extras": extras}
    return rows, versions


def n(x: int) -> str:
    return f"{x:,}"


def triple(d: dict) -> str:
    return "–" if not d["raw"] else f"{n(d['raw'])} / {n(d['gzip'])} / {n(d['brotli'])}"


def table(rows: list[dict]) -> str:
    lines = ["| page | HTML | of which inline SVG | CSS | JS | first render gzip | first render brotli | ≤ 14 KB (gz / br) |",
             "|---|--:|--:|--:|--:|--:|--:|:-:|"]
    for r in rows:
        fits = " / ".join("yes" if r["fits"][c] else "**NO**" for c in ("gzip", "brotli"))
        lines.append(f"| `{r['page'] or '/'}` | {triple(r['html'])} | {triple(r['svg'])} | {triple(r['css'])} "
                     f"| {triple(r['js'])} | {n(r['first']['gzip'])} | {n(r['first']['brotli'])} | {fits} |")
    return "\n".join(lines)


def extras(found: list[dict]) -> str:
    return "\n".join(f"| `{e['file']}` | " + (f"{n(e['raw'])} / {n(e['gzip'])} / {n(e['brotli'])}" if e["gzip"] is not None
                                             else n(e["raw"])) + " |" for e in found)


def report(rows: list[dict], versions: dict, command: str) -> str:
    over = [r["page"] or "/" for r in rows if not (r["fits"]["gzip"] and r["fits"]["brotli"])]
    worst = max(rows, key=lambda r: r["first"]["gzip"])
    verdict = (f"Pages over 14 KB compressed first render: {', '.join(f'`{p}`' for p in over)}."
               if over else f"Every page's first render fits in 14 KB (largest: `{worst['page'] or '/'}`, "
                            f"{n(worst['first']['gzip'])} B gzip, {n(worst['first']['brotli'])} B brotli).")
    return f"""## Page weight

Each cell is bytes **raw / gzip -9 / brotli q11**. *Inline SVG* is the `<svg>…</svg>` markup
inside the HTML (already counted in HTML; compressed on its own, so only an indication of its
share). *CSS* and *JS* are the files the page links (`<link rel="stylesheet">`, `<script src>`).
*First render* = HTML + CSS, each compressed on its own (they are two responses); the budget is
14,336 bytes (14 KB), about what one TCP round trip carries with an initial window of 10 segments.

{verdict}

{table(rows)}

Files that are not pages (raw / gzip -9 / brotli q11; the search bundle raw only, already compressed by Pagefind):

| file | bytes |
|---|--:|
{extras(versions["extras"])}

- command: {command}
- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
- tools: Python {versions['python']} (gzip via zlib {versions['zlib']}, level 9, mtime 0), Node {versions['node']} (brotli {versions['brotli']}, quality 11, window 22)
"""


def main(argv=None) -> int:
    parser = site_arg(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]))
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    args = parser.parse_args(argv)
    site = check_site(args.site)
    rows, versions = measure(site)
    if args.json:
        print(json.dumps({"pages": rows, "versions": versions}, indent=2))
    command = command_line("weight.py", argv)
    text = report(rows, versions, command)
    if not args.json:
        print(text)
    if not args.no_write:
        write_section("weight", text)
        print(f"wrote the weight section of {Path(__file__).parent / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
