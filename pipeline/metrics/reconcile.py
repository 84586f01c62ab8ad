"""Compare computed figures with the figures a council published.

Each published number (a count ``n`` or a whole-number percentage ``pct``) is set
beside the computed one with a status:

- ``match``: counts equal; percentages equal once ours is rounded half up;
- ``rounding``: the published percentage is within one point of ours (the publication
  rounded another way, e.g. to make a column total 100);
- ``differs``: anything else. Each known contradiction of the publication carries a
  ``note`` in the published file; a difference without a note is a failure.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.metrics.figures import (
    COLUMNS,
    DIMENSIONS,
    OPTIONAL_COLUMNS,
    SCHEMA,
    read_figures,
    with_optional_columns,
)

KEY: tuple[str, ...] = ("table", "year", *DIMENSIONS)
RESULT_COLUMNS: tuple[str, ...] = (
    *KEY,
    "measure",
    "published",
    "computed",
    "status",
    "note",
)


def round_half_up(value: pl.Expr) -> pl.Expr:
    """Round to a whole number, halves upwards (2.5 -> 3), as the report does."""
    return (value + 0.5 + 1e-9).floor()


def read_published(path: str | Path) -> pl.DataFrame:
    """Read a published-figures file: the figures columns plus ``note``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "published figures file not found")
    frame = pl.read_csv(path, infer_schema=False)
    missing = [
        c for c in (*COLUMNS, "note") if c not in frame.columns and c not in OPTIONAL_COLUMNS
    ]
    if missing:
        raise InputError(str(path), "column missing", column=", ".join(missing))
    typed = with_optional_columns(frame).select(
        *(pl.col(c).cast(t) for c, t in SCHEMA.items()),
        pl.col("note").fill_null(""),
    )
    return typed.with_row_index("_row", offset=1)


def _long(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
    """One row per figure: measure ``n`` or ``pct`` with its value."""
    counts = frame.select(*KEY, pl.lit("n").alias("measure"), pl.col("n").cast(pl.Float64))
    shares = frame.select(*KEY, pl.lit("pct").alias("measure"), pl.col("pct"))
    return pl.concat([counts.rename({"n": "value"}), shares.rename({"pct": "value"})]).rename(
        {"value": suffix}
    )


def reconcile(figures: pl.DataFrame, published: pl.DataFrame) -> pl.DataFrame:
    """Each published figure beside the computed one, with status and note."""
    notes = published.select(*KEY, "note")
    wanted = _long(published, "published").filter(pl.col("published").is_not_null())
    computed = _long(figures, "computed").filter(pl.col("computed").is_not_null())
    joined = wanted.join(computed, on=[*KEY, "measure"], how="left", nulls_equal=True).join(
        notes, on=list(KEY), how="left", nulls_equal=True
    )
    is_count = pl.col("measure") == "n"
    # A count absent from the figures is a zero (zero rows may be omitted).
    computed_value = (
        pl.when(is_count).then(pl.col("computed").fill_null(0)).otherwise(pl.col("computed"))
    )
    joined = joined.with_columns(computed_value.alias("computed"))
    status = (
        pl.when(is_count & (pl.col("computed") == pl.col("published")))
        .then(pl.lit("match"))
        .when(~is_count & (round_half_up(pl.col("computed")) == pl.col("published")))
        .then(pl.lit("match"))
        .when(~is_count & ((pl.col("computed") - pl.col("published")).abs() <= 1.0))
        .then(pl.lit("rounding"))
        .otherwise(pl.lit("differs"))
    )
    return joined.with_columns(status.alias("status"), pl.col("note").fill_null("")).select(
        RESULT_COLUMNS
    )


def summary_line(result: pl.DataFrame) -> str:
    """``reconcile: M match, R rounding, D differ``."""
    counts = {s: result.filter(pl.col("status") == s).height for s in ("match", "rounding")}
    differ = result.filter(pl.col("status") == "differs").height
    return f"reconcile: {counts['match']} match, {counts['rounding']} rounding, {differ} differ"


def unexplained(result: pl.DataFrame) -> pl.DataFrame:
    """Differences that carry no note."""
    return result.filter((pl.col("status") == "differs") & (pl.col("note").str.strip_chars() == ""))


def run_reconcile(figures_path: str | Path, published_path: str | Path) -> pl.DataFrame:
    """Read both files and reconcile them."""
    return reconcile(read_figures(figures_path), read_published(published_path))
