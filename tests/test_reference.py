"""The reference file: code lists with their meanings, column names, and the errors that
name the file, the key and the entry (contract 1.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import MINI, ROOT
from pipeline.checks.validate import validate_extracts
from pipeline.errors import InputError
from pipeline.inputs.reference import (
    DEFAULT_LGO_FINDINGS,
    DEFAULT_OUTCOMES,
    Reference,
    load_reference,
)

EXAMPLE = ROOT / "data" / "reference" / "example-current-ombudsman.yml"


def write_reference(tmp_path: Path, **keys) -> Path:
    """The mini council's reference file with some keys added or replaced."""
    data = yaml.safe_load((MINI / "authority.yml").read_text())
    data.update(keys)
    path = tmp_path / "authority.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def reference_error(tmp_path: Path, **keys) -> InputError:
    path = write_reference(tmp_path, **keys)
    with pytest.raises(InputError) as caught:
        load_reference(path)
    assert caught.value.file == str(path)
    return caught.value


def test_absent_keys_mean_the_contracts_lists_and_meanings(mini_reference: Reference):
    assert mini_reference.outcomes == DEFAULT_OUTCOMES
    assert mini_reference.outcomes_of("closed") == [
        "Complainant not Engaging",
        "Closed: Sensitive Matter",
        "Complaint Withdrawn",
    ]
    assert mini_reference.outcomes_of("ongoing") == ["Remains Ongoing"]
    assert mini_reference.upheld_outcomes == ["Upheld", "Partially Upheld"]
    assert mini_reference.fault_findings == [
        "Maladministration and Injustice",
        "Maladministration No Injustice",
    ]
    assert mini_reference.lgo_status_names == ["Enquiry", "Investigation"]
    assert mini_reference.columns == {}
    assert mini_reference.bands("corporate") == [
        "Within 15 Working Days",
        "Over 15 Working Days",
        "Remains Ongoing",
        "Complainant not Engaging",
        "Closed: Sensitive Matter",
        "Complaint Withdrawn",
    ]


def test_entries_may_be_plain_names_or_mappings(tmp_path):
    path = write_reference(
        tmp_path,
        outcomes=[
            "Resolved",
            {"name": " Upheld ", "kind": "Answered", "upheld": True, "aliases": [" UP "]},
            {"name": "Withdrawn", "kind": "closed"},
            {"name": "Open", "kind": "ongoing"},
        ],
        lgo_findings=["No fault", {"name": "Fault", "fault": True}],
    )
    reference = load_reference(path)
    assert reference.outcome_kinds == {
        "Resolved": "answered",  # a plain name is answered, not upheld
        "Upheld": "answered",
        "Withdrawn": "closed",
        "Open": "ongoing",
    }
    assert reference.upheld_outcomes == ["Upheld"]
    assert reference.spellings("outcomes")["up"] == "Upheld"
    assert reference.fault_findings == ["Fault"]
    assert reference.investigated_findings == ["Fault"]  # a fault finding is investigated
    assert reference.bands("statutory")[3:] == ["Open", "Withdrawn"]
    # lists that are not given keep their defaults
    assert reference.escalation_finding_names == [
        "Upheld",
        "Partially Upheld",
        "Not Upheld",
        "No Finding",
    ]


def test_unknown_kind(tmp_path):
    error = reference_error(
        tmp_path, outcomes=[{"name": "Upheld"}, {"name": "Still Open", "kind": "pending"}]
    )
    assert (
        error.message
        == "outcomes, entry 'Still Open': kind must be one of answered, closed, ongoing"
    )
    assert error.value == "pending"
    assert "authority.yml: outcomes, entry 'Still Open': kind must be" in error.describe()


def test_meaning_must_be_true_or_false(tmp_path):
    error = reference_error(tmp_path, lgo_findings=[{"name": "Fault", "fault": "maybe"}])
    assert error.message == "lgo_findings, entry 'Fault': fault must be true or false"


def test_unknown_key_in_an_entry(tmp_path):
    error = reference_error(tmp_path, outcomes=[{"name": "Upheld", "uphold": True}])
    assert error.message.startswith("outcomes, entry 'Upheld': unknown key 'uphold'")


