"""Charts for the annual report: the Analysis Function theme and one builder per chart.

Every builder takes the figures frame (contract section 2) and the reporting year, reshapes
and sorts it (never recomputes a metric) and returns a :class:`ReportChart`: the Altair chart,
a headline title stating the message, a statistical subtitle, alt text, a text description
and the chart's numbers as a table. ``chart_markdown`` turns one into a ``text/markdown``
output that serves both renderers: a raw HTML block (the spec as a JSON data block that the
page's one chart loader draws, tooltips on) and a raw Typst block (the static SVG written by
vl-convert, with alt text). In both, each chart is shown once: the headline and subtitle as
its caption (text, not part of the drawing), the drawing, and one data table; the long
description is for screen readers only. Every text in them goes through
:mod:`pipeline.publish.safe`.

Colour follows the UK Government Analysis Function categorical palette, used in its order.
WCAG contrast ratios between neighbours in that order are 3.24, 3.09, 3.23, 3.59 and 3.52,
so any two colours used next to each other meet 3:1 (``contrast_ratio`` checks it; each
colour also has at least 3:1 against the white background). Colour is never the only cue:
bars carry their values as text, small multiples are titled by year, the Ombudsman
chart names fault findings in its legend and categories keep a fixed order.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import altair as alt
import polars as pl
import vl_convert as vlc

from pipeline.inputs.reference import NOT_RECORDED
from pipeline.publish import safe
from pipeline.report.disclosure import PublishedView
from pipeline.report.labels import band_labels, label_bands, limits_in
from pipeline.report.narrative import (
    EQUALITIES_SECTIONS,
    WITHHELD_SUBJECTS,
    and_list,
    change_phrase,
    held_back_note,
    percent,
    percent_column,
    rows,
    withheld_sentence,
)
from pipeline.run.memo import write_converted
from pipeline.symbols import NOT_AVAILABLE as NOT_AVAILABLE_SYMBOL
from pipeline.years import display_year, previous_year

PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TEXT_COLOUR = "#0B0C0C"
GRID_COLOUR = "#D9D9D9"
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
WIDTH = 520
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
TEXT_SIZE = 14  # px: every text of a chart (10.5 pt on paper, the size of the body text)
LABEL_WRAP = 36  # characters per line of an axis label
NARROW_LABEL_WRAP = 18  # ... when the chart is drawn on a narrow screen
SVG_CONVERTER = f"vl-convert-python {metadata.version('vl-convert-python')}"


@alt.theme.register("analysis_function", enable=True)
def analysis_function_theme() -> alt.theme.ThemeConfig:
    """Analysis Function style: palette in order, left-aligned titles, light grid, Arial."""
    return {
        "config": {
            "background": "#FFFFFF",
            "font": FONT,
            "range": {"category": list(PALETTE)},
            "mark": {"color": PALETTE[0]},
            "bar": {"color": PALETTE[0]},
            "line": {"strokeWidth": 3},
            "title": {
                "anchor": "start",
                "fontSize": 16,
                "fontWeight": "bold",
                "color": TEXT_COLOUR,
                "subtitleFontSize": 13,
                "subtitleColor": TEXT_COLOUR,
                "subtitlePadding": 6,
                "offset": 14,
            },
            "axis": {
                "labelFontSize": TEXT_SIZE,
                "titleFontSize": TEXT_SIZE,
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "gridColor": GRID_COLOUR,
                "domainColor": "#6F777B",
                "tickColor": "#6F777B",
                "labelLimit": 320,
            },
            "legend": {
                "labelFontSize": TEXT_SIZE,
                "titleFontSize": TEXT_SIZE,
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "orient": "top",
            },
            "text": {"fontSize": TEXT_SIZE, "color": TEXT_COLOUR},
            "view": {"stroke": None},
        }
    }


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class ReportChart:
    """One chart with everything a reader without sight of it needs."""

    id: str
    chart: alt.TopLevelMixin
    title: str
    subtitle: str
    alt_text: str
    description: str
    table: pl.DataFrame

    def spec(self) -> dict:
        """The Vega-Lite specification, data inline."""
        return self.chart.to_dict()


# ---------------------------------------------------------------- building blocks


def chart_title(headline: str, subtitle: str) -> alt.Title:
    """Headline and subtitle wrapped so a long title never widens the chart."""
    return alt.Title(textwrap.wrap(headline, 64), subtitle=textwrap.wrap(subtitle, 80))


def _with_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``label``: "64" or "64 (30%)" when a percentage is known."""
    shown = percent_column("pct", "pct_shown")
    return frame.with_columns(shown).with_columns(
        pl.when(pl.col("pct").is_null())
        .then(pl.col("n").cast(pl.String))
        .otherwise(pl.col("n").cast(pl.String) + " (" + pl.col("pct_shown") + ")")
        .alias("label")
    )


def _hbar(
    frame: pl.DataFrame,
    category: str,
    title: str,
    subtitle: str,
    axis_title: str,
    *,
    colour: alt.Color | None = None,
    order: Sequence[str] | None = None,
) -> alt.Chart:
    """Horizontal bars of ``n`` by ``category``, each labelled with its value."""
    data = _with_labels(frame)
    sort = list(order) if order is not None else "-x"
    wrap = _wrapped_labels(data[category].to_list())
    base = alt.Chart(data, title=chart_title(title, subtitle)).encode(
        y=alt.Y(f"{category}:N", sort=sort, title=None, axis=alt.Axis(labelExpr=wrap)),
        x=alt.X("n:Q", title=axis_title, axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category.replace("_", " ").capitalize()),
            alt.Tooltip("n:Q", title="Number"),
            alt.Tooltip("pct_shown:N", title="Percentage"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0]) if colour is None else base.mark_bar()
    if colour is not None:
        bars = bars.encode(color=colour)
    labels = base.mark_text(align="left", dx=4).encode(text="label:N")
    names = [str(c) for c in data[category].to_list()]
    chart = (bars + labels).properties(width=WIDTH - 200, height=_bars_height(names, LABEL_WRAP))
    if max(len(name) for name in names) > NARROW_LABEL_WRAP:  # a hint for narrow screens
        narrow = {
            "labelExpr": _wrapped_labels(names, NARROW_LABEL_WRAP),
            "height": _bars_height(names, NARROW_LABEL_WRAP),
        }
        chart = chart.properties(usermeta={"narrow": narrow})
    return chart


