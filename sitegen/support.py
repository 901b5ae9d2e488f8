"""What each source says for what we cite it for (data/quotes.csv): for every pair of a cited
item (a specification value, a figure, a threshold, a model, a claim, an event) and one of its
sources, the shortest passage of the source that supports it, verbatim, or the reason no
passage could be had. The build checks what can be checked mechanically: a figure's passage
contains the figure, in any of the ways sources write it (4.0 TB/s, 4TB/s, 4,000 GB/s, 4.0 TB/秒,
45亿美元; "with sparsity" at twice the dense value when the row says scale=sparse); an event's
source is not dated before the event.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import Problems

# Why a pair has no passage: the page was not stored anywhere we could read it, it is a PDF we
# could not read, we saw only part of it, or the figure is our own arithmetic on cited ones.
MISSING = ("not-stored", "pdf", "partial", "derived")
# A number not glued to letters before it (the 16 of FP16, the 100 of H100 are names).
_NUMBER = re.compile(r"(?<![A-Za-z\d.,])(\d{1,3}(?:[,\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)[\s-]*(万亿|亿|万|trillion|billion|bn|million|mn|m\b|thousand|k\b|B\b)?",
                     re.I)
_SCALE = {"万亿": 12, "亿": 8, "万": 4, "trillion": 12, "billion": 9, "bn": 9, "b": 9, "million": 6, "mn": 6, "m": 6,
          "thousand": 3, "k": 3}


def numbers(text: str) -> list[Decimal]:
    """Every quantity a passage states, as plain numbers: '4,000 GB/s' -> 4000, '45亿' -> 4.5e9,
    '$4.5 billion' -> 4.5e9, '665,6 mm²' (a decimal comma) -> 665.6."""
    found = []
    for m in _NUMBER.finditer(text):
        digits, scale = m[1], (m[2] or "").lower()
        if re.fullmatch(r"\d{1,3}(?:[,\u00a0 ]\d{3})+(?:\.\d+)?", digits):
            plain = re.sub(r"[,\u00a0 ]", "", digits)  # thousands separators
        else:
            plain = digits.replace(",", ".")  # a decimal comma (German, Portuguese sources)
        try:
            value = Decimal(plain)
        except InvalidOperation:
            continue
        found.append(value.scaleb(_SCALE.get(scale, 0)))
        if scale:
            found.append(Decimal(plain))  # "4.5 billion" also as the 4.5 of a billions column
    return found


def _close(stated: Decimal, value: Decimal) -> bool:
    """Equal as sources print it: the same once the stated number is rounded half up to the
    value's decimals (33.5 for 34), or within 0.5% (989 for 989.5)."""
    if stated == value:
        return True
    if value == 0:
        return False
    places = Decimal(1).scaleb(value.as_tuple().exponent) if value.as_tuple().exponent < 0 else Decimal(1)
    if stated.quantize(places, rounding=ROUND_HALF_UP) == value:
        return True
    return abs(stated - value) / abs(value) <= Decimal("0.005")


def states(quote: str, value: Decimal, sparse: bool = False) -> bool:
    """Does the passage state the value: as it is, in another unit of the same quantity
    (×1000: TB/s and GB/s, PFLOPS and TFLOPS), or at twice it where the source prints "with
    sparsity"?"""
    wanted = [value * 2] if sparse else [value]
    wanted = [w * k for w in wanted for k in (1, Decimal(1000), Decimal("0.001"))]
    return any(_close(n, w) for n in numbers(quote) for w in wanted)


def check(data, problems: Problems, labels: dict, codes: tuple[str, ...]) -> list[dict]:
    """Each row's items exist and cite its source, no pair twice, a passage or a reason, our
    translations, and the mechanical checks of support. Returns the rows."""
    label = labels["quotes"]
    cited = citations(data)
    seen: dict[tuple[str, str], int] = {}
    for row in data.raw["quotes"]:
        line, source = row["line"], row["source"]
        if source not in data.sources:
            problems.add(label, line, f"unknown source id '{source}' (see data/sources.csv)")
            continue
        if bool(row["quote"]) == bool(row["missing"]):
            problems.add(label, line, "give the passage (quote) or why there is none (missing: "
                                      + ", ".join(MISSING) + "), not both")
        if row["missing"] and row["missing"] not in MISSING:
            problems.add(label, line, f"missing '{row['missing']}' must be one of: {', '.join(MISSING)} "
                                      "(a source that does not say what we cite it for is not cited for it)")
        for code in codes:
            if row["quote"] and row["language"] != code and not row.get(f"quote_{code}"):
                problems.add(label, line, f"'quote_{code}' is empty: a passage in {row['language']} needs our "
                                          f"{code} translation")
        for item in row["for"]:
            if (source, item) in seen:
                problems.add(label, line, f"{source} for {item} has a row already (line {seen[(source, item)]})")
                continue
            seen[(source, item)] = line
            if source not in cited.get(item, {}):
                problems.add(label, line, f"{item} does not cite {source} (or is no item of data/)")
                continue
            if row["quote"]:
                for message in _unsupported(item, cited[item][source], row, data):
                    problems.add(label, line, message)
    for item, sources in sorted(cited.items()):
        for source in sorted(sources):
            if (source, item) not in seen:
                where, at, _ = cited[item][source][0]
                problems.add(labels[where], at, f"{item} cites {source}, but data/quotes.csv has no passage "
                                                "of it (or a reason why none) for that")
    return data.raw["quotes"]


