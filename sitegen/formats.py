"""Dates, money and counts as each language writes them, from one place, so no page types a
figure by hand: 4.5 billion dollars is "$4.5 billion" in English and "45亿美元" in Chinese,
2025-08-11 is "11 August 2025" and "2025年8月11日".

Dates come from Babel (CLDR's patterns for each locale). Money and counts follow the press
conventions of each language: Chinese counts large numbers in 万 (10⁴) and 亿 (10⁸), which
CLDR's compact formats do not give in the form Chinese newspapers print ("US$45亿" there).
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from functools import lru_cache

SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
# CLDR formats for a full date (its named date formats) and skeletons for a month or a year.
FULL = {"short": "medium", "long": "long"}
SKELETONS = {"short": ("yMMM", "y"), "long": ("yMMMM", "y")}


@lru_cache(maxsize=4096)
def date(text: str, locale: str, style: str = "short") -> str:
    """'2025-08-11', '2025-08' or '2025' in the locale's words: 11 Aug 2025 / 2025年8月11日
    (short), 11 August 2025 / 2025年8月11日 (long)."""
    from babel.dates import format_date, format_skeleton  # loaded on first use: CLDR data costs time

    parts = [int(p) for p in text.split("-")]
    value = _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    if len(parts) == 3:
        return format_date(value, FULL[style], locale=locale)
    return format_skeleton(SKELETONS[style][2 - len(parts)], value, locale=locale)


def sort_key(term: str, locale: str) -> tuple:
    """Where a term goes in a glossary of that locale: alphabetically, case aside; in Chinese,
    terms that begin with a Latin letter or a digit first, then the rest by their pinyin, as
    Chinese dictionaries order them (pypinyin gives each character's reading)."""
    term = term.lstrip("《“「(（")  # a title's or a name's marks are not part of where it sorts
    if locale.split("_")[0] != "zh":
        return (term.casefold(),)
    if re.match(r"[A-Za-z0-9]", term):
        return (0, term.casefold())
    from pypinyin import Style, lazy_pinyin  # loaded only where a Chinese glossary is drawn

    return (1, " ".join(lazy_pinyin(term, style=Style.TONE3)), term)


def _decimal(value: str) -> Decimal:
    """'4.5 billion' -> Decimal('4.5E+9'), exactly (thousands separators are ignored)."""
    number, _, scale = value.replace(",", "").partition(" ")
    return Decimal(number).scaleb(SCALES.get(scale, 0))


def number(value: str) -> int | float:
    """An amount as a plain number for downloads: '4.5 billion' -> 4500000000, '15' -> 15."""
    d = _decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def _plain(d: Decimal, grouped: bool = True) -> str:
    """A decimal without exponent or trailing zeros, with thousands separators (2,048; 1.25)
    unless grouped is False (2048)."""
    d = d.normalize()
    text = f"{d:f}"
    whole, _, frac = text.partition(".")
    return (f"{int(whole):,}" if grouped else whole) + (f".{frac}" if frac else "")


def _myriads(d: Decimal) -> str:
    """Chinese grouping: 70万, 1.2万, 6000万, 45亿, 1.6万亿; smaller numbers as they are (2048):
    the Chinese press writes no thousands separator before 万 and 亿, nor in four digits."""
    for power, word in ((12, "万亿"), (8, "亿"), (4, "万")):
        scaled = d.scaleb(-power)
        if scaled >= 1 and scaled == scaled.quantize(Decimal("0.01")):
            return _plain(scaled, grouped=False) + word
    return _plain(d, grouped=False)


def _western(value: str) -> str:
    """As the author wrote it, grouped: '4.5 billion', '180 million', '12,000'."""
    number, _, scale = value.replace(",", "").partition(" ")
    return _plain(Decimal(number)) if not scale else f"{number} {scale}"


def figure(value: str, unit: str, locale: str) -> str:
    """A figure of data/figures.csv as printed: money (usd), a count, a percentage, a plain
    number, or a number followed by its unit symbol."""
    chinese = locale.split("_")[0] == "zh"
    if unit == "usd":
        return _myriads(_decimal(value)) + "美元" if chinese else "$" + _western(value)
    if unit == "count":
        return _myriads(_decimal(value)) if chinese else _western(value)
    if unit == "percent":
        return _plain(_decimal(value)) + "%"
    if unit == "number":
        return _plain(_decimal(value))
    return _plain(_decimal(value)) + "\u00a0" + unit
