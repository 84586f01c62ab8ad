"""A council in its own words (contract 1.2): column names and code lists from the reference.

tests/fixtures/mini-own-words holds the mini council's cases exported with the council's
own headers and code lists (entries in the defaults' order, aliases in use, history under
the older names). Every figure must equal the mini council's once the names are mapped
back, and the report must speak the council's words.
"""

from __future__ import annotations

import shutil
from html import unescape
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from conftest import MINI, replace_in
from pipeline.checks.validate import validate_extracts
from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts
from pipeline.inputs.reference import CODE_LISTS, Reference, load_reference
from pipeline.metrics.figures import CODE_LIST_TABLES, compute_figures, load_history, write_figures
from pipeline.publish import render

OWN = Path(__file__).resolve().parent / "fixtures" / "mini-own-words"
YEAR = "2016-17"


@pytest.fixture(scope="module")
def own_reference() -> Reference:
    return load_reference(OWN / "authority.yml")


def figures_of(folder: Path, reference: Reference) -> pl.DataFrame:
    extracts = load_extracts(folder / "raw", reference, YEAR)
    return compute_figures(extracts, reference, YEAR, load_history(folder / "history"))


def default_names(own: Reference, default: Reference) -> dict[str, dict[str, str]]:
    """Per code list: the council's name -> the default name in the same position."""
    renames = {}
    for code_list in CODE_LISTS:
        own_names, default_names_ = own.names(code_list), default.names(code_list)
        assert len(own_names) == len(default_names_), code_list
        renames[code_list] = dict(zip(own_names, default_names_, strict=True))
    return renames


def test_every_figure_equals_the_default_fixture_under_the_councils_names(
    own_reference, mini_reference
):
    own = figures_of(OWN, own_reference)
    default = figures_of(MINI, mini_reference)
    renames = default_names(own_reference, mini_reference)
    category = pl.col("category")
    back = category
    for table, code_list in CODE_LIST_TABLES.items():
        mapped = category.replace(renames[code_list])
        back = pl.when(pl.col("table") == table).then(mapped).otherwise(back)
    # the council's names really are different, and every table is compared
    assert not set(own["category"].drop_nulls()) & set(renames["outcomes"].values())
    assert set(own["table"]) == set(default["table"])
    assert_frame_equal(own.with_columns(back.alias("category")), default)


def test_figures_use_the_councils_names_in_its_order(own_reference):
    own = figures_of(OWN, own_reference)
    outcome = own.filter(table="stage1_outcome", year=YEAR, procedure="statutory")
    assert outcome["category"].to_list() == [
        "Complaint Upheld",  # S1, written "Upheld" (an alias)
        "Partly Upheld",  # S2, written "Part Upheld"
        "Complaint Not Upheld",
        "Withdrawn",  # S5, written "Withdrawn by Complainant"
        "Still Open",  # S6 and S7 ("open")
    ]
    bands = own.filter(table="stage1_timescale", year=YEAR, procedure="statutory")
    # S7 (10 March) is open and not over 20 working days on 31 March; S6 (1 March) is over
    assert dict(zip(bands["category"], bands["n"], strict=True))["Still Open"] == 1
    assert own.filter(table="lgo_fault_found")["n"].to_list() == [2]
    assert own.filter(table="lgo_upheld_rate")["n"].to_list() == [2]
    assert own.filter(table="lgo_investigated")["n"].to_list() == [3]  # investigated: true
    findings = own.filter(table="stage2_findings", procedure="statutory")
    assert "Point Partly Upheld" in findings["category"].to_list()  # written "partly"


def test_history_under_an_older_name_joins_this_years_category(own_reference):
    own = figures_of(OWN, own_reference)
    # tests/fixtures/mini-own-words/history/2015-16.csv says "Upheld"; the reference lists
    # it as an alias of "Complaint Upheld"
    earlier = own.filter(table="stage1_outcome", year="2015-16")
    assert earlier.select("category", "pct").rows() == [("Complaint Upheld", 40.0)]