def _bars_height(labels: Sequence[str], wrap: int) -> int:
    """Height of a bar chart whose axis labels wrap at ``wrap`` characters."""
    lines = max(len(textwrap.wrap(label, wrap)) or 1 for label in labels)
    return max(60, max(30, (TEXT_SIZE + 4) * lines + 10) * len(labels))


def _wrapped_labels(labels: Sequence[str], width: int = LABEL_WRAP) -> str:
    """A Vega label expression that breaks long axis labels over lines (short ones unchanged)."""
    expression = "datum.label"
    for label in labels:
        if label and len(label) > width:
            lines = json.dumps(textwrap.wrap(label, width))
            expression = f"datum.label === {json.dumps(label)} ? {lines} : ({expression})"
    return expression


def _share_table(frame: pl.DataFrame, first: str, first_title: str) -> pl.DataFrame:
    """Category, number and whole-number percentage columns for a chart's data table."""
    columns = [pl.col(first).alias(first_title), pl.col("n").alias("Number")]
    if frame["pct"].null_count() < frame.height:
        columns.append(percent_column("pct", "Percentage"))
    return frame.select(columns)


def _listing(frame: pl.DataFrame, category: str) -> str:
    """ "A: 64 (30%); B: 41 (20%)" in the frame's order."""
    parts = [
        f"{r[category]}: {r['n']}" + ("" if r["pct"] is None else f" ({percent(r['pct'])})")
        for r in frame.iter_rows(named=True)
    ]
    return "; ".join(parts)


def _top_and_bottom(frame: pl.DataFrame, category: str) -> tuple[dict, dict]:
    ordered = frame.sort(["n", category], descending=[True, False])
    return ordered.row(0, named=True), ordered.row(-1, named=True)


def _category_chart(
    figures: pl.DataFrame,
    *,
    chart_id: str,
    table: str,
    year: str,
    what: str,
    title: Callable[[dict], str],
    category_title: str,
    dims: dict[str, str | None] | None = None,
    category: str = "category",
    order: Sequence[str] | None = None,
    axis_title: str = "Number",
) -> ReportChart | None:
    """A labelled horizontal bar chart of one figures table (None when it has no rows)."""
    frame = rows(figures, table, year=year, **(dims or {})).select(category, "n", "pct")
    frame = frame.filter(pl.col("n").is_not_null())
    if frame.height == 0:
        return None
    if order is not None:
        known = [c for c in order if c in frame[category].to_list()]
        extra = sorted(set(frame[category].to_list()) - set(known))
        order = [*known, *extra]
        frame = frame.sort(pl.col(category).replace_strict(order, range(len(order))))
    else:
        frame = frame.sort(["n", category], descending=[True, False])
    top, bottom = _top_and_bottom(frame, category)
    headline = title(top)
    subtitle = f"{what}, {display_year(year)}"
    chart = _hbar(frame, category, headline, subtitle, axis_title, order=order)
    alt_text = (
        f"Bar chart of {what[0].lower() + what[1:]} in {display_year(year)}. "
        f"The largest is {top[category]} with {top['n']}; "
        f"the smallest is {bottom[category]} with {bottom['n']}."
    )
    description = f"{what}, {display_year(year)}: {_listing(frame, category)}."
    return ReportChart(
        chart_id,
        chart.properties(description=alt_text),
        headline,
        subtitle,
        alt_text,
        description,
        _share_table(frame, category, category_title),
    )


def _proc_label(procedure: str) -> str:
    return procedure.capitalize()


# ---------------------------------------------------------------- one builder per chart


def total_feedback(figures: pl.DataFrame, year: str) -> ReportChart | None:
    """All feedback recorded in the year, by type."""
    return _category_chart(
        figures,
        chart_id="total-feedback",
        table="feedback_total",
        year=year,
        what="Items of feedback recorded by type",
        category_title="Type of feedback",
        title=lambda top: (
            f"'{top['category']}' was the largest category of feedback ({top['n']} items)"
        ),
    )


def duty_by_category(figures: pl.DataFrame, year: str) -> ReportChart | None:
    """Duty matters by category."""
    return _category_chart(
        figures,
        chart_id="duty-by-category",
        table="duty_by_category",
        year=year,
        what="Duty matters by category",
        category_title="Category",
        title=lambda top: (
            f"{top['category']} was the most common duty matter ({percent(top['pct'])})"
        ),
    )


def duty_by_year(figures: pl.DataFrame, year: str) -> ReportChart | None:
    """Duty matters in each year held (history plus this year)."""
    frame = (
        rows(figures, "duty_by_year")
        .filter(pl.col("year") <= year, pl.col("n").is_not_null())
        .select(pl.col("year").str.replace("-", "/").alias("category"), "n", "pct")
        .sort("category")
    )
    if frame.height == 0:
        return None
    change = rows(figures, "year_on_year", year=year, category="Duty Matters")["pct"]
    change_text = change_phrase(change[0] if change.len() else None)
    headline = f"Duty matters: {change_text} on {display_year(previous_year(year))}"
    subtitle = "Duty matters recorded each year"
    chart = _hbar(frame, "category", headline, subtitle, "Duty matters", order=None)
    chart = chart.encode(y=alt.Y("category:N", sort=None, title="Year"))
    alt_text = f"Bar chart of duty matters by year: {_listing(frame, 'category')}."
    return ReportChart(
        "duty-by-year",
        chart.properties(description=alt_text),
        headline,
        subtitle,
        alt_text,
        f"Duty matters recorded each year: {_listing(frame, 'category')}.",
        frame.select(pl.col("category").alias("Year"), pl.col("n").alias("Duty matters")),
    )


