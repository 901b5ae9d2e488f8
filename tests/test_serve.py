"""Preview mode: serves the site on 127.0.0.1, rebuilds on change, keeps the last good site."""
from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT


class Server:
    """build.py serve in a subprocess, with its output lines readable with a timeout."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root), "serve", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        line = self.wait_for(r"serving site/ at (http://127\.0\.0\.1:\d+/)")
        self.url = re.search(r"(http://\S+/)", line)[1]

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r}; saw {seen}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=5) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def server(site: Path):
    s = Server(site)
    yield s
    s.stop()


def test_serves_rebuilds_and_keeps_last_good_site(server: Server, site: Path) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    status, body = server.get("/about/")
    assert status == 200 and "Made for tests." in body
    status, body = server.get("/no/such/page/")
    assert status == 404 and "Page not found" in body

    about = site / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("Made for tests.", "Edited while serving."), encoding="utf-8")
    server.wait_for(r"rebuilt in \d+ ms")
    assert "Edited while serving." in server.get("/about/")[1]

    about.write_text(about.read_text(encoding="utf-8") + "\nBroken [@no-such-source].\n", encoding="utf-8")
    server.wait_for(r"content/about\.md:\d+: unknown source id 'no-such-source'")
    server.wait_for(r"kept the last good site")
    status, body = server.get("/about/")
    assert status == 200 and "Edited while serving." in body and server.proc.poll() is None
