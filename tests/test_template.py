"""``template``: blank XLSX extracts whose headers, date formats and drop-downs come from
the contract and the reference file, and which load once filled in."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import MINI, ROOT
from pipeline.inputs.load import EXTRACT_STEMS, SPECS, load_extracts
from pipeline.inputs.reference import load_reference
from pipeline.inputs.template import INLINE_LIMIT, write_templates
from pipeline.run.cli import main

OWN = MINI.parent / "mini-own-words"
SAMPLE_REFERENCE = ROOT / "data" / "reference" / "authority.yml"


@pytest.fixture(scope="module")
def sample_templates(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    write_templates(out, load_reference(SAMPLE_REFERENCE), year="2016-17")
    return out


def dropdowns(path: Path) -> dict[str, list[str]]:
    """Header of each column with a list drop-down -> the values it offers."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = {get_column_letter(c.column): c.value for c in sheet[1]}
    found = {}
    for rule in sheet.data_validations.dataValidation:
        if rule.type != "list":
            continue
        (cells,) = str(rule.sqref).split()
        letter = cells.split(":")[0].rstrip("0123456789")
        assert cells == f"{letter}2:{letter}1048576"  # every data row
        formula = rule.formula1
        if formula.startswith('"'):
            values = formula.strip('"').split(",")
        else:
            sheet_name, cells = formula.split("!")
            values = [c.value for row in workbook[sheet_name][cells.replace("$", "")] for c in row]
        found[headers[letter]] = values
    return found


def test_one_workbook_per_extract_with_the_contract_headers(sample_templates):
    assert sorted(p.name for p in sample_templates.iterdir()) == sorted(
        f"{stem}.xlsx" for stem in EXTRACT_STEMS
    )
    for stem in EXTRACT_STEMS:
        sheet = openpyxl.load_workbook(sample_templates / f"{stem}.xlsx").worksheets[0]
        # the sample's reference lists no equalities (contract 1.3): those columns are left out
        expected = [c for c in SPECS[stem].columns if not c.startswith("child_")]
        assert [c.value for c in sheet[1]] == expected, stem
        assert sheet.freeze_panes == "A2"


def test_date_columns_are_formatted_and_checked(sample_templates):
    sheet = openpyxl.load_workbook(sample_templates / "complaints.xlsx").worksheets[0]
    formats = {k: v.number_format for k, v in sheet.column_dimensions.items()}
    assert formats["C"] == "yyyy-mm-dd" and formats["H"] == "yyyy-mm-dd"  # received, response
    assert formats["A"] == "General"
    rules = {str(r.sqref): r for r in sheet.data_validations.dataValidation}
    received, response = rules["C2:C1048576"], rules["H2:H1048576"]
    assert received.type == "date" and response.type == "date"
    excel_day = (dt.date(2016, 4, 1) - dt.date(1899, 12, 30)).days
    assert (received.formula1, received.formula2) == (str(excel_day), str(excel_day + 364))
    assert int(response.formula1) < excel_day  # a response date is not bound to the year


def test_dropdowns_hold_the_reference_lists(sample_templates):
    reference = load_reference(SAMPLE_REFERENCE)
    complaints = dropdowns(sample_templates / "complaints.xlsx")
    assert complaints == {
        "procedure": ["statutory", "corporate"],
        "service_area": reference.service_area_names,
        "team": reference.team_names,
        "nature": list(reference.natures),
        "outcome": reference.outcome_names,
        "complainant_type": reference.complainant_type_names,
    }
    assert dropdowns(sample_templates / "remedies.xlsx") == {"remedy": list(reference.remedies)}
    assert dropdowns(sample_templates / "escalations.xlsx")["stage"] == ["2", "3"]
    assert dropdowns(sample_templates / "findings.xlsx") == {
        "finding": reference.escalation_finding_names
    }
    lgo = dropdowns(sample_templates / "lgo.xlsx")
    assert lgo["status"] == reference.lgo_status_names
    assert lgo["finding"] == reference.lgo_finding_names
    assert dropdowns(sample_templates / "duty.xlsx") == {
        "category": list(reference.duty_categories)
    }
    assert dropdowns(sample_templates / "compliments.xlsx")["publish"] == ["true", "false"]
    assert dropdowns(sample_templates / "recommendations.xlsx") == {"publish": ["true", "false"]}


