"""Read data/*.csv into validated facts that pages, tables and charts render from."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import changes, evidence, lexicon, provenance, quotations, support
from .errors import Problems
from .schema import TABLES, Table, partial_date, text

_NUMBER = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True)
class Value:
    """One figure as printed: the accepted value of a metric for a chip, with its sources."""

    chip: str
    metric: str
    text: str            # as printed, e.g. "1,979" or "HBM3"
    number: float | None  # for arithmetic and charts; None for text metrics
    unit: str
    sources: tuple[str, ...]
    note: str = ""
    derived: bool = False
    line: int = 0  # its row in data/specs.csv (0 for derived figures)
    reviewed: str = ""  # when its row was last checked against its sources (derived: the latest input's)


@dataclass
class Data:
    """Everything in data/, validated, keyed for look-up by pages, blocks and charts."""

    sources: dict[str, dict] = field(default_factory=dict)
    chips: dict[str, dict] = field(default_factory=dict)
    metrics: dict[str, dict] = field(default_factory=dict)
    values: dict[tuple[str, str], Value] = field(default_factory=dict)
    rejected: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    timeline: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    verdicts: dict[str, dict] = field(default_factory=dict)
    glossary: list[dict] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)
    quotations: dict[str, dict] = field(default_factory=dict)
    status: list[dict] = field(default_factory=list)  # periods, by track then start
    quotes: list[dict] = field(default_factory=list)  # what each source says for each item (support.py)
    models: dict[str, dict] = field(default_factory=dict)
    scenarios: list[dict] = field(default_factory=list)
    thresholds: list[dict] = field(default_factory=list)
    figures: dict[str, dict] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)  # newest first
    raw: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def latest_event(self) -> str | None:
        """The date of the latest event on record (data/timeline.csv), as written there."""
        return max((e["date"] for e in self.timeline), default=None)

    def value(self, chip: str, metric: str) -> Value:
        """The accepted value, or KeyError with a message naming what is missing."""
        if chip not in self.chips:
            raise KeyError(f"unknown chip '{chip}' (see data/chips.csv)")
        if metric not in self.metrics:
            raise KeyError(f"unknown metric '{metric}' (see data/metrics.csv)")
        try:
            return self.values[(chip, metric)]
        except KeyError:
            raise KeyError(f"no value of '{metric}' for chip '{chip}' in data/specs.csv") from None

    def get(self, chip: str, metric: str) -> Value | None:
        """The accepted value, or None where no source publishes it (printed 'not published')."""
        return self.values.get((chip, metric))


def format_number(text: str) -> str:
    """Thousands separators, decimals exactly as the source gives them: 1979.5 -> 1,979.5."""
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole


def columns_of(table: Table, others: tuple[str, ...]) -> list[tuple[str, object, bool]]:
    """(header name, column, is a translation) for every column the file must have: each
    translated column once more per language other than the default (event_zh)."""
    out = [(c.name, c, False) for c in table.columns]
    out += [(f"{c.name}_{code}", c, True) for c in table.columns if c.translated for code in others]
    return out


def read_table(path: Path, table: Table, problems: Problems, label: str,
               others: tuple[str, ...] = ()) -> list[dict]:
    """Rows of one CSV file, each a dict of parsed cells plus its 'line'; bad cells are reported.
    others: the site's languages besides the default, whose translated columns must be filled."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        if not table.optional:
            problems.add(label, 0, "file is missing")
        return []
    except UnicodeDecodeError as exc:
        problems.add(label, 1, f"not UTF-8 ({exc.reason} at byte {exc.start})")
        return []
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    wanted = columns_of(table, others)
    names = [name for name, _, _ in wanted]
    # A translation into a language the site does not publish (yet, or any more) is ignored.
    spare = re.compile(r"^(%s)_[a-z]{2,3}$" % "|".join(re.escape(c.name) for c in table.columns if c.translated)) \
        if any(c.translated for c in table.columns) else None
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.add(label, 1, f"malformed CSV: {exc}")
        return []
    if header is None:
        problems.add(label, 1, "file is empty; expected a header row: " + ",".join(names))
        return []
    header = [h.strip() for h in header]
    missing = [n for n in names if n not in header]
    unknown = [h for h in header if h not in names and not (spare and spare.match(h))]
    if missing or unknown:
        detail = "; ".join(filter(None, [
            missing and "missing column(s) " + ", ".join(missing),
            unknown and "unknown column(s) " + ", ".join(unknown)]))
        problems.add(label, 1, f"header does not match the schema ({detail}); expected: " + ",".join(names))
        return []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    while True:
        start = line + 1  # first physical line of the next record
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(label, reader.line_num, f"malformed CSV: {exc}")
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.add(label, start, f"row has {len(cells)} cells, the header has {len(header)}")
            continue
        row: dict = {"line": start}
        ok = True
        for name, column, translation in wanted:
            cell = cells[header.index(name)].strip()
            if not cell:
                if translation and column.translated is True and row.get(column.name):
                    problems.add(label, start, f"column '{name}' is empty: the {name.rpartition('_')[2]} "
                                               f"translation of '{column.name}' is missing")
                    ok = False
                elif column.required and not translation:
                    problems.add(label, start, f"column '{name}' is required")
                    ok = False
                row[name] = () if column.parse.__name__.endswith("list") else ""
                continue
            if translation and not row.get(column.name):
                problems.add(label, start, f"column '{name}' translates '{column.name}', which is empty")
                ok = False
                continue
            try:
                row[name] = column.parse(cell)
            except ValueError as exc:
                problems.add(label, start, f"column '{name}': {exc}")
                ok = False
        if not ok:
            continue
        if table.key:
            key = row[table.key]
            if key in seen:
                problems.add(label, start, f"duplicate {table.key} '{key}' (first on line {seen[key]})")
                continue
            seen[key] = start
        rows.append(row)
    return rows


