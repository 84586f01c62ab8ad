"""Who the complaints were about (contract 1.3, section 6.1) on the mini council's variant.

``tests/fixtures/mini-equalities`` is the mini council with 20 more statutory cases (27 in
all, 3 corporate) and the four equalities columns; its reference lists all four.
Every table below is counted by hand from ``raw/complaints.csv``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from pipeline.errors import InputError
from pipeline.inputs.load import load_extracts
from pipeline.inputs.reference import NOT_RECORDED, load_reference
from pipeline.metrics.equalities import age_band_labels
from pipeline.metrics.figures import compute_figures, load_history

FIXTURE = Path(__file__).parent / "fixtures" / "mini-equalities"
YEAR = "2016-17"


@pytest.fixture(scope="module")
def reference():
    return load_reference(FIXTURE / "authority.yml")


@pytest.fixture(scope="module")
def figures(reference):
    extracts = load_extracts(FIXTURE / "raw", reference, YEAR)
    return compute_figures(extracts, reference, YEAR, load_history(FIXTURE / "history"))


def table(figures: pl.DataFrame, name: str, procedure: str) -> dict[str, int]:
    """Category -> n of one table's rows for the year, in the figures' order."""
    rows = figures.filter(
        pl.col("table") == name, pl.col("year") == YEAR, pl.col("procedure") == procedure
    )
    return dict(zip(rows["category"], rows["n"], strict=True))


def test_age_band_labels_follow_the_contract():
    assert age_band_labels([5, 10, 16, 18]) == [
        "Under 5",
        "5 to 9",
        "10 to 15",
        "16 to 17",
        "18 and over",
    ]
    assert age_band_labels([18]) == ["Under 18", "18 and over"]


def test_age_bands_by_hand(figures):
    # statutory ages in row order: 0 3 4 4.0 | 5 7 9 8 6 5 | 10 11 12 13 14 15 15 12 11 10
    # 13 14 | 16 17 16 | two empty cells ("" and " "): 4, 6, 12, 3, none 18 or over, 2
    assert table(figures, "stage1_by_age", "statutory") == {
        "Under 5": 4,
        "5 to 9": 6,
        "10 to 15": 12,
        "16 to 17": 3,
        NOT_RECORDED: 2,
    }
    # corporate: 8, empty, 12
    assert table(figures, "stage1_by_age", "corporate") == {
        "5 to 9": 1,
        "10 to 15": 1,
        NOT_RECORDED: 1,
    }
    pct = figures.filter(pl.col("table") == "stage1_by_age", pl.col("category") == "10 to 15")
    assert pct["pct"].to_list() == pytest.approx([12 / 27 * 100, 100 / 3])


def test_gender_with_aliases_and_any_case(figures):
    # "Female" 8 and "female" 7; "Male" 6 and "MALE" 5; "Other Gender" is an alias
    assert table(figures, "stage1_by_gender", "statutory") == {
        "Female": 15,
        "Male": 11,
        "Another Gender": 1,
    }
    assert table(figures, "stage1_by_gender", "corporate") == {"Female": 2, "Male": 1}


def test_ethnicity_in_the_references_order_not_recorded_last(figures):
    # White 12 + "White British" (alias) 6; Asian 4; Black 3; two empty cells
    assert list(table(figures, "stage1_by_ethnicity", "statutory").items()) == [
        ("Asian or Asian British", 4),
        ("Black or Black British", 3),
        ("White", 18),
        (NOT_RECORDED, 2),
    ]
    assert table(figures, "stage1_by_ethnicity", "corporate") == {"White": 3}


def test_disability_by_hand(figures):
    # "Disabled" 9, "not disabled" 18 (any case)
    assert table(figures, "stage1_by_disability", "statutory") == {
        "Disabled": 9,
        "Not Disabled": 18,
    }
    assert table(figures, "stage1_by_disability", "corporate") == {"Not Disabled": 3}


def test_without_the_lists_the_columns_are_ignored(tmp_path):
    """Contract 6.1: a column is counted only when the reference lists it (else an ignored
    extra column, whatever it holds)."""
    data = yaml.safe_load((FIXTURE / "authority.yml").read_text())
    del data["equalities"]["gender"]
    (tmp_path / "authority.yml").write_text(yaml.safe_dump(data))
    reference = load_reference(tmp_path / "authority.yml")
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (FIXTURE / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if path.stem == "complaints":
            frame = frame.with_columns(pl.lit("not a gender").alias("child_gender"))
        frame.write_csv(raw / path.name)
    extracts = load_extracts(raw, reference, YEAR)
    figures = compute_figures(extracts, reference, YEAR)
    tables = set(figures["table"])
    assert "stage1_by_gender" not in tables
    assert {"stage1_by_age", "stage1_by_ethnicity", "stage1_by_disability"} <= tables


def test_an_age_that_is_not_a_whole_number_names_file_column_row_value(tmp_path, reference):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (FIXTURE / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if path.stem == "complaints":
            frame = frame.with_columns(
                pl.when(pl.col("case_ref") == "S3")
                .then(pl.lit("ten"))
                .otherwise("child_age")
                .alias("child_age")
            )
        frame.write_csv(raw / path.name)
    with pytest.raises(InputError) as caught:
        load_extracts(raw, reference, YEAR)
    problem = caught.value.problems[0] if caught.value.problems else caught.value
    assert problem.message == "not a whole number"
    assert problem.file.endswith("complaints.csv")
    assert problem.column == "child_age"
    assert problem.rows == [3]
    assert problem.values == ["ten"]


@pytest.mark.parametrize(
    ("equalities", "message"),
    [
        ({"age_bands": [10, 5]}, "equalities.age_bands must be increasing whole numbers"),
        ({"age_bands": [0, 5]}, "equalities.age_bands must be increasing whole numbers"),
        ({"age_bands": [5, 30]}, "equalities.age_bands must be increasing whole numbers"),
        ({"gender": []}, "equalities.gender must be a list of at least one entry"),
        ({"gender": ["Female", "female"]}, "equalities.gender: 'female' is listed twice"),
        ({"sex": ["Female"]}, "equalities: unknown key 'sex'"),
    ],
)
def test_equalities_key_errors(tmp_path, equalities, message):
    data = yaml.safe_load((FIXTURE / "authority.yml").read_text())
    data["equalities"] = equalities
    (tmp_path / "authority.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as caught:
        load_reference(tmp_path / "authority.yml")
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("disclosure", "message"),
    [
        ({"threshold": 1}, "disclosure.threshold must be a whole number of at least 2"),
        ({"threshold": "5"}, "disclosure.threshold must be a whole number of at least 2"),
        ({"symbol": ""}, "disclosure.symbol must be a short text that is not a number"),
        ({"symbol": 0}, "disclosure.symbol must be a short text that is not a number"),
        ({"treshold": 5}, "disclosure: unknown key 'treshold'"),
    ],
)
def test_disclosure_key_errors(tmp_path, disclosure, message):
    data = yaml.safe_load((FIXTURE / "authority.yml").read_text())
    data["disclosure"] = disclosure
    (tmp_path / "authority.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as caught:
        load_reference(tmp_path / "authority.yml")
    assert caught.value.message.startswith(message)


def test_a_misspelt_disclosure_key_stops_the_run(tmp_path):
    data = yaml.safe_load((FIXTURE / "authority.yml").read_text())
    data["disclousure"] = data.pop("disclosure")
    (tmp_path / "authority.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as caught:
        load_reference(tmp_path / "authority.yml")
    assert "unknown key 'disclousure': did you mean disclosure?" in caught.value.message


def test_disclosure_defaults(tmp_path):
    data = yaml.safe_load((FIXTURE / "authority.yml").read_text())
    data["disclosure"] = {}
    (tmp_path / "authority.yml").write_text(yaml.safe_dump(data))
    disclosure = load_reference(tmp_path / "authority.yml").disclosure
    assert (disclosure.threshold, disclosure.symbol) == (5, "[c]")


def test_validation_names_file_column_row_and_value(tmp_path, reference):
    """Great Expectations checks (contract 6.1): an age outside 0 to 25 and a value that is
    neither a name nor an alias of its list; an empty cell passes (Not Recorded)."""
    from pipeline.checks.validate import validate_extracts

    raw = tmp_path / "raw"
    raw.mkdir()
    bad = {
        "S3": ("child_gender", "Unknown"),
        "S4": ("child_age", "30"),
        "S5": ("child_ethnicity", "Martian"),
    }
    for path in (FIXTURE / "raw").glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False)
        if path.stem == "complaints":
            for ref, (column, value) in bad.items():
                frame = frame.with_columns(
                    pl.when(pl.col("case_ref") == ref)
                    .then(pl.lit(value))
                    .otherwise(column)
                    .alias(column)
                )
        frame.write_csv(raw / path.name)
    report = validate_extracts(raw, FIXTURE / "authority.yml", YEAR, tmp_path / "out")
    found = {(Path(f.file).name, f.column, tuple(f.rows), tuple(f.values)) for f in report.failures}
    assert found == {
        ("complaints.csv", "child_age", (4,), ("30",)),
        ("complaints.csv", "child_gender", (3,), ("Unknown",)),
        ("complaints.csv", "child_ethnicity", (5,), ("Martian",)),
    }


def test_template_offers_the_listed_values(reference):
    from pipeline.inputs.template import dropdowns, template_columns

    lists = dropdowns("complaints", reference)
    assert lists["child_gender"] == ["Female", "Male", "Another Gender"]
    assert lists["child_disability"] == ["Disabled", "Not Disabled"]
    assert lists["child_age"] == [str(age) for age in range(26)]
    assert template_columns("complaints", reference)[-4:] == [
        "child_age",
        "child_gender",
        "child_ethnicity",
        "child_disability",
    ]


def test_init_proposes_the_lists_from_the_extracts():
    from pipeline.inputs.draft import draft_reference

    data = yaml.safe_load(draft_reference(FIXTURE / "raw"))
    assert data["equalities"]["age_bands"] == [5, 10, 16, 18]
    # most frequent first, spellings that differ only in case grouped
    assert data["equalities"]["gender"] == [
        {"name": "Female"},
        {"name": "Male"},
        {"name": "Other Gender"},
    ]
    assert [e["name"] for e in data["equalities"]["disability"]] == ["not disabled", "Disabled"]
    assert data["disclosure"] == {"threshold": 5}
