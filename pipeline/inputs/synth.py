"""Synthetic raw extracts: the calibrated 2016/17 sample and large random extracts.

`write_sample` writes the case-level extract behind the published 2016/17 report (counts taken
from the report's tables, everything else chosen and documented in data/raw/2016-17/README.md).
`write_random` writes large contract-valid extracts for benchmarks, built with NumPy/Polars,
in the words of the reference file it is given: its code lists (outcomes drawn by kind,
fault findings with a summary) and its column names. Both are deterministic for a given
seed and write atomically (temp folder, then rename).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import holidays
import numpy as np
import polars as pl

from pipeline import PROJECT_ROOT
from pipeline.inputs.load import EXTRACT_STEMS, POLARS_TYPES, SPECS
from pipeline.inputs.reference import Reference, load_reference

DEFAULT_REFERENCE = PROJECT_ROOT / "data" / "reference" / "authority.yml"
SAMPLE_YEAR = "2016-17"
SAMPLE_SEED = 2017

SS = "Specialist Safeguarding, Targeted Services and Youth Offending Services"
LAC = "Looked after Children and Disability Services"
PD = "Partnership and Development"
ES = "Education and Skills"

# Published breakdown tables: service area -> team (as spelt in the extract) -> Q1..Q4.
STATUTORY_BREAKDOWN: dict[str, dict[str, tuple[int, int, int, int]]] = {
    SS: {
        "Specialist Safeguarding Units": (20, 13, 10, 7),
        "First Response Team": (0, 0, 1, 0),
        "Emergency Duty Service": (1, 0, 0, 0),
    },
    LAC: {
        "Care Planning and Court Teams": (9, 1, 2, 2),
        "Disability Services": (4, 4, 1, 3),
        "Occupational Therapy": (0, 2, 0, 0),
        "Throughcare Teams": (2, 0, 0, 0),
        "Adoption Service": (1, 0, 0, 0),
        "Fostering Service": (2, 1, 1, 0),
        "Residential Unit": (0, 1, 0, 0),
    },
    PD: {
        "Independent Case Conference Chair": (1, 1, 0, 0),
        "Independent Reviewing Officer": (0, 0, 0, 1),
    },
}
CORPORATE_BREAKDOWN: dict[str, dict[str, tuple[int, int, int, int]]] = {
    ES: {
        "SEND Teams": (8, 6, 11, 5),
        "School Admission and Transport": (0, 1, 1, 0),
        "Education Psychology": (1, 0, 1, 2),
    },
    PD: {"Independent Case Conference Chair": (1, 1, 0, 2)},
    LAC: {
        "Care Planning and Court Teams": (1, 3, 3, 4),
        "Fostering Support Team": (1, 1, 1, 2),
        "Intensive Intervention Fostering": (1, 0, 2, 0),
        "Occupational Therapy": (1, 1, 0, 0),
        "Disability Services": (0, 2, 3, 0),
        "Throughcare Teams": (0, 1, 0, 2),
        "Placement Services": (0, 0, 0, 1),
    },
    SS: {
        "Emergency Duty Service": (1, 0, 0, 0),
        "First Response Team": (1, 1, 0, 1),
        "Specialist Safeguarding Units": (13, 10, 7, 13),
        "Local Support Teams": (2, 5, 5, 3),
    },
}
# The corporate extract spells these teams the old way in the first half of the year.
CORPORATE_OLD_SPELLINGS = {
    "Care Planning and Court Teams": "Care Planning and Court Team",
    "Disability Services": "Disability Team",
    "Throughcare Teams": "Throughcare Team",
    "Occupational Therapy": "Occupational Therapy Team",
    "Emergency Duty Service": "Emergency Duty Team",
}

STATUTORY_NATURES = {
    SS: {
        "Communication": 1,
        "Case Management": 44,
        "Staff Conduct": 3,
        "Standard of Service": 2,
        "Delay in Receiving Information": 1,
        "Clarity of Information": 1,
    },
    LAC: {
        "Case Management": 27,
        "Standard of Service": 3,
        "Delay in Service": 1,
        "Staff Conduct": 1,
        "Contact Arrangements": 2,
        "Access to Service": 2,
    },
    PD: {"Standard of Service": 1, "Case Management": 2},
}
CORPORATE_NATURES = {
    ES: {
        "Access to Service": 1,
        "Case Management": 22,
        "Delay in Service": 2,
        "Reduction of Service": 2,
        "Staff Conduct": 3,
        "Standard of Service": 6,
    },
    LAC: {
        "Case Management": 20,
        "Communication": 4,
        "Delay in Service": 1,
        "Staff Conduct": 3,
        "Standard of Service": 2,
    },
    PD: {"Staff Conduct": 2, "Case Management": 2},
    SS: {
        "Disclosure of Information": 5,
        "Inaccurate Information Recorded": 1,
        "Confidentiality Breach": 2,
        "Case Management": 32,
        "Communication": 6,
        "Delay in Service": 2,
        "Staff Conduct": 12,
        "Standard of Service": 2,
    },
}
STATUTORY_OUTCOMES = {
    "Upheld": 4,
    "Partially Upheld": 50,
    "Not Upheld": 31,
    "Complainant not Engaging": 3,
    "Complaint Withdrawn": 3,
}
CORPORATE_OUTCOMES = {
    "Upheld": 16,
    "Partially Upheld": 59,
    "Not Upheld": 50,
    "Unable to make a Finding": 1,
    "Complaint Withdrawn": 3,
}
CORPORATE_ONGOING = 3
ONGOING_OUTCOME = "Remains Ongoing"
NOT_ESCALATED_AFTER = "Upheld"  # a Stage 1 case upheld in full is not taken to Stage 2
# Answered cases by band: (label, lowest and highest working days used).
STATUTORY_BANDS = {"Within 10": (18, 2, 10), "Within 20": (34, 11, 20), "Over 20": (33, 21, 38)}
CORPORATE_BANDS = {"Within 15": (83, 2, 15), "Over 15": (43, 16, 34)}
STATUTORY_EXPLANATIONS = 73
CORPORATE_EXPLANATIONS = 84
# Who complained (contract 1.1), our own choice: counts per procedure ("" = not recorded),
# dealt to the cases by a random generator of their own, so that the other columns stay
# as they were before the column was added. A few cells use other spellings.
COMPLAINANT_COUNTS = {
    "statutory": {"Young Person": 12, "Advocate": 8, "Parent": 55, "Carer": 7, "Other": 6, "": 3},
    "corporate": {
        "Young Person": 5,
        "Advocate": 2,
        "Parent": 101,
        "Carer": 9,
        "Other": 11,
        "": 4,
    },
}
COMPLAINANT_SPELLINGS = {"Young Person": ("Child", 3), "Advocate": ("advocate", 1)}
COMPLAINANT_SEED = f"{SAMPLE_SEED}-complainant-type"

# Who each complaint was about (contract 1.3): plausible shares for children's social care,
# dealt with a generator of their own so that the other columns stay as they were. The
# sample's reference lists no `equalities`, so its report is unchanged; a council trying the
# section adds the lists of docs/adapting.md.
EQUALITIES_SEED = f"{SAMPLE_SEED}-equalities"
AGE_SHARES = {  # whole years at the received date; "" = not recorded
    **{str(age): 4 for age in range(0, 5)},
    **{str(age): 5 for age in range(5, 10)},
    **{str(age): 6 for age in range(10, 16)},
    **{str(age): 6 for age in range(16, 18)},
    **{str(age): 1 for age in range(18, 22)},
    "": 4,
}
EQUALITIES_SHARES = {
    "child_gender": {"Female": 46, "Male": 50, "Another Gender": 1, "": 3},
    "child_ethnicity": {
        "White": 74,
        "Asian or Asian British": 8,
        "Black or Black British": 5,
        "Mixed or Multiple": 7,
        "Other Ethnic Group": 2,
        "": 4,
    },
    "child_disability": {"Disabled": 16, "Not Disabled": 78, "": 6},
}

# Escalations: (ref, procedure, stage, service area as spelt, team, link, points).
# link: "year" = one of this year's Stage 1 cases of the team; "prior" = a 2015/16 case;
# "S2-16-00n" = the Stage 1 case of that Stage 2 escalation (a panel after the investigation).
ESCALATIONS = [
    ("S2-16-001", "statutory", 2, LAC, "Care Planning and Court Teams", "year", 12),
    ("S2-16-002", "statutory", 2, SS, "Specialist Safeguarding Units", "prior", 9),
    ("S2-16-003", "statutory", 2, LAC, "Disability Services", "year", 7),
    ("S2-16-004", "statutory", 2, SS, "Specialist Safeguarding Units", "year", 6),
    ("S2-16-005", "statutory", 2, LAC, "Care Planning and Court Teams", "prior", 11),
    ("S2-16-006", "statutory", 2, LAC, "Fostering Service", "year", 8),
    ("S2-16-007", "statutory", 2, SS, "Specialist Safeguarding Units", "year", 5),
    ("S2-16-008", "statutory", 2, LAC, "Care Planning and Court Teams", "year", 9),
    ("S2-16-009", "statutory", 2, LAC, "Disability Services", "prior", 6),
    ("S3-16-001", "statutory", 3, SS, "Specialist Safeguarding Units", "prior", 4),
    ("S3-16-002", "statutory", 3, LAC, "Care Planning and Court Teams", "prior", 6),
    ("S3-16-003", "statutory", 3, SS, "Specialist Safeguarding Units", "prior", 3),
    ("S3-16-004", "statutory", 3, LAC, "Care Planning and Court Teams", "S2-16-001", 5),
    ("S3-16-005", "statutory", 3, SS, "Specialist Safeguarding Units", "S2-16-004", 2),
    ("CS2-16-001", "corporate", 2, ES, "SEND Teams", "year", 14),
    ("CS2-16-002", "corporate", 2, ES, "Skills and Further Learning Teams", "prior", 8),
    ("CS2-16-003", "corporate", 2, SS, "Local Support Teams", "year", 9),
    ("CS2-16-004", "corporate", 2, SS, "Local Support Teams", "year", 6),
    ("CS2-16-005", "corporate", 2, SS, "Specialist Safeguarding Units", "year", 9),
]
# Working days from commissioning to the council's response at Stage 2 (contract 4.2),
# our own choice: statutory 3 within 25, 5 within 65, 1 over 65; corporate 3 within the
# council's 25 days, 2 over. Stage 3 panels keep a drawn number of calendar days.
STAGE2_COMPLETION_DAYS = {
    "S2-16-001": 24,
    "S2-16-002": 70,
    "S2-16-003": 48,
    "S2-16-004": 25,
    "S2-16-005": 52,
    "S2-16-006": 38,
    "S2-16-007": 61,
    "S2-16-008": 23,
    "S2-16-009": 44,
    "CS2-16-001": 21,
    "CS2-16-002": 34,
    "CS2-16-003": 25,
    "CS2-16-004": 40,
    "CS2-16-005": 19,
}
STAGE2_FINDINGS = {
    "statutory": {"Upheld": 33, "Not Upheld": 29, "Partially Upheld": 8, "No Finding": 3},
    "corporate": {"Upheld": 11, "Not Upheld": 30, "Partially Upheld": 5},
}

# Ombudsman decisions as published: (team as spelt, status, finding).
LGO_DECISIONS = [
    ("Adoption Services", "Enquiry", "Refusal to Investigate"),
    ("Care Planning and Court Team", "Enquiry", "Refusal to Investigate"),
    ("Care Planning and Court Team", "Enquiry", "Refusal to Investigate"),
    ("Disability Team", "Enquiry", "Investigation Commenced"),
    ("Disability Team", "Enquiry", "Refusal to Investigate"),
    ("Disability Team", "Investigation", "No Fault"),
    ("Disability Team", "Investigation", "Maladministration and Injustice"),
    ("Fostering Services", "Enquiry", "No Fault"),
    ("Fostering Services", "Enquiry", "No Fault"),
    ("Fostering Services", "Investigation", "No Fault"),
    ("Local Support Teams", "Enquiry", "No Fault"),
    ("Local Support Teams", "Enquiry", "No Fault"),
    ("SEND Teams", "Enquiry", "Investigation Commenced"),
    ("SEND Teams", "Enquiry", "Premature Complaint"),
    ("SEND Teams", "Enquiry", "Premature Complaint"),
    ("SEND Teams", "Enquiry", "No Fault"),
    ("SEND Teams", "Enquiry", "Premature Complaint"),
    ("SEND Teams", "Investigation", "Maladministration and Injustice"),
    ("SEND Teams", "Investigation", "Maladministration and Injustice"),
    ("SEND Teams", "Investigation", "Maladministration and Injustice"),
    ("Specialist Safeguarding Unit", "Enquiry", "Premature Complaint"),
    ("Specialist Safeguarding Unit", "Enquiry", "Investigation Commenced"),
    ("Specialist Safeguarding Unit", "Enquiry", "Refusal to Investigate"),
    ("Specialist Safeguarding Unit", "Enquiry", "Premature Complaint"),
    ("Specialist Safeguarding Unit", "Investigation", "No Fault"),
    ("Specialist Safeguarding Unit", "Enquiry", "Refusal to Investigate"),
    ("Specialist Safeguarding Unit", "Enquiry", "Refusal to Investigate"),
    ("Specialist Safeguarding Unit", "Enquiry", "Refusal to Investigate"),
    ("Transport Team", "Enquiry", "Refusal to Investigate"),
    ("Transport Team", "Enquiry", "No Fault"),
    ("Transport Team", "Investigation", "Maladministration and Injustice"),
]
LGO_SERVICE_AREAS = {
    "Adoption Services": LAC,
    "Care Planning and Court Team": LAC,
    "Disability Team": LAC,
    "Fostering Services": LAC,
    "Local Support Teams": SS,
    "SEND Teams": ES,
    "Specialist Safeguarding Unit": SS,
    "Transport Team": ES,
}
# Our own summaries of the five fault decisions, in the order they appear above.
LGO_SUMMARIES = [
    "The Council did not reassess a young person's support needs properly when a community "
    "mentoring service came to an end. It will fund further sessions and work with the mentor "
    "on a plan that helps the young person take part in activities on his own.",
    "After a tribunal ruling, the Council put most of a child's special educational provision "
    "in place but left the therapy programmes unarranged. It will apologise and set up the "
    "missing occupational and speech therapy input now.",
    "The Council was late in moving a pupil from a statement of special educational needs to "
    "an education, health and care plan. It has apologised and changed how it tracks transfer "
    "deadlines, which the Ombudsman accepted as enough to put things right.",
    "The Council was slow to assess and then to accept a disabled pupil's need for assisted "
    "travel, so for a whole term the pupil made the journey to school in a wheelchair. The "
    "Council will make modest payments to the pupil and the parent for the distress caused.",
    "A post-16 travel appeal was decided without a proper record of what the panel considered. "
    "The Council will hear the appeal again, take minutes at the hearing and then explain its "
    "decision to the parent in full.",
]

# Recommendations: (escalation ref, action, publish).
RECOMMENDATIONS = [
    (
        "S2-16-001",
        "Court team managers now check, before a case is closed, that the child's views and "
        "the family's feedback have been recorded on the file.",
        True,
    ),
    (
        "S2-16-001",
        "Individual learning about record keeping has been taken up with the practitioner "
        "through supervision.",
        False,
    ),
    (
        "S2-16-003",
        "Disability assessments now state how the family's views were weighed before any "
        "service is reduced or ended.",
        True,
    ),
    (
        "S2-16-004",
        "Practitioners have been asked to offer parents a face-to-face conversation as soon as "
        "they voice concerns, rather than waiting for a formal complaint.",
        True,
    ),
    (
        "S2-16-005",
        "A senior manager now reviews any looked after child's case that has been without an "
        "allocated worker for more than ten working days.",
        True,
    ),
    (
        "S2-16-006",
        "Arrangements for family time are confirmed in writing to every party at the start of "
        "each planning period.",
        True,
    ),
    (
        "S2-16-008",
        "Care plans shared with parents now open with a plain-language summary of the main "
        "decisions and the reasons for them.",
        True,
    ),
    (
        "S3-16-002",
        "When a worker involved in a complaint has left the council, the investigating officer "
        "now invites them to give an account so that it can be considered.",
        True,
    ),
    (
        "S3-16-004",
        "A payment has been made to the family in recognition of their time and trouble.",
        False,
    ),
    (
        "S3-16-005",
        "The referral form used by partner agencies has been revised so that it asks for the "
        "information the front door needs to make a decision.",
        True,
    ),
    (
        "CS2-16-001",
        "Parents now receive a written timetable for the needs assessment at the outset, "
        "showing what happens at each step and how long it normally takes.",
        True,
    ),
    (
        "CS2-16-003",
        "Staff have had refresher guidance on recognising a request for personal records and "
        "passing it on the same day.",
        True,
    ),
    (
        "CS2-16-004",
        "When a planned home visit does not go ahead, the reason and the new date are recorded "
        "and shared with the family.",
        True,
    ),
    (
        "CS2-16-005",
        "The case has moved to a different team manager, as the family asked.",
        False,
    ),
]

DUTY_CATEGORY_COUNTS = {
    "Advice and Signposting": 62,
    "Outside Jurisdiction": 38,
    "Court Proceedings": 34,
    "Out of Time": 14,
    "Previously Considered": 22,
    "Information Request": 24,
    "Referred to Another Agency": 16,
}
COMPLIMENTS_BY_AREA = {SS: 82, LAC: 71, ES: 27, PD: 15}
COMPLIMENTS_PUBLISHED = 18

COMPLIMENT_OPENERS = [
    "Thank you for all the help you have given our family over the last few months.",
    "I just wanted to let someone know how much difference your worker has made.",
    "A short note to say thank you from all of us at home.",
    "I am writing to praise the way your team has worked with us.",
    "Please pass on my thanks to the worker who has been helping us.",
    "I wanted to pass on some feedback about the service we have had this year.",
    "We were nervous when this started, but we want to say a big thank you.",
    "I don't often write to say thank you, but this deserves it.",
]
# Middle sentences of compliments, each with the team it is about.
COMPLIMENT_MIDDLES: dict[str, list[tuple[str, str]]] = {
    SS: [
        (
            "Specialist Safeguarding Units",
            "She listened properly, explained every step and never made us feel judged.",
        ),
        (
            "Specialist Safeguarding Units",
            "He was honest with our son about the choices he was making, and it has helped "
            "him turn a corner.",
        ),
        (
            "Emergency Duty Service",
            "The out-of-hours worker was calm and reassuring at a very frightening moment.",
        ),
        (
            "Local Support Teams",
            "Her work with the school has made a real difference to the children's attendance.",
        ),
        (
            "Local Support Teams",
            "The plan was written in words the children could understand, which meant a lot.",
        ),
        (
            "First Response Team",
            "He returned every call when he said he would and kept us informed throughout.",
        ),
    ],
    LAC: [
        (
            "Fostering Support Team",
            "Our support as foster carers has been excellent, especially during a difficult "
            "placement.",
        ),
        (
            "Care Planning and Court Teams",
            "The life story work was done with real care and the children treasure their books.",
        ),
        (
            "Throughcare Teams",
            "Help with budgeting, bills and finding a flat gave me the confidence to live on my "
            "own.",
        ),
        ("Placement Services", "The move to the new placement was organised, unhurried and kind."),
        (
            "Occupational Therapy",
            "The equipment arrived quickly and has changed our daily routine completely.",
        ),
        ("Adoption Service", "Our adoption assessment was thorough but always felt supportive."),
        (
            "Disability Services",
            "The short breaks have given our son new friends and given us time to recharge.",
        ),
    ],
    ES: [
        (
            "SEND Teams",
            "The plan meeting was focused on our daughter and everyone had their say.",
        ),
        (
            "Transport Team",
            "She made sure the transport arrangements were in place before the new term started.",
        ),
        (
            "SEND Teams",
            "Our son now has the right support at school, far sooner than we expected.",
        ),
        (
            "Education Psychology",
            "He explained the assessment clearly and answered all of our questions.",
        ),
        (
            "Skills and Further Learning Teams",
            "The advice on choosing a college course was practical and realistic.",
        ),
    ],
    PD: [
        (
            "Independent Case Conference Chair",
            "The conference was chaired fairly and the young person felt listened to.",
        ),
        (
            "Independent Reviewing Officer",
            "The review meeting was well organised and the reports were clear and balanced.",
        ),
        (
            "Independent Reviewing Officer",
            "She made sure our daughter's wishes were at the centre of every review.",
        ),
        (
            "Independent Case Conference Chair",
            "The way the meeting was run helped a tense situation stay calm and productive.",
        ),
    ],
}
COMPLIMENT_CLOSERS = [
    "You are a credit to the service.",
    "We could not have managed without you.",
    "Thank you again, it really is appreciated.",
    "Please make sure the manager hears about this.",
    "We feel far more positive about the future.",
    "Keep doing what you are doing.",
    "The children are happier and more settled as a result.",
    "It has been a pleasure to work with you.",
    "Our family is in a much better place now.",
    "Thank you for going above and beyond.",
]

STEMS = EXTRACT_STEMS
# Optional columns of contract 1.4, written only where a frame carries them.
CONTRACT_14_COLUMNS = frozenset({"due_date", "completed_date", "amount"})
# The sample carries contract 1.4's values under headers its reference does not map, so
# that its report stays the published one; a reference that maps them (``columns``, see
# data/raw/2016-17/README.md) reads them.
SAMPLE_UNMAPPED_HEADERS: dict[str, dict[str, str]] = {
    "recommendations": {"due_date": "Target Date", "completed_date": "Date Actioned"},
    "remedies": {"amount": "Amount Paid"},
}
SAMPLE_PAYMENT = 250.0  # pounds, on the sample's one financial redress
COLUMNS = {stem: list(spec.columns) for stem, spec in SPECS.items()}
SCHEMAS = {
    stem: {column: POLARS_TYPES[kind] for column, kind in spec.columns.items()}
    for stem, spec in SPECS.items()
}


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Year:
    """A reporting year: label, first and last day, two-digit tag for refs."""

    label: str
    start: date
    end: date

    @property
    def tag(self) -> str:
        return f"{self.start.year % 100:02d}"

    def quarter_bounds(self, quarter: int) -> tuple[date, date]:
        """First and last day of financial quarter 1..4."""
        first = _add_months(self.start, 3 * (quarter - 1))
        return first, _add_months(first, 3) - timedelta(days=1)


def parse_year(label: str) -> Year:
    """'2016-17' -> Year(2016-04-01 .. 2017-03-31); ValueError when malformed."""
    try:
        first, second = label.split("-")
        start_year = int(first)
        if len(first) != 4 or len(second) != 2 or (start_year + 1) % 100 != int(second):
            raise ValueError
    except ValueError:
        raise ValueError(f"year must look like 2016-17, got {label!r}") from None
    return Year(label, date(start_year, 4, 1), date(start_year + 1, 3, 31))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def non_working_days(reference: Reference, year: Year) -> np.ndarray:
    """Bank holidays (England by default) and closures around the year, as datetime64[D]."""
    years = range(year.start.year - 1, year.end.year + 2)
    bank = holidays.country_holidays("GB", subdiv=reference.bank_holiday_subdivision, years=years)
    days = sorted({*bank.keys(), *reference.closures})
    return np.array(days, dtype="datetime64[D]")


def add_working_days(start: np.ndarray, days: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Dates exactly `days` (>= 1) working days after `start` (contract 3.1 counting)."""
    return np.busday_offset(start, days, roll="backward", holidays=closed)


