"""The tables of contract 1.4 (section 7.2), as Polars expressions: what became of the
agreed actions, what was paid, how many complaints per 10,000 children, and how the
Ombudsman's upheld rate compares with similar councils and all councils.

Each table exists only when its inputs exist (an optional column, a reference key, the
optional ``lgo_benchmark`` extract); a council without them gets none of them.
:func:`five_years` reshapes the figures of this year and the history for the report's
"Five years at a glance" (no new figure: sums of figures rows, like the key messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from pipeline.inputs.load import Extracts
from pipeline.inputs.reference import PROCEDURES, Reference
from pipeline.years import year_end

ACTION_STATUSES: tuple[str, ...] = ("Completed", "Overdue", "Open", "No Due Date")
BENCHMARK_CATEGORIES: tuple[str, ...] = ("This Council", "Similar Councils", "All Councils")
PER_CHILDREN = 10_000  # rates are per 10,000 children


def _share_within(by: Sequence[str]) -> pl.Expr:
    """``n`` as an unrounded percentage of its group's total (null when the total is 0)."""
    total = pl.col("n").sum().over(by)
    return pl.when(total > 0).then(pl.col("n") * 100.0 / total).alias("pct")


# ---------------------------------------------------------------- agreed actions


def actions_as_at(reference: Reference, year: str) -> date:
    """The date actions are followed up to: ``actions_as_at``, else 31 March of the year."""
    return reference.actions_as_at or year_end(year)


def records_actions(extracts: Extracts) -> bool:
    """Whether the recommendations carry ``due_date`` or ``completed_date`` (7.2)."""
    return extracts.has_column("recommendations", "due_date") or extracts.has_column(
        "recommendations", "completed_date"
    )


def action_status_expr(as_at: date) -> pl.Expr:
    """Status of an action as at a date: ``Completed`` when completed on or before it;
    else ``Overdue`` when due before it, ``Open`` when due on or after it; else ``No Due
    Date`` (an action completed after the date is not completed yet)."""
    as_at_lit = pl.lit(as_at, pl.Date)
    return (
        pl.when(pl.col("completed_date") <= as_at_lit)
        .then(pl.lit("Completed"))
        .when(pl.col("due_date") < as_at_lit)
        .then(pl.lit("Overdue"))
        .when(pl.col("due_date") >= as_at_lit)
        .then(pl.lit("Open"))
        .otherwise(pl.lit("No Due Date"))
    )


def actions_status(extracts: Extracts, as_at: date) -> pl.DataFrame:
    """Every agreed action (published or not) by the procedure of its escalation and its
    status as at ``as_at``; the four statuses of each procedure that has actions."""
    procedures = extracts.escalations.select("escalation_ref", "procedure").unique(
        "escalation_ref", keep="first"
    )
    actions = extracts.recommendations.join(procedures, on="escalation_ref", how="inner")
    counts = actions.group_by("procedure", action_status_expr(as_at).alias("category")).agg(
        pl.len().alias("n")
    )
    grid = (
        counts.select("procedure")
        .unique()
        .join(pl.DataFrame({"category": ACTION_STATUSES}), how="cross")
    )
    return (
        grid.join(counts, on=["procedure", "category"], how="left")
        .with_columns(pl.col("n").fill_null(0).cast(pl.Int64))
        .with_columns(_share_within(["procedure"]))
    )


# ---------------------------------------------------------------- payments


def records_payments(extracts: Extracts) -> bool:
    """Whether the remedies carry ``amount`` (7.2)."""
    return extracts.has_column("remedies", "amount")


def remedy_payments(extracts: Extracts) -> pl.DataFrame:
    """Per procedure: Stage 1 cases with an amount above 0 (``n``) and the pounds paid
    on the procedure's cases (``value``); both procedures, zero when nothing was paid."""
    cases = extracts.complaints.select("case_ref", "procedure")
    paid = (
        extracts.remedies.join(cases, on="case_ref", how="inner")
        .group_by("procedure")
        .agg(
            pl.col("case_ref").filter(pl.col("amount") > 0).n_unique().cast(pl.Int64).alias("n"),
            pl.col("amount").sum().alias("value"),
        )
    )
    return (
        pl.DataFrame({"procedure": list(PROCEDURES)})
        .join(paid, on="procedure", how="left")
        .with_columns(pl.col("n").fill_null(0), pl.col("value").fill_null(0.0))
    )


# ---------------------------------------------------------------- rates


