"""The sample's complaints as a case system exports them (issue 20, done when): an XLSX
with an empty first sheet, title rows above the header, date-time cells and a totals row.
Validation names every problem in one run; with the totals row deleted the figures are
the sample's own."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from conftest import ROOT
from pipeline.checks.validate import validate_extracts
from pipeline.metrics.figures import build_figures

YEAR = "2016-17"
SAMPLE = ROOT / "data" / "raw" / YEAR
REFERENCE = ROOT / "data" / "reference" / "authority.yml"
HISTORY = ROOT / "data" / "history"
DATES = ("received_date", "response_date")


def export_complaints(folder: Path, *, totals: bool, duplicate: bool = False) -> None:
    """The sample's extracts with complaints.csv replaced by a case system's workbook.

    Sheet 1 is empty; sheet 2 has a title, a "Generated" line and a blank row above the
    header; dates are date-time cells (received at 09:30, answered at midnight); a
    "Total" row closes the data. ``duplicate`` adds the second case again with its ref in
    lower case (refs in another case are the same case).
    """
    shutil.copytree(SAMPLE, folder)
    (folder / "complaints.csv").unlink()
    with (SAMPLE / "complaints.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:]
    if duplicate:
        data.append([data[1][0].lower(), *data[1][1:]])
    workbook = xlsxwriter.Workbook(str(folder / "complaints.xlsx"))
    workbook.add_worksheet("Sheet1")
    sheet = workbook.add_worksheet("Complaints")
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write(0, 0, "Complaints report")
    sheet.write(1, 0, "Generated 03/04/2017 09:12")
    sheet.write_row(3, 0, header)
    for r, row in enumerate(data, start=4):
        for c, (column, value) in enumerate(zip(header, row, strict=True)):
            if column in DATES and value:
                day = dt.date.fromisoformat(value)
                time = dt.time(9, 30) if column == "received_date" else dt.time()
                sheet.write_datetime(r, c, dt.datetime.combine(day, time), when)
            elif value:
                sheet.write_string(r, c, value)
    if totals:
        sheet.write(4 + len(data), 0, "Total")
        sheet.write(4 + len(data), 6, len(data))
    workbook.close()


@pytest.fixture(scope="module")
def normal_figures(tmp_path_factory) -> pl.DataFrame:
    out = tmp_path_factory.mktemp("normal")
    return build_figures(YEAR, SAMPLE, REFERENCE, HISTORY, out)


def test_validation_names_every_problem_of_the_export_in_one_run(tmp_path):
    raw = tmp_path / "raw"
    export_complaints(raw, totals=True, duplicate=True)
    report = validate_extracts(raw, REFERENCE, YEAR, tmp_path / "out")
    assert [(f.file, f.column, f.rows, f.message) for f in report.failures] == [
        ("complaints.xlsx", None, [225], "looks like a totals row: delete it"),
        (
            "complaints.xlsx",
            "case_ref",
            [2, 224],
            "'CO1-16-0002' (row 2), 'co1-16-0002' (row 224) are one ref written differently "
            "(refs are compared ignoring case and spaces): each row needs its own ref; "
            "delete the repeated row or correct its ref",
        ),
    ]
    assert report.notes == [
        "complaints.xlsx: read sheet 'Complaints' (the other sheets: 'Sheet1' (empty)); "
        "name another under `sheets` in the reference file",
        "complaints.xlsx: the header is row 4 of sheet 'Complaints', starting 'case_ref'; "
        "the rows above it ('Complaints report', 'Generated 03/04/2017 09:12') were left "
        "out, and data rows are counted from the row after the header",
        "complaints.xlsx: 224 dates in column received_date hold a time of day: the date "
        "is read, the time left out",
    ]


def test_without_the_totals_row_the_figures_are_the_samples(tmp_path, normal_figures):
    raw = tmp_path / "raw"
    export_complaints(raw, totals=False)
    report = validate_extracts(raw, REFERENCE, YEAR, tmp_path / "out")
    assert report.success, report.summary_markdown()
    figures = build_figures(YEAR, raw, REFERENCE, HISTORY, tmp_path / "out")
    assert figures.equals(normal_figures)
    corporate = figures.filter(
        pl.col("table") == "feedback_total",
        pl.col("year") == YEAR,
        pl.col("category") == "Corporate Stage 1",
    )
    assert corporate["n"].to_list() == [132]
