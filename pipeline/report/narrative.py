"""Sentences and tables for the report, worded from the computed figures.

Numbers come from ``figures.csv`` (contract section 2); nothing here recomputes a metric.
Percentages are shown as whole numbers rounded half up (contract 3.3), never Python's
round-half-to-even. Every value from the extracts or the reference file (names, free texts,
references) enters the Markdown through :func:`pipeline.publish.safe.markdown_text`, so it is shown
as written and never read as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from pipeline.inputs.reference import NOT_RECORDED, PROCEDURES, Reference
from pipeline.publish import safe
from pipeline.report.disclosure import PublishedView, unsuppressed_view
from pipeline.report.labels import TIMESCALE_TABLES, band_labels, label_bands, limits_in
from pipeline.symbols import NOT_AVAILABLE as NOT_AVAILABLE_SYMBOL
from pipeline.symbols import ZERO
from pipeline.years import display_year, previous_year

ROUNDING_NOTE = (
    "Percentages are rounded to whole numbers, so a column may not add up to exactly 100."
)
NOT_AVAILABLE = "not available"
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")


def round_half_up(value: float) -> int:
    """Whole number nearest to ``value``, halves away from zero (2.5 -> 3, -2.5 -> -3)."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent(value: float | None) -> str:
    """``57.14`` -> ``57%``; a missing value -> ``not available``."""
    if value is None:
        return NOT_AVAILABLE
    return f"{round_half_up(value)}%"


def change_phrase(change_pct: float | None) -> str:
    """Word a year-on-year change: "an increase of 30%", "a decrease of 18%", "no change"."""
    if change_pct is None:
        return NOT_AVAILABLE
    rounded = round_half_up(abs(change_pct))
    if change_pct == 0:
        return "no change"
    direction = "an increase" if change_pct > 0 else "a decrease"
    if rounded == 0:
        return f"{direction} of less than 1%"
    return f"{direction} of {rounded}%"


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """``1, 'panel'`` -> ``1 panel``; ``5, 'panel'`` -> ``5 panels``."""
    word = singular if n == 1 else (plural or f"{singular}s")
    return f"{n:,} {word}"


def rows(figures: pl.DataFrame, table: str, **dims: str | None) -> pl.DataFrame:
    """Rows of one figures table, filtered on equal dimension values (None = empty)."""
    frame = figures.filter(pl.col("table") == table)
    for column, value in dims.items():
        test = pl.col(column).is_null() if value is None else pl.col(column) == value
        frame = frame.filter(test)
    return frame


def count(figures: pl.DataFrame, table: str, **dims: str | None) -> int | None:
    """The single ``n`` of a figures row, or None when the row is absent."""
    frame = rows(figures, table, **dims)
    if frame.height == 0 or frame["n"][0] is None:
        return None
    return int(frame["n"][0])


def share(figures: pl.DataFrame, table: str, **dims: str | None) -> float | None:
    """The single ``pct`` of a figures row, or None when it is absent."""
    frame = rows(figures, table, **dims)
    if frame.height == 0 or frame["pct"][0] is None:
        return None
    return float(frame["pct"][0])


def year_on_year_sentence(figures: pl.DataFrame, year: str, category: str, noun: str) -> str:
    """E.g. "There were 91 statutory Stage 1 complaints in 2016/17, an increase of 30% ..."."""
    n = count(figures, "year_on_year", year=year, category=category)
    change = share(figures, "year_on_year", year=year, category=category)
    shown = display_year(year)
    previous = display_year(previous_year(year))
    if n is None:
        return f"The number of {noun} for {shown} is {NOT_AVAILABLE}."
    if change is None:
        return (
            f"There were {n:,} {noun} in {shown}. The change on {previous} is "
            f"{NOT_AVAILABLE} because the {previous} figure is not held."
        )
    return f"There were {n:,} {noun} in {shown}, {change_phrase(change)} on {previous}."


