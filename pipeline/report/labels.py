"""How a timescale band is shown to a reader: the one display mapping of band names.

``figures.csv`` and the history files keep the contract's band categories
(``Within 20 Working Days``, section 3.2), but a reader takes "within 20" for a running
total while the band holds only the cases answered in 11 to 20 working days. Every
output (charts, tables, sentences, the spreadsheet) shows the bands through
:func:`band_label` instead: ``10 working days or fewer``, ``11 to 20 working days``,
``More than 20 working days``. Bands named after an outcome (``Complaint Withdrawn``,
``Remains Ongoing``) are shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

from pipeline.inputs.reference import Reference

WITHIN = re.compile(r"^Within (\d+) Working Days$")
OVER = re.compile(r"^Over (\d+) Working Days$")
TIMESCALE_TABLES: dict[str, str] = {"stage1_timescale": "stage1", "stage2_timescale": "stage2"}


def band_label(category: str, limits: Sequence[int]) -> str:
    """The reader's name of a band, given the procedure's working-day limits in order.

    ``Within 10 Working Days`` with limits (10, 20) -> ``10 working days or fewer``;
    ``Within 20 Working Days`` -> ``11 to 20 working days``; ``Over 20 Working Days`` ->
    ``More than 20 working days``. A band whose limit is not among ``limits`` (an earlier
    year's), and a band named after an outcome, keep their name.
    """
    within = WITHIN.match(category)
    if within:
        limit = int(within.group(1))
        if limit not in limits:
            return category
        position = list(limits).index(limit)
        if position == 0:
            return f"{limit} working days or fewer"
        return f"{limits[position - 1] + 1} to {limit} working days"
    over = OVER.match(category)
    if over:
        return f"More than {over.group(1)} working days"
    return category


def band_labels(bands: Sequence[str], limits: Sequence[int]) -> list[str]:
    """:func:`band_label` of each band, order kept (for a chart's or a table's order)."""
    return [band_label(band, limits) for band in bands]


def limits_in(categories: Sequence[str]) -> tuple[int, ...]:
    """The working-day limits that band names themselves show, in order (a fallback when
    the reference file's limits are not at hand)."""
    return tuple(sorted({int(m.group(1)) for c in categories if (m := WITHIN.match(c or ""))}))


def label_bands(
    frame: pl.DataFrame, limits_by_procedure: Mapping[str, Sequence[int]]
) -> pl.DataFrame:
    """A figures frame with the bands of its timescale tables relabelled for readers (other
    rows, and the order of all rows, unchanged). ``limits_by_procedure`` maps
    ``"stage1:<procedure>"`` and ``"stage2:<procedure>"`` to the limits; a table and
    procedure not in it take the limits its band names show (:func:`limits_in`)."""
    if frame.height == 0 or "category" not in frame.columns:
        return frame
    timed = frame.filter(pl.col("table").is_in(list(TIMESCALE_TABLES)))
    names: dict[str, str] = {}
    for (table, procedure), part in timed.group_by(["table", "procedure"]):
        categories = part["category"].drop_nulls().unique().to_list()
        key = f"{TIMESCALE_TABLES[table]}:{procedure}"
        limits = limits_by_procedure.get(key) or limits_in(categories)
        for category in categories:
            names[_key(table, procedure, category)] = band_label(category, limits)
    if not names:
        return frame
    joined = pl.concat_str(
        [pl.col("table"), pl.col("procedure").fill_null(""), pl.col("category")], separator=SEP
    )
    shown = joined.replace_strict(names, default=pl.col("category"), return_dtype=pl.String)
    return frame.with_columns(shown.alias("category"))


SEP = "\x1f"  # a separator no name contains


def _key(table: str, procedure: str | None, category: str) -> str:
    return SEP.join([table, procedure or "", category])


def reference_limits(reference: Reference) -> dict[str, tuple[int, ...]]:
    """``stage1:<procedure>`` and ``stage2:<procedure>`` -> working-day limits, from a
    :class:`pipeline.inputs.reference.Reference`."""
    limits = {f"stage1:{p}": tuple(v) for p, v in reference.timescales.items()}
    limits |= {f"stage2:{p}": tuple(v) for p, v in reference.stage2_timescales.items()}
    return limits
