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

    # A page grown past one round trip is named, with its size; the build still succeeds.
    import random
    rng = random.Random(5)
    filler = " ".join("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=9)) for _ in range(3000))
    edited = about.read_text(encoding="utf-8")
    about.write_text(edited + "\n" + filler + "\n", encoding="utf-8")
    line = server.wait_for(r"note: about/index\.html: first render is [\d,]+ bytes compressed, over the 14,336-byte budget")
    assert int(re.search(r"is ([\d,]+) bytes", line)[1].replace(",", "")) > 14336
    assert filler[:50] in server.get("/about/")[1]
    about.write_text(edited, encoding="utf-8")
    server.wait_for(r"rebuilt in \d+ ms")

    about.write_text(about.read_text(encoding="utf-8") + "\nBroken [@no-such-source].\n", encoding="utf-8")
    server.wait_for(r"content/about\.md:\d+: unknown source id 'no-such-source'")
    server.wait_for(r"kept the last good site")
    status, body = server.get("/about/")
    assert status == 200 and "Edited while serving." in body and server.proc.poll() is None


def raw_get(url: str, raw_path: str) -> tuple[int, bytes]:
    """A request with the path sent exactly as given (urllib would normalise '..' away)."""
    import socket
    host, port = re.match(r"http://([\d.]+):(\d+)/", url).groups()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(f"GET {raw_path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


TRAVERSALS = ["/../site.toml", "/%2e%2e/site.toml", "/..%2fsite.toml", "/%2e%2e%2fsite.toml",
              "/assets/../../site.toml", "/..\\site.toml", "/%2E%2E/%2E%2E/etc/passwd", "//etc/passwd",
              "/./../content/about.md", "/specs/..%252f..%252fsite.toml", "/../../../../etc/passwd"]


def test_serve_refuses_path_traversal(server: Server, site: Path) -> None:
    secret = (site / "site.toml").read_bytes()
    for path in TRAVERSALS:
        status, body = raw_get(server.url, path)
        assert status in (400, 403, 404), (path, status)
        assert secret not in body and b"root:" not in body and b"+++" not in body, path


def test_serve_survives_a_burst_of_2000_requests(server: Server) -> None:
    """A local load generator: 8 threads, 250 requests each, over every kind of file."""
    from concurrent.futures import ThreadPoolExecutor
    paths = ["", "specs/", "timeline/", "feed.xml", "sitemap.xml", "nope/", "data/specs.csv"]
    errors: list[str] = []

    def worker(n: int) -> int:
        done = 0
        for i in range(250):
            path = paths[(n + i) % len(paths)]
            try:
                status, _ = server.get(path)
            except Exception as exc:  # noqa: BLE001 - any failure is what we count
                errors.append(f"{path}: {exc!r}")
                continue
            if status != (404 if path == "nope/" else 200):
                errors.append(f"{path}: {status}")
            done += 1
        return done

    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(worker, range(8)))
    assert not errors, errors[:10]
    assert total == 2000
    assert server.get("specs/")[0] == 200  # still serving afterwards


def test_an_edit_becomes_searchable_without_a_restart(site: Path) -> None:
    """With search on, the server re-indexes after a rebuild, in the background: a word new to
    the site is in the served index once the server says so, and the index is whole meanwhile."""
    sys.path.insert(0, str(ROOT))
    from sitegen import search

    toml = site / "site.toml"
    toml.write_text("search = true\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    server = Server(site)
    try:
        latin = re.compile(r"^[a-z]+$")
        # the index holds stems (zymurgical -> zymurg...)
        assert not [w for w in search.words(site / "site" / "pagefind", "en", latin) if w.startswith("zymurg")]
        assert server.get("/about/")[0] == 200
        time.sleep(0.5)  # the file watcher starts after the "serving" line
        about = site / "content" / "about.md"
        about.write_text(about.read_text(encoding="utf-8").replace("Made for tests.", "Made for zymurgical tests."),
                         encoding="utf-8")
        server.wait_for(r"rebuilt in \d+ ms")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the entry file is served whole at every moment
            status, entry = server.get("/pagefind/pagefind-entry.json")
            assert status == 200 and entry.endswith("}"), entry[-40:]
            try:
                server.wait_for(r"search index refreshed in \d+ ms", timeout=0.05)
                break
            except AssertionError:
                continue
        assert time.monotonic() < deadline, "the search index was not refreshed within 30 s"
        assert [w for w in search.words(site / "site" / "pagefind", "en", latin) if w.startswith("zymurg")]
        assert not list(site.glob(".pagefind-*")), "the index's temporary folder is left behind"
    finally:
        server.stop()