def working_days_in(first: date, last: date, closed: np.ndarray) -> list[date]:
    """Working days from first to last inclusive."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    return [d.item() for d in days[np.is_busday(days, holidays=closed)]]


# --------------------------------------------------------------------------- writing


def _frame(stem: str, rows: list[dict]) -> pl.DataFrame:
    """The rows as a typed frame in contract order; an optional column of contract 1.4
    only when the rows carry it."""
    carried = {key for row in rows for key in row}
    columns = [c for c in COLUMNS[stem] if c not in CONTRACT_14_COLUMNS or c in carried]
    return pl.DataFrame(rows, schema=SCHEMAS[stem], orient="row").select(columns)


def _write_frames(
    frames: dict[str, pl.DataFrame],
    out_dir: Path,
    reference: Reference,
    unmapped: dict[str, dict[str, str]] | None = None,
) -> list[Path]:
    """Write each frame as <stem>.csv in a temp folder next to out_dir, then move into place.

    Headers are the reference's own names for the columns it maps (``columns``), or the
    ``unmapped`` header given for a column (one loading then reads only when the reference
    maps it). An optional column is written only when the frame has it; an optional
    extract (``lgo_benchmark``) only when there is a frame for it.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir))
    stems = [stem for stem in STEMS if stem in frames]
    unmapped = unmapped or {}
    try:
        for stem in stems:
            columns = [c for c in COLUMNS[stem] if c in frames[stem].columns]
            own = unmapped.get(stem, {})
            headers = {c: own.get(c) or reference.header_of(stem, c) for c in columns}
            frames[stem].select(columns).rename(headers).write_csv(
                staging / f"{stem}.csv", date_format="%Y-%m-%d", float_precision=2
            )
        paths = []
        for stem in stems:
            target = out_dir / f"{stem}.csv"
            os.replace(staging / f"{stem}.csv", target)
            paths.append(target)
        return paths
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- the sample


