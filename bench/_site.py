"""What the browser benchmarks share: the built site's pages, a local server that serves the
site below its base path (as GitHub Pages does), and writing one section of bench/RESULTS.md.

Standard library only, so every bench script runs on the site's own .venv."""
from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
from sitegen.serve import make_server  # noqa: E402 - the project's own server, found via ROOT
RESULTS = BENCH / "RESULTS.md"
OUT = BENCH / "out"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]
MISSING = "no-such-page/"  # the URL the 404 page is measured at (a missing page, status 404)


def base_path(site: Path) -> str:
    """The path the built site lives under ("/h20/"), read off the home page's canonical link."""
    home = (site / "index.html").read_text(encoding="utf-8")
    return urlsplit(re.search(r'<link rel="canonical" href="([^"]+)"', home)[1]).path


def pages(site: Path) -> list[str]:
    """Every built page (each index.html and 404.html) as its URL below the base:
    "" (home), "specs/", ..., "404.html"."""
    found = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.endswith("index.html") or path.name == "404.html":
            found.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return sorted(found, key=lambda p: (p != "", p == "404.html", p))  # home first, 404 last


def page_file(site: Path, page: str) -> Path:
    return site / (page + "index.html" if page == "" or page.endswith("/") else page)


def label(page: str) -> str:
    """A short name for a page, used in tables and file names: home, specs, 404."""
    if page == "":
        return "home"
    return page.rstrip("/").removesuffix(".html").replace("/", "-")


def page_url(origin: str, base: str, page: str) -> str:
    """The URL a reader reaches a page at; the 404 page at a URL that does not exist."""
    return origin + base + (MISSING if page == "404.html" else page)


@contextmanager
def serve(site: Path):
    """Serve `site` on 127.0.0.1 (a free port); yields (origin, base path)."""
    base = base_path(site)
    # The preview server's handler: the site under its base path, 404.html for what is missing.
    server = make_server(site, "127.0.0.1", 0, base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", base
    finally:
        server.shutdown()
        server.server_close()


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Put `body` between <!-- NAME:start --> and <!-- NAME:end --> in RESULTS.md, keeping
    everything else in the file (other scripts own other sections). Appends the section if it
    is not there yet; creates the file if missing. Written atomically (temporary file + rename)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\nWritten by the scripts in bench/ (see bench/README.md); each owns one section.\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".RESULTS-", suffix=".md")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, mode)  # mkstemp makes it 0600; keep the file readable as before
    os.replace(tmp, path)


def site_arg(parser):
    parser.add_argument("--site", type=Path, default=ROOT / "site",
                        help="the built site (default: site/; build it with `make site` or "
                             "`.venv/bin/python build.py --out DIR`)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser


def command_line(script: str, argv) -> str:
    """The command that produced a result, as Markdown for RESULTS.md: the script with its arguments, and the
    wrapper that ran it when there is one (bench/run-browser-bench.sh sets BENCH_COMMAND)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    own = " ".join([".venv/bin/python", f"bench/{script}", *args])
    outer = os.environ.get("BENCH_COMMAND")
    return f"`{outer}` (this step: `{own}`)" if outer else f"`{own}`"


def check_site(site: Path) -> Path:
    site = site.resolve()
    if not (site / "index.html").exists():
        raise SystemExit(f"{site}: no index.html; build the site first "
                         f"(.venv/bin/python build.py --out {site})")
    return site
