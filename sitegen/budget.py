"""The first-render budget: a page's HTML and the stylesheets it links, each compressed (they are
separate responses), should fit in the first network round trip, about 14 KB. The preview server
names the pages over it as they are rebuilt; bench/weight.py measures every page (gzip and brotli).
"""
from __future__ import annotations

import gzip
import re

BUDGET = 14 * 1024  # bytes: ~10 TCP segments, what the first round trip can carry
_STYLESHEET = re.compile(rb'<link rel="stylesheet" href="(?:[^"]*/)?(assets/[^"]+)"')


def first_render(html: bytes, files: dict[str, bytes | None]) -> int:
    """gzip -9 bytes of the page and of every stylesheet it links (looked up in files)."""
    parts = [html] + [files.get(name.decode()) or b"" for name in _STYLESHEET.findall(html)]
    return sum(len(gzip.compress(part, 9, mtime=0)) for part in parts)


def over_budget(files: dict[str, bytes | None], outputs: list[str]) -> list[tuple[str, int]]:
    """(page, first-render bytes) for each HTML output among outputs that is over the budget."""
    found = []
    for name in sorted(outputs):
        html = files.get(name)
        if name.endswith(".html") and html:
            size = first_render(html, files)
            if size > BUDGET:
                found.append((name, size))
    return found