def pipe_table(
    frame: pl.DataFrame, align_right: Sequence[str] = (), widths: Sequence[int] | None = None
) -> str:
    """A Markdown pipe table of a small frame (cells shown as literal text, a missing value
    as the not-available symbol ``[x]``; a zero meant as "none" is passed in as ``-``).

    ``widths`` gives relative column widths (pandoc reads them from the dashes of the rule
    when a row is longer than a line), e.g. ``(2, 1, 1, 6)`` for a wide last column.
    """
    header = "| " + " | ".join(_cell(c) for c in frame.columns) + " |"
    dashes = [max(3, 4 * w) for w in widths] if widths else [3] * frame.width
    rule = (
        "|"
        + "|".join(
            "-" * d + ":" if c in align_right else ":" + "-" * d
            for c, d in zip(frame.columns, dashes, strict=True)
        )
        + "|"
    )
    body = [
        "| " + " | ".join(_cell(NOT_AVAILABLE_SYMBOL if v is None else v) for v in row) + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([header, rule, *body])


def _cell(value: object) -> str:
    return safe.markdown_text(value)


def zero_as_symbol(columns: Sequence[str]) -> pl.Expr:
    """Counts as text, a zero shown as the zero symbol ``-`` (a missing count stays
    missing, shown as ``[x]``)."""
    return pl.col(columns).cast(pl.String).replace("0", ZERO)


def symbols_note() -> str:
    """The one explanation of the symbols the report's tables use (pipeline.symbols)."""
    return (
        f"In the tables, {safe.markdown_text(ZERO)} means none (a count of zero) and "
        f"{safe.markdown_text(NOT_AVAILABLE_SYMBOL)} "
        "means the figure is not available, for example because an earlier year's report "
        "did not publish it."
    )


def percent_column(column: str, name: str | None = None) -> pl.Expr:
    """A percentage column shown as whole numbers rounded half up, e.g. ``57%`` (missing:
    the not-available symbol ``[x]``)."""
    whole = pl.col(column).round(0, mode="half_away_from_zero").cast(pl.Int64)
    return (whole.cast(pl.String) + "%").fill_null(NOT_AVAILABLE_SYMBOL).alias(name or column)


# ---------------------------------------------------------------- notebook output


def emit(markdown: str) -> None:
    """Show Markdown as a ``text/markdown`` output (never ``text/html``: see QUARTO_NOTES)."""
    from IPython.display import display

    display({"text/markdown": markdown}, raw=True)


def include_text(path: str | Path) -> str:
    """An analyst-edited Markdown file from ``report/text/``."""
    return Path(path).read_text(encoding="utf-8").strip() + "\n"


# ---------------------------------------------------------------- section texts


def feedback_summary(figures: pl.DataFrame, year: str) -> str:
    """What the chart of the year's feedback by type shows (its numbers are in the chart
    and its data table, so the sentence does not list them again)."""
    frame = rows(figures, "feedback_total", year=year).filter(pl.col("n").is_not_null())
    if frame.height == 0:
        return f"No feedback was recorded for {display_year(year)}."
    return (
        f"The chart shows every item of feedback recorded in {display_year(year)}, by type. "
        "Duty matters and Ombudsman decisions are broken down further later in the report."
    )


def years_table(
    figures: pl.DataFrame, table: str, year: str, value_title: str, **dims: str | None
) -> str:
    """A pipe table of one count per year (history and this year)."""
    frame = (
        rows(figures, table, **dims)
        .filter(pl.col("year") <= year, pl.col("n").is_not_null())
        .sort("year")
        .select(pl.col("year").str.replace("-", "/").alias("Year"), pl.col("n").alias(value_title))
    )
    return pipe_table(frame, align_right=[value_title])


def busiest_quarter_sentence(figures: pl.DataFrame, year: str, procedure: str) -> str:
    """Which quarter of the year received most Stage 1 complaints."""
    frame = rows(figures, "stage1_by_quarter", year=year, procedure=procedure)
    if frame.height == 0:
        return ""
    top = frame.sort(["n", "quarter"], descending=[True, False]).row(0, named=True)
    quarter = safe.markdown_text(top["quarter"])
    return f"The busiest quarter was {quarter}, with {top['n']} complaints received."


QUARTER_NAMES: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")


def team_quarter_tables(
    figures: pl.DataFrame | PublishedView,
    year: str,
    procedure: str,
    service_areas: Sequence[str],
) -> str:
    """One table per service area: teams by quarter, with totals ('-' for none).

    From the published view (contract 6.2) a held-back cell shows the view's symbol, and a
    withheld breakdown is one sentence. Teams come largest first; with disclosure control
    in the report's order, since an order by size would hint at the held-back counts.
    """
    view = as_view(figures, year)
    if view.is_withheld("stage1_by_team", procedure):
        return withheld_sentence(f"{procedure} Stage 1 complaints by service area and team")
    frame = rows(view.figures, "stage1_by_team", year=year, procedure=procedure)
    totals = rows(view.totals, "stage1_by_team", procedure=procedure)
    parts: list[str] = []
    for area in service_areas:
        area_rows = frame.filter(pl.col("service_area") == area)
        if area_rows.height == 0:
            continue
        cells = {(r["team"], r["quarter"]): r for r in area_rows.iter_rows(named=True)}
        sums = {
            (r["team"], r["quarter"]): r
            for r in totals.filter(pl.col("service_area") == area).iter_rows(named=True)
        }
        teams = list(dict.fromkeys(area_rows["team"].to_list()))
        if view.threshold is None:
            teams.sort(key=lambda t: -(sums[(t, None)]["n"] or 0))
        table = [
            [
                team,
                *(_shown(cells.get((team, q)), view.symbol) for q in QUARTERS),
                _shown(sums[(team, None)], view.symbol),
            ]
            for team in teams
        ]
        table.append(
            [
                "Total",
                *(_shown(sums.get((None, q)), view.symbol) for q in QUARTERS),
                _shown(sums[(None, None)], view.symbol),
            ]
        )
        wide = pl.DataFrame(table, schema=["Team", *QUARTERS, "Total"], orient="row")
        parts.append(f"{bold_line(area)}\n\n" + pipe_table(wide, align_right=wide.columns[1:]))
    return "\n\n".join(parts)


def nature_tables(
    figures: pl.DataFrame | PublishedView,
    year: str,
    procedure: str,
    service_areas: Sequence[str],
) -> str:
    """One table per service area: nature of complaint, number and share of the area
    (held-back cells show the view's symbol; a withheld breakdown is one sentence)."""
    view = as_view(figures, year)
    if view.is_withheld("stage1_nature", procedure):
        return withheld_sentence(f"the nature of {procedure} Stage 1 complaints by service area")
    frame = rows(view.figures, "stage1_nature", year=year, procedure=procedure)
    parts: list[str] = []
    for area in service_areas:
        area_rows = frame.filter(pl.col("service_area") == area)
        if view.threshold is None:
            area_rows = area_rows.sort(["n", "category"], descending=[True, False])
        if area_rows.height == 0:
            continue
        table = _published_columns(area_rows, "category", "Nature of complaint", view.symbol)
        table = table.rename({"Percentage": "Percentage of the service area"})
        numbers = ["Number", "Percentage of the service area"]
        parts.append(f"{bold_line(area)}\n\n" + pipe_table(table, align_right=numbers))
    return "\n\n".join(parts)


def history_share_table(
    figures: pl.DataFrame, table: str, year: str, procedure: str, order: Sequence[str]
) -> str:
    """Years as rows, categories as columns, whole-number percentages (``-`` when a year
    has no case of a category).

    Timescale bands are shown by their reader's names (:mod:`pipeline.report.labels`)."""
    if table in TIMESCALE_TABLES:
        limits = limits_in(order)
        stage = TIMESCALE_TABLES[table]
        figures = label_bands(rows(figures, table), {f"{stage}:{procedure}": limits})
        order = band_labels(order, limits)
    frame = (
        rows(figures, table, procedure=procedure)
        .filter(pl.col("year") <= year, pl.col("pct").is_not_null())
        .with_columns(
            pl.col("year").str.replace("-", "/").alias("Year"),
            percent_column("pct", "shown"),
        )
    )
    if frame.height == 0:
        return ""
    present = set(frame["category"].to_list())
    columns = [c for c in order if c in present] + sorted(present - set(order))
    wide = frame.pivot(on="category", index="Year", values="shown").sort("Year")
    wide = wide.select("Year", *columns).with_columns(pl.col(columns).fill_null(ZERO))
    return pipe_table(wide, align_right=columns)


def share_sentence(figures: pl.DataFrame, table: str, year: str, text: str, **dims: str) -> str:
    """Fill ``{n}`` and ``{pct}`` of a sentence from one figures row."""
    n = count(figures, table, year=year, **dims)
    pct = share(figures, table, year=year, **dims)
    return text.format(n=NOT_AVAILABLE if n is None else n, pct=percent(pct))


def stage2_progression_table(figures: pl.DataFrame, year: str) -> str:
    """Statutory Stage 2 investigations per year and the share of Stage 1 cases progressing."""
    frame = (
        rows(figures, "stage2_progression", procedure="statutory")
        .filter(pl.col("year") <= year)
        .sort("year")
        .select(
            pl.col("year").str.replace("-", "/").alias("Year"),
            pl.col("n").alias("Stage 2 investigations"),
            percent_column("pct", "Share of the year's Stage 1 complaints"),
        )
    )
    return pipe_table(frame, align_right=frame.columns[1:])


def service_count_table(
    figures: pl.DataFrame | PublishedView, table: str, year: str, value_title: str, **dims: str
) -> str:
    """Service area and count, largest first (in the report's order under disclosure
    control, held-back counts shown as the view's symbol)."""
    view = as_view(figures, year)
    if view.is_withheld(table, dims.get("procedure")):
        return withheld_sentence(WITHHELD_SUBJECTS.get(table, table).format(**dims))
    frame = rows(view.figures, table, year=year, **dims)
    if view.threshold is None:
        frame = frame.sort(["n", "service_area"], descending=[True, False])
    frame = frame.select(
        pl.col("service_area").alias("Service area"),
        _count_shown(view.symbol).alias(value_title),
    )
    return pipe_table(frame, align_right=[value_title])


def bold_line(name: object) -> str:
    """A name from the data as a bold line (a group heading within a section)."""
    return f"**{safe.markdown_text(name)}**"


def coverage_sentence(year: str, authority: str) -> str:
    """The period the report covers and the council that publishes it."""
    start = int(year[:4])
    return (
        f"This report covers {display_year(year)}: 1 April {start} to 31 March {start + 1}. "
        f"It is published by {safe.markdown_text(authority)}."
    )


def grouped_list(frame: pl.DataFrame, group: str, text: str, order: Sequence[str]) -> str:
    """Bulleted texts under a bold heading per group, groups in the given order."""
    parts: list[str] = []
    groups = [g for g in order if g in frame[group].to_list()]
    groups += sorted(set(frame[group].drop_nulls().to_list()) - set(groups))
    for name in groups:
        items = frame.filter(pl.col(group) == name)[text].to_list()
        bullets = "\n".join(f"- {safe.markdown_text(item, line_breaks=True)}" for item in items)
        parts.append(f"{bold_line(name)}\n\n{bullets}")
    return "\n\n".join(parts) if parts else "None this year."


def lgo_decisions_table(lgo: pl.DataFrame, with_team: bool = True) -> str:
    """The Ombudsman's decisions: team, status, finding and the published summary.

    ``with_team=False`` (under disclosure control) leaves the team out: one row per
    decision would otherwise count the decisions of each team.
    """
    frame = lgo.sort("service_area", "team", "finding").select(
        pl.col("team").alias("Team"),
        pl.col("status").alias("Status"),
        pl.col("finding").alias("Finding"),
        pl.col("summary").fill_null("Not applicable").alias("Summary of the decision"),
    )
    if not with_team:
        return pipe_table(frame.drop("Team").sort("Finding"), widths=(3, 4, 8))
    return pipe_table(frame, widths=(3, 3, 4, 8))


def read_figures(path: str | Path) -> pl.DataFrame:
    """Read ``figures.csv`` (or ``.parquet``) with the contract's column types."""
    path = Path(path)
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    text_columns = ["table", "year", "procedure", "service_area", "team", "category", "quarter"]
    schema = {c: pl.String for c in text_columns} | {
        "n": pl.Int64,
        "pct": pl.Float64,
        "value": pl.Float64,  # contract 1.4; absent from older files
    }
    frame = pl.read_csv(path, schema_overrides=schema)
    if "value" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("value"))
    return frame


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Push Markdown ATX headings down so included text nests under a report section."""
    return "\n".join(
        "#" * levels + line if line.startswith("#") else line for line in markdown.splitlines()
    )


def timescale_note(timescales: dict[str, Sequence[int]]) -> str:
    """The Stage 1 time limits from the reference data, in words."""
    parts = [
        f"{procedure} complaints: "
        + " and ".join(f"{limit} working days" for limit in limits)
        + (" (the first is the usual target, the last the limit)" if len(limits) > 1 else "")
        for procedure, limits in timescales.items()
    ]
    return "Stage 1 time limits used in this report: " + "; ".join(parts) + "."


def validation_text(path: str | Path | None) -> str:
    """The validation summary, nested under the appendix, or a note that there is none."""
    if path and Path(path).is_file():
        return demote_headings(Path(path).read_text(encoding="utf-8").strip(), levels=1)
    return (
        "The data quality summary is not available for this run: the report was produced "
        "without the validation step."
    )


# ---------------------------------------------------------------- contract 1.1 and key messages

STAGE2_NOUNS: dict[str, str] = {"statutory": "investigations", "corporate": "reviews"}
STAGE1_NAMES: dict[str, str] = {
    "statutory": "Stage 1 of the statutory children's complaints procedure",
    "corporate": "Stage 1 of its corporate complaints procedure",
}


def total(figures: pl.DataFrame, table: str, **dims: str | None) -> int | None:
    """The sum of ``n`` over the matching rows, or None when there are none."""
    frame = rows(figures, table, **dims).filter(pl.col("n").is_not_null())
    return int(frame["n"].sum()) if frame.height else None


def recorded(figures: pl.DataFrame, table: str, year: str, procedure: str) -> bool:
    """Whether the figures hold a contract 1.1 table for the year and procedure."""
    return rows(figures, table, year=year, procedure=procedure).height > 0


def out_of(n: int, base: int, noun: str, singular: str | None = None) -> str:
    """``8 of the 9 statutory investigations``; ``1 of 1 review`` for a base of one."""
    if base == 1:
        return f"{n:,} of 1 {singular or noun.rstrip('s')}"
    return f"{n:,} of the {base:,} {noun}"


def stage1_total_message(figures: pl.DataFrame, year: str, procedure: str) -> str:
    """The year's Stage 1 complaints of a procedure and the change on the previous year."""
    this_year = total(figures, "stage1_by_quarter", year=year, procedure=procedure)
    if not this_year:
        return ""
    previous = previous_year(year)
    before = total(figures, "stage1_by_quarter", year=previous, procedure=procedure)
    start = (
        f"The council received {count_phrase(this_year, 'complaint')} at "
        f"{STAGE1_NAMES[procedure]} in {display_year(year)}"
    )
    if before is None:
        return f"{start}; there is no {display_year(previous)} figure to compare with."
    if before == this_year:
        return f"{start}, the same number as in {display_year(previous)}."
    difference = abs(this_year - before)
    more = "more" if this_year > before else "fewer"
    category = f"{procedure.capitalize()} Stage 1"
    change = share(figures, "year_on_year", year=year, category=category)
    tail = f" ({change_phrase(change)})" if change is not None else ""
    return f"{start}, {difference:,} {more} than in {display_year(previous)}{tail}."


