"""site.toml: the few settings this site has, with defaults in one place."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import Problems

DEFAULTS = {
    "title": None,             # required
    "description": None,       # required: the home page's description
    "language": "en",
    "base_url": None,          # required, e.g. https://user.github.io/repo/ ; --base-url overrides
    "repository": None,        # required: where readers report errors (issues)
    "glossary_page": "/glossary/",
    "sources_page": "/sources/",
    "license": "",
    "as_of": None,             # the date the facts are current to (TOML date)
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