@pytest.mark.parametrize(
    ("code_list", "entries", "message"),
    [
        (
            "outcomes",
            [{"name": "Upheld"}, {"name": " upheld "}],
            "outcomes: 'upheld' is listed twice (name of 'Upheld', name of 'upheld')",
        ),
        (
            "escalation_findings",
            [{"name": "Upheld", "aliases": ["Yes"]}, {"name": "Not Upheld", "aliases": ["YES"]}],
            "escalation_findings: 'YES' is listed twice (alias of 'Upheld', alias of 'Not Upheld')",
        ),
        (
            "lgo_statuses",
            ["Assessment", {"name": "Investigation", "aliases": ["assessment"]}],
            "lgo_statuses: 'assessment' is listed twice (name of 'Assessment', alias of "
            "'Investigation')",
        ),
    ],
)
def test_repeated_names_and_aliases(tmp_path, code_list, entries, message):
    error = reference_error(tmp_path, **{code_list: entries})
    assert error.message.startswith(message)


def test_columns_naming_an_unknown_extract(tmp_path):
    error = reference_error(tmp_path, columns={"complaint": {"case_ref": "Case Ref"}})
    assert error.message.startswith("columns: unknown extract 'complaint' (the extracts are ")


def test_columns_naming_an_unknown_contract_column(tmp_path):
    error = reference_error(tmp_path, columns={"complaints": {"case_id": "Case Ref"}})
    assert error.message.startswith(
        "columns.complaints: 'case_id' is not a column of the complaints extract"
    )


def test_columns_mapping_two_contract_columns_to_one_header(tmp_path):
    error = reference_error(
        tmp_path, columns={"lgo": {"status": "Decision", "finding": " decision "}}
    )
    assert error.message == (
        "columns.lgo: the header 'decision' would be read as both status and finding; "
        "give each column its own header"
    )


def test_columns_mapping_onto_another_columns_own_name(tmp_path):
    # `nature` is not mapped, so it still reads the header "nature"
    error = reference_error(tmp_path, columns={"complaints": {"outcome": "Nature"}})
    assert error.message.startswith(
        "columns.complaints: the header 'Nature' would be read as both nature and outcome"
    )


def test_a_reference_error_is_a_validation_failure_naming_the_file(tmp_path):
    path = write_reference(tmp_path, outcomes=[{"name": "Open", "kind": "open"}])
    report = validate_extracts(MINI / "raw", path, "2016-17", tmp_path / "out")
    (failure,) = report.failures
    assert failure.file == "authority.yml"
    assert failure.message.startswith("outcomes, entry 'Open': kind must be one of")


def test_example_reference_for_the_current_ombudsman_categories_loads():
    reference = load_reference(EXAMPLE)
    assert reference.fault_findings == [
        "Upheld: fault and injustice",
        "Upheld: fault, no injustice",
    ]
    # the older names are aliases, so earlier years' figures line up with this year's
    spellings = reference.spellings("lgo_findings")
    for old in DEFAULT_LGO_FINDINGS:
        if old.name != "Investigation Commenced":
            assert old.name.lower() in spellings, old.name
    assert spellings["maladministration and injustice"] == "Upheld: fault and injustice"
    assert reference.spellings("lgo_statuses")["enquiry"] == "Assessment"
    assert reference.columns["complaints"]["received_date"] == "Date Received"
    assert set(reference.outcomes_of("closed")) and set(reference.upheld_outcomes)


# ---------------------------------------------------------------- contract 1.1


def test_complainant_types_with_child_flag_and_aliases(mini_reference: Reference):
    assert mini_reference.complainant_type_names == [
        "Young Person",
        "Advocate",
        "Parent",
        "Carer",
        "Other",
    ]
    assert mini_reference.child_complainant_types == ["Young Person", "Advocate"]
    assert mini_reference.spellings("complainant_types")["child"] == "Young Person"


def test_without_complainant_types_the_list_is_empty(tmp_path):
    data = yaml.safe_load((MINI / "authority.yml").read_text())
    del data["complainant_types"]
    path = tmp_path / "authority.yml"
    path.write_text(yaml.safe_dump(data))
    reference = load_reference(path)
    assert reference.complainant_types == () and reference.child_complainant_types == []


