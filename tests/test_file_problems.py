"""Every problem in one run: loading collects the problems of all files, says what a
file really is, and validation reports them beside the rule failures, grouped by file."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import MINI, replace_in
from pipeline.checks.validate import validate_extracts
from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts, read_extracts
from pipeline.inputs.reference import load_reference

OWN = MINI.parent / "mini-own-words"


def problems_of(raw: Path, reference) -> list[InputError]:
    with pytest.raises(InputError) as caught:
        load_extracts(raw, reference)
    return caught.value.problems or [caught.value]


def located(problem: InputError) -> tuple[str, str | None, list[int], list]:
    return Path(problem.file).name, problem.column, problem.rows, problem.values


def five_bad_cells(raw: Path) -> None:
    """Two in complaints, one in duty, two in findings (one column, two rows)."""
    replace_in(raw / "complaints.csv", "2016-04-04,North", "12/31/2016,North")  # row 1
    replace_in(raw / "complaints.csv", "2016-07-29", "2016-06-31")  # row 3, answered
    replace_in(raw / "duty.csv", "2016-11-11", "11.11.2016")  # row 2
    replace_in(raw / "findings.csv", "E1,2,", "E1,two,")  # row 2
    replace_in(raw / "findings.csv", "E2,2,", "E2,2nd,")  # row 5


def test_all_bad_cells_of_all_files_in_one_error(raw, mini_reference):
    five_bad_cells(raw)
    problems = problems_of(raw, mini_reference)
    assert [located(p) for p in problems] == [
        ("complaints.csv", "received_date", [1], ["12/31/2016"]),
        ("complaints.csv", "response_date", [3], ["2016-06-31"]),
        ("findings.csv", "point_no", [2, 5], ["two", "2nd"]),
        ("duty.csv", "received_date", [2], ["11.11.2016"]),
    ]
    assert problems[2].message == "not a whole number"


def test_validate_reports_five_bad_cells_with_the_rule_failures(raw, tmp_path):
    five_bad_cells(raw)
    replace_in(raw / "remedies.csv", "C1,Apology", "C1,Voucher")  # a rule failure, row 6
    report = validate_extracts(raw, MINI / "authority.yml", "2016-17", tmp_path / "out")
    found = {(f.file, f.column, tuple(f.rows), tuple(f.values), f.rule) for f in report.failures}
    assert found == {
        ("complaints.csv", "received_date", (1,), ("12/31/2016",), "load"),
        ("complaints.csv", "response_date", (3,), ("2016-06-31",), "load"),
        ("findings.csv", "point_no", (2, 5), ("two", "2nd"), "load"),
        ("duty.csv", "received_date", (2,), ("11.11.2016",), "load"),
        ("remedies.csv", "remedy", (6,), ("Voucher",), "expect_column_values_to_be_in_set"),
    }  # the empty response date of row 3 (an answered case) is not reported twice
    summary = (tmp_path / "out" / "validation" / "summary.md").read_text()
    headings = [line for line in summary.splitlines() if line.startswith("## ")]
    assert headings == [
        "## complaints.csv",
        "## remedies.csv",
        "## findings.csv",
        "## duty.csv",
    ]
    assert "**findings.csv**, column `point_no`, rows 2, 5: not a whole number" in summary


def test_unreadable_files_do_not_stop_the_others(raw, tmp_path):
    """Each unusable file is one failure; the suites still check the files that loaded,
    and the cross-file checks that need an unusable file are left out."""
    (raw / "complaints.csv").write_bytes((raw / "complaints.csv").read_text().encode("utf-16"))
    (raw / "escalations.csv").unlink()
    replace_in(raw / "duty.csv", "D2,", "D1,")  # a duplicate ref: a rule failure
    report = validate_extracts(raw, MINI / "authority.yml", "2016-17", tmp_path / "out")
    assert [(f.file, f.rule) for f in report.failures] == [
        ("complaints.csv", "load"),
        ("escalations.csv", "load"),
        ("duty.csv", "expect_column_values_to_be_unique"),
    ]  # no remedy or finding reported as an orphan of the unreadable files
    missing = report.failures[1].message
    assert missing.startswith("required extract missing") and str(raw.resolve()) in missing


def test_many_rows_are_named_by_the_first_twenty_and_a_count(raw, mini_reference):
    lines = ["duty_ref,received_date,category"]
    lines += [f"D{n},someday {n},Advice" for n in range(1, 26)]
    (raw / "duty.csv").write_text("\n".join(lines) + "\n")
    (problem,) = problems_of(raw, mini_reference)
    assert problem.rows == list(range(1, 26))
    assert problem.values == [f"someday {n}" for n in range(1, 11)]  # ten examples
    assert "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 " in str(
        problem
    )
    assert "and 5 more (25 rows)" in problem.describe()


# ---------------------------------------------------------------- what a file really is


def test_semicolon_separated_csv_is_read_with_a_note(raw, mini_reference):
    expected = load_extracts(raw, mini_reference).complaints
    text = (raw / "complaints.csv").read_text()
    (raw / "complaints.csv").write_text(text.replace(",", ";"))
    extracts, problems = read_extracts(raw, mini_reference)
    assert problems == []
    assert extracts.complaints.equals(expected)
    assert extracts.notes == ["complaints.csv is separated by semicolons, not commas: read as such"]


def test_semicolon_file_with_free_text_skipped(raw, mini_reference):
    text = (raw / "compliments.csv").read_text()
    (raw / "compliments.csv").write_text(text.replace(",", ";"))
    compliments = load_extracts(raw, mini_reference, free_text=False).compliments
    assert compliments["compliment_ref"].to_list() == ["K1", "K2", "K3", "K4"]
    assert compliments["text"].is_null().all()


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("utf-16", "the text is UTF-16 (what Excel calls 'Unicode Text'), not UTF-8"),
        ("utf-16-be", "the text looks like UTF-16 without a byte order mark"),
        ("utf-32", "the text is UTF-32"),
    ],
)
def test_utf16_and_utf32_files_are_named(raw, mini_reference, encoding, words):
    path = raw / "duty.csv"
    path.write_bytes(path.read_text().encode(encoding))
    (problem,) = problems_of(raw, mini_reference)
    assert Path(problem.file).name == "duty.csv"
    assert words in problem.message
    assert "Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'" in problem.message


def test_windows_1252_text_names_every_row_and_the_likely_encoding(raw, mini_reference):
    path = raw / "compliments.csv"
    text = path.read_text().replace("Clear advice", "Clear advice from the caf\u00e9")
    text = text.replace("Always kind", "Always kind \u2013 and")
    path.write_bytes(text.encode("cp1252"))
    (problem,) = problems_of(raw, mini_reference)
    assert problem.rows == [3, 4]
    assert "Windows-1252" in problem.message and "CSV UTF-8" in problem.message
    assert "caf\u00e9" in problem.values[0]


def test_workbook_with_a_csv_name(raw, mini_reference):
    pl.read_csv(raw / "lgo.csv").write_excel(raw / "lgo.csv")
    (problem,) = problems_of(raw, mini_reference)
    assert problem.message.startswith(
        "this is an Excel workbook (XLSX) with a .csv name: rename it to lgo.xlsx"
    )


def test_old_excel_workbook_with_either_name(raw, mini_reference):
    (raw / "lgo.csv").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (raw / "duty.csv").unlink()
    (raw / "duty.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    lgo, duty = problems_of(raw, mini_reference)  # in extract order
    assert "Excel 97-2003 workbook (.xls) or a password-protected" in duty.message
    assert "'Excel Workbook (*.xlsx)'" in duty.message
    assert "with a .csv name" in lgo.message and "CSV UTF-8" in lgo.message


def test_csv_text_with_an_xlsx_name(raw, mini_reference):
    (raw / "duty.csv").rename(raw / "duty.xlsx")
    (problem,) = problems_of(raw, mini_reference)
    assert Path(problem.file).name == "duty.xlsx"
    assert problem.message.startswith(
        "this is text (CSV), not an Excel workbook, with an .xlsx name: rename it to duty.csv"
    )


def test_column_named_twice_names_both_positions(raw, mini_reference):
    path = raw / "duty.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ", Category ,note", *(f"{line},Other,x" for line in lines[1:])]
    path.write_text("\n".join(lines) + "\n")
    (problem,) = problems_of(raw, mini_reference)
    assert problem.column == "category"
    assert problem.message.startswith("columns 3 (C) and 4 (D) are both named 'category'")


def test_column_named_three_times_in_a_workbook(raw, mini_reference):
    import xlsxwriter

    (raw / "duty.csv").unlink()
    workbook = xlsxwriter.Workbook(raw / "duty.xlsx")
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["duty_ref", "received_date", "category", "DUTY_REF", "duty_ref"])
    sheet.write_row(1, 0, ["D1", "2016-04-10", "Advice", "D1", "D1"])
    workbook.close()
    (problem,) = problems_of(raw, mini_reference)
    assert problem.message.startswith("columns 1 (A), 4 (D) and 5 (E) are all named 'duty_ref'")


def test_repeated_extra_columns_are_harmless(raw, mini_reference):
    path = raw / "duty.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",note,note", *(f"{line},x,y" for line in lines[1:])]
    path.write_text("\n".join(lines) + "\n")
    assert load_extracts(raw, mini_reference).duty.height == 3


def test_mapped_column_named_twice(tmp_path):
    reference = load_reference(OWN / "authority.yml")
    shutil.copytree(OWN / "raw", tmp_path / "raw")
    path = tmp_path / "raw" / "duty.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",duty category", *(f"{line},Advice" for line in lines[1:])]
    path.write_text("\n".join(lines) + "\n")
    (problem,) = problems_of(tmp_path / "raw", reference)
    assert problem.column == "Duty Category (category)"
    assert "are both named 'Duty Category' (category)" in problem.message


def test_missing_columns_each_named(raw, mini_reference):
    path = raw / "lgo.csv"
    frame = pl.read_csv(path, infer_schema=False).drop("status", "decision_date")
    frame.write_csv(path)
    problems = problems_of(raw, mini_reference)
    # one message for the file: which row was read, what it holds, where to map columns
    assert [(p.column, p.message) for p in problems] == [
        (
            None,
            "required columns missing: status, decision_date. The header row read (row 1) "
            "holds 'lgo_ref', 'service_area', 'team', 'finding', 'summary'. Map the file's "
            "own headers under `columns: lgo:` in the reference file (docs/adapting.md), "
            "or draft the mapping with `complaints-report init`",
        )
    ]


def test_folder_not_found_gives_the_full_path(tmp_path, mini_reference, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        load_extracts("data/raw/2030-31", mini_reference)
    assert str(tmp_path / "data" / "raw" / "2030-31") in caught.value.message