def stage1_time_limit_message(figures: pl.DataFrame, reference: Reference, year: str) -> str:
    """Stage 1 complaints answered within each procedure's last time limit."""
    parts = []
    for procedure in PROCEDURES:
        base = total(figures, "stage1_by_quarter", year=year, procedure=procedure)
        n = count(figures, "stage1_within_timescale", year=year, procedure=procedure)
        pct = share(figures, "stage1_within_timescale", year=year, procedure=procedure)
        if not base or n is None:
            continue
        limit = reference.timescales[procedure][-1]
        noun = f"{procedure} complaints"
        parts.append((f"{out_of(n, base, noun, f'{procedure} complaint')} ({percent(pct)})", limit))
    if not parts:
        return ""
    sentence = _each_within(parts, "answered within the time limit of")
    return sentence[0].upper() + sentence[1:] + "."


def stage2_time_limit_message(figures: pl.DataFrame, reference: Reference, year: str) -> str:
    """Stage 2 escalations completed within the last limit, where recorded."""
    parts = []
    for procedure in PROCEDURES:
        if not recorded(figures, "stage2_within_timescale", year, procedure):
            continue
        base = count(figures, "stage2_by_year", year=year, procedure=procedure)
        n = count(figures, "stage2_within_timescale", year=year, procedure=procedure)
        pct = share(figures, "stage2_within_timescale", year=year, procedure=procedure)
        if not base or n is None:
            continue
        noun = f"{procedure} {STAGE2_NOUNS[procedure]}"
        limit = reference.stage2_timescales[procedure][-1]
        parts.append((f"{out_of(n, base, noun)} ({percent(pct)})", limit))
    if not parts:
        return ""
    return f"At Stage 2, {_each_within(parts, 'completed within')}."


