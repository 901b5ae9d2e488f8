"""Shared helpers: a fresh copy of the fixture site (with the real templates and static files),
and a way to run the real command line on it."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
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
