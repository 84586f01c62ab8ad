"""Write the Great Expectations suites of `expectations/*.json` from readable definitions.

The JSON files are what is committed, reviewed and run; this script only regenerates
them: `python expectations/build_suites.py`. Every expectation carries `meta` naming the
extract file, the column an analyst must fix and the rule in plain words, which the
validation summary prints; `{column}` in a rule stands for the column as the summary names
it (the council's own header when the reference file maps it, see pipeline/checks/validate.py).
Council-dependent value sets and the reporting year's dates are suite parameters
(`{"$PARAMETER": name}`) filled from the reference data at run time: `service_areas`,
`teams`, `natures`, `remedies`, `duty_categories`, `outcomes`, `escalation_findings`,
`lgo_statuses`, `lgo_findings`, `complainant_types`, `equalities_gender`,
`equalities_ethnicity`, `equalities_disability`, `year_start`, `year_end`.
Optional columns (contract 1.1: `complaints.complainant_type`, `escalations.completed_date`)
are checked only where they hold values: an absent column is read as empty, and
`complainant_type` is not read at all when the reference lists no `complainant_types`
(nor are `child_age`, `child_gender`, `child_ethnicity`, `child_disability` without their
list under `equalities`, contract 1.3).
Contract 1.4: the optional `lgo_benchmark` extract has its own suite (whole numbers of 0
or more, `upheld` <= `decisions`); `recommendation_dates` (a derived frame) checks each
action's `completed_date` against its escalation's `commissioned_date`. That the
benchmark names this council is checked in pipeline/checks/validate.py (it needs the reference).
The meanings of the codes reach the suites as columns added for validation
(`complaints.outcome_kind`, `lgo.fault_finding`), so the suites hold the contract's kinds
and never a council's names.
Procedures and stages are fixed by the regulations and written into the suites.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

from pipeline.inputs.reference import AGE_RANGE, EQUALITIES_COLUMNS, PROCEDURES  # noqa: E402

SUITES_DIR = Path(__file__).resolve().parent
# Fixed ids keep the JSON stable when it is regenerated (diffs show real changes only).
ID_PREFIX = "00000000-0000-4000-8000-"


def param(name: str) -> dict[str, str]:
    """A suite parameter reference, filled at run time."""
    return {"$PARAMETER": name}


def meta(file: str, column: str, rule: str) -> dict[str, str]:
    return {"file": file, "column": column, "rule": rule}


def col(name: str) -> str:
    """A column named in a rule, as the validation summary will name it."""
    return f"{{{name}}}"


def required(file: str, *columns: str) -> list:
    """Each column holds a value on every row."""
    return [
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column=c, meta=meta(file, c, f"{col(c)} is empty")
        )
        for c in columns
    ]


def unique_ref(file: str, column: str) -> list:
    """A reference is present and unique within its file."""
    return [
        *required(file, column),
        gx.expectations.ExpectColumnValuesToBeUnique(
            column=column, meta=meta(file, column, f"{col(column)} is not unique in the file")
        ),
    ]


def in_set(file: str, column: str, values, what: str) -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnValuesToBeInSet(
        column=column, value_set=values, meta=meta(file, column, f"{col(column)} is not {what}")
    )


def in_year(file: str, column: str) -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=param("year_start"),
        max_value=param("year_end"),
        meta=meta(file, column, f"{col(column)} is outside the reporting year"),
    )


def service_and_team(file: str) -> list:
    return [
        *required(file, "service_area", "team"),
        in_set(file, "service_area", param("service_areas"), "a service area of the reference"),
        in_set(file, "team", param("teams"), "a team of the reference"),
    ]


def not_before(file: str, later: str, earlier: str) -> gx.expectations.Expectation:
    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=meta(file, later, f"{col(later)} is before {col(earlier)}"),
    )


def complaints() -> list:
    f = "complaints"
    return [
        *unique_ref(f, "case_ref"),
        *required(f, "procedure", "received_date", "nature", "outcome"),
        in_set(f, "procedure", list(PROCEDURES), "a procedure (statutory, corporate)"),
        in_year(f, "received_date"),
        *service_and_team(f),
        in_set(f, "nature", param("natures"), "a nature of the reference data"),
        in_set(f, "outcome", param("outcomes"), "an outcome of the reference data"),
        in_set(
            f,
            "complainant_type",
            param("complainant_types"),
            "a complainant type of the reference data",
        ),
        *who_it_was_about(f),
        not_before(f, "response_date", "received_date"),
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column="response_date",
            row_condition=Column(name="outcome_kind") == "answered",
            meta=meta(
                f,
                "response_date",
                f"{col('response_date')} is empty but the {col('outcome')} needs one",
            ),
        ),
        gx.expectations.ExpectColumnValuesToBeNull(
            column="response_date",
            row_condition=Column(name="outcome_kind").is_in(["closed", "ongoing"]),
            meta=meta(
                f,
                "response_date",
                f"{col('response_date')} is set but the {col('outcome')} has no response",
            ),
        ),
    ]


def who_it_was_about(f: str) -> list:
    """The equalities columns (contract 1.3, 6.1): an age from 0 to 25, names or aliases of
    the reference's lists. Empty cells (Not Recorded) pass; without a list in the
    reference the column is not read at all."""
    low, high = AGE_RANGE
    return [
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="child_age",
            min_value=low,
            max_value=high,
            meta=meta(f, "child_age", f"{col('child_age')} is not an age from {low} to {high}"),
        ),
        *(
            in_set(f, column, param(f"equalities_{key}"), f"listed under equalities.{key}")
            for key, column in EQUALITIES_COLUMNS.items()
            if key != "age_bands"
        ),
    ]


def remedies() -> list:
    f = "remedies"
    return [
        *required(f, "case_ref", "remedy"),
        in_set(f, "remedy", param("remedies"), "a remedy of the reference data"),
    ]


def escalations() -> list:
    f = "escalations"
    return [
        *unique_ref(f, "escalation_ref"),
        *required(f, "case_ref", "procedure", "stage", "commissioned_date", "stage1_received_date"),
        in_set(f, "procedure", list(PROCEDURES), "a procedure (statutory, corporate)"),
        in_set(f, "stage", [2, 3], "2 or 3"),
        gx.expectations.ExpectColumnValuesToBeInSet(
            column="stage",
            value_set=[2],
            row_condition=Column(name="procedure") == "corporate",
            meta=meta(f, "stage", f"{col('stage')} 3 exists only for the statutory procedure"),
        ),
        *service_and_team(f),
        in_year(f, "commissioned_date"),
        not_before(f, "commissioned_date", "stage1_received_date"),
        not_before(f, "completed_date", "commissioned_date"),
    ]


def findings() -> list:
    f = "findings"
    return [
        *required(f, "escalation_ref", "point_no", "finding"),
        gx.expectations.ExpectCompoundColumnsToBeUnique(
            column_list=["escalation_ref", "point_no"],
            meta=meta(
                f, "point_no", f"{col('point_no')} appears twice for one {col('escalation_ref')}"
            ),
        ),
        in_set(f, "finding", param("escalation_findings"), "a finding of the reference data"),
    ]


def recommendations() -> list:
    f = "recommendations"
    return [*required(f, "escalation_ref", "action", "publish")]


def lgo() -> list:
    f = "lgo"
    return [
        *unique_ref(f, "lgo_ref"),
        *service_and_team(f),
        *required(f, "status", "finding", "decision_date"),
        in_set(f, "status", param("lgo_statuses"), "an LGO status of the reference data"),
        in_set(f, "finding", param("lgo_findings"), "an LGO finding of the reference data"),
        in_year(f, "decision_date"),
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column="summary",
            row_condition=Column(name="fault_finding") == True,  # noqa: E712 (a GE condition)
            meta=meta(f, "summary", f"{col('summary')} is required for a fault finding"),
        ),
    ]


def lgo_benchmark() -> list:
    """The Ombudsman's figures for every council (contract 1.4, optional extract)."""
    f = "lgo_benchmark"
    return [
        *unique_ref(f, "authority"),
        *required(f, "authority_type", "decisions", "upheld"),
        *(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=c, min_value=0, meta=meta(f, c, f"{col(c)} is below 0")
            )
            for c in ("decisions", "upheld")
        ),
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="decisions",
            column_B="upheld",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=meta(f, "upheld", f"{col('upheld')} is more than {col('decisions')}"),
        ),
    ]


