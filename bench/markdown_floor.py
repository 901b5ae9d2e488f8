"""The floor under any build of a corpus that keeps Python-Markdown: every page's text through
Python-Markdown with no extension at all, in one process, and nothing else (no templates, no
checks, no writing). speed.py times it beside the builds; issue 25 asked for the N=1000 build
within 1.5x Hugo's time while keeping `markdown`, and this says how much of that budget
Markdown alone takes, even spread perfectly over every core.

    .venv/bin/python bench/markdown_floor.py bench/work/speed-1000
"""
from __future__ import annotations

import sys
from pathlib import Path

import markdown


def bodies(corpus: Path) -> list[str]:
    """Each page's Markdown without its front matter (+++ ... +++)."""
    out = []
    for path in sorted((corpus / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        out.append(text.split("+++", 2)[2] if text.startswith("+++") else text)
    return out


def main() -> None:
    md = markdown.Markdown()
    for body in bodies(Path(sys.argv[1])):
        md.reset()
        md.convert(body)


if __name__ == "__main__":
    main()
