"""Message catalogues: every fixed phrase of the templates, translated in the standard
gettext form that Babel and Jinja2's i18n extension use (i18n/CODE/LC_MESSAGES/messages.po).

The default language is the one the templates are written in and needs no catalogue. For every
other language, an entry without a translation (or marked fuzzy, i.e. not yet checked), and a
phrase a template uses that the catalogue lacks, are build problems with file:line, never a
silent fallback to English. `make messages` extracts the phrases and updates the catalogues.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import Problems


def catalog_path(root: Path, code: str) -> Path:
    return root / "i18n" / code / "LC_MESSAGES" / "messages.po"


class Messages:
    """gettext and ngettext for one language, noting where a template asked for a phrase the
    catalogue does not translate."""

    def __init__(self, code: str, table: dict | None, label: str):
        self.code, self.table, self.label = code, table, label
        self.missing: list[tuple[str, int, str]] = []  # (file, line, message), taken by the renderer

    def take_missing(self) -> list[tuple[str, int, str]]:
        found, self.missing = self.missing, []
        return found

    def gettext(self, message: str) -> str:
        if self.table is None:
            return message
        found = self.table.get(message)
        if isinstance(found, str) and found:
            return found
        self._missing(message)
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.table is None:
            return singular if n == 1 else plural
        found = self.table.get((singular, plural))
        if found:  # Chinese has one form; a language with more would index by its plural rule
            return found[0 if len(found) == 1 or n == 1 else 1]
        self._missing(singular)
        return singular if n == 1 else plural

    def _missing(self, message: str) -> None:
        path, line = _template_frame()
        self.missing.append((path or self.label, line, f"no {self.code} translation of {message!r} in "
                                                       f"{self.label}: run `make messages`, then translate it"))


def _template_frame() -> tuple[str | None, int]:
    """The template file and line that is being rendered, from the call stack."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            path = Path(template.filename)
            rel = "/".join(path.parts[path.parts.index("templates"):]) if "templates" in path.parts else path.name
            return rel, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None, 0


def load(root: Path, languages: dict, problems: Problems) -> dict[str, Messages]:
    """code -> Messages, reading each non-default language's catalogue."""
    out = {}
    for i, code in enumerate(languages):
        path = catalog_path(root, code)
        label = path.relative_to(root).as_posix()
        out[code] = Messages(code, None if i == 0 else _read(path, label, code, problems), label)
    return out


# The last reading of each catalogue, by its bytes: the preview server rebuilds often and a
# catalogue rarely changes (parsing one costs more than rendering a page).
_last: dict[Path, tuple[bytes, dict, list]] = {}


def _read(path: Path, label: str, code: str, problems: Problems) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(label, 0, f"no message catalogue for {code}: run `make messages` to create it")
        return {}
    kept = _last.get(path)
    if kept is None or kept[0] != raw:
        found = Problems()
        kept = _last[path] = (raw, _parse(raw, label, code, found), list(found.items))
    problems.items.extend(kept[2])
    return kept[1]


def _parse(raw: bytes, label: str, code: str, problems: Problems) -> dict:
    import io

    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(io.BytesIO(raw), locale=None, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        problems.add(label, getattr(exc, "lineno", 1) or 1, f"not a valid catalogue: {exc}")
        return {}
    table: dict = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        name = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.add(label, message.lineno or 1, f"the {code} translation of {name!r} is marked fuzzy: "
                                                     "check it and remove the fuzzy flag")
        elif not all(strings):
            problems.add(label, message.lineno or 1, f"no {code} translation of {name!r}")
        else:
            table[message.id if isinstance(message.id, str) else tuple(message.id)] = \
                strings[0] if isinstance(message.id, str) else tuple(strings)
    return table
