"""Reporting years: written ``2016-17`` in data, shown ``2016/17``, 1 April to 31 March."""

from __future__ import annotations

import re
from datetime import date

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def check_year(year: str) -> str:
    """Return ``year`` unchanged if it is written like ``2016-17``, else raise ValueError."""
    match = YEAR_PATTERN.match(year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"year must look like 2016-17, not {year!r}")
    return year


def year_start(year: str) -> date:
    """1 April that starts the reporting year."""
    return date(int(check_year(year)[:4]), 4, 1)


def year_end(year: str) -> date:
    """31 March that ends the reporting year."""
    return date(int(check_year(year)[:4]) + 1, 3, 31)


def previous_year(year: str) -> str:
    """The reporting year before: ``2016-17`` -> ``2015-16``."""
    start = int(check_year(year)[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def display_year(year: str) -> str:
    """How the report shows a year: ``2016-17`` -> ``2016/17``."""
    return year.replace("-", "/")