def _each_within(parts: Sequence[tuple[str, int]], verb: str) -> str:
    """``A were <verb> L working days, and B within M working days``: one clause per
    procedure, each with its own last limit."""
    (first, limit), *rest = parts
    more = "".join(f", and {text} within {other} working days" for text, other in rest)
    return f"{first} were {verb} {limit} working days{more}"


def upheld_message(figures: pl.DataFrame, upheld_outcomes: Sequence[str], year: str) -> str:
    """Stage 1 complaints upheld in full or in part (the outcomes marked ``upheld``)."""
    parts = []
    for procedure in PROCEDURES:
        frame = rows(figures, "stage1_outcome", year=year, procedure=procedure)
        base = total(figures, "stage1_by_quarter", year=year, procedure=procedure)
        if not base or not upheld_outcomes:
            continue
        upheld = frame.filter(pl.col("category").is_in(list(upheld_outcomes)))
        n = int(upheld["n"].sum())
        pct = float(upheld["pct"].sum()) if upheld.height else 0.0
        parts.append((procedure, n, base, pct))
    if not parts:
        return ""
    (procedure, n, base, pct), *rest = parts
    sentence = (
        f"Of the {base:,} {procedure} complaints, {n:,} ({percent(pct)}) were upheld "
        "in full or in part"
    )
    for procedure, n, base, pct in rest:
        sentence += f", as were {n:,} of the {base:,} {procedure} complaints ({percent(pct)})"
    return sentence + "."


def ombudsman_message(figures: pl.DataFrame, year: str, reference: Reference) -> str:
    """The Ombudsman's upheld rate (contract 7.3): fault as a share of the decisions made
    after a detailed investigation, with the number of decisions of every kind beside it."""
    decisions = count(figures, "feedback_total", year=year, category="Ombudsman")
    if decisions is None:
        return ""
    if decisions == 0:
        return "The Ombudsman made no decisions about the council's children's services."
    investigated = count(figures, "lgo_investigated", year=year) or 0
    kinds = lgo_kinds_phrase(figures, year, reference)
    if investigated == 0:
        return (
            f"The Ombudsman made {count_phrase(decisions, 'decision')} about the council's "
            "children's services and investigated none of them in detail, so none decided "
            f"whether the council was at fault. Its decisions: {kinds}."
        )
    fault = count(figures, "lgo_upheld_rate", year=year) or 0
    pct = share(figures, "lgo_upheld_rate", year=year)
    return (
        f"The Ombudsman investigated {count_phrase(investigated, 'complaint')} about the "
        "council's children's services in detail and found fault in "
        f"{fault:,} of {investigated:,} ({percent(pct)}). "
        f"Its {count_phrase(decisions, 'decision')}: {kinds}."
    )


def lgo_kinds_phrase(figures: pl.DataFrame, year: str, reference: Reference) -> str:
    """Every kind of Ombudsman decision with its number, investigated ones first: "after
    an investigation, No Fault (9) and ...; without one, Refusal to Investigate (9) and
    Premature Complaint (5), which decide nothing about fault"."""
    frame = rows(figures, "lgo_by_finding", year=year).filter(pl.col("n") > 0)
    found = dict(zip(frame["category"].to_list(), frame["n"].to_list(), strict=True))
    order = [*reference.lgo_finding_names, *sorted(set(found) - set(reference.lgo_finding_names))]
    investigated = set(reference.investigated_findings)

    def listed(names: list[str]) -> str:
        return and_list([f"{safe.markdown_text(name)} ({found[name]:,})" for name in names])

    after = [name for name in order if name in found and name in investigated]
    without = [name for name in order if name in found and name not in investigated]
    parts = []
    if after:
        parts.append(f"after an investigation, {listed(after)}")
    if without:
        verb = "decides" if sum(found[name] for name in without) == 1 else "decide"
        parts.append(f"without one, {listed(without)}, which {verb} nothing about fault")
    return "; ".join(parts)


