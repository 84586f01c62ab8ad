"""Publication safety: withheld text never published, personal data stops the report."""

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.publication import (
    PersonalDataError,
    check_texts,
    load_published_texts,
    personal_data_found,
    published_only,
)
from pipeline.reference import load_reference

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
