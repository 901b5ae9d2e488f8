"""Property-based fuzzing of everything the generator reads (Hypothesis).

The property, for any input: the build exits 0 and writes a complete site, or exits 1 and
prints only `file:line: message` lines (plus its one-line summary) and leaves the previous
site untouched. Never a traceback (exit 2), never a hang, never a half-written site/.

The example counts are bounded for CI's 2-core machine; FUZZ_EXAMPLES=2000 runs more locally.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import copy_site, tree_digest

from sitegen.report import run_build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROBLEM_LINE = re.compile(r"^(content|data|templates|static|i18n)/[^:\n]+:\d+: \S.*$|^site\.toml:\d+: \S.*$")
SUMMARY_LINE = re.compile(r"^build failed: \d+ problem\(s\); site/ was not changed$")
TIME_LIMIT = 20  # seconds for one build of the small fixture; far more than a normal build


class Project:
    """One fixture project reused across examples: each example edits a file, builds, restores."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fuzz-"))
        self.root = copy_site(self.dir / "proj")
        self.out = self.root / "site"
        assert self.build()[0] == 0
        self.good = tree_digest(self.out)

    def build(self) -> tuple[int, str]:
        err = io.StringIO()

        def hang(signum, frame):
            raise TimeoutError(f"build took longer than {TIME_LIMIT}s")

        old = signal.signal(signal.SIGALRM, hang)
        signal.alarm(TIME_LIMIT)
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = run_build(self.root, self.out, None)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        return status, err.getvalue()

    @contextlib.contextmanager
    def edited(self, rel: str, data: bytes, *also: str):
        """rel holds data while the block runs; so do the files named in also (a page's twins)."""
        paths = [self.root / name for name in (rel, *also)]
        before = [path.read_bytes() if path.exists() else None for path in paths]
        for path in paths:
            path.write_bytes(data)
        try:
            yield
        finally:
            for path, old in zip(paths, before):
                if old is None:
                    path.unlink()
                else:
                    path.write_bytes(old)

    def check(self) -> None:
        status, err = self.build()
        assert status in (0, 1), f"exit {status}: {err}"
        leftovers = [p.name for p in self.root.iterdir() if p.name.startswith(".site-tmp-")]
        assert not leftovers, leftovers
        if status == 1:
            lines = err.rstrip("\n").split("\n")
            assert SUMMARY_LINE.match(lines[-1]), err
            bad = [line for line in lines[:-1] if not PROBLEM_LINE.match(line)]
            assert not bad, f"not file:line: message: {bad}"
            assert tree_digest(self.out) == self.good, "a failed build changed site/"
        else:
            # This site is the reference the next example's failed build must leave alone.
            self.good = tree_digest(self.out)
            assert (self.out / "index.html").is_file() and (self.out / "404.html").is_file()
            for page in self.out.rglob("*.html"):
                text = page.read_text(encoding="utf-8")
                assert "<!doctype html>" in text and text.rstrip().endswith("</html>"), page

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def project():
    p = Project()
    yield p
    p.cleanup()


# ---- strategies -------------------------------------------------------------------------

odd_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from([
    "", " ", "\t", "\ufeff", "é", "中文标题", "🚀🔥", "\u202e", "a" * 5000, "<script>alert(1)</script>",
    '"quoted"', "'", "\\", "{{", "}}", "{%", "[@", "]]", "\r\n", "+++", "---", "null", "\x00", "\x7f"])

toml_value = st.one_of(
    odd_text.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.sampled_from(["true", "false", "2025-02-30", "2025-01-01", "1979-05-27T07:32:00Z", "[1, 2]",
                     '["estimator.js"]', '["../../etc/passwd"]', "{a = 1}", "nan", "inf", "0x10",
                     "1e400", "-0", '"""multi\nline"""', "", "[", '"unterminated']))

front_key = st.sampled_from(["title", "summary", "date", "updated", "nav", "slug", "toc", "scripts",
                             "layout", "nav_title", "unknown_key", "Title", "", "ti tle", "日付"])


