"""Every table of the annual report (contract sections 2 and 4.3), as Polars expressions.

``compute_figures`` turns the year's loaded extracts, and the figures of earlier years
kept in ``data/history/``, into one tidy table:
``table, year, procedure, service_area, team, category, quarter, n, pct, value``.
The tables of contract 1.1 (Stage 2 time limits, who complained) exist only when the
council records their inputs; ``stage1_response_days`` always exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.files import atomic_write
from pipeline.inputs.load import Extracts
from pipeline.inputs.reference import NOT_RECORDED, PROCEDURES, Reference
from pipeline.metrics import benchmark, equalities
from pipeline.metrics.workdays import band_expr, median_half_up, stage1_days_expr, stage2_band_expr
from pipeline.years import previous_year, year_start

COLUMNS: tuple[str, ...] = (
    "table",
    "year",
    "procedure",
    "service_area",
    "team",
    "category",
    "quarter",
    "n",
    "pct",
    "value",  # contract 1.4: a float such as pounds or a rate (empty unless a table says)
)
# Columns an older figures file (history, a published file) may lack: read as empty.
OPTIONAL_COLUMNS: tuple[str, ...] = ("value",)
DIMENSIONS: tuple[str, ...] = ("procedure", "service_area", "team", "category", "quarter")
SCHEMA: dict[str, pl.DataType] = {
    **{c: pl.String() for c in COLUMNS[:7]},
    "n": pl.Int64(),
    "pct": pl.Float64(),
    "value": pl.Float64(),
}
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
FEEDBACK_CATEGORIES: tuple[str, ...] = (
    "Statutory Stage 1",
    "Statutory Stage 2",
    "Statutory Stage 3",
    "Corporate Stage 1",
    "Corporate Stage 2",
    "Ombudsman",
    "Duty Matters",
    "Compliments",
)
YEAR_ON_YEAR_CATEGORIES: tuple[str, ...] = (
    "Statutory Stage 1",
    "Corporate Stage 1",
    "Statutory Stage 2",
    "Duty Matters",
    "Compliments",
)
HISTORY_TABLES: tuple[str, ...] = (
    "stage1_by_quarter",
    "stage1_outcome",
    "stage1_timescale",
    "stage2_by_year",
    "stage2_progression",
    "duty_by_year",
    # contract 1.1: compared with the previous year where history holds them
    "stage1_response_days",
    "stage1_by_complainant",
    "stage1_by_child",
    "stage2_timescale",
    "stage2_within_timescale",
    # contract 1.4: kept with the rest of a year so that later years can compare the rate
    "stage1_rate",
)
TABLES: tuple[str, ...] = (
    "feedback_total",
    "duty_by_year",
    "duty_by_category",
    "stage1_by_quarter",
    "stage1_by_team",
    "stage1_nature",
    "stage1_nature_overall",
    "stage1_outcome",
    "stage1_timescale",
    "stage1_within_timescale",
    "stage1_response_days",
    "stage1_remedy",
    "stage1_by_complainant",
    "stage1_by_child",
    # contract 1.3: who the complaints were about
    "stage1_by_age",
    "stage1_by_gender",
    "stage1_by_ethnicity",
    "stage1_by_disability",
    "stage2_by_year",
    "stage2_by_service",
    "stage2_by_team",
    "stage2_findings",
    "stage2_timescale",
    "stage2_within_timescale",
    "stage2_progression",
    "stage3_by_service",
    "stage3_prior_year",
    "lgo_by_finding",
    "lgo_by_team",
    "lgo_fault_found",
    "lgo_investigated",
    "lgo_upheld_rate",
    "compliments_by_service",
    "year_on_year",
    # contract 1.4 (pipeline/metrics/benchmark.py), each only where its inputs exist
    "actions_status",
    "remedy_payments",
    "stage1_rate",
    "lgo_benchmark",
)


# ---------------------------------------------------------------- small helpers


def quarter_expr(column: str = "received_date") -> pl.Expr:
    """Financial quarter of a date: Apr-Jun Q1, Jul-Sep Q2, Oct-Dec Q3, Jan-Mar Q4."""
    number = (pl.col(column).dt.month() + 8) % 12 // 3 + 1
    return pl.format("Q{}", number)


def percent_of(total: pl.Expr) -> pl.Expr:
    """``n`` as an unrounded percentage of ``total`` (null when the total is 0)."""
    return pl.when(total > 0).then(pl.col("n") * 100.0 / total)


def count_by(frame: pl.DataFrame, *by: str) -> pl.DataFrame:
    """Rows per group, as column ``n``."""
    if not by:
        return pl.DataFrame({"n": [frame.height]})
    return frame.group_by(by).agg(pl.len().alias("n"))


def with_share(counts: pl.DataFrame, within: Sequence[str] = ()) -> pl.DataFrame:
    """Add ``pct``: each count as a share of its group's total (or of all rows)."""
    total = pl.col("n").sum().over(within) if within else pl.col("n").sum()
    return counts.with_columns(percent_of(total).alias("pct"))