def _canonical_team(reference: Reference, area: str, spelling: str) -> str:
    return reference.team_spellings()[(area, spelling.lower())]


def _canonical_area(reference: Reference, spelling: str) -> str:
    return reference.service_area_spellings()[spelling.lower()]


def _stage1_cases(
    procedure: str,
    breakdown: dict[str, dict[str, tuple[int, int, int, int]]],
    natures: dict[str, dict[str, int]],
    year: Year,
    closed: np.ndarray,
    rng: random.Random,
) -> list[dict]:
    """Team, quarter, received date and nature of every Stage 1 case (no outcome yet)."""
    cases = []
    for area, teams in breakdown.items():
        area_natures = [n for n, k in natures[area].items() for _ in range(k)]
        rng.shuffle(area_natures)
        for team, quarters in teams.items():
            for quarter, count in enumerate(quarters, start=1):
                days = working_days_in(*year.quarter_bounds(quarter), closed)
                for received in sorted(rng.choices(days, k=count)):
                    cases.append(
                        {
                            "procedure": procedure,
                            "service_area": area,
                            "team": team,
                            "quarter": quarter,
                            "received_date": received,
                            "nature": area_natures.pop(),
                        }
                    )
    return cases


def _assign_outcomes(
    cases: list[dict],
    outcomes: dict[str, int],
    bands: dict[str, tuple[int, int, int]],
    reference: Reference,
    closed: np.ndarray,
    rng: random.Random,
) -> None:
    """Give each case without an outcome one, and answered cases a response date in a band."""
    kinds = reference.outcome_kinds
    open_cases = [c for c in cases if "outcome" not in c]
    pool = [o for o, k in outcomes.items() for _ in range(k)]
    rng.shuffle(pool)
    band_pool = [(lo, hi) for k, lo, hi in bands.values() for _ in range(k)]
    rng.shuffle(band_pool)
    for case, outcome in zip(open_cases, pool, strict=True):
        case["outcome"] = outcome
        case["response_date"] = None
        if kinds[outcome] != "answered":
            continue
        low, high = band_pool.pop()
        days = rng.randint(low, high)
        start = np.array([case["received_date"]], dtype="datetime64[D]")
        case["response_date"] = add_working_days(start, np.array([days]), closed)[0].item()