def test_history_rows_merging_under_one_name_are_added(own_reference):
    history = pl.DataFrame(
        {
            "table": ["stage1_outcome", "stage1_outcome", "lgo_by_finding", "stage1_by_quarter"],
            "year": ["2015-16"] * 4,
            "procedure": ["statutory", "statutory", None, "statutory"],
            "category": ["Part Upheld", " PARTLY UPHELD ", "Premature", None],
            "quarter": [None, None, None, "Q1"],
            "n": [2, 3, 1, 5],
            "pct": [10.0, 15.0, None, None],
        }
    )
    from pipeline.metrics.figures import empty_figures, history_in_todays_names

    history = pl.concat([empty_figures(), history], how="diagonal_relaxed")
    merged = history_in_todays_names(history, own_reference)
    assert merged.select("table", "category", "n", "pct").rows() == [
        ("stage1_outcome", "Partly Upheld", 5, 25.0),
        ("lgo_by_finding", "Referred back for local resolution", 1, None),
        ("stage1_by_quarter", None, 5, None),
    ]


def test_own_words_extracts_validate_clean(own_reference, tmp_path):
    report = validate_extracts(OWN / "raw", OWN / "authority.yml", YEAR, tmp_path)
    assert report.success, report.summary_markdown()


def copy_own_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(OWN / "raw", raw)
    return raw


def test_validation_names_a_mapped_column_as_the_file_spells_it(tmp_path):
    raw = copy_own_raw(tmp_path)
    # row 3 (S3): answered outcome without a response; row 1 (S1): received before the year
    replace_in(raw / "complaints.csv", "S3,2016-07-29,", "S3,,")
    replace_in(raw / "complaints.csv", "2016-04-04,statutory", "2016-03-31,statutory")
    report = validate_extracts(raw, OWN / "authority.yml", YEAR, tmp_path / "out")
    lines = {(f.column, tuple(f.rows), f.message) for f in report.failures}
    assert lines == {
        (
            "Date of Response (response_date)",
            (3,),
            "Date of Response (response_date) is empty but the "
            "Complaint Outcome (outcome) needs one",
        ),
        (
            "date received (received_date)",  # spelt "  date received " in the file
            (1,),
            "date received (received_date) is outside the reporting year",
        ),
    }
    summary = (tmp_path / "out" / "validation" / "summary.md").read_text()
    assert "**complaints.csv**, column `Date of Response (response_date)`, row 3" in summary


def test_contract_1_1_checks_name_mapped_columns_as_the_file_spells_them(tmp_path):
    raw = copy_own_raw(tmp_path)
    # row 3 (S3): a complainant type the reference does not list; row 3 (E3): completed
    # before it was commissioned
    replace_in(raw / "complaints.csv", "Parent or Guardian,", "Grandparent,")
    replace_in(
        raw / "escalations.csv",
        "2016-07-01,2016-04-05,2016-08-01",
        "2016-07-01,2016-04-05,2016-06-30",
    )
    report = validate_extracts(raw, OWN / "authority.yml", YEAR, tmp_path / "out")
    lines = {(f.column, tuple(f.rows), tuple(f.values), f.message) for f in report.failures}
    assert lines == {
        (
            "Who Complained (complainant_type)",
            (3,),
            ("Grandparent",),
            "Who Complained (complainant_type) is not a complainant type of the reference data",
        ),
        (
            "Date Completed (completed_date)",
            (3,),
            ("2016-06-30",),
            "Date Completed (completed_date) is before Date Commissioned (commissioned_date)",
        ),
    }


def test_load_error_names_a_mapped_column_as_the_file_spells_it(tmp_path, own_reference):
    raw = copy_own_raw(tmp_path)
    replace_in(raw / "lgo.csv", "2016-09-01", "2016-09-31")
    with pytest.raises(InputError) as caught:
        load_extracts(raw, own_reference)
    error = caught.value
    assert (error.row, error.column, error.value) == (
        3,
        "Decision Date (decision_date)",
        "2016-09-31",
    )


