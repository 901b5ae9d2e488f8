"""The whole build in order: read -> validate -> render -> write. Nothing is written unless
every step succeeded."""
from __future__ import annotations

from pathlib import Path

from .config import load_config
from .content import read_pages
from .data import load_data
from .errors import BuildFailed, Problems
from .render import Site, render_site
from .write import Lock, clean_stale, hash_assets, update_site, write_site


def render(root: Path, base_url: str | None = None, memory=None) -> tuple[Site, dict[str, bytes]]:
    """The site and every output file's bytes, or BuildFailed listing all problems found.
    memory: the preview server's record of the last build (see incremental.py)."""
    problems = Problems()
    config = load_config(root, problems, base_url)
    data = load_data(root / "data", problems, root)
    pages = read_pages(root, problems)
    if problems:  # rendering bad input would only repeat the same problems in other words
        raise BuildFailed(problems.sorted())
    assets = hash_assets(root / "static")
    site = Site(root, config, data, pages, {name: hashed for name, (hashed, _) in assets.items()})
    files = render_site(site, problems, memory)
    if problems:
        raise BuildFailed(problems.sorted())
    files.update({hashed: body for hashed, body in assets.values()})
    return site, files


def build(root: Path, out_dir: Path, base_url: str | None = None, memory=None) -> dict[str, bytes]:
    """Render, then replace out_dir in one atomic step; raises BuildFailed or write.Busy.

    With memory (preview mode) and a site already written, only the files that changed are
    replaced, each one atomically."""
    site, files = render(root, base_url, memory)
    with Lock(out_dir):
        clean_stale(out_dir)
        if memory is not None and memory.files and out_dir.is_dir():
            update_site(files, memory.files, out_dir)
        else:
            write_site(files, out_dir)
    if memory is not None:
        memory.remember(site, files)
    return files