def _mark_ongoing(cases: list[dict], year: Year, closed: np.ndarray, rng: random.Random) -> None:
    """Three Q4 corporate cases still open at year end, received in January or February."""
    q4 = [c for c in cases if c["quarter"] == 4]
    days = working_days_in(
        year.end.replace(day=1) - timedelta(days=58),
        year.end.replace(day=1) - timedelta(days=1),
        closed,
    )
    for case in rng.sample(q4, CORPORATE_ONGOING):
        case["received_date"] = rng.choice(days)
        case["outcome"] = ONGOING_OUTCOME
        case["response_date"] = None


def _number_cases(cases: list[dict], prefix: str) -> None:
    cases.sort(key=lambda c: (c["received_date"], c["service_area"], c["team"]))
    for i, case in enumerate(cases, start=1):
        case["case_ref"] = f"{prefix}{i:04d}"


def _sample_complaints(
    reference: Reference, year: Year, closed: np.ndarray, rng: random.Random
) -> list[dict]:
    statutory = _stage1_cases(
        "statutory", STATUTORY_BREAKDOWN, STATUTORY_NATURES, year, closed, rng
    )
    _assign_outcomes(statutory, STATUTORY_OUTCOMES, STATUTORY_BANDS, reference, closed, rng)
    _number_cases(statutory, f"ST1-{year.tag}-")
    corporate = _stage1_cases(
        "corporate", CORPORATE_BREAKDOWN, CORPORATE_NATURES, year, closed, rng
    )
    _mark_ongoing(corporate, year, closed, rng)
    _assign_outcomes(corporate, CORPORATE_OUTCOMES, CORPORATE_BANDS, reference, closed, rng)
    _number_cases(corporate, f"CO1-{year.tag}-")
    for case in corporate:
        if case["quarter"] <= 2:
            case["team"] = CORPORATE_OLD_SPELLINGS.get(case["team"], case["team"])
    for case in statutory + corporate:
        assert case["team"] in [
            *reference.teams_of(case["service_area"]),
            *CORPORATE_OLD_SPELLINGS.values(),
        ], case
    return sorted(statutory + corporate, key=lambda c: c["case_ref"])


