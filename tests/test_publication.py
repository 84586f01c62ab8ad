"""Publication safety: withheld text never published, personal data stops the report."""

import dataclasses
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.checks.publication import (
    PersonalDataError,
    check_texts,
    load_published_texts,
    may_hold_personal_data,
    nhs_number_valid,
    personal_data_found,
    published_only,
)
from pipeline.errors import InputError
from pipeline.inputs.reference import load_reference
from pipeline.run.cli import main

ROOT = Path(__file__).parent.parent
RAW = Path(__file__).parent / "fixtures" / "raw"


@pytest.fixture(scope="module")
def reference():
    return load_reference(ROOT / "data" / "reference" / "authority.yml")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please write to jo.smith@example.org.uk about it", "an email address"),
        ("Ring me on 01632 960123 any time", "a UK phone number"),
        ("Mobile 07700 900123", "a UK phone number"),
        ("Call +44 7700 900123", "a UK phone number"),
        ("Call (01632) 960 123", "a UK phone number"),
        ("She lives at ST16 2LH now", "a UK postcode"),
        ("postcode sw1a 1aa", "a UK postcode"),
        ("date of birth 12/03/2009", "a date of birth"),
        ("DOB: 3 March 2009", "a date of birth"),
        ("born on 3rd March 2009", "a date of birth"),
        ("seen on 04/05/2010", "a date of birth"),
    ],
)
def test_personal_data_patterns_are_found(text, kind):
    assert kind in personal_data_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The council agreed to review 10 cases by September 2015 and pay 250 pounds.",
        "In 2016 there were 91 statutory and 132 corporate complaints.",
        "Thank you for the 3 visits in Q1 2016.",
        "Reference 2016-0012 and case 12345678901 were closed.",
        "The SEND Team and the CAMHS worker met in Room 2B.",
        "",
        None,
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert personal_data_found(text) == []


def test_only_rows_marked_true_are_published():
    frame = pl.DataFrame({"publish": [True, False, None], "text": ["a", "b", "c"]})
    assert published_only(frame)["text"].to_list() == ["a"]


def test_a_hit_names_the_file_row_and_reference():
    frame = pl.DataFrame(
        {
            "_row": [1, 7],
            "compliment_ref": ["CP-1", "CP-7"],
            "text": ["Thank you", "Call me on 07700 900123"],
        }
    )
    with pytest.raises(PersonalDataError) as raised:
        check_texts(frame, "compliments.csv", "compliment_ref", "text")
    error = raised.value
    assert (error.file, error.row, error.column) == ("compliments.csv", 7, "text")
    assert "CP-7" in str(error) and "UK phone number" in str(error)


def test_fixture_texts_exclude_withheld_records(reference):
    texts = load_published_texts(RAW, reference)
    assert texts.compliments["compliment_ref"].to_list() == ["CP-001", "CP-002", "CP-004"]
    assert "E2-002" in texts.recommendations["escalation_ref"].to_list()
    actions = " ".join(texts.recommendations["action"].to_list())
    assert "WITHHELD" not in actions
    assert texts.recommendations.filter(stage=3)["service_area"].to_list() == [
        "Looked after Children and Disability Services"
    ]
    assert texts.lgo.height == 3


def test_personal_data_in_a_published_compliment_stops_loading(reference, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "compliments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("everyone felt included", "email me at a.b@example.com")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PersonalDataError) as raised:
        load_published_texts(raw, reference)
    assert raised.value.file == "compliments.csv"
    assert raised.value.row == 4
    assert "CP-004" in str(raised.value)


def test_personal_data_in_a_withheld_text_is_not_an_error(reference, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "compliments.csv"
    text = path.read_text(encoding="utf-8").replace(
        "WITHHELD-COMPLIMENT-MARKER", "Phone 07700 900123"
    )
    path.write_text(text, encoding="utf-8")
    assert load_published_texts(raw, reference).compliments.height == 3


def test_personal_data_in_an_ombudsman_summary_stops_loading(reference, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "lgo.csv"
    text = path.read_text(encoding="utf-8").replace("changed how", "(ST16 2LH) changed how")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PersonalDataError) as raised:
        load_published_texts(raw, reference)
    assert (raised.value.file, raised.value.row, raised.value.column) == ("lgo.csv", 1, "summary")


# ---------------------------------------------------------------- the patterns added for issue 8


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("NHS number 943 476 5919 on the letter", "an NHS number"),
        ("NHS no. 9434765919.", "an NHS number"),
        ("ref 943-476-5919", "an NHS number"),
        ("NI number AB 12 34 56 C", "a National Insurance number"),
        ("JY123456D was quoted", "a National Insurance number"),
        ("Thanks to Mr Smith", "a name with a title"),
        ("Mrs. O'Neill called", "a name with a title"),
        ("Ms Ødegaard and the team", "a name with a title"),
        ("Dr A. Patel explained", "a name with a title"),
        ("Mx Taylor was kind", "a name with a title"),
        ("Miss Jones", "a name with a title"),
    ],
)
def test_new_personal_data_patterns_are_found(text, kind):
    assert personal_data_found(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 (wrong check digit)",
        "Reference 1234567890 (check digit would be 10)",
        "Case 94347659190 has eleven digits",
        "QQ 12 34 56 C is not a valid prefix",
        "GB123456A and AO123456A are not allocated",
        "AB123456E has no valid suffix",
        "the MRI scan and the Missing Persons Team",
        "mr smith wrote in lower case",
        "a Dr. appointment was made",
        "Mrsa and Drs are not titles",
        "Mrs X asked to stay anonymous",
    ],
)
def test_near_misses_of_the_new_patterns_are_not_flagged(text):
    assert personal_data_found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Please write to jo.smith@example.org.uk about it",
        "Call +44 7700 900123",
        "Call (01632) 960 123",
        "postcode sw1a 1aa",
        "DOB: 3 March 2009",
        "NHS no. 9434765919.",
        "NHS number \u0669\u0664\u0663 \u0664\u0667\u0666 \u0665\u0669\u0661\u0669",  # Arabic-Indic
        "JY123456D was quoted",
        "Mrs. O'Neill called",
        "Ms Ødegaard and the team",
        "Miss Jones",
        "Dr Barnardo's helped us",
    ],
)
def test_the_vectorised_filter_keeps_every_text_a_pattern_finds(text):
    assert personal_data_found(text)  # the example holds personal data ...
    frame = pl.DataFrame({"text": [text, "Thank you for your kindness."]})
    kept = may_hold_personal_data(frame, "text")["text"].to_list()
    assert kept == [text]  # ... and the Polars filter keeps it (and not the plain text)


