"""Build problems as values: collected across the whole build, reported together."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located at path:line (line 0 = whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Problems:
    """A collector every reader and renderer appends to; the build stops if it is non-empty."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(str(path), int(line), message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[Problem]:
        """Unique problems in file and line order, so the report is stable."""
        return sorted(set(self.items))


class BuildFailed(Exception):
    """Raised once, after validation or rendering, when problems were collected."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def line_of(text: str, needle: str | tuple[str, ...], start_line: int = 1) -> int:
    """The 1-based line of the first occurrence of needle in text (offset by start_line - 1).

    Markdown loses source positions, so errors found while rendering are located by
    searching for the offending token in the page's source; a tuple gives candidates in
    order of preference (the most specific first).
    """
    for candidate in (needle,) if isinstance(needle, str) else needle:
        index = text.find(candidate)
        if index >= 0:
            return text.count("\n", 0, index) + start_line
    return start_line