def _sample_complainant_types(complaints: list[dict]) -> None:
    """Give each case a complainant type as counted in COMPLAINANT_COUNTS (own generator)."""
    rng = random.Random(COMPLAINANT_SEED)
    for procedure, counts in COMPLAINANT_COUNTS.items():
        cases = [c for c in complaints if c["procedure"] == procedure]
        types = [t for t, k in counts.items() for _ in range(k)]
        rng.shuffle(types)
        for case, kind in zip(cases, types, strict=True):
            case["complainant_type"] = kind or None
        for name, (spelling, times) in COMPLAINANT_SPELLINGS.items():
            named = [c for c in cases if c["complainant_type"] == name]
            for case in rng.sample(named, times):
                case["complainant_type"] = spelling


def _sample_equalities(complaints: list[dict]) -> None:
    """Give each case the child's age, gender, ethnicity and disability (own generator)."""
    rng = random.Random(EQUALITIES_SEED)
    shares = {"child_age": AGE_SHARES, **EQUALITIES_SHARES}
    for column, weights in shares.items():
        values = rng.choices(list(weights), weights=list(weights.values()), k=len(complaints))
        for case, value in zip(complaints, values, strict=True):
            case[column] = value or None


REMEDY_CHANCES = {
    "Upheld": {"Apology": 0.9, "Action Taken": 0.6, "Financial Redress": 0.1},
    "Partially Upheld": {"Apology": 0.5, "Action Taken": 0.3, "Meeting Arranged": 0.1},
    "Not Upheld": {"Information Provided": 0.2, "Meeting Arranged": 0.1},
    "Unable to make a Finding": {"Service Reviewed": 1.0},
}


def _sample_remedies(complaints: list[dict], rng: random.Random) -> list[dict]:
    """Explanation on a fixed number of answered cases per procedure; up to 3 remedies."""
    explained: set[str] = set()
    for procedure, count in (
        ("statutory", STATUTORY_EXPLANATIONS),
        ("corporate", CORPORATE_EXPLANATIONS),
    ):
        answered = [
            c["case_ref"] for c in complaints if c["procedure"] == procedure and c["response_date"]
        ]
        explained.update(rng.sample(answered, count))
    rows = []
    for case in complaints:
        remedies = ["Explanation"] if case["case_ref"] in explained else []
        for remedy, chance in REMEDY_CHANCES.get(case["outcome"], {}).items():
            if rng.random() < chance and len(remedies) < 3:
                remedies.append(remedy)
        rows.extend({"case_ref": case["case_ref"], "remedy": r} for r in remedies)
    return rows


def _next_weekday(day: date, closed: np.ndarray) -> date:
    return np.busday_offset(np.datetime64(day), 0, roll="forward", holidays=closed).item()


def _sample_escalations(
    reference: Reference,
    complaints: list[dict],
    year: Year,
    closed: np.ndarray,
    rng: random.Random,
) -> list[dict]:
    """Stage 2 investigations, Stage 3 panels and corporate reviews, with plausible dates."""
    used: set[str] = set()
    rows: dict[str, dict] = {}
    for number, (ref, procedure, stage, area, team, link, _) in enumerate(ESCALATIONS, 1):
        canonical_area = _canonical_area(reference, area)
        if link == "year":
            case = next(
                c
                for c in complaints
                if c["procedure"] == procedure
                and c["team"] == team
                and c["response_date"] is not None
                and c["outcome"] != NOT_ESCALATED_AFTER
                and c["case_ref"] not in used
                and c["quarter"] <= 3
            )
            used.add(case["case_ref"])
            case_ref, stage1 = case["case_ref"], case["received_date"]
            commissioned = case["response_date"] + timedelta(days=rng.randint(14, 35))
        elif link == "prior":
            stage1 = date(year.start.year, 1, 1) + timedelta(days=rng.randint(0, 85))
            if stage == 3:
                stage1 -= timedelta(days=rng.randint(120, 240))
            prefix = "ST1" if procedure == "statutory" else "CO1"
            case_ref = f"{prefix}-{int(year.tag) - 1:02d}-{rng.randint(30, 190):04d}"
            commissioned = year.start + timedelta(days=rng.randint(5, 150))
        else:
            earlier = rows[link]
            case_ref, stage1 = earlier["case_ref"], earlier["stage1_received_date"]
            commissioned = earlier["completed_date"] + timedelta(days=rng.randint(20, 40))
        commissioned = _next_weekday(min(commissioned, year.end - timedelta(days=3)), closed)
        # drawn for every row, so that the dates drawn after it stay as they were
        completed = _next_weekday(commissioned + timedelta(days=rng.randint(45, 95)), closed)
        if ref in STAGE2_COMPLETION_DAYS:
            start = np.array([commissioned], dtype="datetime64[D]")
            days = np.array([STAGE2_COMPLETION_DAYS[ref]])
            completed = add_working_days(start, days, closed)[0].item()
        rows[ref] = {
            "escalation_ref": ref,
            "case_ref": case_ref,
            "procedure": procedure,
            "stage": stage,
            "service_area": area,
            "team": team,
            "commissioned_date": commissioned,
            "stage1_received_date": stage1,
            "completed_date": completed,
        }
        assert team in reference.teams_of(canonical_area), (ref, number)
    return sorted(rows.values(), key=lambda r: r["escalation_ref"])


def _sample_findings(rng: random.Random) -> list[dict]:
    """Stage 2 points split as published; Stage 3 panel points are our own choice."""
    pools = {}
    for procedure, counts in STAGE2_FINDINGS.items():
        pool = [f for f, k in counts.items() for _ in range(k)]
        rng.shuffle(pool)
        pools[procedure] = pool
    rows = []
    for ref, procedure, stage, *_, points in ESCALATIONS:
        for point_no in range(1, points + 1):
            if stage == 2:
                finding = pools[procedure].pop()
            else:
                finding = rng.choice(["Upheld", "Not Upheld", "Not Upheld", "Partially Upheld"])
            rows.append({"escalation_ref": ref, "point_no": point_no, "finding": finding})
    assert not any(pools.values())
    return sorted(rows, key=lambda r: (r["escalation_ref"], r["point_no"]))


