"""Preview: serve site/ on 127.0.0.1 and rebuild when content/, data/, templates/, static/ or
i18n/ change.

A failed rebuild prints its problems and leaves the last good site in place, still served.
A page over the first-render budget (budget.py) is named after each build that rendered it.
After each good rebuild the search index is rebuilt in the background and swapped in whole
(search.refresh), so an edit can be found within a second or so, and a search never meets a
half-written index; edits made meanwhile are indexed by the next run.
"""
from __future__ import annotations

import functools
import gc
import http.server
import threading
import time
from pathlib import Path

from . import budget, search
from .report import run_build  # the same build, same report, as the command line

WATCHED = ("content", "data", "templates", "static", "i18n", "site.toml")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder, below the site's base path ("/" here, "/h20/" on
    GitHub Pages); the site's own 404 page, with status 404, for anything missing."""

    base = "/"

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.base):
            return str(Path(self.directory) / "__outside_base__")
        return super().translate_path("/" + path[len(self.base):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # keep the terminal for build reports


def make_server(out: Path, host: str, port: int, base: str = "/") -> http.server.ThreadingHTTPServer:
    """A server for the built site in out, under the URL path base (also used by the browser
    tests and the benchmarks, which serve the site under its GitHub Pages path)."""
    handler = functools.partial(type("SiteHandler", (Handler,), {"base": base}), directory=str(out))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class Reindexer:
    """One background thread re-indexing the served site whenever asked, one run at a time;
    asks made during a run are served by one more run after it."""

    def __init__(self, out: Path):
        self.out, self.wanted, self.groups = out, threading.Event(), None
        threading.Thread(target=self._loop, daemon=True).start()

    def ask(self, groups) -> None:
        self.groups = groups
        self.wanted.set()

    def _loop(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            started = time.perf_counter()
            try:
                search.refresh(self.out, self.groups)
            except Exception as exc:  # the old index stays; the next edit tries again
                print(f"search index not refreshed: {exc}", flush=True)
                continue
            print(f"search index refreshed in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)


def settle() -> None:
    """Between edits: collect what the last build left, then set everything alive aside
    (gc.freeze), so that the next rebuild's collections do not scan the remembered site; one
    full collection in the middle of a rebuild cost some 25 ms of a data edit's 100."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve(root: Path, out: Path, host: str, port: int, base_url: str | None) -> int:
    """Build, serve, and rebuild on every change until interrupted."""
    from watchfiles import watch

    from .incremental import Memory

    def note_heavy_pages() -> None:
        for name, size in budget.over_budget(memory.files, memory.rendered):
            print(f"note: {name}: first render is {size:,} bytes compressed, over the {budget.BUDGET:,}-byte "
                  "budget of one round trip; split it into a section (AUTHORING.md)", flush=True)

    server = make_server(out, host, port)
    actual_port = server.server_address[1]
    base_url = base_url or f"http://{host}:{actual_port}/"
    memory = Memory()  # the last good build: later builds re-render only what changed
    reindexer = Reindexer(out)
    if run_build(root, out, base_url, memory=memory) == 0:
        note_heavy_pages()
    settle()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {out.name}/ at {base_url} (Ctrl+C stops)", flush=True)
    paths = [root / name for name in WATCHED if (root / name).exists()]
    try:
        for changes in watch(*paths, debounce=50, step=5):
            names = sorted({Path(p).relative_to(root).as_posix() for _, p in changes})
            print(f"changed: {', '.join(names)}", flush=True)
            started = time.perf_counter()
            status = run_build(root, out, base_url, memory=memory)
            if status == 0:
                print(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
                note_heavy_pages()
                if getattr(memory, "search_groups", None) is not None:
                    reindexer.ask(memory.search_groups)
            else:
                print("kept the last good site", flush=True)
            settle()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