def _read_kept(path: Path, table: Table, problems: Problems, label: str, others: tuple[str, ...],
               kept: tuple[dict, dict] | None) -> list[dict]:
    """read_table, or, in the preview, the rows (and problems) read last time from the same bytes:
    an edit to one file re-reads that file alone. kept: (label -> what was read, the digest of
    each file of data/ this build, incremental.data_digests). Rows are never changed once
    read, so the previous build's data may share them."""
    if kept is None:
        return read_table(path, table, problems, label, others)
    kept, digests = kept
    key = (digests.get(path.name), others)
    last = kept.get(label)
    if last is None or last[0] != key:
        found = Problems()
        last = kept[label] = (key, read_table(path, table, found, label, others), found.items)
    problems.items.extend(last[2])
    return last[1]


def load_data(data_dir: Path, problems: Problems, root: Path, languages: tuple[str, ...] = ("en",),
              kept: tuple[dict, dict] | None = None) -> Data:
    """Read and validate every table, then check the references between them.
    languages: the site's language codes, the default first. kept: the preview's tables as
    last read (see _read_kept)."""
    data = Data()
    others = tuple(languages[1:])
    for name, table in TABLES.items():
        path = data_dir / table.file
        data.raw[name] = _read_kept(path, table, problems, _rel(path, root), others, kept)
    data.sources = {r["id"]: r for r in data.raw["sources"]}
    data.chips = {r["id"]: r for r in data.raw["chips"]}
    data.metrics = {r["id"]: r for r in data.raw["metrics"]}

    def check_sources(table: str, row: dict, column: str) -> None:
        for sid in row[column]:
            if sid not in data.sources:
                problems.add(_rel(data_dir / TABLES[table].file, root), row["line"],
                             f"unknown source id '{sid}' in column '{column}' (see data/sources.csv)")

    specs_label = _rel(data_dir / TABLES["specs"].file, root)
    accepted_at: dict[tuple[str, str], int] = {}
    for row in data.raw["specs"]:
        check_sources("specs", row, "source")
        chip, metric = row["chip"], row["metric"]
        if chip not in data.chips:
            problems.add(specs_label, row["line"], f"unknown chip '{chip}' (see data/chips.csv)")
            continue
        if metric not in data.metrics:
            problems.add(specs_label, row["line"], f"unknown metric '{metric}' (see data/metrics.csv)")
            continue
        spec = data.metrics[metric]
        if spec["kind"] == "derived":
            problems.add(specs_label, row["line"], f"'{metric}' is derived from other metrics; do not enter it")
            continue
        for code in others:  # words need translating; numbers read the same in every language
            if spec["kind"] == "text" and not row[f"value_{code}"]:
                problems.add(specs_label, row["line"], f"column 'value_{code}' is empty: '{metric}' is text, "
                                                       f"so its {code} translation is needed")
            elif spec["kind"] != "text" and row[f"value_{code}"]:
                problems.add(specs_label, row["line"], f"column 'value_{code}': '{metric}' is a number, "
                                                       "the same in every language; leave it empty")
        number = None
        if spec["kind"] == "number":
            if not _NUMBER.match(row["value"]) or float(row["value"]) <= 0:
                problems.add(specs_label, row["line"],
                             f"value '{row['value']}' of '{metric}' must be a positive number like 4.0 or 989.4")
                continue
            number = float(row["value"])
        key = (chip, metric)
        if not row["accepted"]:
            data.rejected.setdefault(key, []).append(row)
            continue
        if key in accepted_at:
            problems.add(specs_label, row["line"],
                         f"second accepted value for {chip} {metric} (first on line {accepted_at[key]}); "
                         "mark the ones we do not believe accepted=no")
            continue
        accepted_at[key] = row["line"]
        text = format_number(row["value"]) if number is not None else row["value"]
        data.values[key] = Value(chip, metric, text, number, spec["unit"], row["source"], row["note"],
                                 line=row["line"], reviewed=row["reviewed"])
    for key, rows in data.rejected.items():
        if key not in data.values:
            problems.add(specs_label, rows[0]["line"],
                         f"{key[0]} {key[1]} has only rejected values; mark one accepted=yes")

    for row in data.raw["timeline"]:
        check_sources("timeline", row, "source")
    # Stable order: by date (a month-only date after the dated events of its month), then by
    # file order for events of the same day.
    data.timeline = sorted(data.raw["timeline"], key=lambda r: (evidence.sort_key(r["date"]), r["line"]))
    for row in data.raw["claims"]:
        for column in ("claim_source", "finding_source", "later_source"):
            check_sources("claims", row, column)
    data.claims = data.raw["claims"]
    data.verdicts = {r["id"]: r for r in data.raw["verdicts"]}
    labels = {name: _rel(data_dir / TABLES[name].file, root) for name in TABLES}
    if data.sources:  # the rules read what kind of source each row cites
        evidence.check(data, problems, labels)
    for row in data.raw["glossary"]:
        check_sources("glossary", row, "source")
    data.glossary = data.raw["glossary"]
    data.terms = data.raw["terms"]
    lexicon.check(data, problems, labels, others)
    for row in data.raw["models"]:
        check_sources("models", row, "source")
        if row["active_b"] > row["params_b"]:
            problems.add(_rel(data_dir / "models.csv", root), row["line"], "active_b is larger than params_b")
    data.models = {r["id"]: r for r in data.raw["models"]}
    for row in data.raw["scenarios"]:
        if row["model"] not in data.models:
            problems.add(_rel(data_dir / "scenarios.csv", root), row["line"],
                         f"unknown model '{row['model']}' (see data/models.csv)")
    data.scenarios = data.raw["scenarios"]
    for row in data.raw["thresholds"]:
        check_sources("thresholds", row, "source")
    data.thresholds = data.raw["thresholds"]
    for row in data.raw["figures"]:
        check_sources("figures", row, "source")
    data.figures = {r["id"]: r for r in data.raw["figures"]}
    for row in data.raw["quotations"]:
        check_sources("quotations", row, "source")
    data.quotations = {r["id"]: r for r in data.raw["quotations"]}
    data.status = _check_status(data.raw["status"], problems, labels["status"], check_sources)
    quotations.check(data, problems, labels["quotations"], languages)
    _check_cell_markup(data, problems, labels, others)
    provenance.check(data, problems, labels["sources"])
    if (data_dir / TABLES["quotes"].file).exists():
        data.quotes = support.check(data, problems, labels, languages)
    for row in data.raw["changes"]:
        check_sources("changes", row, "source")
    data.changes = sorted(data.raw["changes"], key=lambda r: (r["date"], r["line"]), reverse=True)
    changes.check(data, problems, labels)
    _derive(data)
    return data