@st.composite
def front_matter(draw) -> str:
    lines = [f"{draw(front_key)} = {draw(toml_value)}" for _ in range(draw(st.integers(0, 7)))]
    keep_required = draw(st.booleans())
    if keep_required:
        lines = ['title = "T"', 'summary = "S"', "date = 2025-01-01", "updated = 2025-01-02"] + lines
    opener = draw(st.sampled_from(["+++", "+++ ", "++", "---", ""]))
    closer = draw(st.sampled_from(["+++", "", "+++\n+++"]))
    return "\n".join([opener, *lines, closer, "", "Body text."]) + "\n"


markdown_piece = st.sampled_from([
    "plain words ", "*", "**", "_", "`", "``", "[", "]", "(", ")", "[@sheet]", "[@sheet; @paper]", "[@",
    "[@nope]", "[@sheet; ]", "[@ sheet]", "[@SHEET]", "[link](/specs/)", "[bad](/nowhere/)",
    "[x](javascript:alert(1))", "[x](http://example.com)", "<https://example.com>", "{{h20.memory_bandwidth}}",
    "{{h20.nope}}", "{{nochip.memory_bandwidth}}", "{{h20.fp16_dense / h100-sxm.fp16_dense}}", "{{",
    "{{< specs-table >}}", "{{< nope >}}", "{{< specs-table chips=\"nope\" >}}", "{{< ", "<abbr title=\"x\">X</abbr>",
    "<script>x</script>", "<img src=x onerror=alert(1)>", "<iframe>", "<kbd>k</kbd>", "<b onclick=\"x\">",
    "\n\n", "\n# Heading\n", "\n## Same heading\n", "\n## Same heading\n", "\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\n- item\n  - nested\n", "\n> quote\n", "\n```\ncode [@nope] {{h20.x}}\n```\n", "    indented code\n",
    "中文内容 ", "🚀", "\u200b", "\r\n", "\t", "&amp;", "&#0;", "&nope;", "\\", "***bold italic***",
    "~~", "| unclosed table", "[^1]", "{#custom-id}", " {: .class }", "HBM ", "high-bandwidth memory ",
])


@st.composite
def markdown_body(draw) -> str:
    pieces = draw(st.lists(markdown_piece | odd_text, max_size=30))
    return "".join(pieces)


def csv_mutation(header_and_rows: list[list[str]], draw) -> str:
    rows = [list(r) for r in header_and_rows]
    kind = draw(st.sampled_from(["drop-column", "duplicate-row", "cell", "extra-cell", "short-row",
                                 "blank-line", "crlf", "bom", "header-rename", "empty-file", "quote"]))
    if kind == "drop-column" and len(rows[0]) > 1:
        col = draw(st.integers(0, len(rows[0]) - 1))
        rows = [r[:col] + r[col + 1:] for r in rows]
    elif kind == "duplicate-row" and len(rows) > 1:
        rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    elif kind == "cell" and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(st.sampled_from(["", "-4.0", "abc", "1e999", "nan", "2025-02-30", "2025-13-01",
                                            "0", "yes", "maybe", "http://x", "javascript:x", "a;b;;c",
                                            "NOPE", "中文", "1,234", "  3.35  ", "\u00a0"]) | odd_text)
    elif kind == "extra-cell" and len(rows) > 1:
        rows[-1].append("extra")
    elif kind == "short-row" and len(rows) > 1:
        rows[-1] = rows[-1][:1]
    elif kind == "blank-line":
        rows.insert(draw(st.integers(1, len(rows))), [])
    elif kind == "header-rename":
        rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(st.sampled_from(["", "Unknown", "id ", "id"]))
    elif kind == "empty-file":
        rows = []
    sep = "\r\n" if kind == "crlf" else "\n"

    def cell(value: str) -> str:
        if kind == "quote":
            return '"' + value  # an unterminated quote
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ',"\n\r') else value

    text = sep.join(",".join(cell(v) for v in r) for r in rows) + (sep if rows else "")
    return ("\ufeff" if kind == "bom" else "") + text


def read_rows(path: Path) -> list[list[str]]:
    import csv
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# ---- the properties ---------------------------------------------------------------------

