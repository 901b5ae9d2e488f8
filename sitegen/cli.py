"""The command line: build the H20 explainer into site/, or preview it with rebuild on change.

    python build.py                      build site/
    python build.py --base-url URL       build for another address (e.g. a GitHub Pages project URL)
    python build.py serve [--port 8000]  serve site/ on 127.0.0.1 and rebuild when a file changes
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

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


def run_build(root: Path, out: Path, base_url: str | None, verbose: bool = False, memory=None) -> int:
    """One build with its report; returns the process exit status."""
    from .errors import BuildFailed
    from .pipeline import build
    from .write import Busy

    started = time.perf_counter()
    try:
        files = build(root, out, base_url, memory)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(failed.problems)} problem(s); {out.name}/ was not changed", file=sys.stderr)
        return 1
    except Busy as busy:
        print(f"{out.name}: {busy}", file=sys.stderr)
        return 3
    except Exception as exc:  # a bug in the generator, not in the input
        if verbose:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for the traceback); "
              f"{out.name}/ was not changed", file=sys.stderr)
        return 2
    pages = sum(1 for name in files if name.endswith(".html"))
    print(f"built {pages} pages, {len(files)} files into {out.name}/ in {time.perf_counter() - started:.2f}s")
    return 0


