"""A killed build never damages site/; two builds at once end with one complete site."""
from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_site, run_build, tree_digest


def grow(root: Path, pages: int) -> None:
    """Add many realistic pages, each in both languages, so a build takes long enough to be
    killed part-way."""
    for suffix, title in (("", 'title = "Specs & <things>"'), (".zh", 'title = "规格与<其他>"')):
        body = (root / "content" / f"specs{suffix}.md").read_text(encoding="utf-8")
        for i in range(pages):
            text = body.replace(title, f'title = "Generated {i}"').replace("nav = 2\n", "")
            text = text.replace("{#memory}", f"{{#memory-{i}}}").replace("(#memory)", f"(#memory-{i})")
            (root / "content" / f"gen-{i:04d}{suffix}.md").write_text(text + "\nMore text. " * 200, encoding="utf-8")


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "proj")
    grow(root, 300)
    started = time.monotonic()
    assert run_build(root).returncode == 0
    full = time.monotonic() - started
    old = tree_digest(root / "site")
    assert len(old) > 300
    about = root / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("Made for tests.", "Changed."), encoding="utf-8")
    reference = tmp_path / "reference-site"
    assert run_build(root, "--out", str(reference)).returncode == 0
    new = tree_digest(reference)
    assert new != old
    rng = random.Random(20251122)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Killed before the swap: the old site, whole. After it: the new site, whole. Never a mix.
        assert tree_digest(root / "site") in (old, new)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert "Changed." in (root / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in root.iterdir() if p.name.startswith(".site-tmp")] == []


def test_a_second_build_waits_for_nobody_and_says_why(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "proj")
    assert run_build(root).returncode == 0
    before = tree_digest(root / "site")
    lock = os.open(root / ".site.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as if another build were writing right now
    try:
        result = run_build(root)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    assert result.returncode == 3
    assert "another build is writing" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(root / "site") == before


def test_two_builds_started_together_end_with_one_complete_site(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "proj")
    grow(root, 60)
    reference = copy_site(tmp_path / "ref")
    grow(reference, 60)
    assert run_build(reference).returncode == 0
    procs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(code in (0, 3) for code, _ in results), results
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        if code == 3:
            assert "another build is writing" in err
    assert tree_digest(root / "site") == tree_digest(reference / "site")
    assert [p.name for p in root.iterdir() if p.name.startswith(".site-tmp")] == []
