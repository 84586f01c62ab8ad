"""The spreadsheet of every table: sheets, numbers stored as numbers, no merged cells."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import polars as pl
import pytest

from conftest import ROOT
from pipeline.inputs.reference import load_reference
from pipeline.metrics.figures import TABLES, build_figures
from pipeline.publish.spreadsheet import SHEETS, WORD_JOINER, spreadsheet_text, write_spreadsheet

YEAR = "2016-17"
PUBLISHED = date(2017, 9, 28)


@pytest.fixture(scope="module")
def sample_figures(tmp_path_factory) -> pl.DataFrame:
    return build_figures(
        YEAR,
        ROOT / "data" / "raw" / YEAR,
        ROOT / "data" / "reference" / "authority.yml",
        ROOT / "data" / "history",
        tmp_path_factory.mktemp("figures"),
    )


@pytest.fixture(scope="module")
def workbook(sample_figures, tmp_path_factory) -> openpyxl.Workbook:
    target = tmp_path_factory.mktemp("xlsx") / "annual-report-tables.xlsx"
    reference = load_reference(ROOT / "data" / "reference" / "authority.yml")
    written = write_spreadsheet(
        sample_figures,
        target,
        YEAR,
        "Example County Council",
        reference=reference,
        published=PUBLISHED,
    )
    assert written == target
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]
    return openpyxl.load_workbook(target)


def table_rows(sheet) -> list[tuple]:
    """The rows of the sheet's one Excel table, header first."""
    (table,) = sheet.tables.values()
    return [tuple(c.value for c in row) for row in sheet[table.ref]]


def sheet_titled(workbook, words: str):
    for sheet in workbook.worksheets:
        if words in str(sheet["A1"].value):
            return sheet
    raise AssertionError(f"no sheet titled {words!r}")


def test_cover_contents_notes_then_one_sheet_per_table(workbook, sample_figures):
    tables = [t for t in TABLES if t in set(sample_figures["table"].to_list())]
    assert workbook.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert workbook.sheetnames[3:] == [f"Table_{i}" for i in range(1, len(tables) + 1)]
    titles = [sheet["A1"].value for sheet in workbook.worksheets[3:]]
    for i, (table, title) in enumerate(zip(tables, titles, strict=True), start=1):
        assert title.startswith(f"Table {i}: {SHEETS[table].title}")
    contents = [row[0] for row in table_rows(workbook["Contents"])[1:]]
    assert contents == workbook.sheetnames[3:]


def test_published_counts_are_numeric_cells(workbook):
    quarters = table_rows(sheet_titled(workbook, "received, by quarter"))
    assert quarters[0] == ("Year", "Procedure", "Quarter", "Complaints received")
    statutory = [r[3] for r in quarters if r[0] == "2016/17" and r[1] == "Statutory"]
    assert statutory == [40, 23, 15, 13]
    assert all(isinstance(n, int) for n in statutory)
    feedback = table_rows(sheet_titled(workbook, "Feedback received"))
    assert feedback[0] == ("Year", "Type of feedback", "Items received")
    feedback = {r[1]: r[2] for r in feedback[1:]}
    assert feedback["Compliments"] == 195 and feedback["Statutory Stage 1"] == 91


def test_percentages_are_numbers_with_a_unit_and_missing_values_use_the_shorthand(workbook):
    outcomes = table_rows(sheet_titled(workbook, "Outcomes of Stage 1"))
    assert outcomes[0][-1] == "Share of complaints\n(%)"
    this_year = {r[2]: r for r in outcomes if r[0] == "2016/17" and r[1] == "Statutory"}
    assert this_year["Partially Upheld"][3:] == (50, 54.9)
    earlier = [r for r in outcomes if r[0] == "2013/14"]
    assert earlier and all(r[3] == "[x]" and isinstance(r[4], (int, float)) for r in earlier)
    notes = [row[1] for row in table_rows(workbook["Notes"])[1:]]
    assert any(text.startswith("[x] means the value is not available") for text in notes)


def test_no_merged_cells_and_no_formulas(workbook):
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_text_from_the_data_never_becomes_a_formula(sample_figures, tmp_path):
    hostile = sample_figures.with_columns(
        pl.when(pl.col("category") == "Compliments")
        .then(pl.lit('=HYPERLINK("http://example.invalid","x")'))
        .otherwise(pl.col("category"))
        .alias("category")
    )
    target = write_spreadsheet(hostile, tmp_path / "t.xlsx", YEAR, "Example County Council")
    sheet = sheet_titled(openpyxl.load_workbook(target), "Feedback received")
    cells = [c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].value.startswith("'=")
    assert spreadsheet_text("-5 days") == "'-5 days" and spreadsheet_text(5) == 5


