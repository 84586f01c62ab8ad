"""Publication safety for the free text the report quotes.

Only texts marked ``publish: true`` (compliments, recommendation actions) reach the report;
Ombudsman decision summaries are public by nature and always shown. Every text that will be
published is checked for personal-data patterns (email addresses, UK phone numbers, UK
postcodes, dates of birth); a hit raises :class:`PersonalDataError` naming the file, row and
reference, and the render stops before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.reference import Reference

_DATE = r"\d{1,2}(?:st|nd|rd|th)?[\s./-]+(?:\d{1,2}|[A-Za-z]{3,9})[\s./-]+\d{2,4}"

PERSONAL_DATA_PATTERNS: dict[str, re.Pattern[str]] = {
    "an email address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "a UK phone number": re.compile(
        r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"
    ),
    "a UK postcode": re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
        re.IGNORECASE,
    ),
    "a date of birth": re.compile(
        rf"(?:\bdate of birth\b|\bD\.?O\.?B\b\.?|\bborn\b)\W{{0,20}}(?:on\s+)?{_DATE}"
        r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b",
        re.IGNORECASE,
    ),
}


class PersonalDataError(InputError):
    """A text due for publication looks as if it holds personal data."""


@dataclass(frozen=True)
class PublishedTexts:
    """The free text the report may show, already filtered and checked."""

    compliments: pl.DataFrame  # service_area, team, text
    recommendations: pl.DataFrame  # procedure, stage, service_area, team, action
    lgo: pl.DataFrame  # service_area, team, status, finding, summary


def personal_data_found(text: str | None) -> list[str]:
    """Names of the personal-data patterns found in ``text`` (empty when clean)."""
    if not text:
        return []
    return [name for name, pattern in PERSONAL_DATA_PATTERNS.items() if pattern.search(text)]


def check_texts(frame: pl.DataFrame, file: str, ref_column: str, text_column: str) -> None:
    """Raise PersonalDataError for the first row whose text matches a personal-data pattern."""
    for record in frame.select("_row", ref_column, text_column).iter_rows(named=True):
        found = personal_data_found(record[text_column])
        if found:
            raise PersonalDataError(
                file,
                f"{ref_column} {record[ref_column]} is marked for publication but seems to "
                f"contain {' and '.join(found)}; remove it or set publish to false",
                row=record["_row"],
                column=text_column,
            )


def published_only(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose ``publish`` flag is true (false and missing are both withheld)."""
    return frame.filter(pl.col("publish").fill_null(False))


def published_compliments(compliments: pl.DataFrame, file: str) -> pl.DataFrame:
    """Compliments marked for publication, checked, in reference order of service area."""
    chosen = published_only(compliments)
    check_texts(chosen, file, "compliment_ref", "text")
    return chosen.select("_row", "compliment_ref", "service_area", "team", "text")


def published_recommendations(
    recommendations: pl.DataFrame, escalations: pl.DataFrame, file: str
) -> pl.DataFrame:
    """Published recommendation actions with the procedure, stage and service they came from."""
    chosen = published_only(recommendations)
    check_texts(chosen, file, "escalation_ref", "action")
    context = escalations.select("escalation_ref", "procedure", "stage", "service_area", "team")
    return chosen.join(context, on="escalation_ref", how="left").select(
        "escalation_ref", "procedure", "stage", "service_area", "team", "action"
    )


def published_lgo(lgo: pl.DataFrame, file: str) -> pl.DataFrame:
    """Ombudsman decisions with their summaries (public decisions), checked."""
    check_texts(lgo, file, "lgo_ref", "summary")
    return lgo.select("lgo_ref", "service_area", "team", "status", "finding", "summary")


def _file_name(files: dict[str, Path | None], stem: str) -> str:
    path = files.get(stem)
    return path.name if path else f"{stem}.csv"


def load_published_texts(
    raw_dir: str | Path, reference: Reference, year: str = "2016-17"
) -> PublishedTexts:
    """Read the extracts and return only the free text that is safe to publish."""
    from pipeline.load import load_extracts

    extracts = load_extracts(raw_dir, reference, year)
    files = extracts.files
    return PublishedTexts(
        compliments=published_compliments(extracts.compliments, _file_name(files, "compliments")),
        recommendations=published_recommendations(
            extracts.recommendations, extracts.escalations, _file_name(files, "recommendations")
        ),
        lgo=published_lgo(extracts.lgo, _file_name(files, "lgo")),
    )
