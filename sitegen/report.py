"""One build with its report for a person at a terminal: the problems or a one-line summary,
and the process exit status. Shared by the command line (cli.py) and the preview server
(serve.py), so both report a build the same way and neither imports the other."""
from __future__ import annotations

import re
import sys
import time
import traceback
from pathlib import Path


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
    html = [name.rpartition("/")[2] for name in files if name.endswith(".html")]
    passages = sum(1 for name in html if re.fullmatch(r"quotes(-\d+)?\.html", name))  # pages' companions
    print(f"built {len(html) - passages} pages (and {passages} pages of passages), {len(files)} files into {out.name}/ "
          f"in {time.perf_counter() - started:.2f}s")
    return 0