def _check_status(rows: list[dict], problems: Problems, label: str, check_sources) -> list[dict]:
    """The periods of each track in order, one after another, only the last one open."""
    key = evidence.sort_key
    for row in rows:
        check_sources("status", row, "source")
        if row["end"] and key(row["end"]) <= key(row["start"]):
            problems.add(label, row["line"], f"period '{row['id']}' ends ({row['end']}) before it starts ({row['start']})")
    ordered = sorted(rows, key=lambda r: (r["track"], key(r["start"])))
    for a, b in zip(ordered, ordered[1:]):
        if a["track"] != b["track"]:
            continue
        if not a["end"]:
            problems.add(label, a["line"], f"period '{a['id']}' has no end, but '{b['id']}' (line {b['line']}) "
                                           "comes after it: only the latest period of a track is open")
        elif key(a["end"]) > key(b["start"]):
            problems.add(label, b["line"], f"period '{b['id']}' starts ({b['start']}) before '{a['id']}' "
                                           f"ends ({a['end']}): periods of one track do not overlap")
    return ordered


def _check_cell_markup(data: Data, problems: Problems, labels: dict, others: tuple[str, ...]) -> None:
    """Words in data may print a figure ({{fig:id}}), a date ({{2025-08-11}}) or a quotation
    ({{q:id}}), as pages do: each must exist (the date be real), and each translation print the
    same ones."""
    from .markup import DATE_RE, FIGURE_RE

    figure, date, quote = re.compile(FIGURE_RE), re.compile(DATE_RE), re.compile(quotations.QUOTE_RE)

    def marks(text: str) -> set[str]:
        if "{{" not in text:  # most cells print none
            return set()
        return ({f"fig:{m}" for m in figure.findall(text)} | set(date.findall(text))
                | {f"q:{m}" for m in quote.findall(text)})

    for name, table in TABLES.items():
        for row in data.raw[name]:
            for column in (c for c in table.columns if c.translated and c.parse is text):
                mine = marks(row.get(column.name) or "")
                for found in sorted(mine):
                    if found.startswith("fig:") and found[4:] not in data.figures:
                        problems.add(labels[name], row["line"], f"column '{column.name}': {{{{{found}}}}}: "
                                                                "unknown figure (see data/figures.csv)")
                    elif found.startswith("q:") and found[2:] not in data.quotations:
                        problems.add(labels[name], row["line"], f"column '{column.name}': {{{{{found}}}}}: "
                                                                "unknown quotation (see data/quotations.csv)")
                    elif not found.startswith(("fig:", "q:")):
                        try:
                            partial_date(found)
                        except ValueError as exc:
                            problems.add(labels[name], row["line"], f"column '{column.name}': {{{{{found}}}}}: {exc}")
                for cell in (row.get(column.name) or "", *(row.get(f"{column.name}_{c}") or "" for c in others)):
                    if "{{tr}}" in cell:
                        problems.add(labels[name], row["line"], f"column '{column.name}': {{{{tr}}}} is no longer used: "
                                                                "write the quotation in data/quotations.csv, print it with {{q:id}}")
                        break
                for code in others:
                    theirs = marks(row.get(f"{column.name}_{code}") or "")
                    if row.get(f"{column.name}_{code}") and theirs != mine:
                        detail = ", ".join(sorted(theirs ^ mine))
                        problems.add(labels[name], row["line"], f"column '{column.name}_{code}' prints figures or "
                                                                f"dates that differ from '{column.name}' ({detail})")


def _derive(data: Data) -> None:
    """Figures computed from others (TPP, density, ridge point), cited by their inputs' sources."""
    from .derived import DERIVATIONS

    for chip in data.chips:
        for metric, (inputs, compute, decimals) in DERIVATIONS.items():
            if metric not in data.metrics:
                continue
            got = {m: data.values.get((chip, m)) for m in inputs}
            result = compute({m: v.number for m, v in got.items() if v and v.number})
            if result is None:
                continue
            used = [v for m, v in got.items() if v and v.number]
            sources = tuple(dict.fromkeys(s for v in used for s in v.sources))
            text = f"{result:,.{decimals}f}"
            data.values[(chip, metric)] = Value(chip, metric, text, round(result, decimals),
                                                data.metrics[metric]["unit"], sources, derived=True,
                                                reviewed=max(v.reviewed for v in used))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
