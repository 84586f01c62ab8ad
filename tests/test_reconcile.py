"""Reconciliation statuses on a hand-made pair of figures and published files."""

from __future__ import annotations

import polars as pl

from pipeline.metrics.figures import SCHEMA
from pipeline.metrics.reconcile import read_published, reconcile, summary_line, unexplained

PUBLISHED = """table,year,procedure,service_area,team,category,quarter,n,pct,note
stage1_outcome,2016-17,statutory,,,Upheld,,4,4,
stage1_outcome,2016-17,statutory,,,Complaint Withdrawn,,3,4,rounded to sum to 100
stage1_outcome,2016-17,statutory,,,Not Upheld,,,35,
stage1_outcome,2016-17,corporate,,,Unable to make a Finding,,,12,1 case is 0.8%
stage1_by_team,2016-17,statutory,North,Alpha,,Q2,0,,
stage1_by_team,2016-17,statutory,North,Alpha,,Q3,2,,
duty_by_year,2016-17,,,,,,210,,
"""


def figures() -> pl.DataFrame:
    rows = [
        ("stage1_outcome", "2016-17", "statutory", None, None, "Upheld", None, 4, 4.395),
        (
            "stage1_outcome",
            "2016-17",
            "statutory",
            None,
            None,
            "Complaint Withdrawn",
            None,
            3,
            3.297,
        ),
        ("stage1_outcome", "2016-17", "statutory", None, None, "Not Upheld", None, 31, 34.5),
        (
            "stage1_outcome",
            "2016-17",
            "corporate",
            None,
            None,
            "Unable to make a Finding",
            None,
            1,
            0.758,
        ),
        ("stage1_by_team", "2016-17", "statutory", "North", "Alpha", None, "Q3", 3, None),
        ("duty_by_year", "2016-17", None, None, None, None, None, 210, None),
    ]
    nine = {c: t for c, t in SCHEMA.items() if c != "value"}  # written before contract 1.4
    return pl.DataFrame(rows, schema=nine, orient="row").with_columns(
        pl.lit(None, pl.Float64).alias("value")
    )


def test_statuses(tmp_path):
    path = tmp_path / "published.csv"
    path.write_text(PUBLISHED)
    result = reconcile(figures(), read_published(path))
    got = {
        (r["category"] or r["quarter"] or r["table"], r["measure"]): r["status"]
        for r in result.iter_rows(named=True)
    }
    assert got == {
        ("Upheld", "n"): "match",
        ("Upheld", "pct"): "match",  # 4.395 rounds to 4
        ("Complaint Withdrawn", "n"): "match",
        ("Complaint Withdrawn", "pct"): "rounding",  # 3.297 published as 4
        ("Not Upheld", "pct"): "match",  # 34.5 rounds half up to 35
        ("Unable to make a Finding", "pct"): "differs",
        ("Q2", "n"): "match",  # a zero count may be absent from the figures
        ("Q3", "n"): "differs",  # 2 published, 3 computed, no note
        ("duty_by_year", "n"): "match",
    }
    assert summary_line(result) == "reconcile: 6 match, 1 rounding, 2 differ"
    missing = unexplained(result)
    assert missing["quarter"].to_list() == ["Q3"]