def tidy(frame: pl.DataFrame, table: str, year: str) -> pl.DataFrame:
    """Shape one table's rows into the output columns, unused dimensions empty."""
    missing = [
        pl.lit(None, dtype).alias(c) for c, dtype in SCHEMA.items() if c not in frame.columns
    ]
    return (
        frame.with_columns(missing)
        .with_columns(pl.lit(table).alias("table"), pl.lit(year).alias("year"))
        .select(pl.col(c).cast(t) for c, t in SCHEMA.items())
    )


def order_rank(column: str, order: Sequence[str]) -> pl.Expr:
    """Position of a value in a preferred order; unknown values last."""
    mapping = {value: i for i, value in enumerate(order)}
    return pl.col(column).replace_strict(mapping, default=len(order), return_dtype=pl.Int64)


def stage1(extracts: Extracts, procedure: str) -> pl.DataFrame:
    """Stage 1 cases of one procedure."""
    return extracts.complaints.filter(pl.col("procedure") == procedure)


def escalations_at(extracts: Extracts, stage: int) -> pl.DataFrame:
    """Escalations at one stage (2 or 3)."""
    return extracts.escalations.filter(pl.col("stage") == stage)


def per_procedure(
    build: Callable[[str], pl.DataFrame],
) -> pl.DataFrame:
    """Run a per-procedure table builder for both procedures and stack the results."""
    return pl.concat(
        [build(p).with_columns(pl.lit(p).alias("procedure")) for p in PROCEDURES],
        how="diagonal_relaxed",
    )


# ---------------------------------------------------------------- the tables


def feedback_total(extracts: Extracts) -> pl.DataFrame:
    """Counts of every kind of feedback received in the year."""
    esc = extracts.escalations
    counts = {
        "Statutory Stage 1": stage1(extracts, "statutory").height,
        "Statutory Stage 2": esc.filter(
            (pl.col("procedure") == "statutory") & (pl.col("stage") == 2)
        ).height,
        "Statutory Stage 3": esc.filter(pl.col("stage") == 3).height,
        "Corporate Stage 1": stage1(extracts, "corporate").height,
        "Corporate Stage 2": esc.filter(
            (pl.col("procedure") == "corporate") & (pl.col("stage") == 2)
        ).height,
        "Ombudsman": extracts.lgo.height,
        "Duty Matters": extracts.duty.height,
        "Compliments": extracts.compliments.height,
    }
    return pl.DataFrame({"category": list(counts), "n": list(counts.values())})


def duty_by_year(extracts: Extracts) -> pl.DataFrame:
    """The year's number of duty matters."""
    return count_by(extracts.duty)


def duty_by_category(extracts: Extracts) -> pl.DataFrame:
    """Duty matters by category, as a share of the year's duty matters."""
    return with_share(count_by(extracts.duty, "category"))


