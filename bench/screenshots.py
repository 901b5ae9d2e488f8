"""Full-page screenshots of every built page at a phone (375×812), a tablet (768×1024), a laptop
(1280×800) and a wide screen (1920×1080), in light and dark colour scheme, in Debian's chromium driven by Playwright (never a
downloaded browser), against the site served on 127.0.0.1 below its base path.

    .venv/bin/python bench/screenshots.py --site /tmp/wsite

Writes bench/out/screenshots/<page>-<phone|tablet|desktop|wide>-<light|dark>.png (git-ignored) and prints
the files. For each shot it also prints what a person would notice first: a page wider than the
viewport (sideways scrolling) and how tall the page is."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import CHROME_FLAGS, CHROMIUM, OUT, ROOT, check_site, label, page_url, pages, serve  # noqa: E402

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "tablet": {"width": 768, "height": 1024},
             "desktop": {"width": 1280, "height": 800}, "wide": {"width": 1920, "height": 1080}}
SCHEMES = ["light", "dark"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    parser.add_argument("--out", type=Path, default=OUT / "screenshots", help="where the PNGs go")
    parser.add_argument("--page", action="append", help="only this page (/, specs/, 404.html); repeatable")
    args = parser.parse_args(argv)
    site = check_site(args.site)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("playwright is missing: run with the site's .venv (`make test` installs it)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium (never a downloaded browser)")
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    chosen = [p for p in pages(site) if not args.page or (p or "/") in args.page]
    written, problems = [], []
    with serve(site) as (origin, base), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        try:
            for page_path in chosen:
                for vp_name, viewport in VIEWPORTS.items():
                    for scheme in SCHEMES:
                        context = browser.new_context(viewport=viewport, color_scheme=scheme)
                        page = context.new_page()
                        errors = []
                        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                        page.on("pageerror", lambda e: errors.append(str(e)))
                        page.goto(page_url(origin, base, page_path), wait_until="load")
                        page.evaluate("document.fonts.ready")
                        width, height = page.evaluate(
                            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
                        file = args.out / f"{label(page_path)}-{vp_name}-{scheme}.png"
                        page.screenshot(path=str(file), full_page=True, animations="disabled")
                        context.close()
                        written.append(file)
                        note = f"{width}×{height}"
                        if width > viewport["width"]:
                            note += f"  WIDER THAN THE VIEWPORT by {width - viewport['width']} px"
                            problems.append(f"{file.name}: page is {width} px wide in a {viewport['width']} px viewport")
                        # The 404 page is served with status 404, which chromium logs as an error.
                        errors = [e for e in errors if not (page_path == "404.html" and "404" in e)]
                        if errors:
                            note += f"  console errors: {errors}"
                            problems.append(f"{file.name}: console errors {errors}")
                        print(f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}  {note}", flush=True)
        finally:
            browser.close()
    print(f"\n{len(written)} screenshots in {args.out}")
    for problem in problems:
        print(f"problem: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
