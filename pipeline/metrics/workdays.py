"""Working days (contract 3.1), Stage 1 timescale bands (contract 3.2, 5.2) and Stage 2
timescale bands (contract 4.2)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import polars as pl

from pipeline.inputs.reference import STAGE2_ONGOING, Reference
from pipeline.years import year_end

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=32)
def _bank_holidays(subdivision: str, first_year: int, last_year: int) -> tuple[date, ...]:
    calendar = holidays.country_holidays(
        "GB", subdiv=subdivision, years=range(first_year, last_year + 1)
    )
    return tuple(sorted(calendar))


def non_working_days(reference: Reference, first_year: int, last_year: int) -> list[date]:
    """Bank holidays of the reference's subdivision plus its closure days, sorted."""
    days = set(_bank_holidays(reference.bank_holiday_subdivision, first_year, last_year))
    days.update(reference.closures)
    return sorted(days)


def working_days_expr(
    start: pl.Expr, end: pl.Expr, reference: Reference, years: tuple[int, int] = (2000, 2040)
) -> pl.Expr:
    """Number of working days d with start < d <= end, as a Polars expression.

    Weekends, bank holidays and configured closures are not working days. The count
    is ``business_day_count`` over the half-open range [start + 1, end + 1).
    """
    holidays_ = non_working_days(reference, *years)
    return pl.business_day_count(start + ONE_DAY, end + ONE_DAY, holidays=holidays_)


def working_days(start: date, end: date, reference: Reference) -> int:
    """Working days between two dates (contract 3.1): received Monday, answered Tuesday = 1."""
    frame = pl.DataFrame({"a": [start], "b": [end]})
    years = (min(start, end).year - 1, max(start, end).year + 1)
    return frame.select(working_days_expr(pl.col("a"), pl.col("b"), reference, years)).item()


def stage1_days_expr(reference: Reference, year: str, received: str = "received_date") -> pl.Expr:
    """Working days of each Stage 1 case: to its response, or to 31 March when unanswered."""
    until = pl.coalesce(pl.col("response_date"), pl.lit(year_end(year)))
    return working_days_expr(pl.col(received), until, reference)


def band_expr(
    procedure: str,
    reference: Reference,
    year: str,
    received: str = "received_date",
    days: pl.Expr | None = None,
) -> pl.Expr:
    """The timescale band of each Stage 1 case of one procedure (contract 3.2, 5.2).

    A ``closed`` outcome is its own band. Answered cases are banded by the working days
    to the response; cases without a response (``ongoing`` outcomes) by their age on
    31 March: over the last limit the ``Over`` band, else the band named like the outcome.
    ``days`` is :func:`stage1_days_expr` when already computed (one count per case).
    """
    limits = reference.timescales[procedure]
    last = limits[-1]
    days = stage1_days_expr(reference, year, received) if days is None else days
    ongoing = pl.col("response_date").is_null()
    closed = pl.col("outcome").is_in(reference.outcomes_of("closed"))
    band = pl.when(closed).then(pl.col("outcome"))
    band = band.when(ongoing & (days <= last)).then(pl.col("outcome"))
    for limit in limits:
        band = band.when(~ongoing & (days <= limit)).then(pl.lit(f"Within {limit} Working Days"))
    return band.otherwise(pl.lit(f"Over {last} Working Days"))


def stage2_band_expr(procedure: str, reference: Reference, year: str) -> pl.Expr:
    """The Stage 2 timescale band of each escalation of one procedure (contract 4.2).

    Completed escalations are banded by the working days from ``commissioned_date`` to
    ``completed_date`` (which may fall after 31 March); open ones by their age on
    31 March: over the last limit the ``Over`` band, else ``Remains Ongoing``.
    """
    limits = reference.stage2_timescales[procedure]
    last = limits[-1]
    open_ = pl.col("completed_date").is_null()
    until = pl.coalesce(pl.col("completed_date"), pl.lit(year_end(year)))
    days = working_days_expr(pl.col("commissioned_date"), until, reference)
    band = pl.when(open_ & (days <= last)).then(pl.lit(STAGE2_ONGOING))
    for limit in limits:
        band = band.when(~open_ & (days <= limit)).then(pl.lit(f"Within {limit} Working Days"))
    return band.otherwise(pl.lit(f"Over {last} Working Days"))


def median_half_up(days: pl.Expr) -> pl.Expr:
    """The median of whole numbers as a whole number (contract 4.3): with an even count,
    the mean of the two middle values rounded half up (15.5 -> 16)."""
    return (days.median() + 0.5).floor().cast(pl.Int64)
