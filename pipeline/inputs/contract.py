"""The extracts of the data contract: their names, columns and the type of each column.

Knows nothing about files or the reference file: ``load`` reads extracts to this shape,
``reference`` checks the ``columns`` mapping against it, ``synth`` and ``template`` write it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

EXTRACT_STEMS: tuple[str, ...] = (
    "complaints",
    "remedies",
    "escalations",
    "findings",
    "recommendations",
    "lgo",
    "duty",
    "compliments",
    "lgo_benchmark",  # contract 1.4: the Ombudsman's figures for every council (optional)
)
OPTIONAL_FILES: tuple[str, ...] = ("remedies", "recommendations", "lgo_benchmark")
FREE_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "compliments": ("text",),
    "lgo": ("summary",),
    "recommendations": ("action",),
}
HEADER_ONLY_NOT_ALLOWED: tuple[str, ...] = ("complaints",)
# extract -> its ref column that names each row once (two rows may not share a ref)
UNIQUE_REFS: dict[str, str] = {
    "complaints": "case_ref",
    "escalations": "escalation_ref",
    "lgo": "lgo_ref",
    "duty": "duty_ref",
    "compliments": "compliment_ref",
}
# (extract, column) -> (extract, column) its refs point to (the links between files)
REF_LINKS: dict[tuple[str, str], tuple[str, str]] = {
    ("remedies", "case_ref"): ("complaints", "case_ref"),
    ("escalations", "case_ref"): ("complaints", "case_ref"),
    ("findings", "escalation_ref"): ("escalations", "escalation_ref"),
    ("recommendations", "escalation_ref"): ("escalations", "escalation_ref"),
}


@dataclass(frozen=True)
class ExtractSpec:
    """The columns of one extract and the type each is read as."""

    columns: dict[str, str]  # column -> kind: text, date, int, bool, money
    optional: tuple[str, ...] = ()


SPECS: dict[str, ExtractSpec] = {
    "complaints": ExtractSpec(
        {
            "case_ref": "text",
            "procedure": "text",
            "received_date": "date",
            "service_area": "text",
            "team": "text",
            "nature": "text",
            "outcome": "text",
            "response_date": "date",
            "complainant_type": "text",
            # who the complaint was about (contract 1.3, section 6.1)
            "child_age": "int",
            "child_gender": "text",
            "child_ethnicity": "text",
            "child_disability": "text",
        },
        optional=(
            "complainant_type",
            "child_age",
            "child_gender",
            "child_ethnicity",
            "child_disability",
        ),
    ),
    "remedies": ExtractSpec(
        {"case_ref": "text", "remedy": "text", "amount": "money"}, optional=("amount",)
    ),
    "escalations": ExtractSpec(
        {
            "escalation_ref": "text",
            "case_ref": "text",
            "procedure": "text",
            "stage": "int",
            "service_area": "text",
            "team": "text",
            "commissioned_date": "date",
            "stage1_received_date": "date",
            "completed_date": "date",
        },
        optional=("completed_date",),
    ),
    "findings": ExtractSpec({"escalation_ref": "text", "point_no": "int", "finding": "text"}),
    "recommendations": ExtractSpec(
        {
            "escalation_ref": "text",
            "action": "text",
            "publish": "bool",
            "due_date": "date",
            "completed_date": "date",
        },
        optional=("due_date", "completed_date"),
    ),
    "lgo": ExtractSpec(
        {
            "lgo_ref": "text",
            "service_area": "text",
            "team": "text",
            "status": "text",
            "finding": "text",
            "decision_date": "date",
            "summary": "text",
        }
    ),
    "duty": ExtractSpec({"duty_ref": "text", "received_date": "date", "category": "text"}),
    "compliments": ExtractSpec(
        {
            "compliment_ref": "text",
            "received_date": "date",
            "service_area": "text",
            "team": "text",
            "text": "text",
            "publish": "bool",
        }
    ),
    "lgo_benchmark": ExtractSpec(
        {"authority": "text", "authority_type": "text", "decisions": "int", "upheld": "int"}
    ),
}

POLARS_TYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
    "money": pl.Float64(),  # pounds, at most two decimals (contract 1.4)
}
