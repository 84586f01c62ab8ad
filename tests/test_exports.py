"""Extracts as case systems write them (issue 20), on the mini council: refs in another
case or with other spaces, date-time cells and texts, Excel day numbers, title rows above
the header, workbooks with several sheets, headers of optional columns under another name,
totals rows. Each outcome with its exact message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from conftest import MINI, replace_in
from pipeline.checks.validate import Failure, ValidationReport
from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts, read_extracts
from pipeline.inputs.reference import load_reference
from pipeline.metrics.figures import compute_figures

COMPLAINTS_HEADER = (
    "case_ref,procedure,received_date,service_area,team,nature,outcome,response_date,"
    "complainant_type"
)


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def problems(raw: Path, reference) -> list[InputError]:
    with pytest.raises(InputError) as caught:
        load_extracts(raw, reference)
    return caught.value.problems or [caught.value]


# ---------------------------------------------------------------- refs


def test_a_ref_differing_only_in_case_and_spaces_is_one_case_twice(raw, mini_reference):
    append_line(
        raw / "complaints.csv",
        "c1\u00a0,corporate,2016-05-05,North Services,Alpha Team,Case Management,Upheld,"
        "2016-05-20,Parent",
    )
    (problem,) = problems(raw, mini_reference)
    assert (Path(problem.file).name, problem.column, problem.rows) == (
        "complaints.csv",
        "case_ref",
        [8, 11],
    )
    assert problem.message == (
        "'C1' (row 8), 'c1' (row 11) are one ref written differently (refs are compared "
        "ignoring case and spaces): each row needs its own ref; delete the repeated row or "
        "correct its ref"
    )


def test_refs_without_small_letters_that_are_one_in_small_letters(raw, mini_reference):
    # No ref holds a small letter, yet the Kelvin sign (U+212A) is "k" in small letters,
    # as K is: the two refs are one (the quick test for small letters must not skip them).
    for ref, received in (("K1", "2016-05-05"), ("\u212a1", "2016-05-06")):
        append_line(
            raw / "complaints.csv",
            f"{ref},corporate,{received},North Services,Alpha Team,Case Management,"
            "Upheld,2016-05-20,Parent",
        )
    (problem,) = problems(raw, mini_reference)
    assert (problem.column, problem.rows, problem.values) == (
        "case_ref",
        [11, 12],
        ["K1", "\u212a1"],
    )


def test_links_between_files_ignore_case_and_spaces(raw, mini_reference):
    replace_in(raw / "remedies.csv", "C1,Apology", " c1 ,Apology")
    replace_in(raw / "findings.csv", "E4,1,Upheld", "e4,1,Upheld")
    extracts = load_extracts(raw, mini_reference)
    # the report shows each ref as the file it belongs to first wrote it
    assert extracts.remedies["case_ref"].to_list()[-1] == "C1"
    assert extracts.findings["escalation_ref"].to_list()[-1] == "E4"
    assert compute_figures(extracts, mini_reference, "2016-17").equals(
        compute_figures(load_extracts(MINI / "raw", mini_reference), mini_reference, "2016-17")
    )


# ---------------------------------------------------------------- dates


def test_dates_with_times_and_month_names_are_read(raw, mini_reference):
    replace_in(raw / "complaints.csv", "S1,statutory,2016-04-04,", "S1,statutory,2016-04-04 09:30,")
    replace_in(raw / "complaints.csv", ",2016-04-18,", ",18/04/2016 00:00:00,")
    replace_in(raw / "complaints.csv", "S3,statutory,2016-07-01,", "S3,statutory,01-Jul-2016,")
    extracts, found = read_extracts(raw, mini_reference)
    assert found == []
    first = extracts.complaints.row(0, named=True)
    assert (first["received_date"], first["response_date"]) == (
        dt.date(2016, 4, 4),
        dt.date(2016, 4, 18),
    )
    assert extracts.complaints["received_date"][2] == dt.date(2016, 7, 1)
    # midnight is no time of day; 09:30 is, and the summary says it was left out
    assert extracts.notes == [
        "complaints.csv: 1 date in column received_date hold a time of day: the date is "
        "read, the time left out"
    ]


def test_excel_day_numbers_and_us_order_are_told_apart(raw, mini_reference):
    replace_in(raw / "complaints.csv", "S1,statutory,2016-04-04,", "S1,statutory,42464,")
    replace_in(raw / "complaints.csv", ",2016-04-18,", ",04/18/2016,")
    found = problems(raw, mini_reference)
    assert [(p.column, p.rows, p.values, p.message) for p in found] == [
        (
            "received_date",
            [1],
            ["42464"],
            "looks like an Excel date number: format the column as a date before saving",
        ),
        ("response_date", [1], ["04/18/2016"], "not a date: write YYYY-MM-DD or DD/MM/YYYY"),
    ]


# ---------------------------------------------------------------- headers and sheets


def test_header_below_title_rows_is_found_with_a_note(raw, mini_reference):
    path = raw / "complaints.csv"
    path.write_text(
        "Complaints report\nGenerated 03/04/2017 09:12\n" + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    extracts, found = read_extracts(raw, mini_reference)
    assert found == []
    assert extracts.complaints.height == 10
    assert extracts.complaints["_row"].to_list()[:2] == [1, 2]  # counted after the header
    assert extracts.notes == [
        "complaints.csv: the header is row 3, starting 'case_ref'; the rows above it "
        "('Complaints report', 'Generated 03/04/2017 09:12') were left out, and data rows "
        "are counted from the row after the header"
    ]


def test_headers_named_differently_get_one_message_with_the_nearest(raw, mini_reference):
    path = raw / "complaints.csv"
    replace_in(path, "case_ref,procedure,received_date", "Case Ref,Procedure,Date Received")
    (problem,) = problems(raw, mini_reference)
    assert problem.message == (
        "required columns missing: case_ref, received_date. The header row read (row 1) "
        "holds 'Case Ref', 'Procedure', 'Date Received', 'service_area', 'team', 'nature', "
        "'outcome', 'response_date', 'complainant_type'. 'Case Ref' looks like case_ref; "
        "'Date Received' looks like received_date: map them under `columns: complaints:` "
        "in the reference file (docs/adapting.md), or draft the mapping with "
        "`complaints-report init`"
    )


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """A workbook of the given sheets (a date-time value written as a date cell)."""
    workbook = xlsxwriter.Workbook(str(path))
    when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, when)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()


def duty_rows() -> list[list[object]]:
    return [
        ["duty_ref", "received_date", "category"],
        ["D1", dt.datetime(2016, 5, 3, 14, 5), "Advice"],
        ["D2", dt.datetime(2016, 8, 1), "advice"],
        ["D3", dt.datetime(2017, 1, 9, 11, 0), "Out of Time"],
    ]


def test_a_workbook_with_an_empty_first_sheet_reads_the_sheet_with_data(raw, mini_reference):
    (raw / "duty.csv").unlink()
    write_workbook(raw / "duty.xlsx", {"Sheet1": [], "Duty": duty_rows()})
    extracts, found = read_extracts(raw, mini_reference)
    assert found == []
    assert extracts.duty["received_date"].to_list() == [
        dt.date(2016, 5, 3),
        dt.date(2016, 8, 1),
        dt.date(2017, 1, 9),
    ]
    assert extracts.notes == [
        "duty.xlsx: read sheet 'Duty' (the other sheets: 'Sheet1' (empty)); name another "
        "under `sheets` in the reference file",
        "duty.xlsx: 2 dates in column received_date hold a time of day: the date is read, "
        "the time left out",
    ]


def test_the_sheet_named_in_the_reference_is_read(raw, tmp_path):
    (raw / "duty.csv").unlink()
    old = [["duty_ref", "received_date", "category"], ["X1", "2016-05-03", "Advice"]]
    write_workbook(raw / "duty.xlsx", {"Old": old, "Duty": duty_rows()})
    text = (MINI / "authority.yml").read_text(encoding="utf-8")
    (tmp_path / "named.yml").write_text(text + "sheets:\n  duty: duty\n", encoding="utf-8")
    extracts = load_extracts(raw, load_reference(tmp_path / "named.yml"))
    assert extracts.duty["duty_ref"].to_list() == ["D1", "D2", "D3"]
    (tmp_path / "wrong.yml").write_text(text + "sheets:\n  duty: Duties\n", encoding="utf-8")
    (problem,) = problems(raw, load_reference(tmp_path / "wrong.yml"))
    assert problem.message == (
        "the reference file names sheet 'Duties' under `sheets`, but the workbook's sheets "
        "are 'Old', 'Duty'"
    )


def test_an_unknown_extract_under_sheets_stops(tmp_path):
    text = (MINI / "authority.yml").read_text(encoding="utf-8")
    (tmp_path / "a.yml").write_text(text + "sheets:\n  complaint: Data\n", encoding="utf-8")
    with pytest.raises(InputError, match="sheets: unknown extract 'complaint'"):
        load_reference(tmp_path / "a.yml")


# ---------------------------------------------------------------- optional columns


def test_optional_headers_under_another_name_are_warned_about(raw, mini_reference):
    replace_in(raw / "complaints.csv", ",complainant_type", ",Complainant Type")
    text = (raw / "escalations.csv").read_text(encoding="utf-8")
    (raw / "escalations.csv").write_text(text.replace(",completed_date", ",Completed Date", 1))
    extracts, found = read_extracts(raw, mini_reference)
    assert found == []
    assert not extracts.has_column("escalations", "completed_date")
    assert extracts.warnings == [
        "complaints.csv: the header 'Complainant Type' looks like the optional column "
        "complainant_type, which is not read: to read it, map it in the reference file "
        "(`columns: complaints: complainant_type: Complainant Type`)",
        "escalations.csv: the header 'Completed Date' looks like the optional column "
        "completed_date, which is not read: to read it, map it in the reference file "
        "(`columns: escalations: completed_date: Completed Date`)",
    ]


# ---------------------------------------------------------------- totals rows


def test_a_totals_row_gets_one_message(raw, mini_reference):
    append_line(raw / "complaints.csv", "Total,,,,,,10,,")
    append_line(raw / "duty.csv", "Grand Total:,,3")
    found = problems(raw, mini_reference)
    assert [(Path(p.file).name, p.rows, p.message) for p in found] == [
        ("complaints.csv", [11], "looks like a totals row: delete it"),
        ("duty.csv", [4], "looks like a totals row: delete it"),
    ]
    assert (
        found[0].describe().endswith("complaints.csv, row 11: looks like a totals row: delete it")
    )


# ---------------------------------------------------------------- the summary


def test_the_summary_never_shows_a_free_text_value():
    report = ValidationReport(
        year="2016-17",
        failures=[
            Failure("lgo.csv", "summary", [2], ["the child's name"], "load", "too long"),
            Failure("lgo.csv", "Decision Text (summary)", [3], ["private"], "load", "too long"),
            Failure("lgo.csv", "finding", [4], ["Bad Finding"], "load", "not a finding"),
        ],
    )
    summary = report.summary_markdown()
    assert "the child's name" not in summary and "private" not in summary
    assert "- **lgo.csv**, column `finding`, row 4: not a finding (value: `'Bad Finding'`)" in (
        summary
    )


def test_warnings_are_in_the_summary_of_a_passing_validation():
    report = ValidationReport(year="2016-17", checks=3, warnings=["x.csv: look here"])
    assert report.success
    assert report.summary_markdown().splitlines()[2:] == [
        "PASSED: all 3 checks passed.",
        "",
        "Warning: x.csv: look here.",
    ]
    assert pl.DataFrame({"w": report.to_json_dict()["warnings"]})["w"].to_list() == [
        "x.csv: look here"
    ]