def test_complainant_type_errors(tmp_path):
    error = reference_error(tmp_path, complainant_types=[{"name": "Child", "child": "yes"}])
    assert error.message == "complainant_types, entry 'Child': child must be true or false"
    error = reference_error(
        tmp_path, complainant_types=["Parent", {"name": "Carer", "aliases": ["parent"]}]
    )
    assert error.message.startswith("complainant_types: 'parent' is listed twice")
    error = reference_error(tmp_path, complainant_types=[])
    assert error.message == "complainant_types must be a list of at least one entry"


def test_stage2_timescales_are_optional_per_procedure(tmp_path, mini_reference: Reference):
    assert mini_reference.stage2_timescales == {"statutory": (25, 65), "corporate": (20,)}
    assert mini_reference.timescales == {"statutory": (10, 20), "corporate": (15,)}
    path = write_reference(
        tmp_path, timescales={"statutory": [10, 20], "corporate": [15], "statutory_stage2": [25]}
    )
    assert load_reference(path).stage2_timescales == {"statutory": (25,)}


@pytest.mark.parametrize(
    ("timescales", "message"),
    [
        (
            {"statutory": [10, 20], "corporate": [15], "statutory_stage_2": [25, 65]},
            "timescales: unknown key 'statutory_stage_2' (the keys are statutory, corporate, "
            "statutory_stage2, corporate_stage2)",
        ),
        (
            {"statutory": [10, 20], "corporate": [15], "corporate_stage2": [20, 20]},
            "timescales.corporate_stage2 must be increasing positive whole numbers",
        ),
        (
            {"statutory": [10, 20], "corporate": [15], "statutory_stage2": ["25"]},
            "timescales.statutory_stage2 must be increasing positive whole numbers",
        ),
    ],
)
def test_stage2_timescale_errors(tmp_path, timescales, message):
    assert reference_error(tmp_path, timescales=timescales).message == message


def test_unknown_top_level_key_names_the_nearest(tmp_path: Path) -> None:
    """A misspelt top-level key stops the run, naming the file, the key and the nearest
    known key, instead of being read without a word."""
    text = (MINI / "authority.yml").read_text(encoding="utf-8")
    bad = tmp_path / "authority.yml"
    bad.write_text(text + "\nworking_dayz: {}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_reference(bad)
    message = str(caught.value)
    assert str(bad) in message
    assert "unknown key 'working_dayz': did you mean working_days?" in message


def test_unrelated_unknown_key_has_no_guess(tmp_path: Path) -> None:
    text = (MINI / "authority.yml").read_text(encoding="utf-8")
    bad = tmp_path / "authority.yml"
    bad.write_text(text + "\nzzz: 1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown key 'zzz' \(the keys are authority, "):
        load_reference(bad)


def test_investigated_findings_default_and_own(tmp_path):
    # contract 7.3: by default No Fault and the two Maladministration findings
    default = load_reference(write_reference(tmp_path))
    assert default.investigated_findings == [
        "No Fault",
        "Maladministration and Injustice",
        "Maladministration No Injustice",
    ]
    own = load_reference(
        write_reference(
            tmp_path,
            lgo_findings=[
                "Closed early",
                {"name": "No fault", "investigated": True},
                {"name": "Fault", "fault": True},
            ],
        )
    )
    assert own.investigated_findings == ["No fault", "Fault"]
    error = reference_error(tmp_path, lgo_findings=[{"name": "X", "investigated": "yes please"}])
    assert error.message == "lgo_findings, entry 'X': investigated must be true or false"


def test_contact_is_optional_text_or_team_email_phone(tmp_path):
    assert load_reference(write_reference(tmp_path)).contact == ()
    line = load_reference(write_reference(tmp_path, contact="Complaints team, 01632 960 001"))
    assert line.contact == ("Complaints team, 01632 960 001",)
    parts = load_reference(
        write_reference(tmp_path, contact={"team": "Complaints", "email": "c@example.org"})
    )
    assert parts.contact == ("Complaints", "Email: c@example.org")
    error = reference_error(tmp_path, contact={"team": "Complaints", "mail": "c@example.org"})
    assert error.message == "contact: unknown key 'mail' (the keys are team, email, phone)"
    shipped = load_reference(Path(__file__).parent.parent / "data/reference/authority.yml")
    assert "Email: childrens.complaints@example.org" in shipped.contact
