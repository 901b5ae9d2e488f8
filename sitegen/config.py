"""site.toml: the few settings this site has, with defaults in one place.

Each edition of the site is a table [languages.CODE] with its reader-visible settings; the
first table is the default language, published at the site's root, and every other language
is published under /CODE/ (Hugo's convention)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import Problems

DEFAULTS = {
    "languages": None,         # required: {code: {tag, name, title, description, license}}
    "base_url": None,          # required, e.g. https://user.github.io/repo/ ; --base-url overrides
    "repository": None,        # required: where readers report errors (issues)
    "glossary_page": "/glossary/",
    "sources_page": "/sources/",
    "changes_page": "/changes/",  # the page that prints data/changes.csv; its entries are in the feeds
    "offline": False,          # also write each edition as one file (offline.py)
    "search": False,           # index the written pages for the search page (search.py)
}
# Each [languages.CODE] table: key -> required?
LANGUAGE_KEYS = {
    "tag": True,          # BCP 47 tag for <html lang> and hreflang: en, zh-Hans
    "name": True,         # the language's own name, shown in the language switch: English, 中文
    "title": True,        # the site's title in this language
    "description": True,  # the home page's description
    "locale": True,       # the CLDR locale that formats dates: en_GB, zh_Hans_CN
    "license": False,     # the licence line in the footer
}


def load_config(root: Path, problems: Problems, base_url: str | None = None) -> dict:
    """Validated settings; base_path is derived from base_url ('/' or '/repo/')."""
    path = root / "site.toml"
    label = "site.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        problems.add(label, 0, "file is missing")
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"at line (\d+)", str(exc))
        problems.add(label, int(m[1]) if m else 1, f"not valid TOML: {exc}")
        return {}
    config = dict(DEFAULTS)
    for key, value in raw.items():
        if key not in DEFAULTS:
            problems.add(label, key_line(path, key), f"unknown setting '{key}' (allowed: {', '.join(DEFAULTS)})")
        config[key] = value
    if base_url:
        config["base_url"] = base_url
    for key, value in config.items():
        if value is None:
            problems.add(label, 0, f"setting '{key}' is required")
    config["languages"] = _languages(config.get("languages"), path, problems)
    config["language"] = next(iter(config["languages"]), "en")
    url = config.get("base_url") or ""
    m = re.match(r"^(https?://[^/\s]+)(/[^\s?#]*)?$", str(url))
    if not m:
        problems.add(label, key_line(path, "base_url"), f"base_url '{url}' must be like https://example.org/ "
                                                      "or https://user.github.io/repo/")
        return config
    base_path = (m[2] or "/").rstrip("/") + "/"
    config["base_url"] = m[1] + base_path
    config["base_path"] = base_path
    return config


def key_line(path: Path, key: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), 1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return i
    return 1


def _languages(raw, path: Path, problems: Problems) -> dict:
    """code -> its settings plus 'code' and 'prefix' ('' for the default language, 'zh/' for
    another); problems for anything missing or unknown."""
    if raw is None:
        return {}
    label = "site.toml"
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, dict) for v in raw.values()):
        problems.add(label, key_line(path, "languages"), "languages must be tables like [languages.en]")
        return {}
    out = {}
    for i, (code, settings) in enumerate(raw.items()):
        line = _table_line(path, f"languages.{code}")
        if not re.match(r"^[a-z]{2,3}$", code):
            problems.add(label, line, f"language code '{code}' must be two or three lower-case letters, like en or zh")
            continue
        for key in settings:
            if key not in LANGUAGE_KEYS:
                problems.add(label, line, f"unknown setting '{key}' in [languages.{code}] "
                                          f"(allowed: {', '.join(LANGUAGE_KEYS)})")
        for key, required in LANGUAGE_KEYS.items():
            value = settings.get(key, "")
            if not isinstance(value, str) or (required and not value.strip()):
                problems.add(label, line, f"[languages.{code}] needs '{key}' as a non-empty string")
        out[code] = {**{k: "" for k in LANGUAGE_KEYS}, **settings, "code": code,
                     "prefix": "" if i == 0 else code + "/"}
    return out


def _table_line(path: Path, name: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), 1):
        if line.strip() == f"[{name}]":
            return i
    return 1
