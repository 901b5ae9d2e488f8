"""Charts as inline SVG, drawn at build time from data/ (no charting JavaScript, no requests).

A few plain functions writing SVG text: the output is deterministic and small, and every
word in it (titles, axis labels, annotations) is passed in by a template, so the charts can
be translated without touching Python. Colours come from CSS classes (light and dark mode,
Okabe-Ito palette); the SVG has no inline styles, so a strict Content-Security-Policy holds.
"""
from __future__ import annotations

import math
from markupsafe import Markup, escape

W, H = 640, 400
FONT = 15


def _n(x: float) -> str:
    """Coordinates with at most one decimal: short, stable output."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tick(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else (f"{x:g}")


def _svg(uid: str, title: str, desc: str, body: list[str], height: int = H, width: int = W,
         role: str = "img") -> Markup:
    """role img for a picture; none ("") for a chart whose marks are links a reader can follow:
    the svg's own role (graphics-document) keeps them reachable, and the HTML checker refuses
    'group' on an svg."""
    role = f' role="{role}"' if role else ""
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}"{role} aria-labelledby="{uid}-t {uid}-d" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, cls: str = "", anchor: str = "start", extra: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{c}{extra}>{escape(s)}</text>'


def _text_width(s: str, size: float = 14) -> float:
    """A generous estimate of a label's width in px (bold sans-serif), for placing labels:
    a Chinese character is about one em wide, a Latin letter about 0.62 em."""
    wide = sum(1 for ch in s if ord(ch) >= 0x2E80)
    return (len(s) - wide) * size * 0.62 + wide * size * 1.0


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _log_ticks(low: float, high: float) -> list[float]:
    ticks = []
    for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if low <= v <= high:
                ticks.append(v)
    return ticks


def paired_bars(uid: str, title: str, desc: str, rows: list[dict], left_label: str, right_label: str) -> Markup:
    """Two bar panels side by side, one row per chip: e.g. compute (left) and bandwidth (right).

    rows: {"label", "left", "right", "highlight"}; a missing value (None) draws no bar.
    """
    top, row_h, label_w, gap = 48, 34, 118, 22
    height = top + row_h * len(rows) + 16
    panel_w = (W - label_w - gap - 10) / 2
    left_max = max((r["left"] for r in rows if r["left"]), default=1)
    right_max = max((r["right"] for r in rows if r["right"]), default=1)
    body = [_text(label_w, 20, left_label, "axis-title"),
            _text(label_w + panel_w + gap, 20, right_label, "axis-title")]
    for i, r in enumerate(rows):
        y = top + i * row_h
        cls = "bar hi" if r.get("highlight") else "bar"
        body.append(_text(label_w - 8, y + 19, r["label"], "label" + (" hi-label" if r.get("highlight") else ""), "end"))
        for value, vmax, x0, unit in ((r["left"], left_max, label_w, r.get("left_text")),
                                      (r["right"], right_max, label_w + panel_w + gap, r.get("right_text"))):
            if value is None:
                body.append(_text(x0 + 4, y + 19, r.get("missing", "–"), "muted"))
                continue
            w = max(1.0, (panel_w - 60) * value / vmax)
            body.append(f'<rect class="{cls}" x="{_n(x0)}" y="{_n(y + 5)}" width="{_n(w)}" height="{row_h - 12}"/>')
            body.append(_text(x0 + w + 5, y + 19, unit or _tick(value), "value-label"))
    body.append(f'<line class="axis" x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 12}"/>')
    x2 = label_w + panel_w + gap
    body.append(f'<line class="axis" x1="{_n(x2)}" y1="{top - 4}" x2="{_n(x2)}" y2="{height - 12}"/>')
    return _svg(uid, title, desc, body, height)


class LogLog:
    """Log-scaled axes inside the chart's plot area."""

    def __init__(self, x: tuple[float, float], y: tuple[float, float], box=(70, 20, W - 36, H - 58)):
        self.x0, self.x1 = map(math.log10, x)
        self.y0, self.y1 = map(math.log10, y)
        self.xlim, self.ylim = x, y
        self.left, self.top, self.right, self.bottom = box

    def px(self, x: float) -> float:
        return self.left + (math.log10(x) - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def py(self, y: float) -> float:
        return self.bottom - (math.log10(y) - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)

    def axes(self, x_label: str, y_label: str) -> list[str]:
        out = [f'<rect class="plot" x="{self.left}" y="{self.top}" width="{self.right - self.left}" '
               f'height="{self.bottom - self.top}"/>']
        # Over many decades the 2s and 5s keep their grid lines but lose their labels, which
        # would run into each other ("1,0002,000").
        wide = math.log10(self.xlim[1] / self.xlim[0]) > 3
        grid = []  # every grid line in one path: a line element each cost a chart page 200 bytes
        for t in _log_ticks(*self.xlim):
            x = self.px(t)
            grid.append(f"M{_n(x)} {self.top}V{self.bottom}")
            if not wide or f"{t:g}".lstrip("0.").startswith("1"):
                out.append(_text(x, self.bottom + 18, _tick(t), "tick", "middle"))
        for t in _log_ticks(*self.ylim):
            y = self.py(t)
            grid.append(f"M{self.left} {_n(y)}H{self.right}")
            out.append(_text(self.left - 6, y + 5, _tick(t), "tick", "end"))
        out.insert(1, f'<path class="grid" d="{"".join(grid)}"/>')
        out.append(_text((self.left + self.right) / 2, self.bottom + 42, x_label, "axis-title", "middle"))
        out.append(_text(16, (self.top + self.bottom) / 2, y_label, "axis-title", "middle",
                         f' transform="rotate(-90 16 {_n((self.top + self.bottom) / 2)})"'))
        return out


def roofline(uid: str, title: str, desc: str, chips: list[dict], marks: list[dict],
             x_label: str, y_label: str, ridge_label: str) -> Markup:
    """Attainable TFLOPS = min(peak, bandwidth x intensity) on log-log axes.

    chips: {"label", "peak_tflops", "bandwidth_tbs", "series"}; marks: {"x", "label"} vertical lines.
    """
    ax = LogLog((0.5, 10000), (1, 3000))
    body = ax.axes(x_label, y_label)
    for m in marks:
        x = ax.px(m["x"])
        body.append(f'<line class="mark" x1="{_n(x)}" y1="{ax.top}" x2="{_n(x)}" y2="{ax.bottom}"/>')
        # Near the right edge the label goes left of its line, at the bottom, where the roofs
        # are not; elsewhere right of it, at the top.
        right = x > ax.left + 0.7 * (ax.right - ax.left)
        y = ax.bottom - 8 - 18 * m.get("row", 0) if right else ax.top + 16 + 18 * m.get("row", 0)
        body.append(_text(x - 4 if right else x + 4, y, m["label"], "mark-label", "end" if right else "start"))
    for i, c in enumerate(chips):
        ridge = c["peak_tflops"] / c["bandwidth_tbs"]
        xs = [ax.xlim[0], ridge, ax.xlim[1]]
        ys = [c["bandwidth_tbs"] * ax.xlim[0], c["peak_tflops"], c["peak_tflops"]]
        pts = " ".join(f"{_n(ax.px(x))},{_n(ax.py(y))}" for x, y in zip(xs, ys))
        series = c.get("series", f"s{i + 1}")
        body.append(f'<polyline class="roof {series}" points="{pts}"/>')
        rx, ry = ax.px(ridge), ax.py(c["peak_tflops"])
        body.append(f'<circle class="ridge {series}" cx="{_n(rx)}" cy="{_n(ry)}" r="5"/>')
        # The ridge goes in the series label at the right end, clear of the other roofs.
        label = c["label"] + " · " + ridge_label.format(ridge=f"{ridge:,.0f}")
        body.append(_text(ax.right - 4, ry - 6, label, f"series-label {series}", "end"))
    return _svg(uid, title, desc, body)


def thresholds(uid: str, title: str, desc: str, chips: list[dict], zones: list[dict],
               x_label: str, y_label: str) -> Markup:
    """Chips by TPP (x, log) and performance density (y, log) against the rule's zones.

    chips: {"label", "tpp", "density", "highlight"}; zones: {"label", "tpp_min", "tpp_max",
    "pd_min", "pd_max", "series"} with None for an open side.
    """
    ax = LogLog((500, 40000), (0.5, 40))
    body = ax.axes(x_label, y_label)
    # Chips with the same figures (the H800 and the H100 SXM) share one point and one label.
    merged: dict[tuple[float, float], dict] = {}
    for c in chips:
        if c["tpp"] is None:
            continue
        density = c["density"] if c["density"] is not None else ax.ylim[0] * 1.15
        key = (round(ax.px(c["tpp"]), 1), round(ax.py(density), 1))
        if key in merged:
            merged[key] = {**merged[key], "label": merged[key]["label"] + " = " + c["label"],
                           "highlight": merged[key].get("highlight") or c.get("highlight")}
        else:
            merged[key] = dict(c)
    points, placed = [], []
    for (x, y), c in merged.items():
        cls = "point hi" if c.get("highlight") else "point"
        points.append(f'<circle class="{cls}" cx="{_n(x)}" cy="{_n(y)}" r="{7 if c.get("highlight") else 5}"/>')
        anchor = "end" if x > ax.right - 120 else "start"
        tx, ty = x + (-9 if anchor == "end" else 9), y - 8 + c.get("dy", 0)
        width = _text_width(c["label"], 13)
        placed += [(x - 8, y - 8, 16, 16), (tx if anchor == "start" else tx - width, ty - 13, width, 16)]
        points.append(_text(tx, ty, c["label"], "label" + (" hi-label" if c.get("highlight") else ""), anchor))
    for z in zones:
        x_a = ax.px(max(z["tpp_min"] or ax.xlim[0], ax.xlim[0]))
        x_b = ax.px(min(z["tpp_max"] or ax.xlim[1], ax.xlim[1]))
        y_a = ax.py(min(z["pd_max"] or ax.ylim[1], ax.ylim[1]))
        y_b = ax.py(max(z["pd_min"] or ax.ylim[0], ax.ylim[0]))
        body.append(f'<rect class="zone {z["series"]}" x="{_n(x_a)}" y="{_n(y_a)}" '
                    f'width="{_n(x_b - x_a)}" height="{_n(y_b - y_a)}"/>')
    for z in zones:
        # Zones overlap, so each label takes the first corner of its zone that is still free.
        x_a = ax.px(max(z["tpp_min"] or ax.xlim[0], ax.xlim[0]))
        x_b = ax.px(min(z["tpp_max"] or ax.xlim[1], ax.xlim[1]))
        y_a = ax.py(min(z["pd_max"] or ax.ylim[1], ax.ylim[1]))
        y_b = ax.py(max(z["pd_min"] or ax.ylim[0], ax.ylim[0]))
        width = _text_width(z["label"])
        corners = [(x_a + 5, y_a + 17, "start"), (x_a + 5, y_b - 6, "start"),
                   (x_b - 5, y_b - 6, "end"), (x_b - 5, y_a + 17, "end")]
        for x, y, anchor in corners:
            box = (x if anchor == "start" else x - width, y - 13, width, 16)
            if not any(_overlap(box, other) for other in placed):
                break
        placed.append(box)
        body.append(_text(x, y, z["label"], f"zone-label {z['series']}", anchor))
    body += points
    return _svg(uid, title, desc, body)


def _day(text: str) -> float:
    """A date (YYYY-MM-DD, YYYY-MM) as a number of days, for placing it on a time axis; a month
    alone is placed at its middle."""
    import datetime as dt

    parts = [int(p) for p in text.split("-")]
    day = dt.date(parts[0], parts[1] if len(parts) > 1 else 7, parts[2] if len(parts) > 2 else 15)
    return float(day.toordinal())


def status(uid: str, title: str, desc: str, tracks: list[dict], lanes: list[dict], ticks: list[tuple[str, str]],
           start: str, end: str) -> Markup:
    """The story at a glance: periods as bands on their tracks (tracks: [{label, periods:
    [{start, end, label, series}]}]), decisions as marks in their lanes (lanes: [{label, cls,
    marks: [{date, href, title}]}]), each mark a link to its event; ticks: [(date, label)]."""
    width, left, right, top = 900, 130, 12, 8
    band_h, lane_h, gap = 30, 24, 10
    x0, x1 = _day(start), _day(end) + 45  # room after the latest mark
    def x(d: str) -> float:
        return left + (_day(d) - x0) / (x1 - x0) * (width - left - right)
    height = top + len(tracks) * (band_h + 4) + gap + len(lanes) * lane_h + 26
    body = []
    axis_y = height - 22
    for date, label in ticks:
        tx = x(date)
        body.append(f'<line class="grid" x1="{_n(tx)}" y1="{top}" x2="{_n(tx)}" y2="{_n(axis_y)}"/>')
        body.append(_text(tx + 3, axis_y + 15, label, "tick"))
    y = top
    for track in tracks:
        body.append(_text(left - 8, y + band_h / 2 + 5, track["label"], "axis-title", "end"))
        for p in track["periods"]:
            bx = x(p["start"])
            bw = (x(p["end"]) if p["end"] else width - right) - bx
            body.append(f'<rect class="band {p["series"]}" x="{_n(bx)}" y="{_n(y)}" width="{_n(bw)}" height="{band_h}"/>')
            if _text_width(p["label"], 12.5) < bw - 8:
                body.append(_text(bx + 4, y + band_h / 2 + 4.5, p["label"], "band-label"))
        y += band_h + 4
    y += gap
    for lane in lanes:
        cy = y + lane_h / 2
        body.append(_text(left - 8, cy + 5, lane["label"], "axis-title", "end"))
        body.append(f'<line class="lane" x1="{left}" y1="{_n(cy)}" x2="{width - right}" y2="{_n(cy)}"/>')
        for m in lane["marks"]:
            body.append(f'<a href="{escape(m["href"])}"><title>{escape(m["title"])}</title>'
                        f'<circle class="ev {lane["cls"]}" cx="{_n(x(m["date"]))}" cy="{_n(cy)}" r="5"/></a>')
        y += lane_h
    body.append(f'<line class="axis" x1="{left}" y1="{_n(axis_y)}" x2="{width - right}" y2="{_n(axis_y)}"/>')
    return _svg(uid, title, desc, body, height=int(height), width=width, role="")