def stage1_rate(extracts: Extracts, children: int) -> pl.DataFrame:
    """Stage 1 cases per procedure (``n``) and per 10,000 children (``value``)."""
    counts = extracts.complaints.group_by("procedure").agg(pl.len().cast(pl.Int64).alias("n"))
    return (
        pl.DataFrame({"procedure": list(PROCEDURES)})
        .join(counts, on="procedure", how="left")
        .with_columns(pl.col("n").fill_null(0))
        .with_columns((pl.col("n") * float(PER_CHILDREN) / children).alias("value"))
    )


# ---------------------------------------------------------------- the Ombudsman's figures


def has_benchmark(extracts: Extracts) -> bool:
    """Whether the optional ``lgo_benchmark`` extract was given."""
    return extracts.files.get("lgo_benchmark") is not None


def lgo_benchmark(benchmark: pl.DataFrame, authority: str) -> pl.DataFrame:
    """Detailed investigations decided (``n``) and the share upheld (``pct``: upheld over
    decisions summed across the councils, not a mean of rates) for this council, similar
    councils (its ``authority_type``, itself excluded) and all councils (itself included).
    """
    own = pl.col("authority").str.to_lowercase() == authority.strip().lower()
    own_type = benchmark.filter(own)["authority_type"]
    similar = pl.col("authority_type").is_in(own_type.implode()) & ~own
    groups = {"This Council": own, "Similar Councils": similar, "All Councils": pl.lit(True)}
    totals = [
        benchmark.filter(selects).select(
            pl.lit(name).alias("category"),
            pl.col("decisions").sum().cast(pl.Int64).alias("n"),
            pl.col("upheld").sum().cast(pl.Int64).alias("upheld"),
        )
        for name, selects in groups.items()
    ]
    return pl.concat(totals).select(
        "category",
        "n",
        pl.when(pl.col("n") > 0).then(pl.col("upheld") * 100.0 / pl.col("n")).alias("pct"),
    )


# ---------------------------------------------------------------- assembly


def contract_14_tables(extracts: Extracts, reference: Reference, year: str) -> dict:
    """The tables of contract 1.4 whose inputs exist, by name (none without them)."""
    tables: dict[str, pl.DataFrame] = {}
    if records_actions(extracts):
        tables["actions_status"] = actions_status(extracts, actions_as_at(reference, year))
    if records_payments(extracts):
        tables["remedy_payments"] = remedy_payments(extracts)
    if reference.population is not None:
        tables["stage1_rate"] = stage1_rate(extracts, reference.population.children)
    if has_benchmark(extracts):
        tables["lgo_benchmark"] = lgo_benchmark(extracts.lgo_benchmark, reference.authority)
    return tables


# ---------------------------------------------------------------- five years at a glance

GLANCE_MEASURES: tuple[str, ...] = (
    "Stage 1 complaints",
    "Answered in time (%)",
    "Upheld in full or in part (%)",
    "Stage 2 investigations",
)


def five_years(
    figures: pl.DataFrame, upheld_outcomes: Sequence[str], year: str, years: int = 5
) -> pl.DataFrame:
    """The last ``years`` years held (this year and the history), one row per year,
    procedure and measure: Stage 1 complaints (the sum of the quarters), the share
    answered within the last time limit (the ``Within`` bands of ``stage1_timescale``),
    the share upheld in full or in part (the upheld outcomes of ``stage1_outcome``) and
    statutory Stage 2 investigations (``stage2_by_year``). A measure a year does not hold
    is absent (the report shows it as not available)."""
    held = figures.filter(pl.col("year") <= year)
    table, category = pl.col("table"), pl.col("category")
    sources = {
        GLANCE_MEASURES[0]: (table == "stage1_by_quarter", "n"),
        GLANCE_MEASURES[1]: (
            (table == "stage1_timescale") & category.str.starts_with("Within "),
            "pct",
        ),
        GLANCE_MEASURES[2]: (
            (table == "stage1_outcome") & category.is_in(list(upheld_outcomes)),
            "pct",
        ),
        GLANCE_MEASURES[3]: (
            (table == "stage2_by_year") & (pl.col("procedure") == "statutory"),
            "n",
        ),
    }
    frames = [
        held.filter(selects, pl.col(measure).is_not_null())
        .group_by("year", "procedure")
        .agg(pl.col(measure).cast(pl.Float64).sum().alias("value"))
        .with_columns(pl.lit(name).alias("measure"))
        for name, (selects, measure) in sources.items()
    ]
    glance = pl.concat(frames).select("year", "procedure", "measure", "value")
    shown = sorted(glance["year"].unique().to_list())[-years:]
    return glance.filter(pl.col("year").is_in(shown)).sort("measure", "year", "procedure")