def test_text_from_the_data_is_never_read_as_gptables_markup(sample_figures, tmp_path):
    names = {"Compliments": "[click](https://example.invalid)", "Ombudsman": "$$shorthand$$"}
    hostile = sample_figures.with_columns(pl.col("category").replace(names))
    target = write_spreadsheet(hostile, tmp_path / "t.xlsx", YEAR, "Example County Council")
    sheet = sheet_titled(openpyxl.load_workbook(target), "Feedback received")
    shown = {str(c.value).replace(WORD_JOINER, "") for row in sheet.iter_rows() for c in row}
    assert set(names.values()) <= shown
    assert not any(c.hyperlink for row in sheet.iter_rows() for c in row)
    assert not any("[note" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_percentages_show_one_decimal_place(workbook):
    sheet = sheet_titled(workbook, "Outcomes of Stage 1")
    (table,) = sheet.tables.values()
    cells = list(sheet[table.ref])
    header = [c.value for c in cells[0]]
    column = header.index("Share of complaints\n(%)")
    assert {row[column].number_format for row in cells[1:]} == {"0.0"}
    assert cells[0][column].number_format == "General"  # the header is text
    counts = {row[header.index("Complaints")].number_format for row in cells[1:]}
    assert counts == {"General"}


def test_cover_dates_the_publication_and_names_the_contact(workbook):
    cover = [row[0] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]]
    assert "Date of publication: 28 September 2017." in cover
    assert "Email: childrens.complaints@example.org" in cover
    assert "Children's Services Complaints and Representations Team" in cover
    every_text = " ".join(
        str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row
    )
    assert "figures.csv" not in every_text  # a file the reader does not have
    properties = workbook.properties
    assert properties.title == "Children's services complaints and compliments: tables for 2016/17"
    assert properties.creator == "Example County Council"
    assert properties.created == datetime(2017, 9, 28)


def test_headers_name_the_measure(workbook):
    median = table_rows(sheet_titled(workbook, "Median working days"))
    assert median[0][-1] == "Median working days"
    assert dict((r[1], r[-1]) for r in median[1:]) == {"Statutory": 19, "Corporate": 13}
    upheld = table_rows(sheet_titled(workbook, "Ombudsman upheld rate"))
    assert upheld[0] == (
        "Year",
        "Decisions that found fault",
        "Share of investigated decisions\n(%)",
    )
    assert upheld[1] == ("2016/17", 5, 35.7)  # 5 of the 14 investigated


def test_band_labels_are_the_readers(workbook):
    bands = table_rows(sheet_titled(workbook, "Stage 1 response times"))
    names = {r[2] for r in bands[1:]}
    assert {"10 working days or fewer", "11 to 20 working days"} <= names
    assert not [n for n in names if n.startswith("Within")]
    stage2 = {r[2] for r in table_rows(sheet_titled(workbook, "Time taken to complete"))[1:]}
    assert "26 to 65 working days" in stage2


def test_note_markers_ascend_on_every_sheet(workbook):
    import re

    for sheet in workbook.worksheets[3:]:
        numbers = [int(n) for n in re.findall(r"\[note (\d+)\]", str(sheet["A1"].value))]
        assert numbers == sorted(numbers), (sheet.title, numbers)
    notes = [row[0] for row in table_rows(workbook["Notes"])[1:]]
    assert notes == sorted(notes)


def test_print_set_up(workbook):
    for sheet in workbook.worksheets:
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0
    by_quarter = sheet_titled(workbook, "received, by quarter")
    assert by_quarter.print_title_rows == "$5:$5"  # the header row on every printed page
    assert by_quarter.page_setup.orientation == "portrait"  # four columns
    wide = sheet_titled(workbook, "Stage 1 complaints, by service area, team and quarter")
    assert wide.page_setup.orientation == "landscape"  # six columns


def test_earlier_years_inconsistencies_are_notes_of_their_sheets(tmp_path):
    build_figures(
        YEAR,
        ROOT / "data" / "raw" / YEAR,
        ROOT / "data" / "reference" / "authority.yml",
        ROOT / "data" / "history",
        tmp_path,
    )
    target = write_spreadsheet(tmp_path / "figures.csv", tmp_path / "t.xlsx", YEAR, "X")
    workbook = openpyxl.load_workbook(target)
    notes = dict(table_rows(workbook["Notes"])[1:])
    (number,) = [
        n for n, text in notes.items() if "add up to 71" in text and "quarters are" in text
    ]
    title = sheet_titled(workbook, "received, by quarter")["A1"].value
    assert f"[note {number}]" in title
