"""The reader's names of timescale bands (pipeline/report/labels.py): no band reads as a running
total, while figures.csv keeps the contract's categories."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.inputs.reference import load_reference
from pipeline.report import charts
from pipeline.report import narrative as nar
from pipeline.report.labels import band_label, label_bands, limits_in

ROOT = Path(__file__).parent.parent
YEAR = "2016-17"


@pytest.mark.parametrize(
    ("band", "limits", "shown"),
    [
        ("Within 10 Working Days", (10, 20), "10 working days or fewer"),
        ("Within 20 Working Days", (10, 20), "11 to 20 working days"),
        ("Over 20 Working Days", (10, 20), "More than 20 working days"),
        ("Within 15 Working Days", (15,), "15 working days or fewer"),
        ("Within 25 Working Days", (25, 65), "25 working days or fewer"),
        ("Within 65 Working Days", (25, 65), "26 to 65 working days"),
        ("Over 65 Working Days", (25, 65), "More than 65 working days"),
        ("Complaint Withdrawn", (10, 20), "Complaint Withdrawn"),
        ("Remains Ongoing", (25, 65), "Remains Ongoing"),
        ("Within 30 Working Days", (10, 20), "Within 30 Working Days"),  # not this limit
    ],
)
def test_band_label(band, limits, shown):
    assert band_label(band, limits) == shown


def test_limits_in_band_names():
    reference = load_reference(ROOT / "data/reference/authority.yml")
    assert limits_in(reference.bands("statutory")) == (10, 20)
    assert limits_in(reference.stage2_bands("statutory")) == (25, 65)


def test_only_timescale_tables_are_relabelled():
    frame = pl.DataFrame(
        {
            "table": ["stage1_timescale", "stage1_outcome", "stage2_timescale"],
            "procedure": ["statutory", "statutory", "statutory"],
            "category": [
                "Within 20 Working Days",
                "Within 20 Working Days",
                "Within 65 Working Days",
            ],
        }
    )
    shown = label_bands(frame, {"stage1:statutory": (10, 20), "stage2:statutory": (25, 65)})
    assert shown["category"].to_list() == [
        "11 to 20 working days",
        "Within 20 Working Days",
        "26 to 65 working days",
    ]


def test_sample_chart_and_table_show_band_ranges():
    figures = nar.read_figures(ROOT / "tests/fixtures/figures.csv")
    reference = load_reference(ROOT / "data/reference/authority.yml")
    chart = charts.stage1_timescales(figures, YEAR, "statutory", reference.bands("statutory"))
    shown = dict(chart.table.select("Response time", "Percentage").iter_rows())
    assert shown["11 to 20 working days"] == "37%"  # 34 of 91, the band alone
    assert not [c for c in chart.table["Response time"] if c.startswith("Within")]
    stage2 = charts.stage2_timescales(
        figures, YEAR, "statutory", reference.stage2_bands("statutory")
    )
    assert stage2.table["Time taken"].to_list()[:2] == [
        "25 working days or fewer",
        "26 to 65 working days",
    ]
    table = nar.history_share_table(
        figures, "stage1_timescale", YEAR, "statutory", reference.bands("statutory")
    )
    assert "| Year | 10 working days or fewer | 11 to 20 working days |" in table
    assert "Within" not in table
    # figures.csv keeps the contract's categories
    assert "Within 20 Working Days" in figures["category"].to_list()


def test_mini_council_bands_and_symbols(mini_reference):
    from conftest import MINI
    from pipeline.inputs.load import load_extracts
    from pipeline.metrics.figures import compute_figures, load_history

    extracts = load_extracts(MINI / "raw", mini_reference, YEAR)
    figures = compute_figures(extracts, mini_reference, YEAR, load_history(MINI / "history"))
    chart = charts.stage1_timescales(figures, YEAR, "statutory", mini_reference.bands("statutory"))
    shown = chart.table["Response time"].to_list()
    assert not [name for name in shown if name.startswith(("Within", "Over"))]
    limits = mini_reference.timescales["statutory"]
    assert f"{limits[0] + 1} to {limits[1]} working days" in mini_reference_labels(mini_reference)
    # the mini council's team tables show a quarter without complaints as the zero symbol
    text = nar.team_quarter_tables(figures, YEAR, "statutory", mini_reference.service_area_names)
    assert "| \\- |" in text and "\\[x\\]" not in text


def mini_reference_labels(reference) -> list[str]:
    from pipeline.report.labels import band_labels

    return band_labels(reference.bands("statutory"), reference.timescales["statutory"])


def test_relabelling_keeps_the_order_of_rows():
    figures = nar.read_figures(ROOT / "tests/fixtures/figures.csv")
    shown = label_bands(figures, {})
    assert shown.select("table", "year", "procedure", "n").equals(
        figures.select("table", "year", "procedure", "n")
    )
    changed = shown.filter(pl.col("category") != figures["category"])
    assert set(changed["table"].to_list()) == {"stage1_timescale", "stage2_timescale"}