def test_nhs_check_digit():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("1234567890")  # remainder gives 10: never issued
    assert not nhs_number_valid("943476591")


def test_allowed_wording_is_removed_before_matching():
    allow = ["Dr Barnardo's"]
    assert personal_data_found("Dr Barnardo's helped us", allow) == []
    assert personal_data_found("DR BARNARDO'S helped us", allow) == []
    assert personal_data_found("Dr Barnardo's and Dr Smith", allow) == ["a name with a title"]
    assert personal_data_found("Dr Barnardo's helped us") == ["a name with a title"]


def test_allow_list_is_read_from_the_reference(tmp_path):
    source = (ROOT / "data" / "reference" / "authority.yml").read_text(encoding="utf-8")
    path = tmp_path / "authority.yml"
    path.write_text(source + 'publication:\n  allow: ["Dr Barnardo\'s"]\n', encoding="utf-8")
    assert load_reference(path).publication_allow == ("Dr Barnardo's",)
    path.write_text(source + 'publication: ["Dr Barnardo\'s"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="publication"):
        load_reference(path)


def test_the_render_check_uses_the_allow_list(reference, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "compliments.csv"
    text = path.read_text(encoding="utf-8").replace("everyone felt", "Dr Barnardo's felt")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PersonalDataError, match="a name with a title"):
        load_published_texts(raw, reference)
    allowing = dataclasses.replace(reference, publication_allow=("Dr Barnardo's",))
    assert load_published_texts(raw, allowing).compliments.height == 3


def _set_cell(path: Path, column: str, row: int, value: str, **more: str) -> None:
    frame = pl.read_csv(path, infer_schema=False)
    index = pl.int_range(1, pl.len() + 1)
    changes = {column: value, **more}
    frame.with_columns(
        pl.when(index == row).then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
        for c, v in changes.items()
    ).write_csv(path)


@pytest.mark.slow
def test_validate_exits_2_naming_file_column_row_and_never_the_text(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "2016-17", raw, ignore=shutil.ignore_patterns("*.md"))
    _set_cell(raw / "compliments.csv", "text", 5, "My NHS number is 943 476 5919", publish="true")
    _set_cell(raw / "compliments.csv", "text", 6, "Withheld: 943 476 5919", publish="false")
    _set_cell(raw / "compliments.csv", "text", 7, "A bell \x07 rang")
    _set_cell(raw / "compliments.csv", "compliment_ref", 8, "CMP\x1b-8")
    _set_cell(raw / "lgo.csv", "summary", 3, "Quoted AB 12 34 56 C in error")
    _set_cell(raw / "recommendations.csv", "action", 2, "Mrs Smith will call", publish="true")
    out = tmp_path / "out"
    assert main(["validate", "--raw", str(raw), "--out", str(out)]) == 2
    printed = capsys.readouterr().out
    assert "**compliments.csv**, column `text`, row 5: an NHS number found" in printed
    assert "**lgo.csv**, column `summary`, row 3: a National Insurance number found" in printed
    assert "**recommendations.csv**, column `action`, row 2: a name with a title found" in printed
    assert "**compliments.csv**, column `text`, row 7: text holds a control character" in printed
    assert "column `compliment_ref`, row 8" in printed and "CMP\\x1b-8" in printed
    assert "row 6" not in printed  # withheld texts are not checked
    summaries = printed + "".join(
        (out / "validation" / name).read_text() for name in ("summary.md", "result.json")
    )
    assert "bell" not in summaries  # free text with a control character is not repeated
    everything = printed + "".join(
        p.read_text(errors="replace") for p in (out / "validation").rglob("*") if p.is_file()
    )
    for secret in ("943 476 5919", "AB 12 34 56 C", "Mrs Smith"):
        assert secret not in everything  # nor in the GE results or Data Docs