def _sample_lgo(
    reference: Reference, year: Year, closed: np.ndarray, rng: random.Random
) -> list[dict]:
    days = working_days_in(year.start, year.end, closed)
    summaries = iter(LGO_SUMMARIES)
    rows = []
    for team, status, finding in LGO_DECISIONS:
        area = LGO_SERVICE_AREAS[team]
        _canonical_team(reference, area, team)  # fails loudly if the reference lacks it
        summary = next(summaries) if finding in reference.fault_findings else None
        rows.append(
            {
                "service_area": area,
                "team": team,
                "status": status,
                "finding": finding,
                "decision_date": rng.choice(days),
                "summary": summary,
            }
        )
    rows.sort(key=lambda r: (r["decision_date"], r["team"]))
    for i, row in enumerate(rows, start=1):
        row["lgo_ref"] = f"LGO-{year.tag}-{i:04d}"
    return rows


def _sample_duty(year: Year, closed: np.ndarray, rng: random.Random) -> list[dict]:
    days = working_days_in(year.start, year.end, closed)
    categories = [c for c, k in DUTY_CATEGORY_COUNTS.items() for _ in range(k)]
    rng.shuffle(categories)
    dates = sorted(rng.choices(days, k=len(categories)))
    return [
        {"duty_ref": f"DM-{year.tag}-{i:04d}", "received_date": d, "category": c}
        for i, (d, c) in enumerate(zip(dates, categories, strict=True), start=1)
    ]


def _sample_compliments(
    reference: Reference, year: Year, closed: np.ndarray, rng: random.Random
) -> list[dict]:
    days = working_days_in(year.start, year.end, closed)
    rows = []
    for area, count in COMPLIMENTS_BY_AREA.items():
        triples = [
            (o, m, c)
            for o in range(len(COMPLIMENT_OPENERS))
            for m in range(len(COMPLIMENT_MIDDLES[area]))
            for c in range(len(COMPLIMENT_CLOSERS))
        ]
        for o, m, c in rng.sample(triples, count):
            team, middle = COMPLIMENT_MIDDLES[area][m]
            _canonical_team(reference, area, team)  # fails loudly if the reference lacks it
            text = " ".join((COMPLIMENT_OPENERS[o], middle, COMPLIMENT_CLOSERS[c]))
            rows.append(
                {
                    "received_date": rng.choice(days),
                    "service_area": area,
                    "team": team,
                    "text": text,
                    "publish": False,
                }
            )
    for row in rng.sample(rows, COMPLIMENTS_PUBLISHED):
        row["publish"] = True
    rows.sort(key=lambda r: (r["received_date"], r["service_area"], r["team"], r["text"]))
    for i, row in enumerate(rows, start=1):
        row["compliment_ref"] = f"CMP-{year.tag}-{i:04d}"
    return rows


def _check_sample_codes(reference: Reference) -> None:
    """The sample is written in the contract's default names: the reference must know them."""
    used = {
        "outcomes": {*STATUTORY_OUTCOMES, *CORPORATE_OUTCOMES, ONGOING_OUTCOME},
        "escalation_findings": {f for counts in STAGE2_FINDINGS.values() for f in counts},
        "lgo_statuses": {status for _, status, _ in LGO_DECISIONS},
        "lgo_findings": {finding for *_, finding in LGO_DECISIONS},
    }
    for code_list, names in used.items():
        unknown = sorted(names - set(reference.names(code_list)))
        if unknown:
            raise ValueError(f"the sample needs the default {code_list}; missing {unknown}")
    if reference.outcome_kinds[ONGOING_OUTCOME] != "ongoing":
        raise ValueError(f"the sample needs {ONGOING_OUTCOME!r} to be an ongoing outcome")
    types = {t for counts in COMPLAINANT_COUNTS.values() for t in counts if t}
    unknown = sorted(types - set(reference.complainant_type_names))
    if reference.complainant_types and unknown:
        raise ValueError(f"the sample needs these complainant types in the reference: {unknown}")


def _sample_payments(remedies: list[dict]) -> None:
    """Contract 1.4: an amount on the financial redress, none on the other remedies."""
    for row in remedies:
        row["amount"] = SAMPLE_PAYMENT if row["remedy"] == "Financial Redress" else None


def _sample_action_dates(
    recommendations: list[dict], escalations: list[dict], closed: np.ndarray
) -> None:
    """Contract 1.4: each action due eight weeks after its escalation was commissioned;
    about three in four completed, some late and some after the year (its own random
    numbers, so the other extracts stay as they are)."""
    rng = random.Random(SAMPLE_SEED + 14)
    commissioned = {e["escalation_ref"]: e["commissioned_date"] for e in escalations}
    for row in recommendations:
        start = commissioned[row["escalation_ref"]]
        row["due_date"] = _next_weekday(start + timedelta(days=56), closed)
        done = rng.random() < 0.75
        days = rng.randint(21, 120)
        finished = _next_weekday(start + timedelta(days=days), closed)
        row["completed_date"] = finished if done else None


def sample_frames(reference: Reference, year: Year) -> dict[str, pl.DataFrame]:
    """The calibrated sample as one DataFrame per extract."""
    _check_sample_codes(reference)
    rng = random.Random(SAMPLE_SEED)
    closed = non_working_days(reference, year)
    complaints = _sample_complaints(reference, year, closed, rng)
    _sample_complainant_types(complaints)
    _sample_equalities(complaints)
    recommendations = [
        {"escalation_ref": r, "action": a, "publish": p} for r, a, p in RECOMMENDATIONS
    ]
    remedies = _sample_remedies(complaints, rng)
    escalations = _sample_escalations(reference, complaints, year, closed, rng)
    _sample_payments(remedies)
    _sample_action_dates(recommendations, escalations, closed)
    return {
        "complaints": _frame("complaints", complaints),
        "remedies": _frame("remedies", remedies),
        "escalations": _frame("escalations", escalations),
        "findings": _frame("findings", _sample_findings(rng)),
        "recommendations": _frame("recommendations", recommendations),
        "lgo": _frame("lgo", _sample_lgo(reference, year, closed, rng)),
        "duty": _frame("duty", _sample_duty(year, closed, rng)),
        "compliments": _frame("compliments", _sample_compliments(reference, year, closed, rng)),
    }


def write_sample(
    out_dir: Path, year: str = SAMPLE_YEAR, reference_path: Path = DEFAULT_REFERENCE
) -> list[Path]:
    """Write the calibrated 2016/17 extract (eight CSV files) into out_dir."""
    if year != SAMPLE_YEAR:
        raise ValueError(f"the calibrated sample exists only for {SAMPLE_YEAR}, not {year!r}")
    reference = load_reference(reference_path)
    frames = sample_frames(reference, parse_year(year))
    return _write_frames(frames, Path(out_dir), reference, SAMPLE_UNMAPPED_HEADERS)


# --------------------------------------------------------------------------- random extracts

# Share of random cases per outcome kind, split evenly between the outcomes of a kind.
RANDOM_KIND_SHARES = {"answered": 0.89, "closed": 0.08, "ongoing": 0.03}
RANDOM_FAULT_SHARE = 0.15  # of Ombudsman decisions, split evenly between fault findings
RANDOM_ACTIONS = [action for _, action, _ in RECOMMENDATIONS]
RANDOM_COMPLIMENTS = [
    f"{o} {m} {c}"
    for o in COMPLIMENT_OPENERS
    for ms in COMPLIMENT_MIDDLES.values()
    for _, m in ms
    for c in COMPLIMENT_CLOSERS
]