def test_long_lists_live_on_a_hidden_sheet(sample_templates):
    workbook = openpyxl.load_workbook(sample_templates / "complaints.xlsx")
    assert workbook.sheetnames == ["complaints", "lists"]
    assert workbook["lists"].sheet_state == "hidden"
    sheet = workbook.worksheets[0]
    sources = {r.formula1 for r in sheet.data_validations.dataValidation if r.type == "list"}
    teams = load_reference(SAMPLE_REFERENCE).team_names
    assert len(",".join(teams)) > INLINE_LIMIT
    assert any(s.startswith("lists!$") for s in sources)
    assert '"statutory,corporate"' in sources  # short lists stay inline
    # the service areas are short, but one name holds a comma: not inline either
    areas = next(r for r in sheet.data_validations.dataValidation if str(r.sqref).startswith("D"))
    assert areas.formula1.startswith("lists!$")
    # a workbook with short lists only has no lists sheet
    assert "lists" not in openpyxl.load_workbook(sample_templates / "findings.xlsx").sheetnames


def test_mapped_headers_and_a_filled_template_loads(tmp_path):
    reference = load_reference(OWN / "authority.yml")
    write_templates(tmp_path / "templates", reference)
    raw = tmp_path / "raw"
    shutil.copytree(OWN / "raw", raw)
    (raw / "duty.csv").unlink()
    workbook = openpyxl.load_workbook(tmp_path / "templates" / "duty.xlsx")
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Duty Ref", "Date Received", "Duty Category"]
    sheet.append(["D1", dt.datetime(2016, 4, 10), "Advice"])
    sheet.append(["D2", dt.datetime(2016, 11, 11), "Out of Time"])
    workbook.save(raw / "duty.xlsx")
    duty = load_extracts(raw, reference).duty
    assert duty.rows() == [
        (1, "D1", dt.date(2016, 4, 10), "Advice"),
        (2, "D2", dt.date(2016, 11, 11), "Out of Time"),
    ]
    outcomes = dropdowns(tmp_path / "templates" / "complaints.xlsx")["Complaint Outcome"]
    assert outcomes == reference.outcome_names


def test_cli_refuses_to_replace_without_force(tmp_path, capsys):
    out = tmp_path / "templates"
    arguments = ["template", "--out", str(out), "--reference", str(MINI / "authority.yml")]
    assert main(arguments) == 0
    (out / "duty.xlsx").write_bytes(b"edited by hand")
    assert main(arguments) == 1
    assert "already holds complaints.xlsx" in capsys.readouterr().err
    assert (out / "duty.xlsx").read_bytes() == b"edited by hand"
    assert main([*arguments, "--force"]) == 0
    assert openpyxl.load_workbook(out / "duty.xlsx").worksheets[0]["A1"].value == "duty_ref"


def test_complainant_types_get_a_column_when_listed(tmp_path):
    """Contract 1.1: the column and its drop-down appear only when the reference lists
    complainant types (the mini council does; the same file without them does not)."""
    import dataclasses

    reference = load_reference(MINI / "authority.yml")
    without = dataclasses.replace(reference, complainant_types=())
    write_templates(tmp_path / "without", without)
    sheet = openpyxl.load_workbook(tmp_path / "without" / "complaints.xlsx").worksheets[0]
    assert "complainant_type" not in [c.value for c in sheet[1]]
    assert "complainant_type" not in dropdowns(tmp_path / "without" / "complaints.xlsx")
    types = ["Young Person", "Advocate", "Parent", "Carer", "Other"]
    write_templates(tmp_path / "with", reference)
    sheet = openpyxl.load_workbook(tmp_path / "with" / "complaints.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]][-1] == "complainant_type"
    assert dropdowns(tmp_path / "with" / "complaints.xlsx")["complainant_type"] == types
