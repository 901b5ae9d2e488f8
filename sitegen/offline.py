"""The offline edition: the whole explainer in one self-contained HTML file per language
(offline.html, zh/offline.html), to read without a network, mail or archive, or print to PDF.

Each page's article becomes a chapter, in the order of the navigation and of each section. Ids
get the chapter's prefix so they stay unique (#claims on two pages becomes #c-claims--claims and
#c-claims-policy--claims), and every link to a page of this edition becomes a link within the
file; links to data files and to the other edition point to the published site. The stylesheet
is inline, charts are already inline SVG, each chapter keeps its own reference list, and the
estimator is its static table (the form needs its script, which the file does not carry).
"""
from __future__ import annotations

import re

from markupsafe import Markup

_ARTICLE = re.compile(r"<article[^>]*>(.*?)</article>", re.S)
_SECTION_NAV = re.compile(r'\s*<nav class="section".*?</nav>', re.S)
_FORM = re.compile(r'<section class="estimator"[^>]* data-estimator.*?</section>', re.S)
_ID_REFS = re.compile(r'\s(id|for|aria-labelledby|aria-describedby)="([^"]+)"')
_HREF = re.compile(r'\shref="([^"]*)"')


def article(html: str) -> str:
    """A rendered page's <article> element (the page without its header, navigation and footer)."""
    m = _ARTICLE.search(html)
    return m[0] if m else ""


def with_passages(article: str, passages: dict[int, str]) -> str:
    """The article with what each source says under its entry in the reference list (the
    online pages keep these in their companion, quotes.html, which a file cannot fetch)."""
    if not passages:
        return article
    return re.sub(r'(<li id="ref-(\d+)">.*?)(</li>)',
                  lambda m: m[1] + passages.get(int(m[2]), "") + m[3], article, flags=re.S)


def chapter_id(key: str) -> str:
    """'/' -> 'c-home', '/specs/disagreements/' -> 'c-specs-disagreements'."""
    return "c-" + (key.strip("/").replace("/", "-") or "home")


def chapter(html: str, page, chapters: dict[str, str], root: str, online) -> str:
    """One page's article (links still ROOT + path) as a chapter of the file.

    chapters: site path of each page of this edition -> its chapter id; online(path) gives a
    path's address on the published site, for links that leave the edition."""
    m = _ARTICLE.search(html)
    body = _FORM.sub("", _SECTION_NAV.sub("", m[1] if m else ""))
    mine = chapter_id(page.key)

    def ids(match: re.Match) -> str:
        return f' {match[1]}="' + " ".join(f"{mine}--{v}" for v in match[2].split()) + '"'

    def href(match: re.Match) -> str:
        target = match[1]
        if target.startswith("#"):
            return f' href="#{mine}--{target[1:]}"'
        if not target.startswith(root):
            return match[0]
        path, _, fragment = target[len(root):].partition("#")
        other = chapters.get("/" + path)
        if other is None:
            return f' href="{online(path)}{"#" + fragment if fragment else ""}"'
        return f' href="#{other}--{fragment}"' if fragment else f' href="#{other}"'

    return f'<section class="chapter" id="{mine}">' + _HREF.sub(href, _ID_REFS.sub(ids, body)) + "</section>\n"


# Chapters of the last build, by what they are made of: the preview server, re-rendering one
# page, rewrites one chapter instead of all of them (most of its rebuild's time otherwise).
_made: dict[tuple, bytes] = {}


def build(env, pages: list, articles: dict[str, str], css: str, root: str, online) -> bytes:
    """The file: pages in reading order, each with its (ROOT-linked) article; css inline."""
    global _made
    chapters = {p.url: chapter_id(p.key) for p in pages}
    frame = (tuple(chapters.items()), root, online(""))
    made = {}
    for p in pages:
        key = (frame, p.key, articles[p.output])
        made[key] = _made.get(key) or chapter(articles[p.output], p, chapters, root, online).encode("utf-8")
    _made = {**{k: v for k, v in _made.items() if k[0] != frame}, **made} if len(_made) < 4 * len(made) else made
    toc = [(chapter_id(p.key), p.meta["title"], p) for p in pages]
    # The frame is rendered around a marker and the chapters, already bytes, joined in its place:
    # the file is large, and copying it as text three more times was most of a preview rebuild.
    head, _, tail = env.get_template("offline.html").render(chapters=_MARK, toc=toc, css=Markup(css)) \
        .partition(_MARK)
    return head.encode("utf-8") + b"".join(made.values()) + tail.encode("utf-8")


_MARK = Markup("\ue000chapters\ue000")  # a private-use character: no page's text contains it


def reading_order(pages: list, sections) -> list:
    """The navigation's pages, each followed by the other pages of its section; then the rest
    (the 404 page is not part of the explainer, and the search page works only online)."""
    order, seen = [], set()
    for page in sorted((p for p in pages if "nav" in p.meta), key=lambda p: (p.meta["nav"], p.key)):
        for member in sections(page.url) or [page]:
            if member.url not in seen:
                seen.add(member.url)
                order.append(member)
    order += [p for p in sorted(pages, key=lambda p: p.key) if p.url not in seen and p.is_explainer]
    return order