def shares(groups: list[str], share_of: dict[str, float]) -> np.ndarray:
    """Probabilities for values in groups: each group's share split evenly, summing to 1."""
    sizes = {g: groups.count(g) for g in groups}
    weights = np.array([share_of[g] / sizes[g] for g in groups])
    return weights / weights.sum()


def _pick(values: list, index: np.ndarray) -> pl.Series:
    """Strings (or None) chosen by index, built without a Python loop over rows."""
    return pl.Series(values, dtype=pl.String).gather(index)


def _refs(prefix: str, count: int) -> pl.Series:
    width = max(4, len(str(count)))
    numbers = pl.int_range(1, count + 1, eager=True).cast(pl.String).str.zfill(width)
    return (prefix + numbers).alias("ref")


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype("datetime64[D]")).cast(pl.Date)


def _random_complaints(
    reference: Reference, year: Year, cases: int, closed: np.ndarray, gen: np.random.Generator
) -> pl.DataFrame:
    pairs = reference.team_pairs()
    span = (year.end - year.start).days + 1
    received = np.datetime64(year.start) + gen.integers(0, span, cases)
    outcome_names = reference.outcome_names
    kinds = [reference.outcome_kinds[o] for o in outcome_names]
    outcome = gen.choice(len(outcome_names), cases, p=shares(kinds, RANDOM_KIND_SHARES))
    answered = [i for i, kind in enumerate(kinds) if kind == "answered"]
    no_response = ~np.isin(outcome, answered)
    response = add_working_days(received, gen.integers(1, 40, cases), closed)
    statutory = gen.random(cases) < 0.4
    pair = gen.integers(0, len(pairs), cases)
    prefix = np.where(statutory, f"ST1-{year.tag}-", f"CO1-{year.tag}-")
    frame = pl.DataFrame(
        {
            "case_ref": pl.Series(prefix) + _refs("", cases),
            "procedure": pl.Series(np.where(statutory, "statutory", "corporate")),
            "received_date": _dates(received),
            "service_area": _pick([a for a, _ in pairs], pair),
            "team": _pick([t for _, t in pairs], pair),
            "nature": _pick(
                list(reference.natures), gen.integers(0, len(reference.natures), cases)
            ),
            "outcome": _pick(outcome_names, outcome),
            "response_date": _dates(response),
        }
    ).with_columns(
        pl.when(pl.Series(no_response))
        .then(None)
        .otherwise(pl.col("response_date"))
        .alias("response_date")
    )
    frame = _random_equalities(frame, reference, gen)
    types = reference.complainant_type_names
    if not types:
        return frame
    # one case in twenty has no type recorded
    chosen = _pick([*types, None], gen.choice(len(types) + 1, cases, p=_type_shares(types)))
    return frame.with_columns(chosen.alias("complainant_type"))


def _random_equalities(
    frame: pl.DataFrame, reference: Reference, gen: np.random.Generator
) -> pl.DataFrame:
    """The equalities columns the reference lists (contract 1.3), one case in twenty not
    recorded; none when it lists none (the random extract is then as before)."""
    equalities, cases = reference.equalities, frame.height
    columns = {}
    if equalities.age_bands:
        ages = [str(age) for age in range(0, 22)]
        columns["child_age"] = _pick(
            [*ages, None], gen.choice(len(ages) + 1, cases, p=_type_shares(ages))
        )
    for key in ("gender", "ethnicity", "disability"):
        names = equalities.names(key)
        if names:
            index = gen.choice(len(names) + 1, cases, p=_type_shares(names))
            columns[f"child_{key}"] = _pick([*names, None], index)
    return frame.with_columns(series.alias(c) for c, series in columns.items())


def _type_shares(types: list[str]) -> np.ndarray:
    """Probabilities of the complainant types, then of "not recorded" (5%)."""
    return np.array([*([0.95 / len(types)] * len(types)), 0.05])


def _random_remedies(
    reference: Reference, complaints: pl.DataFrame, gen: np.random.Generator
) -> pl.DataFrame:
    """0..3 distinct remedies per case, about 1.3 per case on average."""
    per_case = gen.choice(4, complaints.height, p=[0.2, 0.4, 0.3, 0.1])
    case_index = np.repeat(np.arange(complaints.height), per_case)
    starts = np.cumsum(per_case) - per_case
    position = np.arange(case_index.size) - np.repeat(starts, per_case)
    first = np.repeat(gen.integers(0, len(reference.remedies), complaints.height), per_case)
    remedy = (first + position) % len(reference.remedies)
    return pl.DataFrame(
        {
            "case_ref": complaints["case_ref"].gather(case_index),
            "remedy": _pick(list(reference.remedies), remedy),
        }
    )


def _random_escalations(
    complaints: pl.DataFrame, year: Year, gen: np.random.Generator
) -> pl.DataFrame:
    count = max(1, round(complaints.height * 0.08))
    chosen = complaints.sample(n=count, seed=int(gen.integers(0, 2**31)))
    corporate = (chosen["procedure"] == "corporate").to_numpy()
    stage = np.where(~corporate & (gen.random(count) < 0.15), 3, 2)
    stage1 = chosen["received_date"].to_numpy().astype("datetime64[D]")
    commissioned = np.minimum(stage1 + gen.integers(15, 120, count), np.datetime64(year.end))
    prefix = np.where(corporate, "CS2", np.where(stage == 3, "S3", "S2"))
    return pl.DataFrame(
        {
            "escalation_ref": pl.Series(prefix) + f"-{year.tag}-" + _refs("", count),
            "case_ref": chosen["case_ref"],
            "procedure": chosen["procedure"],
            "stage": pl.Series(stage, dtype=pl.Int64),
            "service_area": chosen["service_area"],
            "team": chosen["team"],
            "commissioned_date": _dates(commissioned),
            "stage1_received_date": _dates(stage1),
            "completed_date": _dates(commissioned + gen.integers(25, 90, count)),
        }
    )


def _random_findings(
    reference: Reference, escalations: pl.DataFrame, gen: np.random.Generator
) -> pl.DataFrame:
    points = gen.integers(1, 16, escalations.height)
    index = np.repeat(np.arange(escalations.height), points)
    starts = np.cumsum(points) - points
    findings = reference.escalation_finding_names
    finding = gen.integers(0, len(findings), index.size)
    return pl.DataFrame(
        {
            "escalation_ref": escalations["escalation_ref"].gather(index),
            "point_no": pl.Series(np.arange(index.size) - np.repeat(starts, points) + 1),
            "finding": _pick(findings, finding),
        }
    )


def _random_recommendations(escalations: pl.DataFrame, gen: np.random.Generator) -> pl.DataFrame:
    count = round(escalations.height * 1.5)
    return pl.DataFrame(
        {
            "escalation_ref": escalations["escalation_ref"].gather(
                np.sort(gen.integers(0, escalations.height, count))
            ),
            "action": _pick(RANDOM_ACTIONS, gen.integers(0, len(RANDOM_ACTIONS), count)),
            "publish": pl.Series(gen.random(count) < 0.8),
        }
    )