def citations(data) -> dict[str, dict[str, list]]:
    """item -> source -> [(table, line, what the item states)]: every citation pair in data/."""
    out: dict[str, dict[str, list]] = {}

    def add(item, sources, table, line, what):
        for s in sources:
            out.setdefault(item, {}).setdefault(s, []).append((table, line, what))

    for row in data.raw["specs"]:
        add(f"{row['chip']}.{row['metric']}", row["source"], "specs", row["line"], ("spec", row))
    for row in data.raw["figures"]:
        add(f"fig:{row['id']}", row["source"], "figures", row["line"], ("fig", row))
    for row in data.raw["thresholds"]:
        add(f"threshold:{row['id']}", row["source"], "thresholds", row["line"], ("threshold", row))
    for row in data.raw["models"]:
        add(f"model:{row['id']}", row["source"], "models", row["line"], ("model", row))
    for row in data.raw["claims"]:
        add(f"claim:{row['id']}", (*row["claim_source"], *row["finding_source"], *row["later_source"]),
            "claims", row["line"], ("claim", row))
    for row in data.raw["timeline"]:
        add(f"event:{row['id']}", row["source"], "timeline", row["line"], ("event", row))
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _names_day(quote: str, day: str) -> bool:
    """Does the passage name that day (2023-11-17: November 17, 17 November, Nov. 17, 11月17日)?"""
    parts = day.split("-")
    if len(parts) < 3:
        return False
    month, d = _MONTHS[int(parts[1]) - 1], str(int(parts[2]))
    return bool(re.search(rf"{month[:3]}\w*\.?\s+{d}\b|\b{d}\s+{month[:3]}|{int(parts[1])}月{d}日|{day}", quote))


def _unsupported(item: str, uses: list, row: dict, data) -> list[str]:
    """What the passage fails to state of what the item says (empty: supported as far as a
    machine can tell)."""
    quote, sparse = row["quote"], row["scale"] == "sparse"
    out = []
    for _, _, (kind, cited) in uses:
        if kind == "spec":
            metric = data.metrics.get(cited["metric"])
            if metric is None:  # an unknown metric, reported where it is used
                continue
            # A value we print is stated as it is (or at twice it, "with sparsity"); a value we
            # reject is shown as the source gives it, whichever way that is.
            try:
                value = Decimal(cited["value"])
            except InvalidOperation:  # a rejected value as its source wrote it ("280-400")
                value = None
            if metric["kind"] != "number":
                given = True
            elif value is None:
                given = cited["value"] in quote
            elif cited["accepted"]:
                given = states(quote, value, sparse)
            else:  # a value we reject is shown as the source gives it, whichever way that is
                given = states(quote, value) or states(quote, value, True)
            if not given:
                out.append(f"the passage for {item} does not state {cited['value']} {metric['unit']}"
                           + (" (nor twice it, with sparsity)" if sparse else ""))
            elif metric["kind"] == "text" and cited["metric"] == "release":
                year = re.search(r"\d{4}", cited["value"])[0]
                dated = data.sources[row["source"]]["date"][:4]
                # The year in the passage, or a source from that year or the next ("last November").
                if year not in quote and not (dated and 0 <= int(dated) - int(year) <= 1):
                    out.append(f"the passage for {item} does not give the year {year}")
            elif metric["kind"] == "text":
                token = re.split(r"[\s(]", cited["value"])[0]
                if token.lower() not in quote.lower():
                    out.append(f"the passage for {item} does not say {token}")
        elif kind == "fig" and row["missing"] != "derived":
            from .formats import _decimal

            if not states(quote, _decimal(cited["value"]), sparse):
                out.append(f"the passage for {item} does not state {cited['value']}")
        elif kind == "threshold":
            for col in ("tpp_min", "tpp_max", "pd_min", "pd_max"):
                if cited[col] and not states(quote, Decimal(str(cited[col]))):
                    out.append(f"the passage for {item} does not state its {col} of {cited[col]:g}")
        elif kind == "model":
            if not states(quote, Decimal(str(cited["params_b"]))):
                out.append(f"the passage for {item} does not state {cited['params_b']:g} (billion parameters)")
        elif kind == "event" and cited["dated"] != "report":
            # A source dated before the event reports it only by announcing it: the passage then
            # gives the event's date (a rule "effective November 17, 2023").
            src = data.sources[row["source"]]["date"]
            if src and src[:len(cited["date"])] < cited["date"][:len(src)] and not _names_day(quote, cited["date"]):
                out.append(f"{row['source']} is dated {src}, before the event it is cited for ({cited['date']}), "
                           "and the passage does not announce it")
    return sorted(set(out))


def fragment(quote: str) -> str:
    """A URL text fragment (#:~:text=...) that makes a supporting browser scroll to the passage
    and highlight it: a short passage whole, else from its first words to its last. A passage
    with words left out (…) or copied from a table's row (cells joined by |) is matched from the
    first part's first words to the last part's last words, which the browser may find in
    different paragraphs or cells."""
    from urllib.parse import quote as encode

    def enc(text: str) -> str:
        return encode(text.strip(), safe="").replace("-", "%2D").replace(",", "%2C").replace("&", "%26")

    parts = [p.strip(" .,;:\"“”") for p in re.split(r"\s*(?:…|\.\.\.|\|)\s*", quote)]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    first, last = parts[0], parts[-1]
    cjk = bool(re.search(r"[\u3400-\u9fff\u3040-\u30ff]", quote))
    head = first[:8] if cjk else " ".join(first.split()[:4])
    tail = last[-8:] if cjk else " ".join(last.split()[-4:])
    if len(parts) == 1 and (len(first) <= 16 if cjk else len(first.split()) <= 8):
        return "#:~:text=" + enc(first)
    return "#:~:text=" + enc(head) + "," + enc(tail)


def by_source(rows: list[dict]) -> dict[str, list[dict]]:
    """The passages of each source, in file order."""
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["source"], []).append(row)
    return out
