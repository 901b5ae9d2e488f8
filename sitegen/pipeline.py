"""The whole build in order: read -> validate -> render -> write. Nothing is written unless
every step succeeded."""
from __future__ import annotations

from pathlib import Path

from . import catalog, incremental, lexicon, search, translations
from .config import load_config
from .content import read_pages
from .data import load_data
from .errors import BuildFailed, Problems
from .render import Site, render_site
from .sections import source_listings
from .write import Lock, Staging, clean_stale, hash_assets, update_site


def render(root: Path, base_url: str | None = None, memory=None, sink=None) -> tuple[Site, dict]:
    """The site and every output file's bytes, or BuildFailed listing all problems found.
    memory: the preview server's record of the last build (see incremental.py).
    sink(path, bytes): where pages go as soon as they are rendered (their entry is then None)."""
    problems = Problems()
    config = load_config(root, problems, base_url)
    languages = config.get("languages") or {}
    # The preview keeps the last good build's data while data/ is byte for byte the same.
    data_key = None
    if memory is not None:
        memory.data_now = incremental.data_digests(root)
        data_key = (tuple(sorted(memory.data_now.items())), tuple(languages))
    if data_key is not None and data_key == memory.data_key and memory.site_data is not None:
        data = memory.site_data
    else:
        data = load_data(root / "data", problems, root, tuple(languages) or ("en",),
                         (memory.tables, memory.data_now) if memory is not None else None)
    pages = read_pages(root, problems, memory.parsed if memory is not None else None, languages)
    pages = translations.pair(pages, languages, problems) if languages else pages
    messages = catalog.load(root, languages, problems)
    listed_on = {
        # Translations inherit lists_sources, so only the default language reports overlaps.
        code: source_listings([p for p in pages if p.lang == code], data.sources,
                              "/" + lang["prefix"] + config["sources_page"].lstrip("/"), root,
                              problems if i == 0 else Problems())
        for i, (code, lang) in enumerate(languages.items())}
    if problems:  # rendering bad input would only repeat the same problems in other words
        raise BuildFailed(problems.sorted())
    assets = hash_assets(root / "static")
    site = Site(root, config, data, pages, {name: hashed for name, (hashed, _) in assets.items()}, listed_on,
                messages, "".join(assets[name][1].decode("utf-8") for name in ("style.css", "figures.css") if name in assets))
    files = render_site(site, problems, memory, sink)
    if problems:
        raise BuildFailed(problems.sorted())
    files.update({hashed: body for hashed, body in assets.values()})
    if memory is not None:
        memory.data_key = data_key
    return site, files


def build(root: Path, out_dir: Path, base_url: str | None = None, memory=None) -> dict[str, bytes]:
    """Render, then replace out_dir in one atomic step; raises BuildFailed or write.Busy.

    With memory (preview mode) and a site already written, only the files that changed are
    replaced, each one atomically."""
    with Lock(out_dir):
        clean_stale(out_dir)
        if memory is not None and memory.files and out_dir.is_dir():
            site, files = render(root, base_url, memory)
            update_site(files, memory.files, out_dir)
        else:
            with Staging(out_dir) as stage:
                # In preview mode pages stay in memory, to compare with the next build.
                site, files = render(root, base_url, memory, None if memory is not None else stage.write)
                for rel in sorted(files):
                    if files[rel] is not None:
                        stage.write(rel, files[rel])
                if site.config.get("search"):
                    # From the written pages, as a reader's browser gets them. The preview
                    # server indexes here at its first build, then after each rebuild in the
                    # background (serve.py).
                    search.index(stage.tmp, lexicon.groups(site.data, tuple(site.config.get("languages") or ())[1:]))
                stage.commit()
    if memory is not None:
        memory.remember(site, files)
        # What the preview server's re-index needs (serve.py): whether to, and the names.
        memory.search_groups = lexicon.groups(site.data, tuple(site.config.get("languages") or ())[1:]) \
            if site.config.get("search") else None
    return files
