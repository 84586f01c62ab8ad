"""``init``: a reference file drafted from a year's extracts, then validated."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from conftest import MINI, replace_in
from pipeline.checks.validate import validate_extracts
from pipeline.inputs.draft import draft_reference, group_spellings, near_identical, propose_headers
from pipeline.inputs.reference import DEFAULT_LGO_FINDINGS, load_reference
from pipeline.run.cli import main

OWN = MINI.parent / "mini-own-words"


def drafted(raw: Path, tmp_path: Path):
    out = tmp_path / "drafted.yml"
    out.write_text(draft_reference(raw), encoding="utf-8")
    return out, load_reference(out)


def reviewed(path: Path) -> Path:
    """The draft as an analyst leaves it after review: the council named, every CHECK
    mark deleted (the guesses kept)."""
    text = path.read_text(encoding="utf-8").replace("Name of the Council (CHANGE ME)", "Mini")
    out = path.with_name("reviewed.yml")
    out.write_text(text.replace("CHECK", "checked"), encoding="utf-8")
    return out


def areas(reference) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Areas -> teams with their aliases (aliases match in any case, as loading does)."""
    return {
        a.name: [(t.name, tuple(x.lower() for x in t.aliases)) for t in a.teams]
        for a in reference.service_areas
    }


def test_mini_council_reproduced_and_validates(tmp_path, mini_reference):
    out, reference = drafted(MINI / "raw", tmp_path)
    assert areas(reference) == areas(mini_reference)  # incl. the alias "alpha" of Alpha Team
    assert [a.name for a in reference.service_areas] == mini_reference.service_area_names
    assert reference.natures == mini_reference.natures
    assert set(reference.remedies) == {"Explanation", "Apology"}  # "Action Taken" is unused
    assert reference.duty_categories == ("Advice", "Out of Time")  # "advice" is the same
    assert reference.timescales == mini_reference.timescales
    kinds = {o.name: (o.kind, o.upheld) for o in reference.outcomes}
    assert kinds == {
        "Upheld": ("answered", True),
        "Partially Upheld": ("answered", True),
        "Not Upheld": ("answered", False),
        "Complaint Withdrawn": ("closed", False),
        "Remains Ongoing": ("ongoing", False),
    }
    assert reference.fault_findings == [
        "Maladministration and Injustice",
        "Maladministration No Injustice",
    ]
    assert reference.authority == "Name of the Council (CHANGE ME)"
    assert reference.stage2_timescales == mini_reference.stage2_timescales  # completed_date
    report = validate_extracts(MINI / "raw", reviewed(out), "2016-17", tmp_path / "out")
    assert report.success, report.summary_markdown()


