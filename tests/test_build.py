"""End-to-end: the fixture site builds, and its output has what a reader and a crawler need."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import ROOT, copy_site, run_build, tree_digest


def html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_pretty_urls_and_site_files(built_fixture: Path) -> None:
    for rel in ["index.html", "specs/index.html", "timeline/index.html", "glossary/index.html",
                "sources/index.html", "about/index.html", "404.html", "sitemap.xml", "feed.xml",
                "robots.txt", ".nojekyll"]:
        assert (built_fixture / rel).is_file(), rel
    assert not (built_fixture / "404").exists()
    assert "Sitemap: https://example.github.io/repo/sitemap.xml" in html(built_fixture, "robots.txt")


def test_citations_are_numbered_in_order_and_linked(built_fixture: Path) -> None:
    page = html(built_fixture, "specs/index.html")
    # [@sheet] is first, so it is 1; [@paper; @sheet] gives 2 then 1 again.
    markers = re.findall(r'<a href="#ref-(\d+)"( id="cite-(\d+)")?>', page)
    assert [m[0] for m in markers[:3]] == ["1", "2", "1"]
    # the first use of each source is the back link's target; later uses carry no id
    assert [m[1] for m in markers[:3]] == [' id="cite-1"', ' id="cite-2"', ""]
    refs = re.findall(r'<li id="ref-(\d+)">(.*?)</li>', page, re.S)
    assert [n for n, _ in refs] == ["1", "2"]
    assert "Chip X datasheet" in refs[0][1] and "../sources/#src-sheet" in refs[0][1]
    assert 'href="#cite-1"' in refs[0][1]
    assert 'id="src-sheet"' in html(built_fixture, "sources/index.html")


def test_values_come_from_data_with_their_citation(built_fixture: Path) -> None:
    home = html(built_fixture, "index.html")
    assert re.search(r'<span class="value">4\.0\u00a0TB/s<sup class="cite">\[<a href="#ref-1"', home)
    assert "Vendor" in re.search(r'<li id="ref-1">(.*?)</li>', home, re.S)[1]
    specs = html(built_fixture, "specs/index.html")
    assert "2,368" in specs  # TPP derived: 148 x 16
    assert "15,830" in specs  # 989.4 x 16, rounded
    assert '<span class="unknown">not published</span>' in specs
    assert 'id="disagree-h20-memory_type"' in specs and "HBM3e" in specs


def test_navigation_toc_and_anchors(built_fixture: Path) -> None:
    page = html(built_fixture, "specs/index.html")
    nav = re.search(r'<nav aria-label="Site">(.*?)</nav>', page, re.S)[1]
    assert re.findall(r'href="([^"]+)"', nav) == ["../", "./", "../timeline/"]  # relative to specs/
    assert 'aria-current="page">Specs &amp; &lt;things&gt;' in nav
    assert '<h2 id="memory">Memory</h2>' in page
    assert '<a href="#memory">Memory</a>' in page
    assert '<h3 id="where-sources-disagree">' in page


def test_pages_under_a_page_form_a_section(built_fixture: Path) -> None:
    for rel, links, current in [("timeline/index.html", ["./", "later/"], "./"),
                               ("timeline/later/index.html", ["../", "./"], "./")]:
        page = html(built_fixture, rel)
        section = re.search(r'<nav class="section" aria-label="Pages in this section"[^>]*>(.*?)</nav>', page, re.S)[1]
        assert re.findall(r'href="([^"]+)"', section) == links  # the top page first
        assert re.findall(r'href="([^"]+)" aria-current="page"', section) == [current]
        assert ">From 2025</a>" in section  # a page's nav_title names it there
    nav = re.search(r'<nav aria-label="Site">(.*?)</nav>', html(built_fixture, "timeline/later/index.html"), re.S)[1]
    assert 'href="../" aria-current="true"' in nav  # the section's page, marked as the current place
    assert 'class="section"' not in html(built_fixture, "specs/index.html")  # a page alone has no section list


def test_timeline_block_takes_a_date_range(built_fixture: Path) -> None:
    later = html(built_fixture, "timeline/later/index.html")
    assert "Told a licence is needed." in later and "New rules." not in later
    everything = html(built_fixture, "timeline/index.html")
    assert "Told a licence is needed." in everything and "New rules." in everything


def test_sources_are_listed_on_the_page_that_claims_them(built_fixture: Path) -> None:
    news, rest = html(built_fixture, "sources/news/index.html"), html(built_fixture, "sources/index.html")
    assert 'id="src-paper"' in news and 'id="src-paper"' not in rest  # lists_sources kinds = ["news"]
    assert 'id="src-sheet"' in rest and 'id="src-zh-doc"' in rest and 'id="src-sheet"' not in news
    refs = re.search(r'<section class="references".*?</section>', html(built_fixture, "specs/index.html"), re.S)[0]
    assert 'href="../sources/news/#src-paper"' in refs and 'href="../sources/#src-sheet"' in refs


def test_links_are_relative_except_on_the_404_pages(built_fixture: Path) -> None:
    """Every page links to the site relatively, so one build works at any address; the 404
    pages, which the server shows at any missing address, link absolutely under the base path."""
    for path in built_fixture.rglob("*.html"):
        if path.name == "offline.html":
            continue  # links only within itself and to the published site (test_offline_edition_*)
        hrefs = [h for h in re.findall(r'(?:href|src)="([^"]+)"', path.read_text(encoding="utf-8"))
                 if not h.startswith(("https:", "mailto:", "#"))]
        assert hrefs, path
        if path.name == "404.html":
            assert all(h.startswith("/repo/") for h in hrefs), (path, hrefs)
        else:
            assert not any(h.startswith("/") for h in hrefs), (path, hrefs)


def test_root_base_url_gives_root_links(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "proj")
    result = run_build(root, "--base-url", "https://h20.example.org")
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="specs/#memory"' in page
    assert 'href="/specs/"' in (root / "site" / "404.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://h20.example.org/">' in page


def test_head_meta_and_json_ld(built_fixture: Path) -> None:
    page = html(built_fixture, "specs/index.html")
    assert '<html lang="en">' in page
    assert '<link rel="canonical" href="https://example.github.io/repo/specs/">' in page
    assert '<meta property="og:title" content="Specs &amp; &lt;things&gt;">' in page
    assert '<meta name="description" content="Summary with &#34;quotes&#34; &amp; &lt;angle&gt; brackets.">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<a class="skip" href="#main">' in page and '<main id="main">' in page
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    assert "<" not in ld  # tojson escapes angle brackets: the title cannot close the script
    import json
    data = json.loads(ld)
    assert data["@type"] == "Article" and data["headline"] == "Specs & <things>"
    assert data["dateModified"] == "2025-07-01"
    assert "Report an error on this page" in page and "github.com/example/repo/issues/new" in page


def test_sitemap_and_feed_are_valid_xml(built_fixture: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom",
          "x": "http://www.w3.org/1999/xhtml"}
    sitemap = ET.parse(built_fixture / "sitemap.xml")
    urls = sitemap.findall("s:url", ns)
    locs = [e.find("s:loc", ns).text for e in urls]
    assert "https://example.github.io/repo/specs/" in locs and "https://example.github.io/repo/zh/specs/" in locs
    assert not any("404" in loc for loc in locs)
    # Each edition's URL names both editions and the default (hreflang alternates).
    for url in urls:
        alternates = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
        assert set(alternates) == {"en", "zh-Hans", "x-default"}, url.find("s:loc", ns).text
        assert url.find("s:loc", ns).text in alternates.values()
    for feed_path, lang, first in (("feed.xml", "en", "Specs & <things>"), ("zh/feed.xml", "zh-Hans", "规格与<其他>")):
        feed = ET.parse(built_fixture / feed_path)
        entries = feed.findall("a:entry", ns)
        changes = [e for e in entries if "#change-" in e.find("a:id", ns).text]
        assert len(entries) - len(changes) == len(locs) / 2  # one feed per edition: its pages
        assert len(changes) == 1  # and the entries of the changes log (data/changes.csv)
        assert feed.getroot().get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert entries[0].find("a:title", ns).text == first  # most recently updated first
        assert feed.find("a:updated", ns).text == "2025-07-01T00:00:00Z"


def test_assets_have_content_hashes(built_fixture: Path) -> None:
    css = list((built_fixture / "assets").glob("style.*.css"))
    assert len(css) == 1 and re.fullmatch(r"style\.[0-9a-f]{10}\.css", css[0].name)
    assert f'href="assets/{css[0].name}"' in html(built_fixture, "index.html")


def test_stylesheet_is_minified(built_fixture: Path) -> None:
    source = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
    built = next((built_fixture / "assets").glob("style.*.css")).read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in built and "\n" not in built.strip()
    assert len(built) < 0.9 * len(source)
    # every rule and declaration survives: only comments and white space go
    uncommented = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert re.sub(r"[\s;]", "", built) == re.sub(r"[\s;]", "", uncommented)


def test_glossary_terms_link_on_first_use_only(built_fixture: Path) -> None:
    page = html(built_fixture, "specs/index.html")
    text, foot = page.split('<section class="terms"')
    assert text.count('href="../glossary/#term-hbm"') == 1
    # The page's foot defines each term it linked, for the previews (and for print).
    assert '<dt id="def-hbm"><a href="../glossary/#term-hbm">' in foot
    assert 'id="term-hbm"' in html(built_fixture, "glossary/index.html")


def test_search_index_is_byte_identical_between_builds(tmp_path: Path) -> None:
    """With search on, the Pagefind bundle too: same input, same bytes."""
    digests = []
    for seed in ("1", "2"):
        root = copy_site(tmp_path / f"proj{seed}")
        toml = root / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("offline = true", "offline = true\nsearch = true"),
                        encoding="utf-8")
        result = run_build(root, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        assert (root / "site" / "pagefind" / "pagefind.js").is_file()
        # Pagefind lists languages in hash-map order, which varies between runs: the build sorts it.
        import json
        entry = (root / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
        assert entry == json.dumps(json.loads(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digests.append(tree_digest(root / "site"))
    assert digests[0] == digests[1]


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    digests = []
    for seed in ("1", "2"):
        root = copy_site(tmp_path / f"proj{seed}")
        result = run_build(root, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(root / "site"))
    assert digests[0] == digests[1]
    assert all(str(tmp_path) not in (tmp_path / "proj1" / "site" / rel).read_text(errors="replace")
               for rel in digests[0])


def test_no_temporary_folders_left(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "proj")
    assert run_build(root).returncode == 0
    (root / "content" / "about.md").write_text("broken", encoding="utf-8")
    assert run_build(root).returncode == 1
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".site-tmp")]
    assert leftovers == []


def test_the_real_site_builds_cleanly(tmp_path: Path) -> None:
    result = run_build(ROOT, "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_ratio_of_two_values_is_a_cited_percentage(built_fixture: Path) -> None:
    page = html(built_fixture, "timeline/index.html")
    # 148 / 989.4 = 14.96% -> "15%", cited by the datasheet
    number = re.search(r'<li id="ref-(\d+)"><cite><a href="https://example.com/x.pdf"', page)[1]
    assert re.search(rf'<span class="value">15%<sup class="cite">\[<a href="#ref-{number}"', page), page


def test_first_render_budget_counts_the_page_and_its_stylesheet() -> None:
    import gzip
    import random

    from sitegen import budget

    css = b"body { color: #111; }" * 20
    small = b'<link rel="stylesheet" href="/repo/assets/style.1a.css"><p>Short.</p>'
    rng = random.Random(1)
    big = small + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz ", k=30000)).encode()
    files = {"assets/style.1a.css": css, "a/index.html": small, "b/index.html": big, "feed.xml": big}
    gz = lambda b: len(gzip.compress(b, 9, mtime=0))  # noqa: E731
    assert budget.first_render(small, files) == gz(small) + gz(css)
    assert budget.over_budget(files, ["a/index.html", "b/index.html", "feed.xml"]) == \
        [("b/index.html", gz(big) + gz(css))]

