"""Who the complaints were about (contract 1.3, section 6.1), as Polars expressions.

Four tables of Stage 1 cases by the child's age band, gender, ethnicity and disability,
each per procedure with ``Not Recorded`` for an empty cell. A table exists only when the
reference file lists its key under ``equalities`` and the complaints extract has its
column. Knows nothing about disclosure control: small counts are held back later, by
:mod:`pipeline.report.disclosure`.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipeline.inputs.load import Extracts
from pipeline.inputs.reference import EQUALITIES_COLUMNS, NOT_RECORDED, Reference

# reference key -> figures table
TABLES: dict[str, str] = {
    "age_bands": "stage1_by_age",
    "gender": "stage1_by_gender",
    "ethnicity": "stage1_by_ethnicity",
    "disability": "stage1_by_disability",
}


def age_band_labels(edges: Sequence[int]) -> list[str]:
    """``[5, 10, 16, 18]`` -> Under 5, 5 to 9, 10 to 15, 16 to 17, 18 and over."""
    middle = [f"{low} to {high - 1}" for low, high in zip(edges, edges[1:], strict=False)]
    return [f"Under {edges[0]}", *middle, f"{edges[-1]} and over"]


def age_band_expr(edges: Sequence[int], column: str = "child_age") -> pl.Expr:
    """The age band of each case (``Not Recorded`` when the age is empty)."""
    labels = age_band_labels(edges)
    band = pl.when(pl.col(column).is_null()).then(pl.lit(NOT_RECORDED))
    for edge, label in zip(edges, labels, strict=False):
        band = band.when(pl.col(column) < edge).then(pl.lit(label))
    return band.otherwise(pl.lit(labels[-1]))


def categories(reference: Reference, key: str) -> list[str]:
    """One table's categories in report order: the bands or names, ``Not Recorded`` last."""
    equalities = reference.equalities
    listed = age_band_labels(equalities.age_bands) if key == "age_bands" else equalities.names(key)
    return [*listed, NOT_RECORDED]


def category_expr(reference: Reference, key: str) -> pl.Expr:
    """The category of each case for one table (its column already in canonical names)."""
    column = EQUALITIES_COLUMNS[key]
    if key == "age_bands":
        return age_band_expr(reference.equalities.age_bands, column)
    return pl.col(column).fill_null(NOT_RECORDED)


def by_category(complaints: pl.DataFrame, category: pl.Expr) -> pl.DataFrame:
    """Stage 1 cases per procedure and category, with their share of the procedure's cases."""
    return (
        complaints.group_by("procedure", category.alias("category"))
        .agg(pl.len().alias("n"))
        .with_columns((pl.col("n") * 100.0 / pl.col("n").sum().over("procedure")).alias("pct"))
    )


def recorded_keys(extracts: Extracts, reference: Reference) -> list[str]:
    """The equalities keys counted: listed in the reference and the column present."""
    return [
        key
        for key in reference.equalities.listed()
        if extracts.has_column("complaints", EQUALITIES_COLUMNS[key])
    ]


def equalities_tables(extracts: Extracts, reference: Reference) -> dict[str, pl.DataFrame]:
    """The tables of 6.1 this council records, by figures table name (none by default)."""
    return {
        TABLES[key]: by_category(extracts.complaints, category_expr(reference, key))
        for key in recorded_keys(extracts, reference)
    }


def category_orders(reference: Reference) -> dict[str, list[str]]:
    """Each table's categories in report order (for sorting figures)."""
    return {TABLES[key]: categories(reference, key) for key in reference.equalities.listed()}