def ombudsman_section(figures: pl.DataFrame, year: str, reference: Reference) -> str:
    """The opening of the Ombudsman section: the decisions, how many were investigated in
    detail, fault as a share of those (the Ombudsman's own upheld rate) and, for
    continuity with earlier reports, fault as a share of all decisions."""
    decisions = count(figures, "feedback_total", year=year, category="Ombudsman")
    if not decisions:
        return "The Ombudsman made no decisions about the council's children's services this year."
    investigated = count(figures, "lgo_investigated", year=year) or 0
    investigated_pct = share(figures, "lgo_investigated", year=year)
    fault = count(figures, "lgo_upheld_rate", year=year) or 0
    upheld_pct = share(figures, "lgo_upheld_rate", year=year)
    all_pct = share(figures, "lgo_fault_found", year=year)
    made = count_phrase(decisions, "decision")
    paragraphs = [
        f"The Ombudsman made {made} about the council's children's services this year. "
        f"Of these, {investigated:,} ({percent(investigated_pct)}) followed a detailed "
        "investigation. The others (such as a refusal to investigate, a complaint sent back to the "
        "council as premature, an investigation only just started) decide nothing about "
        "whether the council was at fault.",
    ]
    if investigated:
        paragraphs.append(
            f"The Ombudsman found fault in {fault:,} of the {investigated:,} complaints it "
            f"investigated ({percent(upheld_pct)}). This is the basis of the upheld rate the "
            "Ombudsman publishes for every council. Counted over all "
            f"{made}, as earlier reports did, fault was found in {percent(all_pct)}."
        )
    paragraphs.append(f"The decisions by kind: {lgo_kinds_phrase(figures, year, reference)}.")
    return "\n\n".join(paragraphs)


def children_message(figures: pl.DataFrame, year: str) -> str:
    """Statutory complaints made by children and young people, where recorded."""
    if not recorded(figures, "stage1_by_child", year, "statutory"):
        return ""
    return children_sentence(figures, year, "statutory", "statutory complaint")


def children_sentence(figures: pl.DataFrame, year: str, procedure: str, noun: str) -> str:
    """How many of the procedure's Stage 1 complaints (``noun``, singular) children and
    young people made, with the share and the previous year's share where held."""
    base = total(figures, "stage1_by_quarter", year=year, procedure=procedure) or 0
    n = count(figures, "stage1_by_child", year=year, procedure=procedure) or 0
    pct = share(figures, "stage1_by_child", year=year, procedure=procedure)
    before = _previous_share(figures, "stage1_by_child", year, procedure)
    return (
        "Children and young people, or advocates speaking for them, made "
        f"{out_of(n, base, f'{noun}s', noun)} ({percent(pct)}{before})."
    )


def _previous_share(figures: pl.DataFrame, table: str, year: str, procedure: str) -> str:
    """``, against 18% in 2015/16`` when the history holds the previous year's share."""
    previous = previous_year(year)
    pct = share(figures, table, year=previous, procedure=procedure)
    return "" if pct is None else f", against {percent(pct)} in {display_year(previous)}"


def key_messages(figures: pl.DataFrame, reference: Reference, year: str) -> list[str]:
    """The year's main facts in plain sentences, for the top of the report.

    Stage 1 totals with the change on the previous year, the share answered within the
    time limit (Stage 1, and Stage 2 where recorded), the share upheld or partly upheld,
    the Ombudsman's decisions with the share finding fault, and the share of statutory
    complaints made by children and young people where recorded: five to seven sentences.
    """
    messages = [
        stage1_total_message(figures, year, "statutory"),
        stage1_total_message(figures, year, "corporate"),
        stage1_time_limit_message(figures, reference, year),
        stage2_time_limit_message(figures, reference, year),
        upheld_message(figures, reference.upheld_outcomes, year),
        ombudsman_message(figures, year, reference),
        children_message(figures, year),
        actions_message(figures, reference, year),  # contract 1.4, where recorded
        benchmark_message(figures, year),  # contract 1.4, where given
    ]
    return [message for message in messages if message]


def key_messages_of(figures: str | Path, reference: str | Path, year: str) -> list[str]:
    """:func:`key_messages` from a figures file and a reference file (for the PDF cover),
    through the published view like every other output."""
    from pipeline.inputs.reference import load_reference
    from pipeline.report.disclosure import published_view

    ref = load_reference(reference)
    view = published_view(read_figures(figures), ref, year)
    return key_messages(view.figures, ref, year)


def bullet_list(items: Sequence[str]) -> str:
    """Markdown bullets, one per sentence."""
    return "\n".join(f"- {item}" for item in items)


# ---------------------------------------------------------------- sections of contract 1.1


# What a section reports when its inputs are absent, in the reader's terms (a committee
# paper never tells the analyst which column to add: validation does that). {year} is
# the year as shown (2016/17).
MISSING_INPUTS: dict[str, str] = {
    "complainant": "The council did not record who made each complaint in {year}.",
    "statutory_stage2": (
        "The council did not measure the time taken to complete statutory Stage 2 "
        "investigations against a time limit in {year}."
    ),
    "corporate_stage2": (
        "The council did not measure the time taken to complete corporate Stage 2 reviews "
        "against a time limit in {year}."
    ),
}


def not_recorded_sentence(what: str, year: str) -> str:
    """One sentence for a section whose inputs are absent: what the council did not
    record (``what`` is a key of MISSING_INPUTS)."""
    return MISSING_INPUTS[what].format(year=display_year(year))


def complainant_sentence(figures: pl.DataFrame, year: str, procedure: str) -> str:
    """Who made the procedure's Stage 1 complaints, or that it was not recorded."""
    if not recorded(figures, "stage1_by_complainant", year, procedure):
        return not_recorded_sentence("complainant", year)
    sentence = children_sentence(figures, year, procedure, f"{procedure} Stage 1 complaint")
    unknown = count(
        figures, "stage1_by_complainant", year=year, procedure=procedure, category=NOT_RECORDED
    )
    if unknown:
        sentence += f" Who complained was not recorded for {count_phrase(unknown, 'complaint')}."
    return sentence


def response_days_sentence(figures: pl.DataFrame, year: str, procedure: str) -> str:
    """The median working days to answer a Stage 1 complaint, with the previous year's."""
    median = count(figures, "stage1_response_days", year=year, procedure=procedure)
    if median is None:
        return "No complaint was answered this year, so there is no median response time."
    sentence = (
        f"The median time to answer a complaint was {count_phrase(median, 'working day')}: "
        "half of the answered complaints took this long or less."
    )
    previous = previous_year(year)
    before = count(figures, "stage1_response_days", year=previous, procedure=procedure)
    if before is not None:
        sentence += f" In {display_year(previous)} it was {count_phrase(before, 'working day')}."
    return sentence