def test_a_mapped_column_is_not_read_under_its_contract_name(tmp_path, own_reference):
    raw = copy_own_raw(tmp_path)
    # the file's extra "outcome" column holds text that is not an outcome: it is ignored
    complaints = load_extracts(raw, own_reference).complaints
    assert complaints["outcome"].to_list()[:2] == ["Complaint Upheld", "Partly Upheld"]
    # with the header renamed back to the contract's name, the column is missing
    replace_in(raw / "lgo.csv", "Ombudsman Ref,Decision Summary,Decision Date,Decision,", "")
    text = (raw / "lgo.csv").read_text()
    (raw / "lgo.csv").write_text("Ombudsman Ref,Decision Summary,Decision Date,finding," + text)
    with pytest.raises(InputError) as caught:
        load_extracts(raw, own_reference)
    error = caught.value
    assert error.file.endswith("lgo.csv")
    assert error.column == "Decision (finding)"
    assert error.message.startswith(
        "required column missing: finding (the reference file's `columns` names it "
        "'Decision'). The header row read (row 1) holds 'Ombudsman Ref', "
    )


def test_contract_names_still_work_without_a_mapping(tmp_path, mini_reference):
    # the default fixture has no `columns`: its contract headers load as before
    extracts = load_extracts(MINI / "raw", mini_reference)
    read = [stem for stem in extracts.frames() if extracts.files[stem] is not None]
    assert "lgo_benchmark" not in read  # the optional extract of contract 1.4 is absent
    assert extracts.labels == {stem: {} for stem in read}
    assert extracts.label("complaints", "received_date") == "received_date"


@pytest.fixture(scope="module")
def own_report(tmp_path_factory, own_reference):
    """The report of the own-words council, rendered to HTML by the built-in renderer."""
    out = tmp_path_factory.mktemp("own-report")
    write_figures(figures_of(OWN, own_reference), out)
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "quarto_path", lambda: None)
    try:
        result = render.render_report(
            YEAR, out / "figures.csv", None, OWN / "authority.yml", OWN / "raw", out, ("html",)
        )
    finally:
        patch.undo()
    return result.outputs["html"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_speaks_the_councils_words(own_report):
    html = own_report
    for name in (
        "Test Council in Its Own Words",
        "Complaint Upheld",
        "Partly Upheld",
        "Still Open",
        "Point Partly Upheld",
        "Not Determined",
        "Upheld: fault and injustice",
        "Referred back for local resolution",
    ):
        assert name in html, name
    # the Ombudsman chart's description names the council's fault findings
    faults = "Fault findings ('Upheld: fault and injustice' and 'Upheld: fault, no injustice'"
    assert faults in unescape(html)
    for default_name in ("Maladministration and Injustice", "Partially Upheld", "Remains Ongoing"):
        assert default_name not in html, default_name


def test_random_extract_in_the_councils_words_validates(tmp_path, own_reference):
    from pipeline.inputs.synth import write_random

    write_random(tmp_path / "raw", 300, seed=3, reference_path=OWN / "authority.yml")
    header = (tmp_path / "raw" / "lgo.csv").read_text().splitlines()[0]
    assert header.startswith("Ombudsman Ref,Service Area,Team Name,Ombudsman Stage,Decision,")
    report = validate_extracts(tmp_path / "raw", OWN / "authority.yml", YEAR, tmp_path / "out")
    assert report.success, report.summary_markdown()
    complaints = load_extracts(tmp_path / "raw", own_reference).complaints
    assert set(complaints["outcome"]) <= set(own_reference.outcome_names)
    assert "Still Open" in complaints["outcome"].to_list()


def test_mapped_headers_are_read_from_xlsx_too(tmp_path, own_reference):
    raw = copy_own_raw(tmp_path)
    csv = raw / "lgo.csv"
    pl.read_csv(csv, infer_schema=False).write_excel(raw / "lgo.xlsx")
    csv.unlink()
    from_xlsx = load_extracts(raw, own_reference).lgo
    from_csv = load_extracts(OWN / "raw", own_reference).lgo
    assert_frame_equal(from_xlsx, from_csv)
    assert from_xlsx["finding"].to_list()[2] == "Referred back for local resolution"
