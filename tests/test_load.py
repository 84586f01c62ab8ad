"""Loading extracts: types, trimming, aliases, and errors that name file, row and column."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from conftest import MINI, replace_in
from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts, read_extract


def load_error(raw: Path, reference) -> InputError:
    with pytest.raises(InputError) as caught:
        load_extracts(raw, reference)
    return caught.value


def test_types_trimming_and_canonical_spellings(raw, mini_reference):
    replace_in(raw / "complaints.csv", "S3,statutory", "  S3 ,  STATUTORY ")
    complaints = load_extracts(raw, mini_reference).complaints
    assert complaints.schema["received_date"] == pl.Date
    s2 = complaints.filter(pl.col("case_ref") == "S2").row(0, named=True)
    assert s2["procedure"] == "statutory"  # "Statutory" in the file
    assert s2["service_area"] == "North Services"  # "north services"
    assert s2["received_date"] == date(2016, 4, 4)  # 04/04/2016
    assert s2["_row"] == 2
    s1 = complaints.filter(pl.col("case_ref") == "S1").row(0, named=True)
    assert s1["team"] == "Alpha Team"  # alias "alpha"
    s3 = complaints.filter(pl.col("case_ref") == "S3").row(0, named=True)
    assert (s3["procedure"], s3["nature"]) == ("statutory", "Case Management")


def test_unknown_values_are_kept_for_validation(raw, mini_reference):
    replace_in(raw / "complaints.csv", "South Services,Gamma Team", "South Services,Delta Team")
    complaints = load_extracts(raw, mini_reference).complaints
    assert "Delta Team" in complaints["team"].to_list()


def test_bom_extra_columns_and_blank_rows(raw, mini_reference):
    path = raw / "duty.csv"
    text = path.read_text().replace(
        "duty_ref,received_date,category", "duty_ref,received_date,category,note"
    )
    lines = text.splitlines()
    lines = [lines[0], *(line + ",x" for line in lines[1:2]), "", ",,,", *lines[2:]]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    duty = load_extracts(raw, mini_reference).duty
    assert duty.columns == ["_row", "duty_ref", "received_date", "category"]
    assert duty["duty_ref"].to_list() == ["D1", "D2", "D3"]
    assert duty["_row"].to_list() == [1, 4, 5]  # blank rows are skipped, not renumbered


def test_optional_files_may_be_absent(raw, mini_reference):
    (raw / "remedies.csv").unlink()
    (raw / "recommendations.csv").unlink()
    extracts = load_extracts(raw, mini_reference)
    assert extracts.remedies.is_empty() and extracts.recommendations.is_empty()
    assert extracts.files["remedies"] is None


def test_missing_required_file(raw, mini_reference):
    (raw / "lgo.csv").unlink()
    error = load_error(raw, mini_reference)
    assert error.file.endswith("lgo.csv")
    assert "missing" in error.message


def test_both_csv_and_xlsx_for_one_extract(raw, mini_reference):
    pl.read_csv(raw / "duty.csv").write_excel(raw / "duty.xlsx")
    error = load_error(raw, mini_reference)
    assert "duty.csv and duty.xlsx" in error.message


def test_us_order_date_names_row_and_column(raw, mini_reference):
    replace_in(raw / "duty.csv", "2016-11-11", "12/31/2016")
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.row, error.column) == ("duty.csv", 2, "received_date")
    assert error.value == "12/31/2016"


def test_impossible_iso_date(raw, mini_reference):
    replace_in(raw / "complaints.csv", "2016-07-29", "2016-06-31")
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.row, error.column) == (
        "complaints.csv",
        3,
        "response_date",
    )


def test_missing_required_column(raw, mini_reference):
    lines = (raw / "compliments.csv").read_text().splitlines()
    (raw / "compliments.csv").write_text("\n".join(x.rsplit(",", 1)[0] for x in lines) + "\n")
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.column) == ("compliments.csv", "publish")


def test_latin1_file_names_the_row(raw, mini_reference):
    path = raw / "compliments.csv"
    text = path.read_text().replace("Clear advice", "Clear advice from the caf\u00e9")
    path.write_bytes(text.encode("latin-1"))
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.row) == ("compliments.csv", 3)
    assert "UTF-8" in error.message


def test_header_only_complaints_and_empty_files(raw, mini_reference):
    (raw / "duty.csv").write_text("duty_ref,received_date,category\n")
    assert load_extracts(raw, mini_reference).duty.is_empty()  # header only is allowed
    (raw / "complaints.csv").write_text(
        "case_ref,procedure,received_date,service_area,team,nature,outcome,response_date\n"
    )
    assert "no data rows" in load_error(raw, mini_reference).message
    (raw / "complaints.csv").write_text("")
    assert "empty" in load_error(raw, mini_reference).message


def test_bad_boolean_and_integer(raw, mini_reference):
    replace_in(raw / "recommendations.csv", ",false", ",maybe")
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.row, error.column) == (
        "recommendations.csv",
        2,
        "publish",
    )
    shutil.copy(MINI / "raw" / "recommendations.csv", raw / "recommendations.csv")
    replace_in(raw / "findings.csv", "E1,2,", "E1,two,")
    error = load_error(raw, mini_reference)
    assert (error.row, error.column) == (2, "point_no")


def test_describe_reads_as_one_line(raw, mini_reference):
    replace_in(raw / "duty.csv", "2016-11-11", "12/31/2016")
    text = load_error(raw, mini_reference).describe()
    assert text.endswith(
        "duty.csv, row 2, column received_date: not a date: "
        "write YYYY-MM-DD or DD/MM/YYYY (value '12/31/2016')"
    )


def test_read_single_xlsx_extract(tmp_path, mini_reference):
    frame = pl.DataFrame(
        {"duty_ref": ["D1"], "received_date": [date(2016, 5, 1)], "category": [" advice "]}
    )
    frame.write_excel(tmp_path / "duty.xlsx")
    duty = read_extract(tmp_path / "duty.xlsx", "duty", mini_reference)
    assert duty.row(0) == (1, "D1", date(2016, 5, 1), "Advice")


@pytest.mark.parametrize(
    "value", ["31/12/16", "16-12-31", "12/31/2016", "2016-06-31", "2016/12/31", "+2015-11-01"]
)
def test_dates_need_a_four_digit_year_and_a_known_order(raw, mini_reference, value):
    replace_in(raw / "escalations.csv", "2015-11-01", value)
    error = load_error(raw, mini_reference)
    assert (Path(error.file).name, error.row, error.column) == (
        "escalations.csv",
        2,
        "stage1_received_date",
    )


def test_iso_dates_without_leading_zeros_are_read(raw, mini_reference):
    replace_in(raw / "escalations.csv", "2015-11-01", "2015-11-1")
    escalations = load_extracts(raw, mini_reference).escalations
    assert date(2015, 11, 1) in escalations["stage1_received_date"].to_list()


# ---------------------------------------------------------------- contract 1.1


def test_complainant_type_trimmed_any_case_aliases_and_empty(raw, mini_reference):
    extracts = load_extracts(raw, mini_reference)
    assert extracts.complaints["complainant_type"].to_list() == [
        "Young Person",
        "Young Person",  # "child", an alias
        "Parent",
        "Advocate",  # " Advocate "
        None,  # empty: counted as Not Recorded
        "Parent",
        "Carer",  # "CARER"
        "Parent",
        "Other",
        None,
    ]
    assert extracts.has_column("complaints", "complainant_type")
    assert extracts.has_column("escalations", "completed_date")


def test_unknown_complainant_type_is_kept_for_validation(raw, mini_reference):
    replace_in(raw / "complaints.csv", ",Other", ", Grandparent ")
    complaints = load_extracts(raw, mini_reference).complaints
    assert "Grandparent" in complaints["complainant_type"].to_list()


def test_complainant_type_is_an_extra_column_without_the_reference_list(raw, mini_reference):
    import dataclasses

    without = dataclasses.replace(mini_reference, complainant_types=())
    replace_in(raw / "complaints.csv", ",Other", ",anything at all")
    extracts = load_extracts(raw, without)
    assert extracts.complaints["complainant_type"].null_count() == 10
    assert not extracts.has_column("complaints", "complainant_type")


def test_optional_columns_absent(raw, mini_reference):
    for stem, column in (("complaints", "complainant_type"), ("escalations", "completed_date")):
        path = raw / f"{stem}.csv"
        pl.read_csv(path, infer_schema=False).drop(column).write_csv(path)
    extracts = load_extracts(raw, mini_reference)
    assert not extracts.has_column("complaints", "complainant_type")
    assert not extracts.has_column("escalations", "completed_date")
    assert extracts.escalations["completed_date"].null_count() == 5
    assert extracts.has_column("complaints", "case_ref")


def test_completed_date_that_is_not_a_date_names_row_and_column(raw, mini_reference):
    replace_in(raw / "escalations.csv", "2016-08-01", "2016-08-32")
    error = load_error(raw, mini_reference)
    assert (error.row, error.column, error.value) == (3, "completed_date", "2016-08-32")
