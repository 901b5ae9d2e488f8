"""Shared helpers: a fresh copy of the fixture site (with the real templates and static files),
and a way to run the real command line on it."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixture"


def copy_site(dest: Path, content_root: Path = FIXTURE) -> Path:
    """A buildable project in dest: fixture content and data, the project's templates and static."""
    shutil.copytree(content_root / "content", dest / "content")
    shutil.copytree(content_root / "data", dest / "data")
    shutil.copy(content_root / "site.toml", dest / "site.toml")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "static", dest / "static")
    shutil.copytree(ROOT / "i18n", dest / "i18n")
    return dest


def run_build(root: Path, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """python build.py --root root ... as a separate process, as a user runs it."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, env=full_env, timeout=timeout)


def tree_digest(folder: Path) -> dict[str, str]:
    """Path -> sha256 of every file under folder: compares two builds byte for byte."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site (content/, data/, templates/, static/ of this repository) built once,
    into a temporary folder so the tests never touch the author's own site/."""
    out = tmp_path_factory.mktemp("real") / "site"
    result = run_build(ROOT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def base_path(site_dir: Path) -> str:
    """The path the built site lives under ("/h20/"), read off the home page's canonical link."""
    from urllib.parse import urlsplit
    import re
    home = (site_dir / "index.html").read_text()
    return urlsplit(re.search(r'<link rel="canonical" href="([^"]+)"', home)[1]).path


def page_file(site_dir: Path, page: str) -> Path:
    """The file behind a page URL as built_pages gives it."""
    return site_dir / (page + "index.html" if page == "" or page.endswith("/") else page)


def built_pages(site_dir: Path) -> list[str]:
    """Every HTML page of a built site as its URL path below the base ("", "specs/", "404.html");
    the offline editions (offline.html, one file holding every page) and the pages' companions of
    passages (quotes.html, quotes-2.html...) have tests of their own."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if path.name == "offline.html" or re.fullmatch(r"quotes(-\d+)?\.html", path.name):
            continue
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


def companion_pages(site_dir: Path) -> list[str]:
    """Every page's companion of passages, what the sources say (quotes.html, quotes-2.html...)."""
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("quotes*.html")
                  if re.fullmatch(r"quotes(-\d+)?\.html", p.name))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "proj")


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory) -> Path:
    """The fixture site built once (read-only for the tests that share it)."""
    root = copy_site(tmp_path_factory.mktemp("built") / "proj")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def pytest_collection_modifyitems(items: list) -> None:
    """The slow proofs first (stable order otherwise): with work stealing, the first worker
    takes them while the second runs the quick tests, whose failures so show within seconds."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
