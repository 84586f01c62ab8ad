"""Publication safety for the free text the report quotes.

Only texts marked ``publish: true`` (compliments, recommendation actions) reach the report;
Ombudsman decision summaries are public by nature and always shown. Every text that will be
published is checked for personal-data patterns: email addresses, UK phone numbers, UK
postcodes, dates of birth, NHS numbers (with a valid modulus-11 check digit), National
Insurance numbers and names with a title (Mr, Mrs, Ms, Miss, Mx, Dr). Wording a council
knows is not personal data (``publication: {allow: ["Dr Barnardo's"]}`` in the reference
file) is removed before matching.

``validate`` reports every hit as a failed check (file, column, rows and the kind of data
found, never the text itself); the report notebook refuses too, raising
:class:`PersonalDataError` for the first hit, so nothing is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.inputs.reference import Reference

_DATE = r"\d{1,2}(?:st|nd|rd|th)?[\s./-]+(?:\d{1,2}|[A-Za-z]{3,9})[\s./-]+\d{2,4}"
_CAPITAL = "A-ZÀ-ÖØ-Þ"


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits carry a valid NHS modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class PersonalDataPattern:
    """One kind of personal data: a regular expression and, optionally, a check of a match."""

    name: str
    regex: re.Pattern[str]
    confirm: Callable[[re.Match[str]], bool] | None = None

    def found_in(self, text: str) -> bool:
        """Whether ``text`` holds this kind of personal data."""
        return any(self.confirm is None or self.confirm(m) for m in self.regex.finditer(text))


PERSONAL_DATA_PATTERNS: tuple[PersonalDataPattern, ...] = (
    PersonalDataPattern(
        "an email address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
    ),
    PersonalDataPattern(
        "a UK phone number",
        re.compile(
            r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"
        ),
    ),
    PersonalDataPattern(
        "a UK postcode",
        re.compile(
            r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
            re.IGNORECASE,
        ),
    ),
    PersonalDataPattern(
        "a date of birth",
        re.compile(
            rf"(?:\bdate of birth\b|\bD\.?O\.?B\b\.?|\bborn\b)\W{{0,20}}(?:on\s+)?{_DATE}"
            r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b",
            re.IGNORECASE,
        ),
    ),
    PersonalDataPattern(
        # ten digits, together or spaced 3-3-4, whose check digit is right
        "an NHS number",
        re.compile(r"(?<!\d)\d{3}([ -]?)\d{3}\1\d{4}(?!\d)"),
        confirm=lambda match: nhs_number_valid(re.sub(r"\D", "", match.group())),
    ),
    PersonalDataPattern(
        # two prefix letters (not D, F, I, Q, U, V; second not O; not BG, GB, KN, NK, NT,
        # TN, ZZ), six digits (often in pairs), a suffix letter A-D
        "a National Insurance number",
        re.compile(
            r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
        ),
    ),
    PersonalDataPattern(
        # a title, then initials if any, then a capitalised name: "Mrs O'Neill", "Dr A. Shah"
        "a name with a title",
        re.compile(
            rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b\.?[ \t]+(?:[{_CAPITAL}]\.?[ \t]+)*"
            rf"[{_CAPITAL}](?:['’][{_CAPITAL}])?[a-zß-öø-ÿ]"
        ),
    ),
)


# Every pattern above needs a digit, an "@" or a title ("Mrs" holds "Mr"), and an allowed
# phrase is replaced by a space, which makes none of them: a text holding none of these
# holds no personal data. Polars finds the few texts that may (one vectorised pass over
# the column); only those go through the patterns in Python.
MAY_HOLD_PERSONAL_DATA = r"[\d@]|Mr|Ms|Mx|Dr|Miss"


def may_hold_personal_data(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows of ``frame`` whose ``column`` could match a personal-data pattern."""
    return frame.filter(pl.col(column).str.contains(MAY_HOLD_PERSONAL_DATA))


class PersonalDataError(InputError):
    """A text due for publication looks as if it holds personal data."""


@dataclass(frozen=True)
class PublishedTexts:
    """The free text the report may show, already filtered and checked."""

    compliments: pl.DataFrame  # service_area, team, text
    recommendations: pl.DataFrame  # procedure, stage, service_area, team, action
    lgo: pl.DataFrame  # service_area, team, status, finding, summary


def without_allowed(text: str, allow: Iterable[str] = ()) -> str:
    """``text`` with every allowed phrase (any case) replaced by a space."""
    for phrase in allow:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


def personal_data_found(text: str | None, allow: Iterable[str] = ()) -> list[str]:
    """Names of the personal-data patterns found in ``text`` (empty when clean)."""
    if not text:
        return []
    text = without_allowed(text, allow)
    return [pattern.name for pattern in PERSONAL_DATA_PATTERNS if pattern.found_in(text)]


def remedy(publish_flag: bool) -> str:
    """What an analyst can do about a hit."""
    choices = "remove it, set publish to false" if publish_flag else "remove it"
    return (
        f"{choices}, or, if the wording is not personal data, add it to "
        "`publication: allow` in the reference file"
    )


