"""The synthetic extracts: the committed 2016/17 sample and the random benchmark extracts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays
import polars as pl
import pytest

from pipeline.inputs.synth import STEMS as ALL_STEMS
from pipeline.inputs.synth import synthesise, write_random, write_sample

# The sample has no lgo_benchmark (contract 1.4's optional extract); random extracts do.
STEMS = [stem for stem in ALL_STEMS if stem != "lgo_benchmark"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "raw" / "2016-17"
SS = "Specialist Safeguarding, Targeted Services and Youth Offending Services"
LAC = "Looked after Children and Disability Services"
ES = "Education and Skills"
BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(2016, 2018))


def working_days(a: date, b: date) -> int:
    """Contract 3.1, counted the slow obvious way as an independent check."""
    days = (a + timedelta(days=i) for i in range(1, (b - a).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in BANK)


def read(folder: Path, stem: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{stem}.csv", try_parse_dates=True, infer_schema_length=None)


@pytest.fixture(scope="module")
def sample() -> dict[str, pl.DataFrame]:
    return {stem: read(SAMPLE_DIR, stem) for stem in STEMS}


def counts(df: pl.DataFrame, column: str) -> dict[str, int]:
    return dict(df.group_by(column).len().iter_rows())


def test_regenerated_sample_is_byte_identical(tmp_path: Path) -> None:
    paths = write_sample(tmp_path)
    assert [p.name for p in paths] == [f"{stem}.csv" for stem in STEMS]
    for path in paths:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name
    assert sorted(tmp_path.iterdir()) == sorted(paths)  # no staging folder left behind


def test_sample_files_are_plain_utf8_with_unix_newlines() -> None:
    for stem in STEMS:
        raw = (SAMPLE_DIR / f"{stem}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")


def test_sample_stage1_counts_by_quarter(sample: dict[str, pl.DataFrame]) -> None:
    c = sample["complaints"].with_columns(
        quarter=((pl.col("received_date").dt.month() + 8) % 12) // 3 + 1
    )
    by_quarter = {(p, q): n for p, q, n in c.group_by("procedure", "quarter").len().iter_rows()}
    assert [by_quarter[("statutory", q)] for q in (1, 2, 3, 4)] == [40, 23, 15, 13]
    assert [by_quarter[("corporate", q)] for q in (1, 2, 3, 4)] == [31, 32, 34, 35]
    spelt = c.filter(procedure="corporate", team="Care Planning and Court Team")
    assert spelt.height == 4  # the old spelling, used in the first half year only
    ssu = c.filter(procedure="statutory", team="Specialist Safeguarding Units")
    assert counts(ssu, "quarter") == {1: 20, 2: 13, 3: 10, 4: 7}


def test_sample_natures_outcomes_and_remedies(sample: dict[str, pl.DataFrame]) -> None:
    c = sample["complaints"]
    statutory = c.filter(procedure="statutory")
    corporate = c.filter(procedure="corporate")
    assert counts(statutory.filter(nature="Case Management"), "service_area") == {
        SS: 44,
        LAC: 27,
        "Partnership and Development": 2,
    }
    assert counts(corporate.filter(service_area=SS), "nature")["Staff Conduct"] == 12
    assert counts(statutory, "outcome") == {
        "Upheld": 4,
        "Partially Upheld": 50,
        "Not Upheld": 31,
        "Complainant not Engaging": 3,
        "Complaint Withdrawn": 3,
    }
    assert counts(corporate, "outcome") == {
        "Upheld": 16,
        "Partially Upheld": 59,
        "Not Upheld": 50,
        "Remains Ongoing": 3,
        "Unable to make a Finding": 1,
        "Complaint Withdrawn": 3,
    }
    explained = sample["remedies"].filter(remedy="Explanation").join(c, on="case_ref")
    assert counts(explained, "procedure") == {"statutory": 73, "corporate": 84}
    per_case = sample["remedies"].group_by("case_ref").len()["len"]
    assert per_case.max() <= 3
    assert sample["remedies"].is_duplicated().sum() == 0


def band(procedure: str, received: date, response: date | None, outcome: str) -> str:
    if response is None:
        if outcome != "Remains Ongoing":
            return outcome
        days = working_days(received, date(2017, 3, 31))
        return "Over 15" if days > 15 else "Remains Ongoing"
    days = working_days(received, response)
    if procedure == "corporate":
        return "Within 15" if days <= 15 else "Over 15"
    return "Within 10" if days <= 10 else "Within 20" if days <= 20 else "Over 20"


def test_sample_timescale_bands(sample: dict[str, pl.DataFrame]) -> None:
    rows = (
        sample["complaints"]
        .select("procedure", "received_date", "response_date", "outcome")
        .iter_rows()
    )
    bands: dict[tuple[str, str], int] = {}
    for procedure, received, response, outcome in rows:
        key = (procedure, band(procedure, received, response, outcome))
        bands[key] = bands.get(key, 0) + 1
    assert bands == {
        ("statutory", "Within 10"): 18,
        ("statutory", "Within 20"): 34,
        ("statutory", "Over 20"): 33,
        ("statutory", "Complainant not Engaging"): 3,
        ("statutory", "Complaint Withdrawn"): 3,
        ("corporate", "Within 15"): 83,
        ("corporate", "Over 15"): 46,
        ("corporate", "Complaint Withdrawn"): 3,
    }


def test_sample_dates_follow_the_contract(sample: dict[str, pl.DataFrame]) -> None:
    c = sample["complaints"]
    assert c["received_date"].min() >= date(2016, 4, 1)
    assert c["received_date"].max() <= date(2017, 3, 31)
    answered = c.filter(pl.col("response_date").is_not_null())
    assert (answered["response_date"] >= answered["received_date"]).all()
    assert answered["response_date"].dt.weekday().max() <= 5
    assert not any(d in BANK for d in answered["response_date"])
    assert answered.filter(
        (pl.col("received_date") < date(2016, 12, 26))
        & (pl.col("response_date") > date(2016, 12, 27))
    ).height
    assert answered.filter(
        (pl.col("received_date") < date(2017, 4, 14))
        & (pl.col("response_date") > date(2017, 4, 17))
    ).height
    unanswered = c.filter(pl.col("response_date").is_null())["outcome"]
    assert set(unanswered) == {"Complainant not Engaging", "Complaint Withdrawn", "Remains Ongoing"}


def test_sample_escalations_and_findings(sample: dict[str, pl.DataFrame]) -> None:
    e = sample["escalations"]
    stage2 = e.filter(stage=2)
    assert counts(stage2.filter(procedure="statutory"), "service_area") == {LAC: 6, SS: 3}
    assert counts(stage2.filter(procedure="corporate"), "service_area") == {ES: 2, SS: 3}
    panels = e.filter(stage=3)
    assert counts(panels, "service_area") == {LAC: 2, SS: 3}
    assert panels.filter(pl.col("stage1_received_date") < date(2016, 4, 1)).height == 3
    assert (e["stage1_received_date"] <= e["commissioned_date"]).all()
    assert e["commissioned_date"].is_between(date(2016, 4, 1), date(2017, 3, 31)).all()
    points = sample["findings"].join(e, on="escalation_ref").filter(stage=2)
    assert counts(points.filter(procedure="statutory"), "finding") == {
        "Upheld": 33,
        "Not Upheld": 29,
        "Partially Upheld": 8,
        "No Finding": 3,
    }
    assert counts(points.filter(procedure="corporate"), "finding") == {
        "Upheld": 11,
        "Not Upheld": 30,
        "Partially Upheld": 5,
    }
    recs = sample["recommendations"]
    assert 12 <= recs.height <= 15 and recs["publish"].sum() >= recs.height - 4
    assert set(recs["escalation_ref"]) <= set(e["escalation_ref"])


def test_sample_lgo_duty_and_compliments(sample: dict[str, pl.DataFrame]) -> None:
    lgo = sample["lgo"]
    assert lgo.height == 31
    assert counts(lgo, "finding") == {
        "Refusal to Investigate": 9,
        "Investigation Commenced": 3,
        "Premature Complaint": 5,
        "No Fault": 9,
        "Maladministration and Injustice": 5,
    }
    assert counts(lgo, "status") == {"Enquiry": 23, "Investigation": 8}
    assert counts(lgo, "team")["Specialist Safeguarding Unit"] == 8
    fault = lgo.filter(finding="Maladministration and Injustice")
    assert fault["summary"].is_not_null().all() and fault["summary"].n_unique() == 5
    assert lgo.filter(finding="No Fault")["summary"].is_null().all()
    assert sample["duty"].height == 210
    compliments = sample["compliments"]
    assert compliments.height == 195
    assert compliments["publish"].sum() == 18
    assert compliments["text"].n_unique() == 195


def test_sample_refs_are_unique(sample: dict[str, pl.DataFrame]) -> None:
    for stem, column in [
        ("complaints", "case_ref"),
        ("escalations", "escalation_ref"),
        ("lgo", "lgo_ref"),
        ("duty", "duty_ref"),
        ("compliments", "compliment_ref"),
    ]:
        assert sample[stem][column].is_unique().all(), stem


def test_sample_only_exists_for_2016_17(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2016-17"):
        synthesise(tmp_path, year="2017-18")
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def random_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("random")
    synthesise(folder, cases=2000, seed=7)
    return folder


def test_random_extract_sizes_and_refs(random_extract: Path) -> None:
    frames = {stem: read(random_extract, stem) for stem in STEMS}
    assert frames["complaints"].height == 2000
    assert frames["duty"].height == 4000 and frames["compliments"].height == 4000
    assert frames["lgo"].height == 600 and frames["escalations"].height == 160
    assert 2200 < frames["remedies"].height < 3000
    for stem, column in [
        ("complaints", "case_ref"),
        ("escalations", "escalation_ref"),
        ("lgo", "lgo_ref"),
        ("duty", "duty_ref"),
        ("compliments", "compliment_ref"),
    ]:
        assert frames[stem][column].is_unique().all(), stem
    assert set(frames["remedies"]["case_ref"]) <= set(frames["complaints"]["case_ref"])
    assert frames["remedies"].is_duplicated().sum() == 0
    assert set(frames["findings"]["escalation_ref"]) <= set(frames["escalations"]["escalation_ref"])


def test_random_extract_dates(random_extract: Path) -> None:
    c = read(random_extract, "complaints")
    assert c["received_date"].is_between(date(2016, 4, 1), date(2017, 3, 31)).all()
    answered = c.filter(pl.col("response_date").is_not_null())
    assert (answered["response_date"] >= answered["received_date"]).all()
    no_response = [
        "Complainant not Engaging",
        "Closed: Sensitive Matter",
        "Complaint Withdrawn",
        "Remains Ongoing",
    ]
    assert (c["response_date"].is_null() == c["outcome"].is_in(no_response)).all()
    e = read(random_extract, "escalations")
    assert e["commissioned_date"].is_between(date(2016, 4, 1), date(2017, 3, 31)).all()
    assert (e["stage1_received_date"] <= e["commissioned_date"]).all()
    assert e.filter(procedure="corporate", stage=3).height == 0
    for stem, column in [("lgo", "decision_date"), ("duty", "received_date")]:
        assert (
            read(random_extract, stem)[column].is_between(date(2016, 4, 1), date(2017, 3, 31)).all()
        )


def test_random_extract_is_deterministic(random_extract: Path, tmp_path: Path) -> None:
    write_random(tmp_path, 2000, seed=7)
    for stem in ALL_STEMS:
        name = f"{stem}.csv"
        assert (tmp_path / name).read_bytes() == (random_extract / name).read_bytes(), name
    other = tmp_path / "other"
    write_random(other, 2000, seed=8)
    assert (other / "complaints.csv").read_bytes() != (tmp_path / "complaints.csv").read_bytes()


@pytest.fixture(scope="module")
def published() -> pl.DataFrame:
    return pl.read_csv(ROOT / "data" / "published" / "2016-17.csv", infer_schema_length=None)


def test_loaded_sample_matches_published_team_cells(published: pl.DataFrame) -> None:
    from pipeline.inputs.load import load_extracts
    from pipeline.inputs.reference import load_reference

    reference = load_reference(ROOT / "data" / "reference" / "authority.yml")
    extracts = load_extracts(SAMPLE_DIR, reference, "2016-17")
    computed = (
        extracts.complaints.with_columns(
            quarter=pl.format("Q{}", ((pl.col("received_date").dt.month() + 8) % 12) // 3 + 1)
        )
        .group_by("procedure", "service_area", "team", "quarter")
        .len()
    )
    cells = published.filter(table="stage1_by_team").join(
        computed, on=["procedure", "service_area", "team", "quarter"], how="left"
    )
    assert cells.height == 108
    assert (cells["n"] == cells["len"].fill_null(0)).all()
    assert cells["n"].sum() == computed["len"].sum() == 223


def test_sample_sizes_match_published_totals(
    sample: dict[str, pl.DataFrame], published: pl.DataFrame
) -> None:
    totals = dict(published.filter(table="feedback_total").select("category", "n").iter_rows())
    c, e = sample["complaints"], sample["escalations"]
    assert totals == {
        "Statutory Stage 1": c.filter(procedure="statutory").height,
        "Statutory Stage 2": e.filter(procedure="statutory", stage=2).height,
        "Statutory Stage 3": e.filter(stage=3).height,
        "Corporate Stage 1": c.filter(procedure="corporate").height,
        "Corporate Stage 2": e.filter(procedure="corporate").height,
        "Ombudsman": sample["lgo"].height,
        "Duty Matters": sample["duty"].height,
        "Compliments": sample["compliments"].height,
    }


def test_sample_carries_contract_14_values_under_unmapped_headers(sample) -> None:
    # the sample's reference maps none of these headers: loading leaves them out, so the
    # sample's report stays the published one (a reference mapping them reads them)
    actions, remedies = sample["recommendations"], sample["remedies"]
    assert actions.columns[-2:] == ["Target Date", "Date Actioned"]
    assert actions["Target Date"].null_count() == 0
    escalations = sample["escalations"].select("escalation_ref", "commissioned_date")
    dated = actions.join(escalations, on="escalation_ref")
    done = dated.filter(pl.col("Date Actioned").is_not_null())
    assert 0 < done.height < actions.height
    assert (done["Date Actioned"] >= done["commissioned_date"]).all()
    paid = remedies.filter(pl.col("Amount Paid").is_not_null())
    assert paid.select("remedy", "Amount Paid").rows() == [("Financial Redress", 250.0)]


def test_random_extract_has_contract_14_inputs(random_extract: Path) -> None:
    actions = read(random_extract, "recommendations")
    assert {"due_date", "completed_date"} <= set(actions.columns)
    paid = read(random_extract, "remedies")["amount"].drop_nulls()
    assert 0 < paid.len() and (paid >= 10).all() and (paid <= 2000).all()
    benchmark = read(random_extract, "lgo_benchmark")
    assert benchmark["authority"][0] == "Example County Council"
    assert (benchmark["upheld"] <= benchmark["decisions"]).all()
