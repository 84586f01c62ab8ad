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
:func:`pipeline.publish.safe.spreadsheet_text` also puts an apostrophe before a leading ``=``,
``+``, ``-`` or ``@`` (the guard for anyone who copies the cells elsewhere). gptables
reads ``[text](url)`` in a cell as a link and ``$$x$$`` as a note reference: an invisible
word joiner (U+2060) inside those pairs keeps such data text as written.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import polars as pl

from pipeline.files import atomic_write
from pipeline.inputs.reference import Reference
from pipeline.metrics.figures import TABLES
from pipeline.metrics.history_notes import HistoryNote, notes_beside, notes_for
from pipeline.publish.safe import spreadsheet_text
from pipeline.report.disclosure import TABLES_WITH_SHARES, PublishedView
from pipeline.report.labels import label_bands, reference_limits
from pipeline.report.narrative import read_figures
from pipeline.symbols import CONFIDENTIAL, NOT_AVAILABLE
from pipeline.years import display_year

HELD = "_held"  # the column marking held-back rows until the pandas table is made
WORD_JOINER = "\u2060"  # invisible, and no break: the text looks and wraps as written
NOTE_MARK = re.compile(r"\$\$(\w+)\$\$")  # a note reference in a gptables title
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
        f"{NOT_AVAILABLE} means the value is not available: it was not published for that "
        "year, or there is nothing to compare with (no previous year, or no cases to take a "
        "share of). A count of zero is stored as 0.",
    ),
    (
        "investigated",
        "The Ombudsman's upheld rate counts only the complaints it investigated in detail: "
        "a refusal to investigate, a complaint sent back to the council as premature or an "
        "investigation only just started decides nothing about fault.",
    ),
    (
        "confidential",
        "[c] means the number is held back to protect the children concerned: it is small, "
        "or it would let a small number be worked out from the totals beside it. Figures for "
        "the whole council are always published.",
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


# The header of each table's count column, naming what is counted (default "Number").
NUMBER_TITLES: dict[str, str] = {
    "feedback_total": "Items received",
    "duty_by_year": "Duty matters",
    "duty_by_category": "Duty matters",
    "stage1_by_quarter": "Complaints received",
    "stage1_by_team": "Complaints received",
    "stage1_nature": "Complaints",
    "stage1_nature_overall": "Complaints",
    "stage1_outcome": "Complaints",
    "stage1_timescale": "Complaints",
    "stage1_within_timescale": "Complaints answered within the time limit",
    "stage1_response_days": "Median working days",
    "stage1_remedy": "Complaints given this remedy",
    "stage1_by_complainant": "Complaints",
    "stage1_by_child": "Complaints made by children and young people",
    "stage2_by_year": "Stage 2 complaints",
    "stage2_by_service": "Stage 2 complaints",
    "stage2_by_team": "Stage 2 complaints",
    "stage2_findings": "Points decided",
    "stage2_timescale": "Stage 2 complaints",
    "stage2_within_timescale": "Stage 2 complaints completed within the time limit",
    "stage2_progression": "Stage 2 investigations",
    "stage3_by_service": "Review panels",
    "stage3_prior_year": "Review panels",
    "lgo_by_finding": "Decisions",
    "lgo_by_team": "Decisions",
    "lgo_fault_found": "Decisions that found fault",
    "lgo_investigated": "Decisions after a detailed investigation",
    "lgo_upheld_rate": "Decisions that found fault",
    "compliments_by_service": "Compliments",
    "year_on_year": "Number this year",
}
PERCENT_FORMAT = "0.0"  # one decimal place, as the notes say
A4 = 9  # xlsxwriter's paper code
WIDE_SHEET_COLUMNS = 5  # a table with this many columns or more prints landscape


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
    **{
        table: SheetSpec(
            f"Stage 1 complaints, by the {what} of the child they were about",
            what.capitalize(),
            "Share of complaints",
            ("percentages",),
        )
        for table, what in (
            ("stage1_by_age", "age"),
            ("stage1_by_gender", "gender"),
            ("stage1_by_ethnicity", "ethnicity"),
            ("stage1_by_disability", "disability"),
        )
    },
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
    "lgo_investigated": SheetSpec(
        "Ombudsman decisions made after a detailed investigation",
        percentage="Share of decisions",
        notes=("percentages", "investigated"),
    ),
    "lgo_upheld_rate": SheetSpec(
        "Ombudsman upheld rate: decisions that found fault, of those investigated in detail",
        percentage="Share of investigated decisions",
        notes=("percentages", "investigated"),
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
    """One figures table as a readable frame: used dimensions, then Number and percentage.

    From the published view (a ``suppressed`` column, contract 6.2) the frame keeps
    ``HELD`` beside them: the rows whose number and percentage are held back.
    """
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
    columns.append(pl.col("n").alias(NUMBER_TITLES.get(table, "Number")))
    published_pct = rows.filter(~_held(rows))["pct"]
    if published_pct.null_count() < published_pct.len() or table in TABLES_WITH_SHARES:
        columns.append(pl.col("pct").round(1).alias(spec.percentage))
    if spec.value is not None:
        decimals = 2 if spec.value_format.endswith(".00") else 1
        columns.append(pl.col("value").round(decimals).alias(spec.value))
    if _held(rows).any():
        columns.append(pl.col("suppressed").alias(HELD))
    return rows.select(columns)


def _held(rows: pl.DataFrame) -> pl.Series:
    """Which rows are held back (none for figures without the published view's marks)."""
    if "suppressed" not in rows.columns:
        return pl.Series([False] * rows.height, dtype=pl.Boolean)
    return rows["suppressed"].fill_null(False)


def gptables_literal(value: object) -> object:
    """Text that gptables writes as it is: a word joiner after ``]`` before ``(`` and between
    two ``$`` keeps it from turning ``[text](url)`` into a link or ``$$x$$`` into a note."""
    if isinstance(value, str):
        return GPTABLES_MARKUP.sub(lambda m: m.group(0) + WORD_JOINER, value)
    return value


def cell_value(value: object) -> object:
    """A data cell: never a formula (:func:`pipeline.publish.safe.spreadsheet_text`), never
    markup."""
    return gptables_literal(spreadsheet_text(value))


def pandas_table(frame: pl.DataFrame, symbol: str = CONFIDENTIAL) -> pd.DataFrame:
    """A pandas frame for gptables: text guarded, missing numbers as ``[x]``, held-back
    numbers and percentages (the ``HELD`` rows) as the disclosure symbol."""
    held = frame[HELD].to_list() if HELD in frame.columns else [False] * frame.height
    data = frame.drop(HELD, strict=False).to_pandas().astype(object)
    data = data.where(pd.notna(data), NOT_AVAILABLE)
    numbers = [c for c in frame.columns if c != HELD and frame[c].dtype.is_numeric()]
    data.loc[held, numbers] = symbol
    return data.map(cell_value)


def has_missing(frame: pl.DataFrame) -> bool:
    """True when a value in the table will be shown as ``[x]`` (not a held-back one)."""
    published = frame.filter(~pl.col(HELD)) if HELD in frame.columns else frame
    return any(published[c].null_count() for c in published.columns)


def gp_table(
    frame: pl.DataFrame,
    table: str,
    spec: SheetSpec,
    number: int,
    year: str,
    notes: Sequence[str] | None = None,
    symbol: str = CONFIDENTIAL,
):
    """The gptables table of one sheet (``notes``: its note references, in order; held-back
    cells as ``symbol``)."""
    import gptables as gpt

    if notes is None:
        notes = sheet_notes(frame, spec)
    title = f"Table {number}: {spec.title}" + "".join(f" $${note}$$" for note in notes)
    years = sorted(frame["Year"].unique().to_list()) if "Year" in frame.columns else []
    period = f"{years[0]} to {years[-1]}" if len(years) > 1 else display_year(year)
    has_percentage = spec.percentage in frame.columns
    units = {spec.percentage: "%"} if has_percentage else None
    if spec.value in frame.columns and spec.value_format.startswith("£"):
        units = {**(units or {}), spec.value: "£"}
    formatting = []
    if has_percentage:
        formatting.append(
            {
                "column": {
                    "columns": [frame.columns.index(spec.percentage)],
                    "format": {"num_format": PERCENT_FORMAT},
                    "include_names": False,
                }
            }
        )
    if spec.value in frame.columns:
        formatting.append(
            {"column": {"columns": [spec.value], "format": {"num_format": spec.value_format}}}
        )
    return gpt.GPTable(
        table=pandas_table(frame, symbol),
        table_name=f"table_{number}",
        title=title,
        scope=f"Reporting years: {period}.",
        source=spec.source,
        units=units,
        index_columns={2: 0},
        additional_formatting=formatting,
    )


def sheet_notes(frame: pl.DataFrame, spec: SheetSpec) -> list[str]:
    """The notes a sheet refers to: its own, and the shorthand when a value is missing."""
    notes = list(spec.notes)
    if has_missing(frame) and "shorthand" not in notes:
        notes.append("shorthand")
    if HELD in frame.columns:
        notes.append("confidential")
    return notes


def notes_in_order(per_sheet: Sequence[Sequence[str]]) -> list[list[str]]:
    """Each sheet's notes reordered so that their numbers ascend: gptables numbers notes
    in the order they are first referred to, sheet by sheet, so a note met on an earlier
    sheet comes first, then new ones in the notes sheet's order."""
    order = [reference for reference, _ in NOTES]
    seen: list[str] = []
    result = []
    for notes in per_sheet:
        known = sorted((n for n in notes if n in seen), key=seen.index)
        new = sorted(
            (n for n in notes if n not in seen),
            key=lambda n: (n not in order, order.index(n) if n in order else 0),
        )
        seen.extend(new)
        result.append([*known, *new])
    return result


def sheets(
    figures: pl.DataFrame,
    year: str,
    tables: Sequence[str] = TABLES,
    limits: Mapping[str, Sequence[int]] | None = None,
    history: Mapping[str, Sequence[str]] | None = None,
    symbol: str = CONFIDENTIAL,
) -> dict:
    """Sheet name -> gptables table, for every table present, in the report's order
    (held-back cells as ``symbol``).

    Timescale bands are shown by their reader's names (:mod:`pipeline.report.labels`; ``limits``
    from :func:`pipeline.report.labels.reference_limits`, else read from the band names).
    ``history`` maps a table to the references of its notes on earlier years
    (:func:`history_notes_by_table`)."""
    figures = label_bands(figures, limits or {})
    present = set(figures["table"].unique().to_list())
    ordered = [t for t in tables if t in present] + sorted(present - set(tables))
    specs = [SHEETS.get(t, SheetSpec(t.replace("_", " ").capitalize())) for t in ordered]
    frames = [sheet_frame(figures, t, spec) for t, spec in zip(ordered, specs, strict=True)]
    notes = notes_in_order(
        [
            [*sheet_notes(f, spec), *(history or {}).get(t, ())]
            for t, f, spec in zip(ordered, frames, specs, strict=True)
        ]
    )
    return {
        f"Table_{number}": gp_table(frame, table, spec, number, year, sheet_note, symbol)
        for number, (table, spec, frame, sheet_note) in enumerate(
            zip(ordered, specs, frames, notes, strict=True), start=1
        )
    }


def long_date(day: date) -> str:
    """``2026-12-05`` -> ``5 December 2026``."""
    return f"{day.day} {day:%B %Y}"


def cover(
    year: str,
    authority: str,
    contact: Sequence[str] = (),
    published: date | None = None,
):
    """The cover sheet: what the workbook holds, when it was published, where it comes
    from, how to read it and whom to ask (the reference file's ``contact``)."""
    import gptables as gpt

    shown = display_year(year)
    published = published or date.today()
    return gpt.Cover(
        title=f"Children's services complaints and compliments: tables for {shown}",
        intro=[
            f"Every table of {authority}'s annual report on children's services complaints, "
            f"representations and compliments for {shown} (1 April {year[:4]} to "
            f"31 March {int(year[:4]) + 1}).",
            f"Date of publication: {long_date(published)}.",
            "Each table is on its own sheet; the contents sheet lists them and the notes "
            "sheet explains the notes and shorthand used.",
        ],
        about=[
            "The figures are computed from the council's case-management extracts by a "
            "reproducible pipeline, the same computation as the report's.",
            "Numbers are counts of cases (or of points, for Stage 2 findings; a median of "
            "working days where the header says so). Percentages are numbers with their "
            "unit (%) in the column header, shown to one decimal place.",
        ],
        contact=list(contact) or [f"{authority}, complaints and representations team"],
    )


def print_setup(workbook, wide: int = WIDE_SHEET_COLUMNS) -> None:
    """Every sheet on A4, columns fitted to the page width; a table's header row repeated
    on each printed page; landscape for a table of ``wide`` columns or more."""
    for sheet in workbook.worksheets():
        sheet.set_paper(A4)
        sheet.fit_to_pages(1, 0)  # one page wide, as many long as needed
        if not sheet.tables:
            continue
        first, last = sheet.tables[0]["range"].split(":")
        header_row = int(re.sub(r"[A-Z]+", "", first)) - 1
        sheet.repeat_rows(header_row)
        columns = sheet.tables[0]["columns"]
        if len(columns) >= wide:
            sheet.set_landscape()


def notes_table(
    extra: Sequence[tuple[str, str]] = (),
    symbol: str = CONFIDENTIAL,
    referenced: Collection[str] | None = None,
) -> pd.DataFrame:
    """Note reference and text, for the notes sheet (``extra``: notes on earlier years;
    ``symbol``: the disclosure symbol as the council chose it; ``referenced``: the notes
    some sheet refers to, the others left out: gptables would number them out of order)."""
    notes = [*NOTES, *extra]
    if referenced is not None:
        notes = [(r, t) for r, t in notes if r in referenced]
    texts = [t.replace(CONFIDENTIAL, symbol) if r == "confidential" else t for r, t in notes]
    return pd.DataFrame({"Note reference": [r for r, _ in notes], "Note text": texts})


def history_notes_by_table(
    figures: pl.DataFrame, notes: Sequence[HistoryNote], year: str
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The known inconsistencies of earlier years (:mod:`pipeline.metrics.history_notes`) as notes
    of the sheets that show them: table -> note references, and the notes' texts."""
    by_table: dict[str, list[str]] = {}
    texts: list[tuple[str, str]] = []
    for number, note in enumerate(notes, start=1):
        if not notes_for([note], figures, note.table, year, note.procedure, note.category):
            continue
        reference = f"earlier_year_{number}"
        by_table.setdefault(note.table, []).append(reference)
        texts.append((reference, f"On {display_year(note.year)}: {note.note}"))
    return by_table, texts


def write_spreadsheet(
    figures: str | Path | pl.DataFrame | PublishedView,
    target: str | Path,
    year: str,
    authority: str,
    *,
    reference: Reference | None = None,
    published: date | None = None,
    history_notes: Sequence[HistoryNote] | None = None,
) -> Path:
    """Write ``annual-report-tables.xlsx`` (atomically) and return its path.

    ``reference`` gives the contact on the cover and the bands' limits; ``published`` the
    date of publication on the cover and in the file's properties (default today);
    ``history_notes`` the notes on earlier years (default: those beside a figures file).
    Readers get the published view (contract 6.2): pass a :class:`PublishedView`; plain
    figures (a frame or a file) are shown whole."""
    import gptables as gpt

    symbol = figures.symbol if isinstance(figures, PublishedView) else CONFIDENTIAL
    if isinstance(figures, PublishedView):
        frame = figures.figures
    else:
        frame = figures if isinstance(figures, pl.DataFrame) else read_figures(figures)
    target = Path(target)
    published = published or date.today()
    contact = reference.contact if reference else ()
    limits = reference_limits(reference) if reference else None
    front = cover(year, authority, contact, published)
    if history_notes is not None:
        earlier = list(history_notes)
    else:
        earlier = notes_beside(figures) if isinstance(figures, str | Path) else []
    history, history_texts = history_notes_by_table(frame, earlier, year)

    tables = sheets(frame, year, limits=limits, history=history, symbol=symbol)
    referenced = {note for table in tables.values() for note in NOTE_MARK.findall(table.title)}

    def write(temp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gptables warns about unreferenced notes
            workbook = gpt.produce_workbook(
                filename=str(temp),
                sheets=tables,
                cover=front,
                contentsheet_label="Contents",
                notes_table=notes_table(history_texts, symbol, referenced),
                auto_width=True,
                workbook_options={"strings_to_formulas": False, "strings_to_urls": False},
            )
            workbook.set_properties(
                {
                    "title": front.title,
                    "subject": f"Children's services complaints, {display_year(year)}",
                    "author": authority,
                    "company": authority,
                    "created": datetime.combine(published, time()),
                }
            )
            print_setup(workbook)
            workbook.close()

    atomic_write(target, write)
    return target
