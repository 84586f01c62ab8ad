"""``complaints-report template``: blank XLSX extracts to fill in by hand.

For a council whose case system's export has to be prepared by hand: one workbook per
extract with the contract's header row (named as the reference file's ``columns``
mapping names it), date columns formatted as dates and checked as dates, and drop-down
lists from the reference file (service areas, teams, natures, outcomes, ...). Lists too
long for Excel's inline limit live on a hidden ``lists`` sheet that the drop-downs refer
to. Written with XlsxWriter; existing files are replaced only with ``force``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.files import atomic_write
from pipeline.inputs.load import EXTRACT_STEMS, SPECS, ignored_columns
from pipeline.inputs.reference import AGE_RANGE, PROCEDURES, Reference
from pipeline.years import year_end, year_start

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "£#,##0.00"  # pounds and pence (remedies' amount, contract 1.4)
LAST_ROW = 1_048_575  # Excel's last row, counted from 0
INLINE_LIMIT = 255  # characters Excel allows in an inline drop-down list
LISTS_SHEET = "lists"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
# date columns that must fall in the reporting year (when a year is given)
IN_YEAR = {"received_date", "commissioned_date", "decision_date"}
WIDTH = 22


def dropdowns(stem: str, reference: Reference) -> dict[str, list[str]]:
    """Contract column -> the values its drop-down offers, for one extract."""
    places = {
        "service_area": reference.service_area_names,
        "team": reference.team_names,
    }
    by_stem: dict[str, dict[str, list[str]]] = {
        "complaints": {
            "procedure": list(PROCEDURES),
            **places,
            "nature": list(reference.natures),
            "outcome": reference.outcome_names,
            "complainant_type": reference.complainant_type_names,
            # contract 1.3: who the complaint was about (ages as whole years 0 to 25)
            "child_age": [str(a) for a in range(AGE_RANGE[1] + 1)]
            if reference.equalities.age_bands
            else [],
            "child_gender": reference.equalities.names("gender"),
            "child_ethnicity": reference.equalities.names("ethnicity"),
            "child_disability": reference.equalities.names("disability"),
        },
        "remedies": {"remedy": list(reference.remedies)},
        "escalations": {"procedure": list(PROCEDURES), "stage": ["2", "3"], **places},
        "findings": {"finding": reference.escalation_finding_names},
        "recommendations": {"publish": ["true", "false"]},
        "lgo": {
            **places,
            "status": reference.lgo_status_names,
            "finding": reference.lgo_finding_names,
        },
        "duty": {"category": list(reference.duty_categories)},
        "compliments": {**places, "publish": ["true", "false"]},
        "lgo_benchmark": {},  # contract 1.4: the Ombudsman's figures, any council's names
    }
    return {column: values for column, values in by_stem[stem].items() if values}


def template_columns(stem: str, reference: Reference) -> list[str]:
    """The contract columns of one template, in contract order, without those loading
    would not read (``complainant_type`` when the reference lists no types)."""
    ignored = ignored_columns(stem, reference)
    return [c for c in SPECS[stem].columns if c not in ignored]


@dataclass
class ListsSheet:
    """The hidden sheet holding long drop-down lists, one column per list (made when
    the first long list is added)."""

    workbook: xlsxwriter.Workbook
    sheet: object = None
    used: int = 0

    def add(self, name: str, values: list[str]) -> str:
        """Write one list; return the range a drop-down refers to."""
        if self.sheet is None:
            self.sheet = self.workbook.add_worksheet(LISTS_SHEET)
            self.sheet.hide()
        column = self.used
        self.used += 1
        self.sheet.write(0, column, name)
        self.sheet.write_column(1, column, values)
        letter = xl_col_to_name(column)
        return f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"


def _list_validation(values: list[str], lists: ListsSheet, name: str) -> dict:
    inline = ",".join(values)
    fits = len(inline) <= INLINE_LIMIT and not any("," in v or '"' in v for v in values)
    return {
        "validate": "list",
        "source": values if fits else lists.add(name, values),
        "error_title": "Not in the list",
        "error_message": "Choose a value from the list (the names of the reference file).",
    }


def _date_validation(column: str, year: str | None) -> dict:
    first, last = EARLIEST, LATEST
    if year and column in IN_YEAR:
        first, last = year_start(year), year_end(year)
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": dt.datetime.combine(first, dt.time()),
        "maximum": dt.datetime.combine(last, dt.time()),
        "error_title": "Not a date",
        "error_message": f"Enter a date from {first:%d/%m/%Y} to {last:%d/%m/%Y}.",
    }


def write_template(path: Path, stem: str, reference: Reference, year: str | None = None) -> None:
    """One extract's workbook: header row, date formats and drop-downs."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(stem)
    lists = ListsSheet(workbook)
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    date = workbook.add_format({"num_format": DATE_FORMAT})
    pounds = workbook.add_format({"num_format": MONEY_FORMAT})
    kinds = SPECS[stem].columns
    choices = dropdowns(stem, reference)
    for number, column in enumerate(template_columns(stem, reference)):
        sheet.write(0, number, reference.header_of(stem, column), header)
        kind = kinds[column]
        formats = {"date": date, "money": pounds}
        sheet.set_column(number, number, WIDTH, formats.get(kind))
        rule = None
        if column in choices:
            rule = _list_validation(choices[column], lists, f"{stem}.{column}")
        elif kind == "date":
            rule = _date_validation(column, year)
        elif kind == "int":
            least = 0 if stem == "lgo_benchmark" else 1  # a council may have no decisions
            rule = {"validate": "integer", "criteria": ">=", "value": least}
        elif kind == "money":
            rule = {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "error_title": "Not an amount",
                "error_message": "Enter an amount in pounds of 0 or more, such as 1200.50.",
            }
        if rule:
            sheet.data_validation(1, number, LAST_ROW, number, rule)
    sheet.freeze_panes(1, 0)
    workbook.close()


def write_templates(
    out_dir: str | Path, reference: Reference, *, year: str | None = None, force: bool = False
) -> list[Path]:
    """One template per extract in ``out_dir``; refuses to replace files without ``force``."""
    out_dir = Path(out_dir)
    targets = [out_dir / f"{stem}.xlsx" for stem in EXTRACT_STEMS]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise FileExistsError(
            f"{out_dir.resolve()} already holds {names}: use --force to replace them"
        )
    for stem, path in zip(EXTRACT_STEMS, targets, strict=True):
        atomic_write(path, lambda temp, stem=stem: write_template(temp, stem, reference, year))
    return targets