def stage2_time_sentence(
    figures: pl.DataFrame, reference: Reference, year: str, procedure: str
) -> str:
    """Stage 2 escalations completed within the limits, or that they were not measured."""
    if not recorded(figures, "stage2_within_timescale", year, procedure):
        return not_recorded_sentence(f"{procedure}_stage2", year)
    noun = STAGE2_NOUNS[procedure]
    base = count(figures, "stage2_by_year", year=year, procedure=procedure) or 0
    if base == 0:
        return f"There were no {procedure} Stage 2 {noun} this year."
    limits = reference.stage2_timescales[procedure]
    n = count(figures, "stage2_within_timescale", year=year, procedure=procedure) or 0
    pct = share(figures, "stage2_within_timescale", year=year, procedure=procedure)
    before = _previous_share(figures, "stage2_within_timescale", year, procedure)
    sentence = (
        f"{out_of(n, base, f'{procedure} Stage 2 {noun}')} ({percent(pct)}{before}) were "
        f"completed within {limits[-1]} working days"
    )
    sentence = sentence[0].upper() + sentence[1:]
    if len(limits) > 1:
        band = f"Within {limits[0]} Working Days"
        first = count(figures, "stage2_timescale", year=year, procedure=procedure, category=band)
        first_pct = share(
            figures, "stage2_timescale", year=year, procedure=procedure, category=band
        )
        sentence += f", and {first or 0:,} ({percent(first_pct or 0.0)}) within {limits[0]}"
    return sentence + "."


def further_definitions(reference: Reference) -> str:
    """Methodology for Stage 2 time limits, who complained and the median response time."""
    parts = ["## Stage 2 time limits", ""]
    if reference.stage2_timescales:
        limits = "; ".join(
            f"{procedure} Stage 2 {STAGE2_NOUNS[procedure]}: "
            + " and ".join(f"{limit} working days" for limit in limits)
            for procedure, limits in reference.stage2_timescales.items()
        )
        parts.append(
            "Stage 2 time is counted in working days, as at Stage 1, from the day after an "
            "investigation or review was commissioned up to and including the day the "
            "council's response was sent, even when that was after 31 March. One still open "
            "on 31 March counts as over the time limit once its last limit has passed, and "
            f"as still ongoing before that. Limits used in this report: {limits}. The "
            "regulations expect a statutory investigation to finish within 25 working days "
            "and allow at most 65."
        )
    else:
        parts.append(
            "This report shows no Stage 2 time limits: the council did not measure Stage 2 "
            "investigations and reviews against a time limit this year."
        )
    parts += ["", "## Who complained", ""]
    types = reference.complainant_type_names
    if types:
        children = reference.child_complainant_types
        parts.append(
            "Each Stage 1 complaint records who made it: "
            + and_list([safe.markdown_text(t) for t in types])
            + ". Complaints made by "
            + (and_list([safe.markdown_text(t) for t in children]) if children else "none of these")
            + " count as made by children and young people. A complaint without this "
            f"record is shown as {NOT_RECORDED}."
        )
    else:
        parts.append(
            "The council did not record who made each complaint, so the report does not say "
            "who complained."
        )
    parts += [
        "",
        "## Median response time",
        "",
        "The median response time is the middle value of the working days taken to answer "
        "each answered Stage 1 complaint, when they are put in order. With an even number "
        "of complaints it is the average of the two middle values, rounded half up. "
        "Complaints not yet answered, withdrawn or closed without a response are left out.",
    ]
    return "\n".join(parts)


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------- contract 1.3: the published view


def as_view(figures: pl.DataFrame | PublishedView, year: str) -> PublishedView:
    """The published view: as given, or every figure published for plain figures."""
    return figures if isinstance(figures, PublishedView) else unsuppressed_view(figures, year)


def _shown(row: dict | None, symbol: str) -> object:
    """One count of a row as the table shows it: the symbol when held back, the zero
    symbol for none (no row is a count of zero)."""
    if row is None:
        return ZERO
    if row.get("suppressed"):
        return symbol
    return row["n"] or ZERO


def _count_shown(symbol: str) -> pl.Expr:
    """``n`` as text: the symbol where held back, the zero symbol for none."""
    return (
        pl.when(pl.col("suppressed"))
        .then(pl.lit(symbol))
        .otherwise(pl.col("n").cast(pl.String).replace("0", ZERO))
    )


def _published_columns(frame: pl.DataFrame, category: str, title: str, symbol: str) -> pl.DataFrame:
    """Category, number and whole-number percentage, held-back cells as the symbol."""
    pct = percent_column("pct", "Percentage")
    return frame.select(
        pl.col(category).alias(title),
        _count_shown(symbol).alias("Number"),
        pl.when(pl.col("suppressed")).then(pl.lit(symbol)).otherwise(pct).alias("Percentage"),
    )


# What a withheld breakdown is about, by table ({procedure} filled in).
WITHHELD_SUBJECTS: dict[str, str] = {
    "stage2_by_service": "{procedure} Stage 2 complaints by service area",
    "stage2_by_team": "{procedure} Stage 2 complaints by team",
    "stage3_by_service": "review panels by service area",
    "compliments_by_service": "compliments by service area",
    "lgo_by_team": "Ombudsman decisions by team",
    "stage1_by_complainant": "{procedure} Stage 1 complaints by who complained",
    "stage1_by_age": "{procedure} Stage 1 complaints by the child's age",
    "stage1_by_gender": "{procedure} Stage 1 complaints by the child's gender",
    "stage1_by_ethnicity": "{procedure} Stage 1 complaints by the child's ethnicity",
    "stage1_by_disability": "{procedure} Stage 1 complaints by whether the child is disabled",
}
# The tables of "Who the complaints were about": table -> (reference key, what it shows)
EQUALITIES_SECTIONS: dict[str, tuple[str, str]] = {
    "stage1_by_age": ("age_bands", "Age of the child"),
    "stage1_by_gender": ("gender", "Gender of the child"),
    "stage1_by_ethnicity": ("ethnicity", "Ethnicity of the child"),
    "stage1_by_disability": ("disability", "Disability"),
}


def withheld_sentence(subject: str) -> str:
    """The one sentence a withheld breakdown gets (contract 6.2)."""
    return (
        f"The breakdown of {subject} is withheld because its numbers are small: publishing "
        "it could identify a child."
    )