def stage1_by_quarter(extracts: Extracts) -> pl.DataFrame:
    """Stage 1 cases per procedure and quarter, zero quarters included."""
    grid = pl.DataFrame({"procedure": PROCEDURES}).join(
        pl.DataFrame({"quarter": QUARTERS}), how="cross"
    )
    counts = count_by(
        extracts.complaints.with_columns(quarter_expr().alias("quarter")), "procedure", "quarter"
    )
    return grid.join(counts, on=["procedure", "quarter"], how="left").with_columns(
        pl.col("n").fill_null(0)
    )


def stage1_by_team(extracts: Extracts) -> pl.DataFrame:
    """Stage 1 cases per procedure, service area, team and quarter."""
    cases = extracts.complaints.with_columns(quarter_expr().alias("quarter"))
    return count_by(cases, "procedure", "service_area", "team", "quarter")


def stage1_nature(extracts: Extracts) -> pl.DataFrame:
    """Nature of Stage 1 cases within each service area."""
    counts = count_by(extracts.complaints, "procedure", "service_area", "nature")
    return with_share(counts, ["procedure", "service_area"]).rename({"nature": "category"})


def stage1_nature_overall(extracts: Extracts) -> pl.DataFrame:
    """Nature of Stage 1 cases across the procedure."""
    counts = count_by(extracts.complaints, "procedure", "nature")
    return with_share(counts, ["procedure"]).rename({"nature": "category"})


def stage1_outcome(extracts: Extracts) -> pl.DataFrame:
    """Outcomes of Stage 1 cases."""
    counts = count_by(extracts.complaints, "procedure", "outcome")
    return with_share(counts, ["procedure"]).rename({"outcome": "category"})


def with_bands(extracts: Extracts, reference: Reference, year: str) -> pl.DataFrame:
    """Stage 1 cases with their working days (to the response, or to 31 March when
    unanswered) in column ``days`` and their timescale band (contract 3.2) in ``band``."""
    days = stage1_days_expr(reference, year).alias("days")
    return per_procedure(
        lambda p: (
            stage1(extracts, p)
            .with_columns(days)
            .with_columns(band_expr(p, reference, year, days=pl.col("days")).alias("band"))
        )
    )


def stage1_timescale(banded: pl.DataFrame) -> pl.DataFrame:
    """Stage 1 cases by timescale band."""
    counts = count_by(banded, "procedure", "band")
    return with_share(counts, ["procedure"]).rename({"band": "category"})