def _random_lgo(
    reference: Reference, year: Year, count: int, gen: np.random.Generator
) -> pl.DataFrame:
    pairs = reference.team_pairs()
    pair = gen.integers(0, len(pairs), count)
    findings, statuses = reference.lgo_finding_names, reference.lgo_status_names
    faults = [f in reference.fault_findings for f in findings]
    fault_share = {True: RANDOM_FAULT_SHARE, False: 1 - RANDOM_FAULT_SHARE}
    if all(faults) or not any(faults):
        fault_share = {True: 1.0, False: 1.0}
    finding = gen.choice(len(findings), count, p=shares(faults, fault_share))
    fault = np.isin(finding, [i for i, is_fault in enumerate(faults) if is_fault])
    summary = np.where(fault, gen.integers(0, len(LGO_SUMMARIES), count), len(LGO_SUMMARIES))
    # A fault finding follows an investigation: the last status of the list.
    status = np.where(fault, len(statuses) - 1, gen.integers(0, len(statuses), count))
    span = (year.end - year.start).days + 1
    return pl.DataFrame(
        {
            "lgo_ref": _refs(f"LGO-{year.tag}-", count),
            "service_area": _pick([a for a, _ in pairs], pair),
            "team": _pick([t for _, t in pairs], pair),
            "status": _pick(statuses, status),
            "finding": _pick(findings, finding),
            "decision_date": _dates(np.datetime64(year.start) + gen.integers(0, span, count)),
            "summary": _pick([*LGO_SUMMARIES, None], summary),
        }
    )


def _random_duty(
    reference: Reference, year: Year, count: int, gen: np.random.Generator
) -> pl.DataFrame:
    span = (year.end - year.start).days + 1
    categories = list(reference.duty_categories)
    return pl.DataFrame(
        {
            "duty_ref": _refs(f"DM-{year.tag}-", count),
            "received_date": _dates(np.datetime64(year.start) + gen.integers(0, span, count)),
            "category": _pick(categories, gen.integers(0, len(categories), count)),
        }
    )


def _random_compliments(
    reference: Reference, year: Year, count: int, gen: np.random.Generator
) -> pl.DataFrame:
    pairs = reference.team_pairs()
    pair = gen.integers(0, len(pairs), count)
    span = (year.end - year.start).days + 1
    return pl.DataFrame(
        {
            "compliment_ref": _refs(f"CMP-{year.tag}-", count),
            "received_date": _dates(np.datetime64(year.start) + gen.integers(0, span, count)),
            "service_area": _pick([a for a, _ in pairs], pair),
            "team": _pick([t for _, t in pairs], pair),
            "text": _pick(RANDOM_COMPLIMENTS, gen.integers(0, len(RANDOM_COMPLIMENTS), count)),
            "publish": pl.Series(gen.random(count) < 0.1),
        }
    )


def random_frames(
    reference: Reference, year: Year, cases: int, seed: int = 1
) -> dict[str, pl.DataFrame]:
    """Random contract-valid extracts with `cases` complaints and the other files scaled."""
    if cases < 1:
        raise ValueError(f"cases must be at least 1, got {cases}")
    gen = np.random.default_rng(seed)
    closed = non_working_days(reference, year)
    complaints = _random_complaints(reference, year, cases, closed, gen)
    escalations = _random_escalations(complaints, year, gen)
    frames = {
        "complaints": complaints,
        "remedies": _random_remedies(reference, complaints, gen),
        "escalations": escalations,
        "findings": _random_findings(reference, escalations, gen),
        "recommendations": _random_recommendations(escalations, gen),
        "lgo": _random_lgo(reference, year, max(1, round(cases * 0.3)), gen),
        "duty": _random_duty(reference, year, cases * 2, gen),
        "compliments": _random_compliments(reference, year, cases * 2, gen),
    }
    extra = np.random.default_rng(seed + 14)  # contract 1.4, its own random numbers
    frames["remedies"] = _random_amounts(frames["remedies"], extra)
    frames["recommendations"] = _random_action_dates(frames["recommendations"], escalations, extra)
    frames["lgo_benchmark"] = _random_benchmark(reference, extra)
    return frames


RANDOM_PAYMENT_SHARE = 0.05  # of remedies, with an amount of £10.00 to £2,000.00
RANDOM_COUNCILS = 150  # other councils in the Ombudsman's figures
COUNCIL_TYPES = ("County", "Unitary", "Metropolitan Borough", "London Borough")


def _random_amounts(remedies: pl.DataFrame, gen: np.random.Generator) -> pl.DataFrame:
    """An amount in pounds and pence on about one remedy in twenty (contract 1.4)."""
    paid = gen.random(remedies.height) < RANDOM_PAYMENT_SHARE
    pence = gen.integers(1_000, 200_001, remedies.height)
    amount = pl.Series(np.where(paid, pence / 100, np.nan)).fill_nan(None)
    return remedies.with_columns(amount.alias("amount"))


def _random_action_dates(
    recommendations: pl.DataFrame, escalations: pl.DataFrame, gen: np.random.Generator
) -> pl.DataFrame:
    """Due eight weeks after the escalation was commissioned; about three in four
    completed 3 to 17 weeks after it; one in ten without a due date (contract 1.4)."""
    count = recommendations.height
    start = recommendations.join(
        escalations.select("escalation_ref", "commissioned_date"),
        on="escalation_ref",
        how="left",
        maintain_order="left",
    )["commissioned_date"]
    due = pl.when(pl.lit(pl.Series(gen.random(count) >= 0.1))).then(
        pl.lit(start) + pl.duration(days=56)
    )
    done = pl.Series(gen.random(count) < 0.75)
    days = pl.Series(gen.integers(21, 121, count))
    completed = pl.when(pl.lit(done)).then(pl.lit(start) + pl.duration(days=pl.lit(days)))
    return recommendations.with_columns(due.alias("due_date"), completed.alias("completed_date"))


def _random_benchmark(reference: Reference, gen: np.random.Generator) -> pl.DataFrame:
    """The Ombudsman's figures for the council and RANDOM_COUNCILS others (contract 1.4)."""
    names = [reference.authority, *(f"Council {n:03d}" for n in range(1, RANDOM_COUNCILS + 1))]
    decisions = gen.integers(0, 60, len(names))
    upheld = gen.binomial(decisions, 0.6)
    kinds = gen.integers(0, len(COUNCIL_TYPES), len(names))
    return pl.DataFrame(
        {
            "authority": names,
            "authority_type": _pick(list(COUNCIL_TYPES), kinds),
            "decisions": decisions,
            "upheld": upheld,
        }
    )


def write_random(
    out_dir: Path,
    cases: int,
    year: str = SAMPLE_YEAR,
    seed: int = 1,
    reference_path: Path = DEFAULT_REFERENCE,
) -> list[Path]:
    """Write large random extracts that follow the data contract into out_dir."""
    reference = load_reference(reference_path)
    frames = random_frames(reference, parse_year(year), cases, seed)
    return _write_frames(frames, Path(out_dir), reference)


def synthesise(
    out_dir: Path,
    year: str = SAMPLE_YEAR,
    cases: int | None = None,
    seed: int = 1,
    reference_path: Path = DEFAULT_REFERENCE,
) -> list[Path]:
    """The `synth` command: the calibrated sample when cases is None, else random extracts."""
    if cases is None:
        return write_sample(Path(out_dir), year, reference_path)
    return write_random(Path(out_dir), cases, year, seed, reference_path)