def stage1_by_quarter(figures: pl.DataFrame, year: str, procedure: str) -> ReportChart | None:
    """Stage 1 complaints by quarter, one labelled line per year held."""
    frame = (
        rows(figures, "stage1_by_quarter", procedure=procedure)
        .filter(pl.col("year") <= year)
        .select(pl.col("year").str.replace("-", "/").alias("Year"), "quarter", "n")
        .sort("Year", "quarter")
    )
    if frame.height == 0:
        return None
    label = _proc_label(procedure)
    change = rows(figures, "year_on_year", year=year, category=f"{label} Stage 1")["pct"]
    change_text = change_phrase(change[0] if change.len() else None)
    previous = display_year(previous_year(year))
    headline = f"{label} Stage 1 complaints: {change_text} on {previous}"
    years = frame["Year"].unique().sort().to_list()
    subtitle = f"Complaints received each quarter, {years[0]} to {years[-1]}"
    base = alt.Chart().encode(
        x=alt.X("quarter:O", sort=list(QUARTERS), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("n:Q", title="Complaints received", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            "Year:N",
            alt.Tooltip("quarter:N", title="Quarter"),
            alt.Tooltip("n:Q", title="Complaints"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0])
    labels = base.mark_text(baseline="bottom", dy=-3).encode(text="n:Q")
    panel_width = max(70, (WIDTH - 80) // len(years) - 12)
    chart = (
        alt.layer(bars, labels, data=frame)
        .properties(width=panel_width, height=200)
        .facet(column=alt.Column("Year:N", title=None, header=alt.Header(labelFontSize=TEXT_SIZE)))
        .properties(
            title=chart_title(headline, subtitle),
            usermeta={"panels": len(years), "narrow": {"columns": 2}},  # see CHART_LOADER
        )
    )
    table = frame.pivot(on="quarter", index="Year", values="n").select(
        "Year", *[q for q in QUARTERS if q in frame["quarter"].to_list()]
    )
    table = table.with_columns(pl.sum_horizontal(pl.exclude("Year")).alias("Total"))
    listing = "; ".join(
        f"{r['Year']}: "
        + ", ".join(f"{q} {r[q]}" for q in QUARTERS if q in r)
        + f" (total {r['Total']})"
        for r in table.iter_rows(named=True)
    )
    alt_text = (
        f"Bar charts of {procedure} Stage 1 complaints received each quarter, one panel "
        f"per year from {years[0]} to {years[-1]}, each bar labelled with its number."
    )
    return ReportChart(
        f"stage1-quarter-{procedure}",
        chart.properties(description=alt_text),
        headline,
        subtitle,
        alt_text,
        f"{label} Stage 1 complaints by quarter. {listing}.",
        table,
    )


def stage1_nature(figures: pl.DataFrame, year: str, procedure: str) -> ReportChart | None:
    """Nature of Stage 1 complaints across all service areas."""
    label = _proc_label(procedure)
    return _category_chart(
        figures,
        chart_id=f"stage1-nature-{procedure}",
        table="stage1_nature_overall",
        dims={"procedure": procedure},
        year=year,
        what=f"Nature of {procedure} Stage 1 complaints",
        category_title="Nature of complaint",
        title=lambda top: (
            f"{top['category']} was the most common nature of {procedure} "
            f"complaint ({percent(top['pct'])})"
        ),
        axis_title=f"{label} Stage 1 complaints",
    )


def stage1_outcomes(
    figures: pl.DataFrame, year: str, procedure: str, order: Sequence[str]
) -> ReportChart | None:
    """Outcomes of Stage 1 complaints in the year."""
    return _category_chart(
        figures,
        chart_id=f"stage1-outcome-{procedure}",
        table="stage1_outcome",
        dims={"procedure": procedure},
        year=year,
        order=order,
        what=f"Outcomes of {procedure} Stage 1 complaints",
        category_title="Outcome",
        title=lambda top: (
            f"'{top['category']}' was the most common outcome "
            f"({percent(top['pct'])} of {procedure} Stage 1 complaints)"
        ),
    )


def stage1_timescales(
    figures: pl.DataFrame, year: str, procedure: str, bands: Sequence[str]
) -> ReportChart | None:
    """Stage 1 response times by band."""
    within = rows(figures, "stage1_within_timescale", year=year, procedure=procedure)["pct"]
    share_text = percent(within[0] if within.len() else None)
    limit = next(b.split()[1] for b in bands if b.startswith("Over "))
    limits = limits_in(bands)
    banded = label_bands(
        rows(figures, "stage1_timescale", procedure=procedure), {f"stage1:{procedure}": limits}
    )
    return _category_chart(
        banded,
        chart_id=f"stage1-timescale-{procedure}",
        table="stage1_timescale",
        dims={"procedure": procedure},
        year=year,
        order=band_labels(bands, limits),
        what=f"Response times for {procedure} Stage 1 complaints",
        category_title="Response time",
        title=lambda _top: (
            f"{share_text} of {procedure} Stage 1 complaints were answered "
            f"within {limit} working days"
        ),
    )


def stage1_remedies(figures: pl.DataFrame, year: str, procedure: str) -> ReportChart | None:
    """Remedies given on Stage 1 complaints (a case may have several)."""
    return _category_chart(
        figures,
        chart_id=f"stage1-remedy-{procedure}",
        table="stage1_remedy",
        dims={"procedure": procedure},
        year=year,
        what=f"Remedies given on {procedure} Stage 1 complaints",
        category_title="Remedy",
        title=lambda top: (
            f"{top['category']} was given on {percent(top['pct'])} of "
            f"{procedure} Stage 1 complaints"
        ),
        axis_title="Complaints with this remedy",
    )


def stage2_by_team(figures: pl.DataFrame, year: str, procedure: str) -> ReportChart | None:
    """Stage 2 escalations by team."""
    stage = "investigations" if procedure == "statutory" else "reviews"
    return _category_chart(
        figures,
        chart_id=f"stage2-team-{procedure}",
        table="stage2_by_team",
        dims={"procedure": procedure},
        year=year,
        category="team",
        what=f"{_proc_label(procedure)} Stage 2 {stage} by team",
        category_title="Team",
        title=lambda top: f"{top['team']} had the most {procedure} Stage 2 {stage}",
        axis_title=f"Stage 2 {stage}",
    )


def stage2_findings(
    figures: pl.DataFrame, year: str, procedure: str, order: Sequence[str]
) -> ReportChart | None:
    """Findings on the individual points decided at Stage 2."""
    return _category_chart(
        figures,
        chart_id=f"stage2-findings-{procedure}",
        table="stage2_findings",
        dims={"procedure": procedure},
        year=year,
        order=order,
        what=f"Findings on points decided at {procedure} Stage 2",
        category_title="Finding",
        title=lambda top: (
            f"'{top['category']}' was the most common Stage 2 finding "
            f"({percent(top['pct'])} of points)"
        ),
        axis_title="Complaint points",
    )


def stage1_by_complainant(
    figures: pl.DataFrame, year: str, procedure: str, order: Sequence[str]
) -> ReportChart | None:
    """Who made the Stage 1 complaints (contract 1.1), types in the reference's order."""
    return _category_chart(
        figures,
        chart_id=f"stage1-complainant-{procedure}",
        table="stage1_by_complainant",
        dims={"procedure": procedure},
        year=year,
        order=[*order, NOT_RECORDED],
        what=f"Who made {procedure} Stage 1 complaints",
        category_title="Complainant",
        title=lambda top: (
            f"'{top['category']}' was the largest group of complainants "
            f"({percent(top['pct'])} of {procedure} Stage 1 complaints)"
        ),
        axis_title=f"{_proc_label(procedure)} Stage 1 complaints",
    )


def stage2_timescales(
    figures: pl.DataFrame, year: str, procedure: str, bands: Sequence[str]
) -> ReportChart | None:
    """Time taken to complete Stage 2 investigations or reviews, by band (contract 4.2)."""
    stage = "investigations" if procedure == "statutory" else "reviews"
    within = rows(figures, "stage2_within_timescale", year=year, procedure=procedure)["pct"]
    share_text = percent(within[0] if within.len() else None)
    limit = next((b.split()[1] for b in bands if b.startswith("Over ")), "")
    limits = limits_in(bands)
    banded = label_bands(
        rows(figures, "stage2_timescale", procedure=procedure), {f"stage2:{procedure}": limits}
    )
    return _category_chart(
        banded,
        chart_id=f"stage2-timescale-{procedure}",
        table="stage2_timescale",
        dims={"procedure": procedure},
        year=year,
        order=band_labels(bands, limits),
        what=f"Time taken to complete {procedure} Stage 2 {stage}",
        category_title="Time taken",
        title=lambda _top: (
            f"{share_text} of {procedure} Stage 2 {stage} were completed "
            f"within {limit} working days"
        ),
        axis_title=f"Stage 2 {stage}",
    )


def lgo_findings(
    figures: pl.DataFrame,
    year: str,
    order: Sequence[str],
    fault_findings: Sequence[str],
    investigated_findings: Sequence[str] = (),
) -> ReportChart | None:
    """Ombudsman decisions by finding, in three colours named in the legend: fault found,
    no fault found (both after a detailed investigation) and not investigated (contract
    7.3: a refusal or a premature complaint decides nothing about fault).

    ``order``, ``fault_findings`` and ``investigated_findings`` come from the reference
    (``lgo_findings``); a fault finding always counts as investigated.
    """
    base = _category_chart(
        figures,
        chart_id="lgo-findings",
        table="lgo_by_finding",
        year=year,
        order=order,
        what="Ombudsman decisions by finding",
        category_title="Finding",
        title=lambda top: "",
    )
    if base is None:
        return None
    investigated = {*investigated_findings, *fault_findings}
    upheld = rows(figures, "lgo_upheld_rate", year=year)
    fault_n = upheld["n"][0] if upheld.height else 0
    base_n = rows(figures, "lgo_investigated", year=year)
    investigated_n = base_n["n"][0] if base_n.height else 0
    rate = percent(upheld["pct"][0] if upheld.height else None)
    if investigated_n:
        headline = (
            f"The Ombudsman found fault in {fault_n} of the {investigated_n} complaints "
            f"it investigated ({rate})"
        )
    else:
        headline = "The Ombudsman investigated none of its decisions in detail"
    kind = (
        pl.when(pl.col("category").is_in(list(fault_findings)))
        .then(pl.lit(LGO_FAULT))
        .when(pl.col("category").is_in(list(investigated)))
        .then(pl.lit(LGO_NO_FAULT))
        .otherwise(pl.lit(LGO_NOT_INVESTIGATED))
    )
    frame = rows(figures, "lgo_by_finding", year=year).select("category", "n", "pct")
    frame = frame.with_columns(kind.alias("Decision"))
    order = [f for f in order if f in frame["category"].to_list()]
    colour = alt.Color(
        "Decision:N",
        scale=alt.Scale(
            domain=[LGO_NOT_INVESTIGATED, LGO_NO_FAULT, LGO_FAULT],
            range=[PALETTE[5], PALETTE[0], PALETTE[3]],
        ),
        legend=alt.Legend(title=None, direction="vertical", labelLimit=280),  # fits a phone
    )
    chart = _hbar(
        frame, "category", headline, base.subtitle, "Decisions", colour=colour, order=order
    )
    alt_text = (
        base.alt_text + f" {investigated_n} decisions followed a detailed investigation; "
        f"fault was found in {fault_n} of them ({rate})."
    )
    fault_names = and_list([f"'{name}'" for name in fault_findings])
    kinds = dict(frame.select("category", "Decision").iter_rows())
    table = base.table.with_columns(
        pl.col("Finding").replace_strict(kinds, default=LGO_NOT_INVESTIGATED).alias("Decision")
    )
    return ReportChart(
        base.id,
        chart.properties(description=alt_text),
        headline,
        base.subtitle,
        alt_text,
        base.description + f" Fault findings ({fault_names}) are shown in orange, findings "
        "after an investigation that found no fault in dark blue and decisions without an "
        "investigation in light purple, each named in the legend. Fault was found in "
        f"{fault_n} of the {investigated_n} investigated decisions ({rate}).",
        table.select("Finding", "Decision", pl.exclude("Finding", "Decision")),
    )


# Short enough for a phone: "fault found" and "no fault found" are said only of decisions
# after a detailed investigation (the headline and the description say so)
LGO_FAULT = "Fault found"
LGO_NO_FAULT = "No fault found"
LGO_NOT_INVESTIGATED = "Not investigated"


def compliments_by_service(
    figures: pl.DataFrame, year: str, order: Sequence[str]
) -> ReportChart | None:
    """Compliments by service area."""
    return _category_chart(
        figures,
        chart_id="compliments-by-service",
        table="compliments_by_service",
        year=year,
        category="service_area",
        what="Compliments by service area",
        category_title="Service area",
        title=lambda top: (
            f"{top['service_area']} received the most compliments ({percent(top['pct'])})"
        ),
        axis_title="Compliments",
    )


# ---------------------------------------------------------------- contract 1.4


def actions_status(figures: pl.DataFrame, year: str, procedure: str) -> ReportChart | None:
    """The status of every action agreed after the procedure's escalations (7.2)."""
    from pipeline.metrics.benchmark import ACTION_STATUSES

    stages = "Stage 2 and Stage 3" if procedure == "statutory" else "Stage 2"
    completed = rows(
        figures, "actions_status", year=year, procedure=procedure, category="Completed"
    )["pct"]
    done = percent(completed[0] if completed.len() else None)
    return _category_chart(
        figures,
        chart_id=f"actions-status-{procedure}",
        table="actions_status",
        dims={"procedure": procedure},
        year=year,
        order=ACTION_STATUSES,
        what=f"Actions agreed after {procedure} {stages}, by status",
        category_title="Status",
        title=lambda top: f"{done} of the {procedure} actions agreed had been completed",
        axis_title="Actions",
    )


def lgo_benchmark(figures: pl.DataFrame, year: str) -> ReportChart | None:
    """The Ombudsman's upheld rate: this council, similar councils, all councils (three
    bars, labelled with the rate and the number of detailed investigations)."""
    from pipeline.metrics.benchmark import BENCHMARK_CATEGORIES

    frame = rows(figures, "lgo_benchmark", year=year).select("category", "n", "pct")
    if frame.height == 0:
        return None
    frame = frame.with_columns(
        percent_column("pct", "Upheld"),
        pl.format("{} ({} decided)", percent_column("pct"), pl.col("n")).alias("label"),
    )
    shares = {r["category"]: r["pct"] for r in frame.iter_rows(named=True)}
    own, similar = shares.get("This Council"), shares.get("Similar Councils")
    if own is None or similar is None:
        relation = "compared with"
    else:
        relation = "above" if own > similar else "below" if own < similar else "the same as"
    headline = f"The Ombudsman's upheld rate for the council was {relation} similar councils'"
    subtitle = f"Share of detailed investigations upheld by the Ombudsman, {display_year(year)}"
    order = [c for c in BENCHMARK_CATEGORIES if c in frame["category"].to_list()]
    base = alt.Chart(frame, title=chart_title(headline, subtitle)).encode(
        y=alt.Y("category:N", sort=order, title=None),
        x=alt.X("pct:Q", title="Upheld (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("category:N", title="Councils"),
            alt.Tooltip("Upheld:N", title="Upheld"),
            alt.Tooltip("n:Q", title="Detailed investigations"),
        ],
    )
    colour = alt.Color(
        "category:N",
        scale=alt.Scale(domain=order, range=list(PALETTE[: len(order)])),
        legend=None,  # the axis names each bar
    )
    chart = (
        base.mark_bar().encode(color=colour)
        + base.mark_text(align="left", dx=4).encode(text="label:N")
    ).properties(width=WIDTH - 260, height=_bars_height(order, LABEL_WRAP))
    listing = "; ".join(
        f"{r['category']}: {percent(r['pct'])} of {r['n']:,}" for r in frame.iter_rows(named=True)
    )
    alt_text = (
        "Bar chart of the share of detailed investigations the Ombudsman upheld for this "
        f"council, similar councils and all councils in {display_year(year)}: {listing}."
    )
    table = frame.select(
        pl.col("category").alias("Councils"),
        pl.col("n").alias("Detailed investigations"),
        pl.col("Upheld").alias("Upheld (%)"),
    )
    return ReportChart(
        "lgo-benchmark",
        chart.properties(description=alt_text),
        headline,
        subtitle,
        alt_text,
        f"Share of detailed investigations upheld, {display_year(year)}: {listing}.",
        table,
    )


def _glance_cell(measure: str, value: float | None) -> str:
    """A cell of the five-year table: a count, a whole-number percentage, or ``[x]``."""
    from pipeline.symbols import NOT_AVAILABLE

    if value is None:
        return NOT_AVAILABLE
    return percent(value) if measure.endswith("(%)") else f"{round(value):,}"


def five_years(
    figures: pl.DataFrame, upheld_outcomes: Sequence[str], year: str
) -> ReportChart | None:
    """Five years at a glance: one small panel per measure (Stage 1 complaints, answered
    in time, upheld, Stage 2 investigations), a line per procedure over the years held."""
    from pipeline.metrics.benchmark import GLANCE_MEASURES
    from pipeline.metrics.benchmark import five_years as glance_frame

    glance = glance_frame(figures, upheld_outcomes, year)
    if glance.height == 0:
        return None
    years = sorted(glance["year"].unique().to_list())
    shown = [display_year(y) for y in years]
    data = glance.with_columns(
        pl.col("year").str.replace("-", "/").alias("Year"),
        pl.col("procedure").str.to_titlecase().alias("Procedure"),
        pl.col("value").round(1).alias("Value"),
    ).select("Year", "Procedure", pl.col("measure").alias("Measure"), "Value")
    data = data.with_columns(
        pl.when(pl.col("Measure").str.ends_with("(%)"))
        .then(percent_column("Value"))
        .otherwise(pl.col("Value").round(0).cast(pl.Int64).cast(pl.String))
        .alias("Label")
    )
    # Labels go above the higher of the two points of a year and below the lower, so
    # that two close lines do not print over each other (a tie: statutory above).
    point = ["Year", "Measure"]
    other = pl.col("Value").sum().over(point) - pl.col("Value")
    higher = (
        (pl.len().over(point) == 1)
        | (pl.col("Value") > other)
        | ((pl.col("Value") == other) & (pl.col("Procedure") == "Statutory"))
    )
    data = data.with_columns(higher.alias("Above"))
    headline = f"Complaints and how they were handled, {shown[0]} to {shown[-1]}"
    subtitle = "Four measures of each year held, for the statutory and corporate procedures"
    procedures = ["Statutory", "Corporate"]
    angle = 0 if len(years) <= 2 else -45  # more years than fit side by side: slanted
    base = alt.Chart().encode(
        x=alt.X("Year:O", title=None, axis=alt.Axis(labelAngle=angle)),
        y=alt.Y("Value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color(
            "Procedure:N",
            scale=alt.Scale(domain=procedures, range=list(PALETTE[:2])),
            legend=alt.Legend(title=None),
        ),
        shape=alt.Shape("Procedure:N", scale=alt.Scale(domain=procedures)),
        tooltip=["Year:N", "Procedure:N", "Measure:N", alt.Tooltip("Value:Q", title="Value")],
    )
    panel_width = 200 if len(years) > 2 else 160
    # every value is drawn as text; an invisible point 20% over each panel's largest
    # value leaves room for the labels above the highest points
    above = (
        base.mark_text(baseline="bottom", dy=-7)
        .encode(text="Label:N", color=alt.value(TEXT_COLOUR))
        .transform_filter(alt.datum.Above)
    )
    below = (
        base.mark_text(baseline="top", dy=7)
        .encode(text="Label:N", color=alt.value(TEXT_COLOUR))
        .transform_filter(~alt.datum.Above)
    )
    room = (
        alt.Chart()
        .transform_joinaggregate(top="max(Value)", groupby=["Measure"])
        .transform_calculate(ceiling="datum.top * 1.2")
        .mark_point(opacity=0)
        .encode(y=alt.Y("ceiling:Q", title=None))
    )
    chart = (
        alt.layer(
            base.mark_line(point=alt.OverlayMarkDef(size=80, filled=True)),
            above,
            below,
            room,
            data=data,
        )
        .properties(width=panel_width, height=140)
        .facet(
            facet=alt.Facet(
                "Measure:N",
                sort=list(GLANCE_MEASURES),
                title=None,
                header=alt.Header(labelFontSize=TEXT_SIZE, labelFontWeight="bold"),
            ),
            columns=2,
        )
        .resolve_scale(y="independent")
        .properties(
            title=chart_title(headline, subtitle),
            usermeta={"panels": 2, "narrow": {"columns": 1}},  # see CHART_LOADER
        )
    )
    labels = [
        (measure, procedure)
        for measure in GLANCE_MEASURES
        for procedure in ("statutory", "corporate")
        if glance.filter(pl.col("measure") == measure, pl.col("procedure") == procedure).height
    ]
    values = {
        (r["measure"], r["procedure"], r["year"]): r["value"] for r in glance.iter_rows(named=True)
    }
    table = pl.DataFrame(
        {
            "Measure": [f"{m}, {p}" for m, p in labels],
            **{
                display_year(y): [_glance_cell(m, values.get((m, p, y))) for m, p in labels]
                for y in years
            },
        }
    )
    listing = "; ".join(
        f"{row['Measure']}: " + ", ".join(f"{y} {row[y]}" for y in shown)
        for row in table.iter_rows(named=True)
    )
    alt_text = (
        f"Four small line charts, one per measure, from {shown[0]} to {shown[-1]}, with a "
        "line for statutory and one for corporate complaints where the years hold them."
    )
    return ReportChart(
        "five-years",
        chart.properties(description=alt_text),
        headline,
        subtitle,
        alt_text,
        f"Five years at a glance. {listing}.",
        table,
    )


# ---------------------------------------------------------------- output for both renderers
# Every text below can hold names from the reference file; it goes through pipeline.publish.safe.
#
# Each chart is shown once: its headline and subtitle as text (the caption), the drawing
# without a title (alt text on it), and its numbers in one data table. The long text
# description is for assistive technology only: in the HTML page it is a hidden paragraph
# that the drawing names with ``aria-describedby`` (and the table with ``aria-details``);
# on paper (PDF, Word) the data table is the text equivalent.

CHART_SPEC_CLASS = "vega-spec"
MIN_PLOT_WIDTH = 90  # px: the narrowest a chart's plot (or each of its panels) is drawn
# The one script that draws the charts: in the page head, after the Vega bundle. ``ast: true``
# makes Vega interpret its expressions instead of compiling them with Function(), so the
# page's Content-Security-Policy needs no 'unsafe-eval'.
# A chart wider than the room it has (a phone, a narrow window) is drawn again, narrower,
# so that its text keeps its size: first as its ``usermeta.narrow`` hint says (axis labels
# wrapped shorter, or panels in two columns), then with a narrower plot (or panels) down to
# MIN_PLOT_WIDTH; CSS scales down whatever is still too wide. It is redrawn when the room
# changes (a phone turned, a window resized). ``data-drawn-for`` on the drawing says for
# which width it was last drawn.
CHART_LOADER = r"""document.addEventListener("DOMContentLoaded", function () {
  var options = {"actions": false, "renderer": "svg", "tooltip": true, "ast": true};
  var charts = [];
  document.querySelectorAll("script.SPEC_CLASS").forEach(function (data) {
    charts.push({target: document.getElementById(data.getAttribute("data-target")),
                 spec: JSON.parse(data.textContent), room: 0});
  });
  function plot(spec) { return spec.spec || spec; }
  function narrowed(spec) {
    var narrow = spec.usermeta.narrow;
    delete spec.usermeta.narrow;
    if (narrow.columns && spec.facet && spec.facet.column) {
      spec.facet = spec.facet.column;
      spec.columns = narrow.columns;
      spec.usermeta.panels = narrow.columns;
    } else if (narrow.columns && spec.facet && spec.columns) {  // panels already wrapped
      spec.columns = narrow.columns;
      spec.usermeta.panels = narrow.columns;
    }
    if (narrow.labelExpr) {
      (spec.layer || [spec]).forEach(function (view) {
        var y = (view.encoding || {}).y;
        if (y && y.axis) y.axis.labelExpr = narrow.labelExpr;
      });
    }
    if (narrow.height) plot(spec).height = narrow.height;
  }
  function embed(chart, spec) {
    return vegaEmbed(chart.target, spec, options).then(function (result) {
      if (chart.view) chart.view.finalize();
      chart.view = result.view;
      return Number(chart.target.querySelector("svg").getAttribute("width"));
    });
  }
  function draw(chart) {
    var room = chart.target.parentElement.clientWidth;  // vega-embed shrinks the target
    if (!room || room === chart.room) return;
    chart.room = room;
    var spec = JSON.parse(JSON.stringify(chart.spec));
    spec.usermeta = spec.usermeta || {};
    var tries = 0;
    function done() { chart.target.setAttribute("data-drawn-for", String(room)); }
    function fit(width) {
      var inner = plot(spec);
      if (width <= room || tries++ >= 3) return done();
      if (spec.usermeta.narrow) {
        narrowed(spec);
      } else if (typeof inner.width === "number" && inner.width > MIN_WIDTH) {
        var panels = spec.usermeta.panels || 1;
        inner.width = Math.max(MIN_WIDTH, inner.width - Math.ceil((width - room) / panels));
      } else {
        return done();
      }
      return embed(chart, spec).then(fit);
    }
    embed(chart, spec).then(fit).catch(function (error) { console.error(error); });
  }
  charts.forEach(draw);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(draw); }, 200);
  });
});
""".replace("SPEC_CLASS", CHART_SPEC_CLASS).replace("MIN_WIDTH", str(MIN_PLOT_WIDTH))
PT_PER_PX = 0.75  # a CSS pixel is 1/96 inch: chart text of 14 px is 10.5 pt on paper
TEXT_WIDTH_PT = 470  # A4 less the PDF's side margins (report/typst/typst-template.typ)
SHORT_TABLE_ROWS = 20  # a data table up to this many rows is never split across pages
# Quarto's mark, in a raw HTML block, for "leave the tables here as they are"
# (quarto.org/docs/authoring/tables.html, "Disabling Quarto Table Processing")
QUARTO_KEEP_TABLE = "<!--| quarto-html-table-processing: none -->"
SVG_WIDTH = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"')


def image_spec(chart: ReportChart) -> dict:
    """The specification of the drawing: the chart without its title, which every output
    shows as text (the caption), where it reflows, can be searched and is read aloud."""
    spec = chart.spec()
    views = [spec]
    while views:  # the chart, its layers and the panel of a faceted chart
        view = views.pop()
        view.pop("title", None)
        views += [v for v in [*view.get("layer", []), view.get("spec")] if isinstance(v, dict)]
    return spec


def html_table(table: pl.DataFrame, caption: str, table_id: str | None = None) -> str:
    """A small accessible HTML table (caption, column headers with scope) in a focusable
    wrapper that scrolls sideways when the table is wider than the page.

    It starts with Quarto's mark for raw HTML it must leave alone (``QUARTO_KEEP_TABLE``):
    otherwise Quarto parses the table into its own, makes a numbered cross-reference float
    of it with the same ``id`` on both (invalid HTML, and a warning for every identifier
    not starting ``tbl-``) and adds it to the PDF and Word file, which have the chart's
    table already. Both renderers then write the same table.
    """
    head = "".join(f'<th scope="col">{safe.html_text(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{safe.html_text(NOT_AVAILABLE_SYMBOL if v is None else v)}</td>" for v in row
        )
        + "</tr>"
        for row in table.iter_rows()
    )
    identifier = f' id="{safe.html_text(table_id)}"' if table_id else ""
    return (
        f"{QUARTO_KEEP_TABLE}\n"
        f'<div class="table-scroll" role="group" tabindex="0" '
        f'aria-label="{safe.html_text(caption)}">'
        f"<table{identifier}><caption>{safe.html_text(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def typst_table(table: pl.DataFrame) -> str:
    """A Typst table with a header row (tagged as table headers in the PDF) and a rule under
    it, numbers on the right, like pandoc's tables; a short one is kept whole on one page."""
    header = ", ".join(f"[*{safe.typst_content(c)}*]" for c in table.columns)
    cells = ", ".join(
        f"[{safe.typst_content(NOT_AVAILABLE_SYMBOL if v is None else v)}]"
        for row in table.iter_rows()
        for v in row
    )
    align = ", ".join(["left"] + ["right"] * (len(table.columns) - 1))
    typst = (
        f"table(columns: {len(table.columns)}, align: ({align},), stroke: none, "
        f"table.header({header}), table.hline(stroke: 0.75pt), {cells})"
    )
    if table.height <= SHORT_TABLE_ROWS:
        return f"#block(breakable: false)[#{typst}]"
    return f"#{typst}"


def write_svg(chart: ReportChart, charts_dir: Path) -> Path:
    """Write the drawing as SVG (vl-convert) to ``charts_dir/<id>.svg`` (kept when the same
    specification was converted there already: see :mod:`pipeline.run.memo`)."""
    charts_dir.mkdir(parents=True, exist_ok=True)
    path = charts_dir / f"{chart.id}.svg"
    write_converted(path, image_spec(chart), vlc.vegalite_to_svg, SVG_CONVERTER)
    return path


def paper_width(svg: Path) -> float:
    """The chart's width on paper in points: its size in pixels at 96 to the inch, so that
    every chart's text has the same size, never wider than the text of the page."""
    match = SVG_WIDTH.search(svg.read_text(encoding="utf-8"))
    pixels = float(match.group(1)) if match else TEXT_WIDTH_PT / PT_PER_PX
    return round(min(pixels * PT_PER_PX, TEXT_WIDTH_PT), 1)


def chart_html(chart: ReportChart) -> str:
    """The chart for HTML: a figure (caption, then an empty drawing the page's chart loader
    fills from the JSON data block) and its data table behind "Show the data".

    The specification is a JSON data block (``<script type="application/json">``), not
    code: the one script that draws every chart is in the page head (``CHART_LOADER``)
    so that the page's Content-Security-Policy can name it by its hash.
    """
    chart_id = safe.html_text(chart.id)
    spec = image_spec(chart)
    caption = f"Data for the chart: {chart.subtitle}"
    return (
        f'<figure class="chart" id="fig-{chart_id}">\n'
        f'<figcaption><p class="chart-headline">{safe.html_text(chart.title)}</p>\n'
        f'<p class="chart-subtitle">{safe.html_text(chart.subtitle)}</p></figcaption>\n'
        f'<div id="vis-{chart_id}" class="vega-chart" role="img" '
        f'aria-label="{safe.html_text(chart.alt_text)}" '
        f'aria-describedby="desc-{chart_id}" aria-details="data-{chart_id}"></div>\n'
        f'<p id="desc-{chart_id}" class="chart-description" hidden>'
        f"{safe.html_text(chart.description)}</p>\n"
        f'<script type="application/json" class="{CHART_SPEC_CLASS}" '
        f'data-target="vis-{chart_id}">'
        f"{safe.script_json(spec)}</script>\n"
        f"</figure>\n"
        f'<details class="chart-data"><summary>Show the data for this chart</summary>\n'
        f"{html_table(chart.table, caption, f'data-{chart.id}')}\n</details>"
    )


def chart_typst(chart: ReportChart, svg: str, width_pt: float) -> str:
    """The chart for Typst: a figure (caption above: headline and subtitle; the SVG with
    alt text) that stays on the page of its data table when both fit."""
    return (
        f'#block(sticky: true)[#figure(image("{safe.typst_string(svg)}", width: {width_pt}pt, '
        f'alt: "{safe.typst_string(chart.alt_text)}"), '
        f"caption: [#strong[{safe.typst_content(chart.title)}] \\ "
        f"{safe.typst_content(chart.subtitle)}])]\n\n"
        f"{typst_table(chart.table)}"
    )


def chart_markdown(chart: ReportChart, out_dir: Path | str) -> str:
    """Markdown for one chart: raw HTML (interactive) and raw Typst (the SVG) blocks."""
    out_dir = Path(out_dir)
    svg = write_svg(chart, out_dir / "charts")
    relative = svg.relative_to(out_dir).as_posix()
    return (
        safe.raw_block("html", chart_html(chart))
        + "\n"
        + safe.raw_block("typst", chart_typst(chart, relative, paper_width(svg)))
    )


__all__ = [
    "PALETTE",
    "ReportChart",
    "actions_status",
    "five_years",
    "lgo_benchmark",
    "analysis_function_theme",
    "chart_markdown",
    "compliments_by_service",
    "contrast_ratio",
    "duty_by_category",
    "duty_by_year",
    "emit_breakdown_chart",
    "equalities_chart",
    "lgo_findings",
    "stage1_by_complainant",
    "stage1_by_quarter",
    "stage1_nature",
    "stage1_outcomes",
    "stage1_remedies",
    "stage1_timescales",
    "stage2_by_team",
    "stage2_findings",
    "stage2_timescales",
    "total_feedback",
]


def equalities_chart(
    figures: pl.DataFrame, year: str, procedure: str, table: str, order: Sequence[str]
) -> ReportChart | None:
    """Stage 1 cases by one characteristic of the child (contract 1.3), in the reference's
    order; held-back counts (empty in the published view) are left out."""
    _, what = EQUALITIES_SECTIONS[table]
    return _category_chart(
        figures,
        chart_id=f"{table.replace('_', '-')}-{procedure}",
        table=table,
        dims={"procedure": procedure},
        year=year,
        order=order,
        what=f"{what}: {procedure} Stage 1 complaints",
        category_title=what,
        title=lambda top: (
            f"'{top['category']}' was the largest group shown "
            f"({percent(top['pct'])} of {procedure} Stage 1 complaints)"
        ),
        axis_title=f"{_proc_label(procedure)} Stage 1 complaints",
    )


def emit_breakdown_chart(
    view: PublishedView,
    table: str,
    year: str,
    procedure: str | None,
    chart: ReportChart | None,
    out_dir: Path | str,
) -> None:
    """A chart of a breakdown from the published view: the withheld sentence instead when
    the breakdown is withheld; a note under it when values are left out (contract 6.2)."""
    from pipeline.report.narrative import emit

    if view.is_withheld(table, procedure):
        subject = WITHHELD_SUBJECTS.get(table, table).format(procedure=procedure)
        emit(withheld_sentence(subject))
        return
    emit_chart(chart, out_dir)
    note = held_back_note(view, table, year, procedure)
    if note:
        emit(note)


def emit_chart(chart: ReportChart | None, out_dir: Path | str) -> None:
    """Show a chart as a ``text/markdown`` output, or say there was nothing to chart."""
    from pipeline.report.narrative import emit

    emit(chart_markdown(chart, out_dir) if chart else "There was nothing to chart this year.")
