"""The changes log keeps figures and verdicts from changing silently.

data/published.csv holds every accepted figure (chip.metric from specs.csv, fig:id from
figures.csv) and every claim's verdict (claim:id) as first published; data/changes.csv holds
dated entries, each of which may change one of them (item, old, new; for a figure, `source` is
its accepted sources after the change). Replaying the entries over the first publication gives
what each must be now; a figure, a source list or a verdict that differs was changed without an
entry and is reported at its row. An entry whose `old` is not what the record held at its date
is reported at the entry. Without data/published.csv (a site not yet published) nothing is checked.
"""
from __future__ import annotations

from .errors import Problems


def items(data) -> dict[str, tuple[str, tuple, str, int]]:
    """What the data says now: item -> (value as authored, sources, table, line)."""
    now = {}
    for row in data.raw["specs"]:
        if row["accepted"]:
            now[f"{row['chip']}.{row['metric']}"] = (row["value"], row["source"], "specs", row["line"])
    for row in data.raw["figures"]:
        now[f"fig:{row['id']}"] = (row["value"], row["source"], "figures", row["line"])
    for row in data.raw["claims"]:
        now[f"claim:{row['id']}"] = (row["verdict"], (), "claims", row["line"])
    return now


def check(data, problems: Problems, labels: dict[str, str]) -> None:
    """labels: table name -> its file's path for messages."""
    if not data.raw["published"]:
        return
    record = {r["item"]: (r["value"], r["source"] or ()) for r in data.raw["published"]}
    now = items(data)
    for entry in sorted(data.raw["changes"], key=lambda r: (r["date"], r["line"])):
        item = entry["item"]
        if not item:
            continue
        if item not in now and item not in record:
            problems.add(labels["changes"], entry["line"], f"item '{item}' is no figure (chip.metric or fig:id) "
                                                           "or verdict (claim:id) in data/")
            continue
        held = record.get(item, ("", ()))
        if (entry["old"] or "") != held[0]:
            problems.add(labels["changes"], entry["line"],
                         f"old value '{entry['old'] or ''}' of {item} is not what the record held on "
                         f"{entry['date']}: '{held[0]}'")
        record[item] = (entry["new"] or "", entry["source"] or held[1])
    for item, (value, sources, table, line) in sorted(now.items()):
        held = record.get(item)
        where = labels[table]
        if held is None:
            problems.add(where, line, f"{item} = '{value}' was never published and no entry in "
                                      "data/changes.csv adds it: add one (kind figure or verdict)")
        elif held[0] != value:
            problems.add(where, line, f"{item} is '{value}', but the record says '{held[0]}': a change "
                                      "needs its entry in data/changes.csv (item, old, new, why)")
        elif table != "claims" and set(held[1]) != set(sources):
            problems.add(where, line, f"the sources of {item} changed from {';'.join(held[1])} to "
                                      f"{';'.join(sources)} without an entry in data/changes.csv")
    for item in sorted(set(record) - set(now)):
        if record[item][0]:
            problems.add(labels["published"], 0, f"{item} ('{record[item][0]}') is gone from data/ without "
                                                 "an entry in data/changes.csv whose new value is empty")