def test_an_unreviewed_draft_does_not_validate(tmp_path):
    out, _ = drafted(MINI / "raw", tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines()
    marked = [n for n, line in enumerate(lines, start=1) if "CHECK" in line or "CHANGE ME" in line]
    report = validate_extracts(MINI / "raw", out, "2016-17", tmp_path / "out")
    assert not report.success
    assert [(f.file, f.message.split(" ")[1]) for f in report.failures] == [
        ("drafted.yml", str(n)) for n in marked
    ]
    assert len(marked) > 15  # every CHECK the draft writes, the council's name first
    summary = report.summary_markdown()
    assert (
        f"- **drafted.yml**: line {marked[0]} still holds 'CHANGE ME' (a value init could "
        "not know): write the real one"
    ) in summary
    assert (
        f"- **drafted.yml**: line {marked[1]} is still marked CHECK (a guess of init): "
        "confirm or correct it, then delete the word CHECK"
    ) in summary


def test_counts_and_checks_are_comments(tmp_path):
    text = draft_reference(MINI / "raw")
    assert "  - name: North Services  # 6 complaints, 8 other rows" in text
    assert "      - name: Alpha Team  # 5 complaints, 4 other rows" in text
    assert (
        "        aliases: [alpha]  # CHECK: spellings close to the name; the same thing? "
        "('alpha' is 'Alpha Team' without 'team')"
    ) in text
    assert "  # not in these extracts, in the contract's list: Complainant not Engaging" in text


def test_near_identical_spellings_become_aliases_of_the_most_frequent(raw, tmp_path):
    complaints = raw / "complaints.csv"
    replace_in(
        complaints,
        "South Services,Gamma Team,case management",
        "South Service,Gama Team,Case Managment",
    )
    replace_in(raw / "compliments.csv", "South Services,Gamma Team", "south services ,Gamma Teams")
    replace_in(raw / "duty.csv", "Out of Time", "Out Of Time")
    out, reference = drafted(raw, tmp_path)
    (south,) = [a for a in reference.service_areas if a.name == "South Services"]
    assert south.aliases == ("South Service",)  # "south services " is the same name
    assert [(t.name, t.aliases) for t in south.teams] == [
        ("Gamma Team", ("Gama Team", "Gamma Teams")),
        ("Beta Team", ()),
    ]
    assert reference.natures == ("Case Management", "Communication", "Staff Conduct")
    text = draft_reference(raw)
    assert "  - Case Management  # 5 rows\n    # CHECK: also spelled [Case Managment]" in text
    assert reference.duty_categories == ("Advice", "Out Of Time")  # as spelled; no alias
    report = validate_extracts(raw, reviewed(out), "2016-17", tmp_path / "out")
    # natures have no aliases: the one thing left to decide is the misspelt nature
    assert [(f.file, f.column, f.values) for f in report.failures] == [
        ("complaints.csv", "nature", ["Case Managment"])
    ]


def test_unknown_outcomes_get_a_kind_from_their_response_dates(raw, tmp_path):
    replace_in(raw / "complaints.csv", "Remains Ongoing", "Still Open", count=3)
    replace_in(raw / "complaints.csv", "Complaint Withdrawn", "Closed by Complainant")
    replace_in(raw / "complaints.csv", "Partially Upheld", "Partly Upheld")
    text = draft_reference(raw)
    out, reference = drafted(raw, tmp_path)
    kinds = {o.name: (o.kind, o.upheld) for o in reference.outcomes}
    assert kinds["Still Open"] == ("ongoing", False)
    assert kinds["Closed by Complainant"] == ("closed", False)
    assert kinds["Partly Upheld"] == ("answered", True)
    assert "kind: closed  # CHECK kind and upheld: 0 of 1 cases have a response date" in text
    assert validate_extracts(raw, reviewed(out), "2016-17", tmp_path / "out").success


def test_complainant_types_in_the_contract_shape(raw, tmp_path):
    # the mini council's own complainant_type column (its last) replaced by these values
    lines = [line.rsplit(",", 1)[0] for line in (raw / "complaints.csv").read_text().splitlines()]
    types = ["Young Person", "Parent", "young person", "Advocate", "", "Parent"] + [""] * 4
    lines = [lines[0] + ",Complainant Type"] + [
        f"{x},{t}" for x, t in zip(lines[1:], types, strict=True)
    ]
    (raw / "complaints.csv").write_text("\n".join(lines) + "\n")
    data = yaml.safe_load(draft_reference(raw))
    assert data["complainant_types"] == [  # most frequent first, then by name
        {"name": "Parent"},
        {"name": "Young Person", "child": True},
        {"name": "Advocate", "child": True},
    ]
    assert "set child: true on each type" in draft_reference(raw)


def test_headers_of_a_case_system_are_proposed(tmp_path):
    out, reference = drafted(OWN / "raw", tmp_path)
    own = load_reference(OWN / "authority.yml")
    for stem in ("escalations", "duty", "remedies", "findings"):
        assert reference.columns[stem] == own.columns[stem], stem
    assert reference.columns["lgo"]["lgo_ref"] == "Ombudsman Ref"  # "ombudsman" is "lgo"
    text = draft_reference(OWN / "raw")
    assert "    # status: ...  CHECK: no header looks like status" in text


def test_propose_headers_prefers_the_closest_header():
    headers = ["Decision", "Decision Date", "Team Manager", "Team Name", "case_ref"]
    found = propose_headers(headers, ["case_ref", "decision_date", "team", "finding"])
    assert found == {"case_ref": "case_ref", "decision_date": "Decision Date", "team": "Team Name"}


def test_near_identical_rules():
    assert near_identical("Alpha", "Alpha Team")
    assert near_identical("Fostering Teem", "Fostering Team")
    assert not near_identical("North Services", "South Services")
    assert not near_identical("Area 1", "Area 10")
    assert not near_identical("Maladministration No Injustice", "Maladministration and Injustice")
    values = group_spellings(
        Counter({"No Fault": 2, "Premature Complaint": 1, "Maladministration No Injustice": 1}),
        DEFAULT_LGO_FINDINGS,
    )
    assert [v.name for v in values] == [
        "Premature Complaint",
        "No Fault",
        "Maladministration No Injustice",
    ]  # the contract's order for its own names


def test_cli_never_overwrites(tmp_path, capsys):
    out = tmp_path / "authority.yml"
    assert main(["init", "--raw", str(MINI / "raw"), "--out", str(out)]) == 0
    first = out.read_text()
    assert "lines are marked CHECK" in capsys.readouterr().out
    assert main(["init", "--raw", str(MINI / "raw"), "--out", str(out)]) == 1
    assert f"{out} already exists: init never overwrites a file" in capsys.readouterr().err
    assert out.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["authority.yml"]  # no temporary left


def test_cli_reports_unreadable_extracts(raw, tmp_path, capsys):
    (raw / "duty.csv").write_bytes((raw / "duty.csv").read_text().encode("utf-16"))
    out = tmp_path / "authority.yml"
    assert main(["init", "--raw", str(raw), "--out", str(out)]) == 2
    assert "duty.csv: the text is UTF-16" in capsys.readouterr().err
    assert not out.exists()


def test_a_case_systems_workbook_is_drafted_from_its_header_below_titles(raw, tmp_path):
    import csv

    import xlsxwriter

    rows = list(csv.reader((raw / "complaints.csv").open(encoding="utf-8", newline="")))
    (raw / "complaints.csv").unlink()
    workbook = xlsxwriter.Workbook(str(raw / "complaints.xlsx"))
    workbook.add_worksheet("Sheet1")  # empty
    sheet = workbook.add_worksheet("Complaints")
    sheet.write(0, 0, "Complaints report")
    sheet.write(1, 0, "Generated 03/04/2017 09:12")
    own = ["Case Ref", "Procedure", "Date Received", "Service Area", "Team"]
    sheet.write_row(3, 0, own + rows[0][5:])
    for number, row in enumerate(rows[1:], start=4):
        sheet.write_row(number, 0, row)
    workbook.close()
    text = draft_reference(raw)
    assert (
        "columns:  # headers of your export that stand for the contract's columns\n"
        "  complaints:\n"
        "    case_ref: Case Ref  # CHECK: guessed from the header\n"
        "    received_date: Date Received  # CHECK: guessed from the header\n"
        "    service_area: Service Area  # CHECK: guessed from the header\n"
    ) in text
    assert "  - name: North Services  # 6 complaints, 8 other rows" in text


def test_no_stage2_limits_are_proposed_without_completed_dates(raw):
    lines = (raw / "escalations.csv").read_text(encoding="utf-8").splitlines()
    (raw / "escalations.csv").write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8"
    )
    text = draft_reference(raw)
    assert "_stage2:" not in text
    assert (
        "  # no completed_date in the escalations: Stage 2 time limits cannot be reported"
    ) in text
