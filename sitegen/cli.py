"""The command line: build the H20 explainer into site/, or preview it with rebuild on change.

    python build.py                      build site/
    python build.py --base-url URL       build for another address (e.g. a GitHub Pages project URL)
    python build.py serve [--port 8000]  serve site/ on 127.0.0.1 and rebuild when a file changes
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .report import run_build

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=["build", "serve"])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (content/, data/, ...)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    parser.add_argument("--base-url", default=None, help="override base_url from site.toml")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default 8000)")
    parser.add_argument("--verbose", action="store_true", help="show Python tracebacks of internal errors")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "site").absolute()

    if args.command == "serve":
        from .serve import serve
        return serve(root, out, args.host, args.port, args.base_url)
    return run_build(root, out, args.base_url, args.verbose)