def is_withheld(figures: pl.DataFrame | PublishedView, table: str, procedure: str | None) -> bool:
    """Whether a breakdown is withheld in the view (never for plain figures)."""
    return isinstance(figures, PublishedView) and figures.is_withheld(table, procedure)


def held_back_note(view: PublishedView, table: str, year: str, procedure: str | None = None) -> str:
    """Under a chart: held-back values are left out of it (empty when none is)."""
    frame = rows(view.figures, table, year=year)
    if procedure is not None:
        frame = frame.filter(pl.col("procedure") == procedure)
    if view.is_withheld(table, procedure) or not frame["suppressed"].any():
        return ""
    return (
        "Small numbers, and any that would let them be worked out, are held back: they are "
        "left out of the chart and of its data."
    )


def symbol_note(view: PublishedView) -> str:
    """The one note saying what the symbol means (empty when nothing is held back)."""
    if view.threshold is None or not (view.held_back or view.withheld):
        return ""
    return (
        f"{safe.markdown_text(view.symbol)} in a table means the number is held back to "
        f"protect the children concerned: it is from 1 to {view.threshold - 1}, or it would "
        "let such a number be worked out."
    )


def equalities_table(
    view: PublishedView, reference: Reference, table: str, year: str, procedure: str
) -> str:
    """One table of who the complaints were about: every category in the reference's
    order, ``Not Recorded`` last, numbers and shares (held back: the symbol)."""
    from pipeline.metrics.equalities import categories

    key, title = EQUALITIES_SECTIONS[table]
    frame = rows(view.figures, table, year=year, procedure=procedure)
    order = pl.DataFrame({"category": categories(reference, key)})
    frame = order.join(frame, on="category", how="left", maintain_order="left").with_columns(
        pl.col("suppressed").fill_null(False)
    )
    shown = _published_columns(frame, "category", title, view.symbol).rename(
        {"Percentage": f"Percentage of {procedure} complaints"}
    )
    return pipe_table(shown, align_right=shown.columns[1:])


def equalities_sentence(
    view: PublishedView, reference: Reference, table: str, year: str, procedure: str
) -> str:
    """One sentence for a table of who the complaints were about, naming only published
    numbers: the largest group shown and how many complaints did not record it."""
    key, title = EQUALITIES_SECTIONS[table]
    subject = WITHHELD_SUBJECTS[table].format(procedure=procedure)
    if not recorded(view.figures, table, year, procedure):
        return f"The council did not record the {title.lower()} in {display_year(year)}."
    if view.is_withheld(table, procedure):
        return withheld_sentence(subject)
    shown = rows(view.figures, table, year=year, procedure=procedure).filter(
        pl.col("n").is_not_null(), pl.col("category") != NOT_RECORDED
    )
    base = total(view.figures, "stage1_by_quarter", year=year, procedure=procedure) or 0
    if shown.height == 0:
        return f"Every published number in the breakdown of {subject} is shown in the table."
    top = shown.sort(["n", "category"], descending=[True, False]).row(0, named=True)
    noun = f"{procedure} Stage 1 complaints"
    return (
        f"The largest group shown is {safe.markdown_text(top['category'])}: "
        f"{out_of(top['n'], base, noun, f'{procedure} Stage 1 complaint')} "
        f"({percent(top['pct'])})."
    )


def disclosure_methodology(view: PublishedView) -> str:
    """The methodology's sentence on what was held back and why (contract 6.2)."""
    if view.threshold is None:
        return (
            "## Small numbers\n\nEvery count is published: no small number was held back "
            "in this report."
        )
    withheld = len(view.withheld)
    return (
        "## Small numbers\n\n"
        f"To protect the children concerned, {count_phrase(view.held_back, 'number')} in "
        f"the tables of teams, service areas and who complained or who the complaints were "
        f"about {'was' if view.held_back == 1 else 'were'} held back: each count from 1 to "
        f"{view.threshold - 1}, and the fewest others that would let one be worked out from "
        "the totals beside it; "
        + (
            f"{count_phrase(withheld, 'breakdown')} {'was' if withheld == 1 else 'were'} "
            "withheld whole, because its numbers are small and only a figure for the whole "
            "council, which is always published, could otherwise have protected them. "
            if withheld
            else "no breakdown had to be withheld whole. "
        )
        + "Figures for the whole council are always published."
    )


def equalities_intro(view: PublishedView, reference: Reference, year: str) -> str:
    """What the section on who the complaints were about shows, or that the council did
    not record it (in the reader's terms: a committee paper gives no set-up instructions)."""
    tables = [t for t in EQUALITIES_SECTIONS if rows(view.figures, t, year=year).height]
    if not tables:
        return (
            "The council did not record the age, gender, ethnicity or disability of the "
            f"children the complaints were about in {display_year(year)}, so this report "
            "cannot say who they were."
        )
    return (
        "These tables describe the children and young people each Stage 1 complaint was "
        "about, as the case records hold them. A case without the detail is counted as "
        f"{NOT_RECORDED}."
    )


def equalities_block(
    view: PublishedView, reference: Reference, table: str, year: str, procedure: str
) -> str:
    """One procedure's part of a table of who the complaints were about: its heading, one
    sentence and the table (the sentence alone when withheld or not recorded)."""
    heading = f"**{procedure.capitalize()} Stage 1 complaints**"
    sentence = equalities_sentence(view, reference, table, year, procedure)
    if view.is_withheld(table, procedure) or not recorded(view.figures, table, year, procedure):
        return f"{heading}\n\n{sentence}"
    shown = equalities_table(view, reference, table, year, procedure)
    return f"{heading}\n\n{sentence}\n\n{shown}"


def recorded_equalities(view: PublishedView, year: str, table: str) -> bool:
    """Whether the figures hold a table of who the complaints were about this year."""
    return rows(view.figures, table, year=year).height > 0


# ---------------------------------------------------------------- sections of contract 1.4
# Money is shown in whole pounds (``£1,234``), rates to one decimal place; the spreadsheet
# keeps pounds to the penny. Each sentence is empty when its table is absent.


