"""Every table of the report as an accessible spreadsheet: ``annual-report-tables.xlsx``.

Built with ``gptables``, the Analysis Function's package for its "Releasing statistics in
spreadsheets" guidance: a cover sheet, a contents sheet, a notes sheet and one table per
sheet (marked as an Excel table, no merged cells), in the report's order. Numbers and
percentages are stored as numbers (a percentage's unit is in its column header); a value
that is not available is shown as ``[x]``, a shorthand the notes sheet explains. The
tables come from ``figures.csv`` (the data contract's tidy format), one sheet per
``table``, with the dimensions that table uses as columns.

Text that came from the data (team, service-area and category names) is written as text,
never as a formula: the workbook is opened with ``strings_to_formulas`` off, and
:func:`pipeline.safe.spreadsheet_text` also puts an apostrophe before a leading ``=``,
``+``, ``-`` or ``@`` (the guard for anyone who copies the cells elsewhere). gptables
reads ``[text](url)`` in a cell as a link and ``$$x$$`` as a note reference: an invisible
word joiner (U+2060) inside those pairs keeps such data text as written.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl

from pipeline.figures import TABLES
from pipeline.files import atomic_write
from pipeline.narrative import read_figures
from pipeline.safe import spreadsheet_text
from pipeline.years import display_year

NOT_AVAILABLE = "[x]"
WORD_JOINER = "\u2060"  # invisible, and no break: the text looks and wraps as written
GPTABLES_MARKUP = re.compile(r"\](?=\()|\$(?=\$)")  # "[text](url)" links, "$$note$$" refs
DIMENSION_TITLES: dict[str, str] = {
    "year": "Year",
    "procedure": "Procedure",
    "service_area": "Service area",
    "team": "Team",
    "category": "Category",
    "quarter": "Quarter",
}
NOTES: tuple[tuple[str, str], ...] = (
    (
        "percentages",
        "Percentages are given to one decimal place; the report rounds them to whole "
        "numbers, so a column there may not add up to exactly 100.",
    ),
    (
        "history",
        "Figures for earlier years are those the council published for those years. For "
        "some, only percentages were published: their numbers are shown as [x].",
    ),
    (
        "shorthand",
        "[x] means the value is not available: it was not published for that year, or there "
        "is nothing to compare with (no previous year, or no cases to take a share of).",
    ),
    (
        "quarters",
        "Quarters of the financial year: Q1 April to June, Q2 July to September, "
        "Q3 October to December, Q4 January to March.",
    ),
    (
        "procedures",
        "Statutory: the Children Act 1989 representations procedure. Corporate: the "
        "council's own complaints procedure, for matters outside the statutory one.",
    ),
)


@dataclass(frozen=True)
class SheetSpec:
    """How one figures table is shown: its title, category column and percentage column."""

    title: str
    category: str = "Category"
    percentage: str = "Percentage"
    notes: tuple[str, ...] = ()
    value: str | None = None  # the title of the ``value`` column (contract 1.4), if shown
    value_format: str = "#,##0.0"  # Excel's number format of the value (pounds: pence)
    source: str = "Source: the council's complaints case-management system"


SHEETS: dict[str, SheetSpec] = {
    "feedback_total": SheetSpec("Feedback received, by type", "Type of feedback"),
    "duty_by_year": SheetSpec("Duty matters, by year", notes=("history",)),
    "duty_by_category": SheetSpec(
        "Duty matters, by category", percentage="Share of duty matters", notes=("percentages",)
    ),
    "stage1_by_quarter": SheetSpec(
        "Stage 1 complaints received, by quarter", notes=("quarters", "history", "procedures")
    ),
    "stage1_by_team": SheetSpec(
        "Stage 1 complaints, by service area, team and quarter", notes=("quarters",)
    ),
    "stage1_nature": SheetSpec(
        "Nature of Stage 1 complaints, by service area",
        "Nature of complaint",
        "Share of the service area's complaints",
        ("percentages",),
    ),
    "stage1_nature_overall": SheetSpec(
        "Nature of Stage 1 complaints, all service areas",
        "Nature of complaint",
        "Share of complaints",
        ("percentages",),
    ),
    "stage1_outcome": SheetSpec(
        "Outcomes of Stage 1 complaints",
        "Outcome",
        "Share of complaints",
        ("percentages", "history", "shorthand"),
    ),
    "stage1_timescale": SheetSpec(
        "Stage 1 response times",
        "Response time",
        "Share of complaints",
        ("percentages", "history", "shorthand"),
    ),
    "stage1_within_timescale": SheetSpec(
        "Stage 1 complaints answered within the time limit",
        percentage="Share of complaints",
        notes=("percentages",),
    ),
    "stage1_response_days": SheetSpec(
        "Median working days to answer a Stage 1 complaint", "Measure", notes=("history",)
    ),
    "stage1_remedy": SheetSpec(
        "Remedies given at Stage 1 (a complaint can have more than one)",
        "Remedy",
        "Share of complaints",
        ("percentages",),
    ),
    "stage1_by_complainant": SheetSpec(
        "Stage 1 complaints, by who made them",
        "Complainant",
        "Share of complaints",
        ("percentages", "history"),
    ),
    "stage1_by_child": SheetSpec(
        "Stage 1 complaints made by children and young people or their advocates",
        percentage="Share of complaints",
        notes=("percentages", "history"),
    ),
    "stage2_by_year": SheetSpec("Stage 2 complaints, by year", notes=("history",)),
    "stage2_by_service": SheetSpec("Stage 2 complaints, by service area"),
    "stage2_by_team": SheetSpec("Stage 2 complaints, by team"),
    "stage2_findings": SheetSpec(
        "Findings on the points of Stage 2 complaints",
        "Finding",
        "Share of points",
        ("percentages",),
    ),
    "stage2_timescale": SheetSpec(
        "Time taken to complete Stage 2 complaints",
        "Time taken",
        "Share of Stage 2 complaints",
        ("percentages", "history"),
    ),
    "stage2_within_timescale": SheetSpec(
        "Stage 2 complaints completed within the time limit",
        percentage="Share of Stage 2 complaints",
        notes=("percentages", "history"),
    ),
    "stage2_progression": SheetSpec(
        "Statutory Stage 2 investigations and the share of the year's Stage 1 complaints",
        percentage="Share of the year's Stage 1 complaints",
        notes=("percentages", "history"),
    ),
    "stage3_by_service": SheetSpec("Stage 3 review panels, by service area"),
    "stage3_prior_year": SheetSpec(
        "Stage 3 review panels about complaints first made in an earlier year",
        percentage="Share of panels",
        notes=("percentages",),
    ),
    "lgo_by_finding": SheetSpec(
        "Ombudsman decisions, by finding", "Finding", "Share of decisions", ("percentages",)
    ),
    "lgo_by_team": SheetSpec("Ombudsman decisions, by team and finding", "Finding"),
    "lgo_fault_found": SheetSpec(
        "Ombudsman decisions that found fault",
        percentage="Share of decisions",
        notes=("percentages",),
    ),
    "compliments_by_service": SheetSpec("Compliments, by service area"),
    "year_on_year": SheetSpec(
        "Change on the previous year, by type of feedback",
        "Type of feedback",
        "Change on the previous year",
        ("percentages", "shorthand"),
    ),
    # contract 1.4
    "actions_status": SheetSpec(
        "Actions agreed after Stage 2 and Stage 3, by status",
        "Status",
        "Share of the procedure's actions",
        ("percentages", "procedures"),
    ),
    "remedy_payments": SheetSpec(
        "Stage 1 complaints with a payment, and the total paid",
        value="Total paid",
        value_format="£#,##0.00",
        notes=("procedures",),
    ),
    "stage1_rate": SheetSpec(
        "Stage 1 complaints per 10,000 children",
        value="Complaints per 10,000 children",
        notes=("procedures",),
    ),
    "lgo_benchmark": SheetSpec(
        "Ombudsman: detailed investigations upheld, this council and others",
        "Councils",
        "Share upheld",
        ("percentages",),
        source="Source: the Local Government and Social Care Ombudsman's published annual "
        "figures for every council",
    ),
}


# ---------------------------------------------------------------- tables


def sheet_frame(figures: pl.DataFrame, table: str, spec: SheetSpec) -> pl.DataFrame:
    """One figures table as a readable frame: used dimensions, then Number and percentage."""
    rows = figures.filter(pl.col("table") == table)
    dimensions = [c for c in DIMENSION_TITLES if rows[c].null_count() < rows.height]
    titles = {**DIMENSION_TITLES, "category": spec.category}
    columns = [
        (
            pl.col(c).str.replace("-", "/")
            if c == "year"
            else pl.col(c).str.to_titlecase()
            if c == "procedure"
            else pl.col(c)
        ).alias(titles[c])
        for c in dimensions
    ]
    columns.append(pl.col("n").alias("Number"))
    if rows["pct"].null_count() < rows.height:
        columns.append(pl.col("pct").round(1).alias(spec.percentage))
    if spec.value is not None:
        decimals = 2 if spec.value_format.endswith(".00") else 1
        columns.append(pl.col("value").round(decimals).alias(spec.value))
    return rows.select(columns)


def gptables_literal(value: object) -> object:
    """Text that gptables writes as it is: a word joiner after ``]`` before ``(`` and between
    two ``$`` keeps it from turning ``[text](url)`` into a link or ``$$x$$`` into a note."""
    if isinstance(value, str):
        return GPTABLES_MARKUP.sub(lambda m: m.group(0) + WORD_JOINER, value)
    return value


def cell_value(value: object) -> object:
    """A data cell: never a formula (:func:`pipeline.safe.spreadsheet_text`), never markup."""
    return gptables_literal(spreadsheet_text(value))


def pandas_table(frame: pl.DataFrame) -> pd.DataFrame:
    """A pandas frame for gptables: text guarded, missing numbers as ``[x]``."""
    data = frame.to_pandas().astype(object)
    data = data.where(pd.notna(data), NOT_AVAILABLE)
    return data.map(cell_value)


def has_missing(frame: pl.DataFrame) -> bool:
    """True when a value in the table will be shown as ``[x]``."""
    return any(frame[c].null_count() for c in frame.columns)


def gp_table(frame: pl.DataFrame, table: str, spec: SheetSpec, number: int, year: str):
    """The gptables table of one sheet."""
    import gptables as gpt

    notes = list(spec.notes)
    if has_missing(frame) and "shorthand" not in notes:
        notes.append("shorthand")
    title = f"Table {number}: {spec.title}" + "".join(f" $${note}$$" for note in notes)
    years = sorted(frame["Year"].unique().to_list()) if "Year" in frame.columns else []
    period = f"{years[0]} to {years[-1]}" if len(years) > 1 else display_year(year)
    units = {spec.percentage: "%"} if spec.percentage in frame.columns else None
    if spec.value in frame.columns and spec.value_format.startswith("£"):
        units = {**(units or {}), spec.value: "£"}
    formatting = (
        [{"column": {"columns": [spec.value], "format": {"num_format": spec.value_format}}}]
        if spec.value in frame.columns
        else None
    )
    return gpt.GPTable(
        table=pandas_table(frame),
        table_name=f"table_{number}",
        title=title,
        scope=f"Reporting years: {period}. In figures.csv: table {table}.",
        source=spec.source,
        units=units,
        index_columns={2: 0},
        additional_formatting=formatting,
    )


def sheets(figures: pl.DataFrame, year: str, tables: Sequence[str] = TABLES) -> dict:
    """Sheet name -> gptables table, for every table present, in the report's order."""
    present = set(figures["table"].unique().to_list())
    ordered = [t for t in tables if t in present] + sorted(present - set(tables))
    result = {}
    for number, table in enumerate(ordered, start=1):
        spec = SHEETS.get(table, SheetSpec(table.replace("_", " ").capitalize()))
        frame = sheet_frame(figures, table, spec)
        result[f"Table_{number}"] = gp_table(frame, table, spec, number, year)
    return result


def cover(year: str, authority: str):
    """The cover sheet: what the workbook holds, where it comes from, how to read it."""
    import gptables as gpt

    shown = display_year(year)
    return gpt.Cover(
        title=f"Children's services complaints and compliments: tables for {shown}",
        intro=[
            f"Every table of {authority}'s annual report on children's services complaints, "
            f"representations and compliments for {shown} (1 April {year[:4]} to "
            f"31 March {int(year[:4]) + 1}).",
            "Each table is on its own sheet; the contents sheet lists them and the notes "
            "sheet explains the notes and shorthand used.",
        ],
        about=[
            "The figures are computed from the council's case-management extracts by a "
            "reproducible pipeline; figures.csv beside this file holds the same numbers in "
            "one tidy table.",
            "Numbers are counts of cases (or of points, for Stage 2 findings). Percentages "
            "are numbers with their unit (%) in the column header.",
        ],
        contact=[f"{authority}, complaints and representations team"],
    )


def notes_table() -> pd.DataFrame:
    """Note reference and text, for the notes sheet."""
    return pd.DataFrame(
        {"Note reference": [r for r, _ in NOTES], "Note text": [t for _, t in NOTES]}
    )


def write_spreadsheet(
    figures: str | Path | pl.DataFrame,
    target: str | Path,
    year: str,
    authority: str,
) -> Path:
    """Write ``annual-report-tables.xlsx`` (atomically) and return its path."""
    import gptables as gpt

    frame = figures if isinstance(figures, pl.DataFrame) else read_figures(figures)
    target = Path(target)

    def write(temp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gptables warns about unreferenced notes
            gpt.write_workbook(
                filename=str(temp),
                sheets=sheets(frame, year),
                cover=cover(year, authority),
                contentsheet_label="Contents",
                notes_table=notes_table(),
                auto_width=True,
                workbook_options={"strings_to_formulas": False, "strings_to_urls": False},
            )

    atomic_write(target, write)
    return target