@FUZZ
@given(st.data())
def test_fuzzed_front_matter(project, data) -> None:
    text = data.draw(front_matter())
    encoding_twist = data.draw(st.sampled_from(["plain", "crlf", "bom", "tabs"]))
    if encoding_twist == "crlf":
        text = text.replace("\n", "\r\n")
    elif encoding_twist == "bom":
        text = "\ufeff" + text
    elif encoding_twist == "tabs":
        text = text.replace(" = ", "\t=\t")
    with project.edited("content/about.md", text.encode("utf-8", "surrogatepass")):
        project.check()


@FUZZ
@given(st.data())
def test_fuzzed_data_files(project, data) -> None:
    name = data.draw(st.sampled_from(["specs.csv", "sources.csv", "timeline.csv", "chips.csv", "metrics.csv",
                                      "claims.csv", "glossary.csv", "models.csv", "scenarios.csv",
                                      "thresholds.csv", "verdicts.csv", "figures.csv"]))
    rows = read_rows(project.root / "data" / name)
    text = csv_mutation(rows, data.draw)
    with project.edited(f"data/{name}", text.encode("utf-8", "surrogatepass")):
        project.check()


@FUZZ
@given(markdown_body())
def test_fuzzed_markdown(project, body) -> None:
    page = '+++\ntitle = "Fuzz"\nsummary = "Fuzzed page."\ndate = 2025-01-01\nupdated = 2025-01-02\n+++\n\n'
    # The same text as both editions of a page, so the build goes on to render it.
    with project.edited("content/fuzz.md", (page + body).encode("utf-8", "surrogatepass"), "content/fuzz.zh.md"):
        project.check()


@FUZZ
@given(st.data())
def test_fuzzed_catalogue(project, data) -> None:
    """The Chinese message catalogue with a line dropped, broken, emptied or marked fuzzy."""
    rel = "i18n/zh/LC_MESSAGES/messages.po"
    lines = (project.root / rel).read_text(encoding="utf-8").split("\n")
    at = data.draw(st.integers(0, len(lines) - 1))
    kind = data.draw(st.sampled_from(["drop", "empty", "fuzzy", "garble", "plural", "odd"]))
    if kind == "drop":
        del lines[at]
    elif kind == "empty":
        lines[at] = re.sub(r'^(msgstr(\[\d\])?) ".*"$', r'\1 ""', lines[at])
    elif kind == "fuzzy":
        lines.insert(at, "#, fuzzy")
    elif kind == "garble":
        lines[at] = lines[at].replace('"', "", 1)
    elif kind == "plural":
        lines.insert(at, 'msgstr[1] "多"')
    else:
        lines[at] = data.draw(odd_text)
    with project.edited(rel, "\n".join(lines).encode("utf-8", "surrogatepass")):
        project.check()


@FUZZ
@given(st.sampled_from(["base.html", "page.html", "blocks/specs-table.html", "blocks/timeline.html",
                        "partials/source.html"]),
       st.sampled_from(["{{ missing_variable }}", "{{ page.meta.nope }}", "{% if %}", "{{ data.nope.x }}",
                        "{% for x in 3 %}{% endfor %}", "{{ 1 / 0 }}", "{% include 'nope.html' %}",
                        "{{ url(None) }}", "{% endblock %}", "{{ data.get('h20') }}",
                        "{{ page.meta.title|safe }}", "{% macro m() %}{% endmacro %}{{ m(1, 2) }}"]),
       st.integers(0, 5))
@pytest.mark.slow
def test_fuzzed_templates(project, template, snippet, at_line) -> None:
    path = project.root / "templates" / template
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(min(at_line, len(lines)), snippet)
    with project.edited(f"templates/{template}", "\n".join(lines).encode()):
        project.check()


@pytest.mark.slow
def test_a_one_megabyte_page_with_cjk_and_emoji_builds(project) -> None:
    line = "中文段落，带有表情 🚀 and *emphasis* and a citation.[@sheet] " * 20
    body = "\n\n".join(f"## Section {i}\n\n{line}" for i in range(1, 700))
    page = '+++\ntitle = "Big"\nsummary = "A very large page."\ndate = 2025-01-01\nupdated = 2025-01-02\n+++\n\n'
    data = (page + body).encode()
    assert len(data) > 1_000_000
    with project.edited("content/big.md", data, "content/big.zh.md"):
        status, err = project.build()
        assert status == 0, err
        assert "🚀" in (project.out / "big" / "index.html").read_text(encoding="utf-8")