def stage1_within_timescale(banded: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Answered cases within the procedure's last limit, as a share of its cases."""

    def within(procedure: str) -> pl.DataFrame:
        cases = banded.filter(pl.col("procedure") == procedure)
        limit = reference.timescales[procedure][-1]
        answered = pl.col("response_date").is_not_null()
        within_last = pl.col("band").str.starts_with("Within ")
        return cases.select(
            (answered & within_last).sum().cast(pl.Int64).alias("n"),
            pl.len().alias("total"),
        ).with_columns(percent_of(pl.col("total")).alias("pct"), pl.lit(limit).alias("limit"))

    return per_procedure(within).drop("total", "limit")


def stage1_remedy(extracts: Extracts) -> pl.DataFrame:
    """Stage 1 cases given each remedy, as a share of the procedure's cases."""
    cases = extracts.complaints.lazy().select("case_ref", "procedure")
    totals = cases.group_by("procedure").agg(pl.len().alias("total"))
    counts = (
        extracts.remedies.lazy()
        .join(cases, on="case_ref", how="inner")
        .group_by("procedure", "remedy")
        .agg(pl.col("case_ref").n_unique().alias("n"))
    )
    return (
        counts.join(totals, on="procedure")
        .select(
            "procedure",
            pl.col("remedy").alias("category"),
            "n",
            percent_of(pl.col("total")).alias("pct"),
        )
        .collect()
    )


def stage1_response_days(banded: pl.DataFrame) -> pl.DataFrame:
    """Median working days from receipt to response of the answered Stage 1 cases.

    One row per procedure with at least one response (contract 4.3).
    """
    return (
        banded.filter(pl.col("response_date").is_not_null())
        .group_by("procedure")
        .agg(median_half_up(pl.col("days")).alias("n"))
        .with_columns(pl.lit("Median").alias("category"))
    )


def records_complainants(extracts: Extracts, reference: Reference) -> bool:
    """Whether who complained is recorded: types listed and the column present (4.1)."""
    return bool(reference.complainant_types) and extracts.has_column(
        "complaints", "complainant_type"
    )


def stage1_by_complainant(extracts: Extracts) -> pl.DataFrame:
    """Stage 1 cases by who complained (an empty cell is ``Not Recorded``)."""
    category = pl.col("complainant_type").fill_null(NOT_RECORDED).alias("category")
    counts = count_by(extracts.complaints.with_columns(category), "procedure", "category")
    return with_share(counts, ["procedure"])


def stage1_by_child(extracts: Extracts, reference: Reference) -> pl.DataFrame:
    """Stage 1 cases made by a child or young person (types with ``child: true``)."""
    child = pl.col("complainant_type").is_in(reference.child_complainant_types)
    counts = extracts.complaints.group_by("procedure").agg(
        child.sum().cast(pl.Int64).alias("n"), pl.len().alias("total")
    )
    return _per_procedure_share(counts, PROCEDURES)


def _per_procedure_share(counts: pl.DataFrame, procedures: Sequence[str]) -> pl.DataFrame:
    """One row per procedure (zero when it has no rows): ``n`` and its share of ``total``."""
    grid = pl.DataFrame({"procedure": list(procedures)}, schema={"procedure": pl.String})
    return (
        grid.join(counts, on="procedure", how="left")
        .with_columns(pl.col("n", "total").fill_null(0))
        .select("procedure", "n", percent_of(pl.col("total")).alias("pct"))
    )


def stage2_by_year(extracts: Extracts) -> pl.DataFrame:
    """Stage 2 escalations per procedure."""
    counts = count_by(escalations_at(extracts, 2), "procedure")
    grid = pl.DataFrame({"procedure": PROCEDURES})
    return grid.join(counts, on="procedure", how="left").with_columns(pl.col("n").fill_null(0))


def stage2_by_service(extracts: Extracts) -> pl.DataFrame:
    """Stage 2 escalations per procedure and service area."""
    return count_by(escalations_at(extracts, 2), "procedure", "service_area")


def stage2_by_team(extracts: Extracts) -> pl.DataFrame:
    """Stage 2 escalations per procedure, service area and team."""
    return count_by(escalations_at(extracts, 2), "procedure", "service_area", "team")


def stage2_findings(extracts: Extracts) -> pl.DataFrame:
    """Findings on the points of Stage 2 escalations (Stage 3 points excluded)."""
    stage2 = escalations_at(extracts, 2).select("escalation_ref", "procedure")
    points = extracts.findings.join(stage2, on="escalation_ref", how="inner")
    counts = count_by(points, "procedure", "finding")
    return with_share(counts, ["procedure"]).rename({"finding": "category"})


def stage2_timed_procedures(extracts: Extracts, reference: Reference) -> list[str]:
    """Procedures whose Stage 2 time limits are recorded (contract 4.2): the reference
    sets ``timescales.<procedure>_stage2`` and the escalations have ``completed_date``."""
    if not extracts.has_column("escalations", "completed_date"):
        return []
    return [p for p in PROCEDURES if p in reference.stage2_timescales]


def with_stage2_bands(
    extracts: Extracts, reference: Reference, year: str, procedures: Sequence[str]
) -> pl.DataFrame:
    """Stage 2 escalations of the given procedures with their band (contract 4.2)."""
    stage2 = escalations_at(extracts, 2)
    frames = [
        stage2.filter(pl.col("procedure") == p).with_columns(
            stage2_band_expr(p, reference, year).alias("band")
        )
        for p in procedures
    ]
    none = stage2.head(0).with_columns(pl.lit(None, pl.String).alias("band"))
    return pl.concat([none, *frames])  # the empty frame keeps the schema when none is given


def stage2_timescale(banded: pl.DataFrame) -> pl.DataFrame:
    """Stage 2 escalations by timescale band."""
    counts = count_by(banded, "procedure", "band")
    return with_share(counts, ["procedure"]).rename({"band": "category"})


def stage2_within_timescale(banded: pl.DataFrame, procedures: Sequence[str]) -> pl.DataFrame:
    """Stage 2 escalations completed within the last limit, as a share of the procedure's."""
    counts = banded.group_by("procedure").agg(
        pl.col("band").str.starts_with("Within ").sum().cast(pl.Int64).alias("n"),
        pl.len().alias("total"),
    )
    return _per_procedure_share(counts, procedures)


def stage2_progression(extracts: Extracts) -> pl.DataFrame:
    """The year's statutory Stage 2 escalations as a share of its statutory Stage 1 cases."""
    stage2 = escalations_at(extracts, 2).filter(pl.col("procedure") == "statutory").height
    stage1_cases = stage1(extracts, "statutory").height
    return pl.DataFrame(
        {"procedure": ["statutory"], "n": [stage2], "total": [stage1_cases]}
    ).select("procedure", "n", percent_of(pl.col("total")).alias("pct"))


def stage3_by_service(extracts: Extracts) -> pl.DataFrame:
    """Stage 3 panels per service area."""
    return count_by(escalations_at(extracts, 3), "service_area")


def stage3_prior_year(extracts: Extracts, year: str) -> pl.DataFrame:
    """Panels on complaints first made before the year, as a share of the year's panels."""
    panels = escalations_at(extracts, 3)
    return panels.select(
        (pl.col("stage1_received_date") < year_start(year)).sum().cast(pl.Int64).alias("n"),
        pl.len().alias("total"),
    ).select("n", percent_of(pl.col("total")).alias("pct"))


def lgo_by_finding(extracts: Extracts) -> pl.DataFrame:
    """Ombudsman decisions by finding."""
    return with_share(count_by(extracts.lgo, "finding")).rename({"finding": "category"})


def lgo_by_team(extracts: Extracts) -> pl.DataFrame:
    """Ombudsman decisions by service area, team and finding."""
    counts = count_by(extracts.lgo, "service_area", "team", "finding")
    return counts.rename({"finding": "category"})


def lgo_fault_found(extracts: Extracts, reference: Reference) -> pl.DataFrame:
    """Ombudsman decisions that found fault, as a share of the year's decisions."""
    fault = pl.col("finding").is_in(reference.fault_findings)
    return extracts.lgo.select(
        fault.sum().cast(pl.Int64).alias("n"),
        pl.len().alias("total"),
    ).select("n", percent_of(pl.col("total")).alias("pct"))


def lgo_investigated(extracts: Extracts, reference: Reference) -> pl.DataFrame:
    """Ombudsman decisions made after a detailed investigation, as a share of the year's
    decisions (contract 7.3)."""
    investigated = pl.col("finding").is_in(reference.investigated_findings)
    return extracts.lgo.select(
        investigated.sum().cast(pl.Int64).alias("n"),
        pl.len().alias("total"),
    ).select("n", percent_of(pl.col("total")).alias("pct"))


def lgo_upheld_rate(extracts: Extracts, reference: Reference) -> pl.DataFrame:
    """The Ombudsman's upheld rate (contract 7.3): decisions with a fault finding, as a
    share of the investigated decisions (empty when none was investigated)."""
    finding = pl.col("finding")
    return extracts.lgo.select(
        finding.is_in(reference.fault_findings).sum().cast(pl.Int64).alias("n"),
        finding.is_in(reference.investigated_findings).sum().alias("total"),
    ).select("n", percent_of(pl.col("total")).alias("pct"))


def compliments_by_service(extracts: Extracts) -> pl.DataFrame:
    """Compliments by service area, as a share of the year's compliments."""
    return with_share(count_by(extracts.compliments, "service_area"))


def year_on_year_counts(figures: pl.DataFrame, year: str) -> pl.DataFrame:
    """The year-on-year categories' counts for one year, from that year's figure rows.

    A category whose rows are absent gets a null count (unknown, not zero).
    """
    rows = figures.filter(pl.col("year") == year)
    table, procedure, category = pl.col("table"), pl.col("procedure"), pl.col("category")
    sources = {
        "Statutory Stage 1": (table == "stage1_by_quarter") & (procedure == "statutory"),
        "Corporate Stage 1": (table == "stage1_by_quarter") & (procedure == "corporate"),
        "Statutory Stage 2": (table == "stage2_by_year") & (procedure == "statutory"),
        "Duty Matters": table == "duty_by_year",
        "Compliments": (table == "feedback_total") & (category == "Compliments"),
    }
    known_sum = pl.when(pl.col("n").count() > 0).then(pl.col("n").sum())
    return pl.concat(
        rows.filter(selects).select(pl.lit(name).alias("category"), known_sum.alias("n"))
        for name, selects in sources.items()
    )


def year_on_year(current: pl.DataFrame, history: pl.DataFrame, year: str) -> pl.DataFrame:
    """This year's counts and their change on the previous year, in percent."""
    this_year = year_on_year_counts(current, year)
    last_year = year_on_year_counts(history, previous_year(year)).rename({"n": "previous"})
    return this_year.join(last_year, on="category", how="left").select(
        "category",
        "n",
        pl.when(pl.col("previous") > 0)
        .then((pl.col("n") - pl.col("previous")) * 100.0 / pl.col("previous"))
        .alias("pct"),
    )


# ---------------------------------------------------------------- earlier years

# Tables whose categories are values of a code list of the reference file.
CODE_LIST_TABLES: dict[str, str] = {
    "stage1_outcome": "outcomes",
    "stage1_timescale": "outcomes",  # closed and ongoing outcomes are bands
    "stage2_findings": "escalation_findings",
    "lgo_by_finding": "lgo_findings",
    "lgo_by_team": "lgo_findings",
    "stage1_by_complainant": "complainant_types",
}


def history_in_todays_names(history: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Earlier years' categories under this year's names (aliases, any case, trimmed).

    A year written under an older name lines up with this year's category when the
    reference lists the older name as an alias. Rows that come to share a category are
    added together (both counts and shares are of the same total).
    """
    category = pl.col("category")
    renamed = category
    for table, code_list in CODE_LIST_TABLES.items():
        spellings = reference.spellings(code_list)
        known = category.str.strip_chars().str.to_lowercase()
        todays = known.replace_strict(spellings, default=category, return_dtype=pl.String)
        renamed = pl.when(pl.col("table") == table).then(todays).otherwise(renamed)
    history = history.with_columns(renamed.alias("category"))
    key = ["table", "year", *DIMENSIONS]
    if not history.select(pl.struct(key).is_duplicated().any()).item():
        return history
    measures = ("n", "pct", "value")
    known_sum = {c: pl.when(pl.col(c).count() > 0).then(pl.col(c).sum()) for c in measures}
    merged = history.group_by(key, maintain_order=True).agg(known_sum[c].alias(c) for c in measures)
    return merged.select(pl.col(c).cast(t) for c, t in SCHEMA.items())


# ---------------------------------------------------------------- assembly


def category_orders(reference: Reference) -> dict[str, Sequence[str]]:
    """Preferred category order of each table that has categories."""
    bands = [*reference.bands("statutory"), *reference.bands("corporate")]
    stage2_bands = [b for p in PROCEDURES for b in reference.stage2_bands(p)]
    return {
        "feedback_total": FEEDBACK_CATEGORIES,
        "duty_by_category": reference.duty_categories,
        "stage1_nature": reference.natures,
        "stage1_nature_overall": reference.natures,
        "stage1_outcome": reference.outcome_names,
        "stage1_timescale": list(dict.fromkeys(bands)),
        "stage1_remedy": reference.remedies,
        "stage1_by_complainant": [*reference.complainant_type_names, NOT_RECORDED],
        "stage2_findings": reference.escalation_finding_names,
        "stage2_timescale": list(dict.fromkeys(stage2_bands)),
        "lgo_by_finding": reference.lgo_finding_names,
        "lgo_by_team": reference.lgo_finding_names,
        "year_on_year": YEAR_ON_YEAR_CATEGORIES,
        **equalities.category_orders(reference),
        "actions_status": benchmark.ACTION_STATUSES,
        "lgo_benchmark": benchmark.BENCHMARK_CATEGORIES,
    }


def sort_figures(figures: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Sort rows: table order, year, procedure, service area, team, category, quarter."""
    orders = category_orders(reference)
    category_rank = pl.lit(0, pl.Int64)
    for table, order in orders.items():
        category_rank = (
            pl.when(pl.col("table") == table)
            .then(order_rank("category", order))
            .otherwise(category_rank)
        )
    return figures.sort(
        order_rank("table", TABLES),
        "year",
        order_rank("procedure", PROCEDURES),
        order_rank("service_area", reference.service_area_names),
        order_rank("team", reference.team_names),
        category_rank,
        "category",
        "quarter",
        nulls_last=False,
        maintain_order=True,
    )


def optional_tables(extracts: Extracts, reference: Reference, year: str) -> dict:
    """The tables of contracts 1.1 and 1.3 whose inputs the council records (none without them)."""
    tables: dict[str, pl.DataFrame] = {}
    if records_complainants(extracts, reference):
        tables["stage1_by_complainant"] = stage1_by_complainant(extracts)
        tables["stage1_by_child"] = stage1_by_child(extracts, reference)
    timed = stage2_timed_procedures(extracts, reference)
    if timed:
        banded = with_stage2_bands(extracts, reference, year, timed)
        tables["stage2_timescale"] = stage2_timescale(banded)
        tables["stage2_within_timescale"] = stage2_within_timescale(banded, timed)
    tables.update(equalities.equalities_tables(extracts, reference))  # contract 1.3
    return tables


def compute_figures(
    extracts: Extracts,
    reference: Reference,
    year: str,
    history: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every figure of the report for ``year``, plus the history rows it compares against."""
    history = history if history is not None else empty_figures()
    history = history_in_todays_names(history.filter(pl.col("year") < year), reference)
    banded = with_bands(extracts, reference, year)
    tables = {
        "feedback_total": feedback_total(extracts),
        "duty_by_year": duty_by_year(extracts),
        "duty_by_category": duty_by_category(extracts),
        "stage1_by_quarter": stage1_by_quarter(extracts),
        "stage1_by_team": stage1_by_team(extracts),
        "stage1_nature": stage1_nature(extracts),
        "stage1_nature_overall": stage1_nature_overall(extracts),
        "stage1_outcome": stage1_outcome(extracts),
        "stage1_timescale": stage1_timescale(banded),
        "stage1_within_timescale": stage1_within_timescale(banded, reference),
        "stage1_response_days": stage1_response_days(banded),
        "stage1_remedy": stage1_remedy(extracts),
        "stage2_by_year": stage2_by_year(extracts),
        "stage2_by_service": stage2_by_service(extracts),
        "stage2_by_team": stage2_by_team(extracts),
        "stage2_findings": stage2_findings(extracts),
        "stage2_progression": stage2_progression(extracts),
        "stage3_by_service": stage3_by_service(extracts),
        "stage3_prior_year": stage3_prior_year(extracts, year),
        "lgo_by_finding": lgo_by_finding(extracts),
        "lgo_by_team": lgo_by_team(extracts),
        "lgo_fault_found": lgo_fault_found(extracts, reference),
        "lgo_investigated": lgo_investigated(extracts, reference),
        "lgo_upheld_rate": lgo_upheld_rate(extracts, reference),
        "compliments_by_service": compliments_by_service(extracts),
        **optional_tables(extracts, reference, year),
        **benchmark.contract_14_tables(extracts, reference, year),
    }
    current = pl.concat([tidy(frame, name, year) for name, frame in tables.items()])
    current = pl.concat([current, tidy(year_on_year(current, history, year), "year_on_year", year)])
    carried = history.filter(pl.col("table").is_in(HISTORY_TABLES))
    return sort_figures(pl.concat([current, carried]), reference)


# ---------------------------------------------------------------- files


def empty_figures() -> pl.DataFrame:
    """A figures table with no rows."""
    return pl.DataFrame(schema=SCHEMA)


def read_figures(path: str | Path) -> pl.DataFrame:
    """Read a figures CSV (output or history), checking its header."""
    path = Path(path)
    try:
        frame = pl.read_csv(path, schema_overrides=SCHEMA, infer_schema=False)
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise InputError(str(path), f"not a readable figures file: {message}") from None
    missing = [c for c in COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise InputError(str(path), "figures column missing", column=", ".join(missing))
    return with_optional_columns(frame).select(pl.col(c).cast(t) for c, t in SCHEMA.items())


def with_optional_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the optional figures columns a file lacks (history written before contract
    1.4 has no ``value``), empty."""
    absent = [c for c in OPTIONAL_COLUMNS if c not in frame.columns]
    return frame.with_columns(pl.lit(None, SCHEMA[c]).alias(c) for c in absent)


def load_history(history_dir: str | Path | None) -> pl.DataFrame:
    """All figures rows of earlier years found in ``history_dir/*.csv``."""
    if history_dir is None or not Path(history_dir).is_dir():
        return empty_figures()
    frames = [read_figures(p) for p in sorted(Path(history_dir).glob("*.csv"))]
    return pl.concat([empty_figures(), *frames])


def write_figures(figures: pl.DataFrame, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``figures.csv`` and ``figures.parquet`` into ``out_dir``, each atomically."""
    out_dir = Path(out_dir)
    csv_path, parquet_path = out_dir / "figures.csv", out_dir / "figures.parquet"
    atomic_write(csv_path, lambda p: figures.write_csv(p))
    atomic_write(parquet_path, lambda p: figures.write_parquet(p))
    return csv_path, parquet_path


def build_figures(
    year: str,
    raw_dir: str | Path,
    reference_path: str | Path,
    history_dir: str | Path | None,
    out_dir: str | Path,
) -> pl.DataFrame:
    """Load the year's extracts, compute every figure and write them into ``out_dir``:
    ``figures.csv`` and ``.parquet`` complete (for the analyst and the archive),
    ``figures-published.csv``, what readers are offered (contract 6.2), and the history
    folder's notes on known inconsistencies (:mod:`pipeline.metrics.history_notes`)."""
    from pipeline.inputs.load import load_extracts
    from pipeline.inputs.reference import load_reference
    from pipeline.metrics.history_notes import write_history_notes
    from pipeline.report.disclosure import published_view, write_published_figures

    reference = load_reference(reference_path)
    extracts = load_extracts(raw_dir, reference, year, free_text=False)
    figures = compute_figures(extracts, reference, year, load_history(history_dir))
    write_figures(figures, out_dir)
    write_published_figures(published_view(figures, reference, year), out_dir)  # contract 6.2
    write_history_notes(history_dir, out_dir)
    return figures