def recommendation_dates() -> list:
    """Derived frame: each agreed action's dates beside its escalation's commissioned date."""
    f = "recommendations"
    return [
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="completed_date",
            column_B="commissioned_date",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=meta(
                f,
                "completed_date",
                f"{col('completed_date')} is before the escalation's commissioned_date",
            ),
        )
    ]


def duty() -> list:
    f = "duty"
    return [
        *unique_ref(f, "duty_ref"),
        *required(f, "received_date", "category"),
        in_year(f, "received_date"),
        in_set(f, "category", param("duty_categories"), "a duty category of the reference data"),
    ]


def compliments() -> list:
    f = "compliments"
    return [
        *unique_ref(f, "compliment_ref"),
        *required(f, "received_date", "text", "publish"),
        in_year(f, "received_date"),
        *service_and_team(f),
    ]


def no_control_characters(file: str) -> list:
    """Text cells hold no control characters (newline, tab and carriage return are allowed).

    Free-text cells are not repeated in the summary (they may hold personal data).
    """
    from pipeline.inputs.load import FREE_TEXT_COLUMNS, SPECS
    from pipeline.publish.safe import CONTROL_CHARACTERS

    if file not in SPECS:
        return []
    free_text = FREE_TEXT_COLUMNS.get(file, ())
    return [
        gx.expectations.ExpectColumnValuesToNotMatchRegex(
            column=column,
            regex=CONTROL_CHARACTERS.pattern,
            meta={
                **meta(
                    file, column, f"{col(column)} holds a control character (not newline or tab)"
                ),
                **({"hide_values": True} if column in free_text else {}),
            },
        )
        for column, kind in SPECS[file].columns.items()
        if kind == "text"
    ]