def money(pounds: float) -> str:
    """``1450.5`` -> ``£1,451``: whole pounds, halves up, thousands commas."""
    whole = Decimal(str(pounds)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"£{int(whole):,}"


def one_decimal(value: float) -> str:
    """``3.45`` -> ``3.5``: one decimal place, halves up."""
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def long_date(day: date) -> str:
    """``2017-04-30`` -> ``30 April 2017``."""
    return f"{day.day} {day:%B %Y}"


def actions_noun(procedure: str) -> str:
    """What the procedure's actions followed: investigations and panels, or reviews."""
    if procedure == "statutory":
        return "statutory Stage 2 investigations and Stage 3 review panels"
    return "corporate Stage 2 reviews"


def actions_status_sentence(
    figures: pl.DataFrame, reference: Reference, year: str, procedure: str
) -> str:
    """Every action agreed after the procedure's escalations and how many were completed
    by the follow-up date, overdue or still open (published or not)."""
    from pipeline.metrics.benchmark import actions_as_at

    frame = rows(figures, "actions_status", year=year, procedure=procedure)
    if frame.height == 0:
        return ""
    n = {r["category"]: r["n"] for r in frame.iter_rows(named=True)}
    pct = {r["category"]: r["pct"] for r in frame.iter_rows(named=True)}
    agreed = sum(n.values())
    when = long_date(actions_as_at(reference, year))

    def were(count: int, what: str) -> str:
        return f"{count:,} {'was' if count == 1 else 'were'} {what}"

    parts = [
        f"{n.get('Completed', 0):,} ({percent(pct.get('Completed'))}) had been completed",
        were(n.get("Overdue", 0), "overdue"),
        were(n.get("Open", 0), "open and not yet due"),
    ]
    undated = n.get("No Due Date", 0)
    if undated:
        parts.append(f"{undated:,} {'has' if undated == 1 else 'have'} no due date")
    return (
        f"{count_phrase(agreed, 'action was', 'actions were')} agreed after "
        f"{actions_noun(procedure)} this year, published or not. By {when}, "
        f"{and_list(parts)}."
    )


def payments_sentence(figures: pl.DataFrame, year: str, procedure: str) -> str:
    """Stage 1 complaints of the procedure with a payment and the total paid."""
    frame = rows(figures, "remedy_payments", year=year, procedure=procedure)
    if frame.height == 0:
        return ""
    n, paid = frame["n"][0] or 0, frame["value"][0] or 0.0
    if n == 0:
        return f"No payment was made on a {procedure} Stage 1 complaint this year."
    cases = count_phrase(n, f"{procedure} Stage 1 complaint")
    return f"Payments were made on {cases}, {money(paid)} in total."


def rate_sentence(figures: pl.DataFrame, reference: Reference, year: str, procedure: str) -> str:
    """Stage 1 complaints per 10,000 children living in the area, with the source."""
    frame = rows(figures, "stage1_rate", year=year, procedure=procedure)
    if frame.height == 0 or reference.population is None or frame["value"][0] is None:
        return ""
    population = reference.population
    return (
        f"There were {one_decimal(frame['value'][0])} {procedure} Stage 1 complaints for "
        f"every 10,000 children living in the area ({population.children:,} children aged 0 to 17; "
        f"source: {safe.markdown_text(population.source)})."
    )


def benchmark_shares(figures: pl.DataFrame, year: str) -> dict[str, tuple[int, float | None]]:
    """``lgo_benchmark`` rows: category -> (decisions, upheld share)."""
    frame = rows(figures, "lgo_benchmark", year=year)
    return {r["category"]: (r["n"], r["pct"]) for r in frame.iter_rows(named=True)}


def benchmark_sentence(figures: pl.DataFrame, year: str) -> str:
    """The council's upheld rate in the Ombudsman's own figures, against similar councils
    and all councils (sums over the councils, not an average of their rates)."""
    shares = benchmark_shares(figures, year)
    if "This Council" not in shares:
        return ""
    (own_n, own), (similar_n, similar), (all_n, every) = (
        shares.get(c, (0, None)) for c in ("This Council", "Similar Councils", "All Councils")
    )
    return (
        "In the Ombudsman's published figures for the year, it upheld "
        f"{percent(own)} of the {own_n:,} complaints about the council that it investigated "
        f"in detail. For similar councils (the same type of council, this one left out) it "
        f"upheld {percent(similar)} of {similar_n:,}, and for all councils {percent(every)} "
        f"of {all_n:,}."
    )


def actions_message(figures: pl.DataFrame, reference: Reference, year: str) -> str:
    """Key message: agreed actions completed by the follow-up date, where recorded."""
    from pipeline.metrics.benchmark import actions_as_at

    frame = rows(figures, "actions_status", year=year)
    agreed = int(frame["n"].sum()) if frame.height else 0
    if agreed == 0:
        return ""
    done = int(frame.filter(pl.col("category") == "Completed")["n"].sum())
    overdue = int(frame.filter(pl.col("category") == "Overdue")["n"].sum())
    when = long_date(actions_as_at(reference, year))
    share_done = percent(done * 100.0 / agreed)
    return (
        f"Of the {count_phrase(agreed, 'action')} agreed after Stage 2 and Stage 3, "
        f"{done:,} ({share_done}) had been completed by {when} and {overdue:,} were overdue."
    )


def benchmark_message(figures: pl.DataFrame, year: str) -> str:
    """Key message: the Ombudsman's upheld rate against similar and all councils."""
    shares = benchmark_shares(figures, year)
    if "This Council" not in shares:
        return ""
    own = shares["This Council"][1]
    similar = shares.get("Similar Councils", (0, None))[1]
    every = shares.get("All Councils", (0, None))[1]
    return (
        f"The Ombudsman upheld {percent(own)} of the complaints about the council it "
        f"investigated in detail, against {percent(similar)} for similar councils and "
        f"{percent(every)} for all councils."
    )


def five_years_sentence(figures: pl.DataFrame, year: str) -> str:
    """What the five-year chart shows and where its earlier years come from."""
    from pipeline.symbols import NOT_AVAILABLE as SYMBOL

    held = sorted(
        figures.filter(pl.col("year") <= year, pl.col("table") == "stage1_by_quarter")["year"]
        .unique()
        .to_list()
    )[-5:]
    if len(held) <= 1:
        return (
            f"Earlier years' figures are not held, so only {display_year(year)} is shown. "
            "The comparison grows as each year's figures are kept."
        )
    return (
        f"The main measures of the last {len(held)} years, {display_year(held[0])} to "
        f"{display_year(held[-1])}: earlier years come from the figures the council "
        f"published then. A measure a year's figures do not hold is shown as "
        f"{safe.markdown_text(SYMBOL)} "
        "(not available)."
    )
