"""Chinese typesetting by rule, applied to every page of the Chinese edition as it is written,
so that no author has to remember it and no new text can regress (tests read the built pages).
The conventions follow W3C's Requirements for Chinese Text Layout (clreq) and GB/T 15834:

- a citation mark sits before the punctuation it annotates: 许可证[9]，not 许可证，[9]
  (GB/T 7714's 顺序编码制 places the number at the cited words);
- no half-width space beside full-width punctuation (the template joins and Markdown line
  breaks leave them): 。援引, not 。 援引;
- brackets in Chinese text are full-width: 显存容量（GB）;
- a numeric range takes the wave dash: 280～400范围, 280～400 TFLOPS; an arrow is →.

Text in another language (an element with a lang attribute other than Chinese, such as an
English title), code, scripts, styles, charts and the formal GB/T reference in "cite this page"
keep their own punctuation."""
from __future__ import annotations

import re

FULL = "，。；：、！？（）《》“”‘’【】〔〕…—～"
_PUNCT_BEFORE_CITE = re.compile(r'([，。；：、！？])(\s*)(<sup class="cite">(?:(?!</sup>).)*</sup>)', re.S)
_TOKEN = re.compile(r"(<[^>]*>)")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_LANG = re.compile(r'\slang="([^"]*)"')
_CLASS = re.compile(r'\sclass="([^"]*)"')
_VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "param", "track"}
_KEEP = {"script", "style", "code", "pre", "svg", "textarea", "kbd"}
_KEEP_CLASSES = {"gbt"}  # the formal reference of "cite this page" (GB/T 7714 has its own marks)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_AFTER = re.compile(f"(?<=[{FULL}])[ \\t\\n]+")
_SPACE_BEFORE = re.compile(f"[ \\t\\n]+(?=[{FULL}])")
_BRACKETS = re.compile(r"\(([^()]*)\)")
# Not after a Latin letter, digit or mark (H100-..., 2025-08-11), but after a Chinese character yes.
_RANGE = re.compile(rf"(?<![A-Za-z0-9_.,/-])(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?=[{_HAN}]| ?(?:TFLOPS|TOPS|TB/s|GB/s|GB|W|mm²)\b)")


# Any of what _text changes (most runs of text have none; testing once is cheaper than five passes).
_CHANGES = re.compile(rf"->|-&gt;|\(|\d-\d|[ \t\n][{FULL}]|[{FULL}][ \t\n]")


def _text(text: str) -> str:
    if not _CHANGES.search(text):
        return text
    text = text.replace("->", "→").replace("-&gt;", "→")
    text = _BRACKETS.sub(r"（\1）", text)
    text = _RANGE.sub(r"\1～\2", text)
    text = _SPACE_AFTER.sub("", text)
    return _SPACE_BEFORE.sub("", text)


def chinese(html: str) -> str:
    """The page's HTML with Chinese typesetting applied to its text (see the module's doc)."""
    html = _PUNCT_BEFORE_CITE.sub(r"\3\1", html)
    parts = _TOKEN.split(html)
    # The first character of the next text with something in it, for each text (parts alternate
    # text, tag, text...): found in one pass from the end (looking ahead from each text was
    # quadratic, some 7 ms on a long page).
    ahead, following = [""] * len(parts), ""
    for j in range(len(parts) - 1 - (len(parts) - 1) % 2, -1, -2):
        ahead[j] = following
        if parts[j].strip():
            following = parts[j].lstrip()[:1]
    stack: list[tuple[str, bool]] = []  # open elements: (name, keeps its own punctuation)
    keeping = 0  # how many of them keep their own punctuation
    last_visible = ""  # the last character of text seen, to judge a space between two tags
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            m = _TAG.match(part)
            if m and not part.startswith(("<!", "<?")):
                closing, name, attrs = m[1], m[2].lower(), m[3]
                if closing:
                    while stack:
                        opened, kept = stack.pop()
                        keeping -= kept
                        if opened == name:
                            break
                elif name not in _VOID and not attrs.rstrip().endswith("/"):
                    lang = _LANG.search(attrs)
                    classes = set((_CLASS.search(attrs) or [None, ""])[1].split())
                    keep = (name in _KEEP or bool(classes & _KEEP_CLASSES)
                            or bool(lang and not lang[1].lower().startswith("zh")))
                    stack.append((name, keep))
                    keeping += keep
            out.append(part)
            continue
        if keeping or not part:
            out.append(part)
            if part.strip():
                last_visible = part.rstrip()[-1]
            continue
        following = {"(": "（", ")": "）"}.get(ahead[i], ahead[i])  # as _text will set it
        if not part.strip():  # whitespace between two tags: none beside full-width punctuation
            out.append("" if last_visible in FULL or following in FULL else part)
            continue
        fixed = _text(part)
        # A space at the edge of a text run, next to punctuation across a tag: "。</span> 援引"
        if last_visible in FULL:
            fixed = fixed.lstrip(" \t\n")
        if following in FULL:
            fixed = fixed.rstrip(" \t\n")
        out.append(fixed)
        last_visible = fixed.rstrip()[-1:] or last_visible
    return "".join(out)