def orphan(file: str, column: str, derived: str, parent: str) -> list:
    """Derived frame: `derived` holds the reference when it is not found in `parent`."""
    return [
        gx.expectations.ExpectColumnValuesToBeNull(
            column=derived, meta=meta(file, column, f"{col(column)} is not in {parent}")
        )
    ]


def team_areas() -> list:
    """Derived frame of every row naming a team (`_file`, `_row`), holding the team where
    it does not belong to the row's service area."""
    return [
        gx.expectations.ExpectColumnValuesToBeNull(
            column="team_outside_service_area",
            meta=meta("", "team", f"{col('team')} does not belong to that service area"),
        )
    ]


SUITES = {
    "complaints": complaints,
    "remedies": remedies,
    "escalations": escalations,
    "findings": findings,
    "recommendations": recommendations,
    "lgo": lgo,
    "duty": duty,
    "compliments": compliments,
    "remedy_links": lambda: orphan("remedies", "case_ref", "missing_complaint", "complaints"),
    "finding_links": lambda: orphan(
        "findings", "escalation_ref", "missing_escalation", "escalations"
    ),
    "recommendation_links": lambda: orphan(
        "recommendations", "escalation_ref", "missing_escalation", "escalations"
    ),
    "team_areas": team_areas,
    "lgo_benchmark": lgo_benchmark,
    "recommendation_dates": recommendation_dates,
}


def suite_json(name: str) -> dict:
    """One suite as GE's own JSON, with stable ids."""
    expectations = [*SUITES[name](), *no_control_characters(name)]
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    data = suite.to_json_dict()
    data["id"] = f"{ID_PREFIX}{sorted(SUITES).index(name):012d}"
    for number, expectation in enumerate(data["expectations"]):
        expectation["id"] = f"{ID_PREFIX}{sorted(SUITES).index(name) * 1000 + number + 1:012d}"
    data["meta"] = {"great_expectations_version": gx.__version__}
    return data


def write_suites(out_dir: Path = SUITES_DIR) -> list[Path]:
    """Write every suite as `<name>.json` in out_dir."""
    paths = []
    for name in SUITES:
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(suite_json(name), indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SUITES_DIR
    for written in write_suites(target):
        print(written)