def check_texts(
    frame: pl.DataFrame,
    file: str,
    ref_column: str,
    text_column: str,
    allow: Iterable[str] = (),
    *,
    publish_flag: bool = True,
    label: str | None = None,
) -> None:
    """Raise PersonalDataError for the first row whose text matches a personal-data pattern.

    ``label`` names the column as the extract does (contract 1.2), if it differs.
    """
    candidates = may_hold_personal_data(frame.select("_row", ref_column, text_column), text_column)
    for record in candidates.iter_rows(named=True):
        found = personal_data_found(record[text_column], allow)
        if found:
            raise PersonalDataError(
                file,
                f"{ref_column} {record[ref_column]} is due for publication but seems to "
                f"contain {' and '.join(found)}; {remedy(publish_flag)}",
                row=record["_row"],
                column=label or text_column,
            )


def published_only(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose ``publish`` flag is true (false and missing are both withheld)."""
    return frame.filter(pl.col("publish").fill_null(False))


def published_compliments(
    compliments: pl.DataFrame, file: str, allow: Iterable[str] = (), label: str | None = None
) -> pl.DataFrame:
    """Compliments marked for publication, checked, in reference order of service area."""
    chosen = published_only(compliments)
    check_texts(chosen, file, "compliment_ref", "text", allow, label=label)
    return chosen.select("_row", "compliment_ref", "service_area", "team", "text")


def published_recommendations(
    recommendations: pl.DataFrame,
    escalations: pl.DataFrame,
    file: str,
    allow: Iterable[str] = (),
    label: str | None = None,
) -> pl.DataFrame:
    """Published recommendation actions with the procedure, stage and service they came from."""
    chosen = published_only(recommendations)
    check_texts(chosen, file, "escalation_ref", "action", allow, label=label)
    context = escalations.select("escalation_ref", "procedure", "stage", "service_area", "team")
    return chosen.join(context, on="escalation_ref", how="left").select(
        "escalation_ref", "procedure", "stage", "service_area", "team", "action"
    )


def published_lgo(
    lgo: pl.DataFrame, file: str, allow: Iterable[str] = (), label: str | None = None
) -> pl.DataFrame:
    """Ombudsman decisions with their summaries (public decisions), checked."""
    check_texts(lgo, file, "lgo_ref", "summary", allow, publish_flag=False, label=label)
    return lgo.select("lgo_ref", "service_area", "team", "status", "finding", "summary")


def load_published_texts(
    raw_dir: str | Path, reference: Reference, year: str = "2016-17"
) -> PublishedTexts:
    """Read the extracts and return only the free text that is safe to publish."""
    from pipeline.inputs.load import load_extracts

    extracts = load_extracts(raw_dir, reference, year)
    allow = reference.publication_allow
    return PublishedTexts(
        compliments=published_compliments(
            extracts.compliments,
            extracts.file_name("compliments"),
            allow,
            extracts.label("compliments", "text"),
        ),
        recommendations=published_recommendations(
            extracts.recommendations,
            extracts.escalations,
            extracts.file_name("recommendations"),
            allow,
            extracts.label("recommendations", "action"),
        ),
        lgo=published_lgo(
            extracts.lgo, extracts.file_name("lgo"), allow, extracts.label("lgo", "summary")
        ),
    )


# ---------------------------------------------------------------- the check in validate

# extract, its free-text column, and whether a publish flag chooses the rows shown
PUBLISHED_TEXT_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("compliments", "text", True),
    ("recommendations", "action", True),
    ("lgo", "summary", False),
)


@dataclass(frozen=True)
class PersonalDataHits:
    """Rows of one column of one extract where one kind of personal data was found."""

    file: str
    column: str  # as the extract names it (contract 1.2 labels)
    kind: str
    rows: tuple[int, ...]
    publish_flag: bool

    def message(self) -> str:
        """What was found and what to do (never the text itself)."""
        return f"{self.kind} found in a text due for publication; {remedy(self.publish_flag)}"


def personal_data_hits(extracts, allow: Iterable[str] = ()) -> list[PersonalDataHits]:
    """Every personal-data hit in the texts due for publication, grouped by file and kind.

    ``extracts`` is a :class:`pipeline.inputs.load.Extracts` read with its free text.
    """
    allow = tuple(allow)
    hits: list[PersonalDataHits] = []
    for stem, column, publish_flag in PUBLISHED_TEXT_COLUMNS:
        frame = getattr(extracts, stem)
        chosen = frame.select("_row", column, *(["publish"] if publish_flag else []))
        chosen = published_only(chosen) if publish_flag else chosen
        rows_by_kind: dict[str, list[int]] = {}
        for row, text in may_hold_personal_data(chosen, column).select("_row", column).iter_rows():
            for kind in personal_data_found(text, allow):
                rows_by_kind.setdefault(kind, []).append(row)
        file, label = extracts.file_name(stem), extracts.label(stem, column)
        hits += [
            PersonalDataHits(file, label, kind, tuple(rows), publish_flag)
            for kind, rows in rows_by_kind.items()
        ]
    return hits
