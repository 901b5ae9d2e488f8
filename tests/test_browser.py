"""The real site in a real browser: Debian's chromium driven by Playwright (never a downloaded
browser), every page at a phone and a desktop width, light and dark, with and without
JavaScript, on print media, under axe-core's WCAG 2.1 A/AA rules."""
from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, base_path, built_pages, page_file

from sitegen.serve import make_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def origin(real_site: Path):
    # The preview server's handler: the site under its GitHub Pages path, 404.html for misses.
    server = make_server(real_site, "127.0.0.1", 0, base_path(real_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", base_path(real_site)
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def pages(real_site: Path) -> list[str]:
    return built_pages(real_site)


def visit(browser, origin: tuple[str, str], page: str, *, viewport="desktop", scheme="light",
          javascript=True, bypass_csp=False):
    """Open one page in a fresh context and record everything that went wrong on the way."""
    origin, base = origin
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                  java_script_enabled=javascript, bypass_csp=bypass_csp)
    tab = context.new_page()
    log = {"console": [], "failed": [], "foreign": [], "csp": []}
    tab.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    tab.on("pageerror", lambda e: log["console"].append(str(e)))
    tab.on("requestfailed", lambda r: log["failed"].append(f"{r.url} {r.failure}"))
    tab.on("response", lambda r: r.status >= 400 and not r.url.endswith("404.html") and page != "404.html"
           and log["failed"].append(f"{r.url} {r.status}"))
    tab.on("request", lambda r: not r.url.startswith(origin + "/") and not r.url.startswith("data:")
           and log["foreign"].append(r.url))
    if javascript:
        # Runs before the page's own scripts; CSP reports land here.
        tab.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    tab.goto(origin + base + page, wait_until="load")
    if javascript:
        log["csp"] = tab.evaluate("window.__csp")
    return context, tab, log


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_load_cleanly_and_fit(browser, origin, real_site, viewport) -> None:
    problems = []
    for page in pages(real_site):
        context, tab, log = visit(browser, origin, page, viewport=viewport)
        for kind, items in log.items():
            problems += [f"{page or '/'} [{viewport}] {kind}: {item}" for item in items]
        if not tab.locator("h1").first.is_visible():
            problems.append(f"{page or '/'} [{viewport}]: main heading not visible")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide = tab.evaluate("""[...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className).join(', ')""")
            problems.append(f"{page or '/'} [{viewport}]: scrolls sideways by {overflow}px ({wide})")
        context.close()
    assert not problems, "\n".join(problems)


def test_without_javascript_all_content_shows(browser, origin, real_site) -> None:
    problems = []
    for page in pages(real_site):
        with_js, tab_js, _ = visit(browser, origin, page)
        text_js = tab_js.inner_text("main")
        form_shown = tab_js.locator("section[data-estimator]").count() and tab_js.locator("section[data-estimator]").is_visible()
        with_js.close()
        no_js, tab, log = visit(browser, origin, page, javascript=False)
        text = tab.inner_text("main")
        if not tab.locator("h1").first.is_visible():
            problems.append(f"{page}: no heading without JavaScript")
        if tab.locator("section[data-estimator]").count():
            # The form needs the script: hidden without it, the precomputed table in its place.
            assert form_shown, f"{page}: the estimator form is not revealed when JavaScript runs"
            if tab.locator("section[data-estimator]").is_visible():
                problems.append(f"{page}: estimator form visible without JavaScript")
            if not tab.locator(".estimator-static table").first.is_visible():
                problems.append(f"{page}: estimator's static table hidden without JavaScript")
        elif len(text) < 0.95 * len(text_js):
            problems.append(f"{page}: {len(text)} characters without JavaScript, {len(text_js)} with")
        no_js.close()
    assert not problems, "\n".join(problems)


def test_print_hides_navigation(browser, origin, real_site) -> None:
    for page in pages(real_site):
        context, tab, _ = visit(browser, origin, page)
        tab.emulate_media(media="print")
        assert not any(nav.is_visible() for nav in tab.locator("header nav, nav.section").all()), page
        assert tab.locator("h1").first.is_visible(), page
        context.close()


def test_dark_mode_changes_colours(browser, origin) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context, tab, _ = visit(browser, origin, "", scheme=scheme)
        colours[scheme] = tab.evaluate("[getComputedStyle(document.body).backgroundColor,"
                                       " getComputedStyle(document.body).color]")
        context.close()
    assert colours["light"] != colours["dark"], colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violations(browser, origin, real_site, scheme) -> None:
    """axe-core's WCAG 2.0/2.1 A and AA rules (colour contrast included) on every page and width.
    One browser context per width walks every page (a new context per page cost more than the
    check itself)."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: `make test` runs npm ci")
    source = AXE.read_text()
    options = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}"
    base, path = origin
    problems = []
    for viewport in VIEWPORTS:
        # axe is injected by the test, so this context alone lifts the pages' CSP.
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, bypass_csp=True)
        tab = context.new_page()
        for page in pages(real_site):
            tab.goto(base + path + page, wait_until="load")
            tab.evaluate(source)
            result = tab.evaluate(f"axe.run(document, {options})")
            for v in result["violations"]:
                targets = "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
                problems.append(f"{page or '/'} [{viewport}, {scheme}] {v['id']}: {v['help']} ({targets})")
        context.close()
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_every_control_with_a_visible_focus_ring(browser, origin, real_site) -> None:
    problems = []
    for page in pages(real_site):
        context, tab, _ = visit(browser, origin, page)
        # A group of radio buttons is one Tab stop (arrow keys move inside it).
        focusable = tab.evaluate("""new Set([...document.querySelectorAll(
            'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
            .filter(e => e.offsetParent !== null || e.getClientRects().length)
            .map(e => e.type === 'radio' ? 'radio:' + e.name : e)).size""")
        # The page records every element that receives focus, with its focus ring and size at
        # that moment, so the test only presses keys (one round trip per Tab instead of two).
        tab.evaluate("""(() => { const seen = new Map(); window.__focus = [];
            document.addEventListener('focusin', ev => { const e = ev.target, s = getComputedStyle(e);
                const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
                const r = e.getBoundingClientRect();
                if (!seen.has(e)) seen.set(e, seen.size);
                window.__focus.push([e.outerHTML.slice(0, 80), ring, r.width > 0 && r.height > 0, seen.get(e),
                                     e.className, e.getAttribute('href')]); }); })()""")
        for _ in range(focusable):
            tab.keyboard.press("Tab")
        log = tab.evaluate("window.__focus")
        if not log or log[0][4:] != ["skip", "#main"]:
            problems.append(f"{page}: first Tab lands on {log[0][4:] if log else 'nothing'}, not the skip link")
        for html, ring, visible, _, _, _ in log:
            if not ring:
                problems.append(f"{page}: no focus ring on {html}")
            if not visible:
                problems.append(f"{page}: focus on an invisible element {html}")
        reached = {entry[3] for entry in log}
        if len(reached) < focusable:
            problems.append(f"{page}: Tab reached {len(reached)} of {focusable} controls")
        context.close()
    assert not problems, "\n".join(problems[:40])


def test_estimator_form_works_and_refuses_bad_input(browser, origin, real_site) -> None:
    page = next(p for p in pages(real_site) if 'data-estimator' in page_file(real_site, p).read_text())
    context, tab, log = visit(browser, origin, page)
    form = tab.locator("section[data-estimator] form")
    assert form.is_visible()
    output = tab.locator("table.estimate tbody")
    before = output.inner_text()
    assert "NaN" not in before and "Infinity" not in before and before.strip()
    field = form.locator("#est-params_b")
    for bad in ("", "-5", "abc", "1e400"):
        field.fill(bad)
        message = tab.locator(f"#{field.get_attribute('aria-describedby').split()[0]}")
        assert message.inner_text().strip(), f"no message beside the field for {bad!r}"
        assert "NaN" not in output.inner_text() and "Infinity" not in output.inner_text()
    assert not log["console"] and not log["csp"], log
    context.close()


def test_chinese_estimator_speaks_chinese(browser, origin, real_site) -> None:
    """The form's output and messages come from the page (the catalogue), not from the script."""
    page = next(p for p in pages(real_site) if p.startswith("zh/") and 'data-estimator' in page_file(real_site, p).read_text())
    context, tab, log = visit(browser, origin, page)
    output = tab.locator("table.estimate tbody").inner_text()
    assert ("是" in output or "否" in output) and ("显存带宽" in output or "算力" in output), output
    assert not any(word in output for word in ("yes", "no ", "memory bandwidth", "compute")), output
    field = tab.locator("#est-batch")
    field.fill("2.5")
    assert tab.locator("#est-batch-error").inner_text().strip() == "请输入整数。"
    assert "请更正" in tab.locator(".estimator-status").inner_text()
    assert not log["console"] and not log["csp"], log
    context.close()


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_language_switch_leads_to_the_twin_by_keyboard(browser, origin, edition) -> None:
    """Tab reaches the language switch; Enter opens the same page in the other language."""
    context, tab, _ = visit(browser, origin, edition + "specs/")
    for _ in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.closest('.languages') !== null"):
            break
    else:
        raise AssertionError("the language switch was never focused")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expected = "zh/specs/" if edition == "" else "specs/"
    assert tab.url.endswith(origin[1] + expected), tab.url
    assert tab.locator("html").get_attribute("lang") == ("zh-Hans" if edition == "" else "en")
    context.close()


# ---- readable anywhere: another address, and the offline edition from disk ----------------

def test_the_same_build_works_at_another_address(browser, real_site) -> None:
    """A mirror serving site/ under another path: every page at both widths loads its styles and
    files, and every link it holds to the site reaches a file and, if any, its #fragment."""
    from urllib.parse import unquote, urlsplit
    mirror = "/mirror/of/the-site/"
    server = make_server(real_site, "127.0.0.1", 0, mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    ids: dict[str, set] = {}
    problems = []
    try:
        for viewport in VIEWPORTS:
            context = browser.new_context(viewport=VIEWPORTS[viewport])
            tab = context.new_page()
            failed = []
            # A request still under way when the test moves to the next page (the icon) is aborted
            # by that navigation, not failed; a missing file shows as a 4xx response.
            tab.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and failed.append(r.url))
            tab.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
            for page in pages(real_site):
                if page.endswith("404.html"):
                    continue  # its links are absolute on purpose: the server shows it at any address
                failed.clear()
                tab.goto(origin + mirror + page, wait_until="load")
                styled = tab.evaluate("getComputedStyle(document.querySelector('.masthead')).display === 'flex'")
                links = tab.evaluate(f"[...document.querySelectorAll('a[href]')].map(a => a.href)"
                                     f".filter(h => h.startsWith({origin + mirror!r}))")
                if failed or not styled:
                    problems.append(f"{page} [{viewport}]: failed {failed}, styles applied: {styled}")
                if viewport == "desktop":
                    for href in set(links):
                        parts = urlsplit(href)
                        rel = unquote(parts.path[len(mirror):])
                        target = real_site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
                        if not target.is_file():
                            problems.append(f"{page}: {href} reaches no file")
                        elif parts.fragment and target.suffix == ".html":
                            if target not in ids:
                                import re
                                ids[target] = set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8")))
                            if parts.fragment not in ids[target]:
                                problems.append(f"{page}: {href} has no such anchor")
            context.close()
    finally:
        server.shutdown()
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_offline_edition_opens_from_disk_with_no_network(browser, real_site, edition) -> None:
    """The one-file edition from file://, every other request blocked: it asks for nothing else,
    its styles apply, every link inside it lands on an element, axe finds nothing, and it prints
    to a PDF of many pages without navigation."""
    import re
    path = real_site / edition / "offline.html"
    size = path.stat().st_size
    assert size < 1_000_000, f"{size:,} bytes: too big to send easily"
    requests = []
    for viewport in VIEWPORTS:
        # On the phone the file's own Content-Security-Policy holds (its stylesheet is allowed by
        # hash); the desktop context lifts it to inject axe.
        context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=viewport == "desktop")
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                      else (requests.append(route.request.url), route.abort()))
        tab = context.new_page()
        errors = []
        tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
        tab.goto(path.as_uri(), wait_until="load")
        assert tab.evaluate("getComputedStyle(document.body).margin") == "0px"  # the inline stylesheet applies
        missing = tab.evaluate("""[...document.querySelectorAll('a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))""")
        assert not missing, missing[:10]
        chapters = tab.locator("section.chapter").count()
        assert chapters >= 20 and tab.locator("nav.offline-toc li").count() == chapters
        assert not tab.locator("script, link[rel=stylesheet], nav[aria-label], form").count()
        assert not errors, errors
        if viewport == "desktop":
            tab.evaluate(AXE.read_text())
            result = tab.evaluate("""axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
            assert not result["violations"], [(v["id"], [n["target"] for n in v["nodes"][:3]])
                                              for v in result["violations"]]
            tab.emulate_media(media="print")
            assert tab.evaluate("getComputedStyle(document.querySelector('section.chapter + section.chapter')).breakBefore") == "page"
            pdf = tab.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > chapters
        context.close()
    assert not requests, requests[:10]
