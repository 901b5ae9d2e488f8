"""Preview mode re-renders only what changed, and its result is byte for byte the site a full
build would write."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from conftest import copy_site, tree_digest

from sitegen.report import run_build
from sitegen.incremental import Memory


def quiet_build(root: Path, out: Path, memory=None) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        status = run_build(root, out, None, memory=memory)
    assert status == 0, err.getvalue()
    return status


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "page body": lambda r: edit(r / "content/about.md", "Made", "Made, and edited,"),
    "page title in the navigation": lambda r: edit(r / "content/specs.md", 'title = "Specs & <things>"', 'title = "Specifications"'),
    "data value": lambda r: (edit(r / "data/specs.csv", "4.0", "4.1"),  # and the passage that states it
                             edit(r / "data/quotes.csv", "Memory bandwidth: 4.0 TB/s,", "Memory bandwidth: 4.1 TB/s,")),
    "timeline row": lambda r: edit(r / "data/timeline.csv", "New rules.", "Newer rules."),
    "source title": lambda r: edit(r / "data/sources.csv", "Chip X datasheet", "Chip X data sheet"),
    "figure note": lambda r: edit(r / "data/specs.csv", "h20,memory_bandwidth,4.0,sheet,yes,2026-01-01,,,", "h20,memory_bandwidth,4.0,sheet,yes,2026-01-01,a note,,一条注释"),
    "translated text": lambda r: edit(r / "data/timeline.csv", "新规则。", "新的规则。"),
    "translated page": lambda r: edit(r / "content/about.zh.md", "为测试而建", "为测试而写"),
    "catalogue": lambda r: edit(r / "i18n/zh/LC_MESSAGES/messages.po", 'msgstr "本页内容"', 'msgstr "本页目录"'),
    "glossary": lambda r: edit(r / "data/glossary.csv", "Stacked memory", "Stacked DRAM"),
    "template": lambda r: edit(r / "templates/page.html", "<h1>", '<h1 class="t">'),
    "stylesheet": lambda r: (r / "static/style.css").write_text((r / "static/style.css").read_text() + "\np{}\n"),
    "new page": lambda r: [(r / f"content/new{suffix}.md").write_text(
        f'+++\ntitle = "New{suffix}"\nsummary = "A new page."\ndate = 2025-01-01\nupdated = 2025-01-01\n+++\n\nNew.[@sheet]\n')
        for suffix in ("", ".zh")],
    "deleted page": lambda r: [(r / f"content/glossary{suffix}.md").unlink() for suffix in ("", ".zh")]
    and edit(r / "content/index.md", "HBM is", "it is") or edit(r / "content/index.zh.md", "显存类型是HBM", "显存类型是它"),
}


def built_with_memory(tmp_path: Path) -> tuple[Path, Memory]:
    """The fixture project, built once in preview mode."""
    root = copy_site(tmp_path / "proj")
    memory = Memory()
    quiet_build(root, root / "site", memory)
    return root, memory


def assert_same_as_full_build(root: Path, tmp_path: Path) -> None:
    quiet_build(root, tmp_path / "full", None)
    assert tree_digest(root / "site") == tree_digest(tmp_path / "full")


@pytest.mark.parametrize("what", EDITS)
def test_incremental_rebuild_equals_a_full_build(tmp_path: Path, what: str) -> None:
    root, memory = built_with_memory(tmp_path)
    EDITS[what](root)
    quiet_build(root, root / "site", memory)
    assert_same_as_full_build(root, tmp_path)


def test_editing_one_page_rewrites_only_what_depends_on_it(tmp_path: Path) -> None:
    root, memory = built_with_memory(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
    edit(root / "content/about.md", "Made", "Made, and edited,")
    quiet_build(root, root / "site", memory)
    changed = sorted(p.relative_to(root / "site").as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t)
    # The page itself and the offline edition of its language, which holds every page (the feed
    # lists every page, but only titles and dates).
    assert changed == ["about/index.html", "offline.html"], changed
    # The other pages were not rendered again; nor was the sources page, as the edit did not
    # change which page cites what.
    assert memory.rendered == ["about/index.html"]


def test_a_data_edit_re_renders_only_the_pages_that_print_it(tmp_path: Path) -> None:
    root, memory = built_with_memory(tmp_path)
    # the pages that print it, and those citing its source, whose passages page shows the passage
    printing = sorted(o for o, (_, p) in memory.pages.items() if ("h20", "memory_bandwidth") in p.uses
                      or "values" in p.uses  # blocks that read every figure
                      or p.uses & {("values", "h20", "memory_bandwidth", f) for f in ("text", "number")}
                      or any(ref["id"] == "sheet" for ref in p.references))
    edit(root / "data/specs.csv", "4.0", "4.1")  # the H20's memory bandwidth
    edit(root / "data/quotes.csv", "Memory bandwidth: 4.0 TB/s,", "Memory bandwidth: 4.1 TB/s,")
    quiet_build(root, root / "site", memory)
    assert sorted(memory.rendered) == printing and "about/index.html" not in printing
    assert "sources/index.html" not in printing  # its block reads the sources, not the figures
    assert_same_as_full_build(root, tmp_path)


def test_a_figures_note_re_renders_only_the_pages_that_print_notes(tmp_path: Path) -> None:
    root, memory = built_with_memory(tmp_path)
    # The H20's memory type is disputed: the disagreements block (on the specs page) prints its
    # note beside the rejected value; the specification table and the charts print the figure
    # but not its note, so they are kept.
    readers = sorted(o for o, (_, p) in memory.pages.items() if ("values", "h20", "memory_type", "text") in p.uses)
    assert {"specs/index.html", "zh/specs/index.html"} <= set(readers)
    edit(root / "data/specs.csv", "h20,memory_type,HBM3,sheet,yes,2026-01-01,,HBM3,",
         "h20,memory_type,HBM3,sheet,yes,2026-01-01,The datasheet's word.,HBM3,数据手册的说法。")
    quiet_build(root, root / "site", memory)
    assert sorted(memory.rendered) == ["specs/index.html", "zh/specs/index.html"]
    assert_same_as_full_build(root, tmp_path)
    # A note in one language only: the pages of both editions that print notes, no others.
    edit(root / "data/specs.csv", "数据手册的说法。", "数据手册的原话。")
    quiet_build(root, root / "site", memory)
    assert sorted(memory.rendered) == ["specs/index.html", "zh/specs/index.html"]
    assert_same_as_full_build(root, tmp_path)
    # The memory bandwidth's note is printed nowhere (its value is not disputed): no page.
    edit(root / "data/specs.csv", "h20,memory_bandwidth,4.0,sheet,yes,2026-01-01,,,",
         "h20,memory_bandwidth,4.0,sheet,yes,2026-01-01,Peak.,,峰值。")
    quiet_build(root, root / "site", memory)
    assert memory.rendered == []
    assert_same_as_full_build(root, tmp_path)


def test_a_data_file_kept_between_builds_still_reports_its_problems(tmp_path: Path) -> None:
    """The preview keeps each data file's rows while its bytes are the same (data._read_kept):
    a file saved with the same mistake twice is refused twice, with the same message."""
    root, memory = built_with_memory(tmp_path)
    good = (root / "data/specs.csv").read_text(encoding="utf-8")
    bad = good.replace("h20,memory_bandwidth,4.0,sheet,yes,2026-01-01", "h20,memory_bandwidth,4.0,sheet,maybe,2026-01-01")
    reports = []
    for text in (bad, good, bad):
        (root / "data/specs.csv").write_text(text, encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            status = run_build(root, root / "site", None, memory=memory)
        reports.append((status, [line for line in err.getvalue().splitlines() if "specs.csv:2:" in line]))
    assert reports[0][0] == reports[2][0] == 1 and reports[1] == (0, [])
    assert reports[0][1] and reports[0][1] == reports[2][1]
    (root / "data/specs.csv").write_text(good, encoding="utf-8")
    quiet_build(root, root / "site", memory)
    assert_same_as_full_build(root, tmp_path)


def test_a_new_citation_re_renders_the_sources_page(tmp_path: Path) -> None:
    root, memory = built_with_memory(tmp_path)
    edit(root / "content/about.md", "Made", "Made[@paper]")
    edit(root / "content/about.zh.md", "为测试而建", "为测试而建[@paper]")
    quiet_build(root, root / "site", memory)
    # only the sources pages that list the newly cited source ("paper" is news: sources/news/)
    assert sorted(memory.rendered) == ["about/index.html", "sources/news/index.html",
                                       "zh/about/index.html", "zh/sources/news/index.html"]
    assert_same_as_full_build(root, tmp_path)
