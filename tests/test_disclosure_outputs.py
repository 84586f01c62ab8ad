"""Every output of a council with disclosure control shows no held-back value (contract 6.2).

Builds mini-equalities (threshold 3) in every format and reads each output: the HTML
page's text and the chart data it holds, the PDF's text (pdftotext), the Word file's
tables (python-docx), the spreadsheet's cells (openpyxl) and ``figures-published.csv``.
A held-back count such as 3 also appears elsewhere as other numbers, so the checks look at
the specific cells (they show the symbol) and at the chart data (no held-back category).
The cells, worked by hand in tests/test_disclosure.py:
- statutory team table, North Services: Alpha Team Q1 4 and Q2 3, Beta Team Q1 1 and Q2 4
  held back; corporate team table withheld;
- statutory gender: Male 11 and Another Gender 1 held back (Female 15 published);
- statutory age: 16 to 17 (3) and Not Recorded (2); ethnicity: Black or Black British (3)
  and Not Recorded (2); who complained: Young Person 4, Advocate, Carer, Not Recorded 1.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import polars as pl
import pytest

from pipeline.report.disclosure import BREAKDOWN_TABLES
from pipeline.run.cli import main

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "mini-equalities"
C = "[c]"
TEAM_ROWS = {  # statutory, North Services: team -> Q1, Q2, Q3, Q4, Total
    "Alpha Team": [C, C, "-", "5", "12"],
    "Beta Team": [C, C, "-", "-", "5"],
}
HELD_CATEGORIES = {  # statutory table -> categories held back
    "stage1_by_gender": ["Male", "Another Gender"],
    "stage1_by_age": ["16 to 17", "Not Recorded"],
    "stage1_by_ethnicity": ["Black or Black British", "Not Recorded"],
    "stage1_by_complainant": ["Young Person", "Advocate", "Carer", "Not Recorded"],
}
WITHHELD = "The breakdown of corporate Stage 1 complaints by service area and team is withheld"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("disclosure") / "2016-17"
    code = main(
        [
            "build",
            "--raw",
            str(FIXTURE / "raw"),
            "--reference",
            str(FIXTURE / "authority.yml"),
            "--history",
            str(FIXTURE / "history"),
            "--out",
            str(out),
            "--published",
            "2017-09-28",
        ]
    )
    assert code == 0
    return out


def plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def page_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</t[dh]>", " | ", html)
    return plain(unescape(re.sub(r"<[^>]+>", " ", html)))


def chart_specs(html: str) -> dict[str, dict]:
    """Chart id -> the Vega-Lite specification the page holds for it."""
    blocks = re.findall(
        r'<script type="application/json" class="vega-spec" '
        r'data-target="vis-([^"]+)">(.*?)</script>',
        html,
        flags=re.S,
    )
    return {chart: json.loads(unescape(spec)) for chart, spec in blocks}


def data_rows(spec: dict) -> list[dict]:
    """Every data row of a specification (its datasets and inline values)."""
    found = [row for rows in spec.get("datasets", {}).values() for row in rows]
    stack = [spec]
    while stack:
        view = stack.pop()
        found += view.get("data", {}).get("values", []) if isinstance(view, dict) else []
        stack += [v for v in [*view.get("layer", []), view.get("spec")] if isinstance(v, dict)]
    return found


def test_the_page_shows_the_symbol_and_holds_no_held_back_value(built):
    html = (built / "annual-report.html").read_text(encoding="utf-8")
    text = page_text(html)
    for team, cells in TEAM_ROWS.items():
        assert f"{team} | " + " | ".join(cells) + " |" in text
    assert "Female | 15 | 56% |" in text
    for table, categories in HELD_CATEGORIES.items():
        if table == "stage1_by_complainant":
            continue  # shown as a chart only
        for category in categories:
            assert f"{category} | {C} | {C} |" in text, (table, category)
    assert WITHHELD in text
    gender = "The breakdown of corporate Stage 1 complaints by the child's gender is withheld"
    assert text.count(gender) == 1  # one sentence, no chart
    assert "Every figure of the report as CSV (figures-published.csv)" in text
    assert 'href="figures.csv"' not in html
    # the chart data: no held-back category is drawn or listed
    specs = chart_specs(html)
    charts = {
        "stage1_by_gender": "stage1-by-gender-statutory",
        "stage1_by_age": "stage1-by-age-statutory",
        "stage1_by_ethnicity": "stage1-by-ethnicity-statutory",
        "stage1_by_complainant": "stage1-complainant-statutory",
    }
    for table, chart in charts.items():
        shown = {row["category"] for row in data_rows(specs[chart])}
        assert shown, chart
        assert shown.isdisjoint(HELD_CATEGORIES[table]), (chart, shown)
    # sentences: no held-back share or count of the gender table is stated
    assert "Male (41%)" not in text and "11 of the 27" not in text
    assert "'Female' was the largest group shown (56% of statutory Stage 1 complaints)" in text
    # every chart of a breakdown holds no row whose number is below the threshold
    for chart, spec in specs.items():
        for row in data_rows(spec):
            if chart.startswith(("stage1-by-", "stage1-complainant", "stage2-team", "compl")):
                assert not 1 <= row.get("n", 0) < 3, (chart, row)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_the_pdf_shows_the_symbol(built):
    text = subprocess.run(
        ["pdftotext", "-layout", str(built / "annual-report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for team, cells in TEAM_ROWS.items():
        assert re.search(re.escape(team) + r"\s+" + r"\s+".join(map(re.escape, cells)), text)
    for category in HELD_CATEGORIES["stage1_by_gender"]:
        assert re.search(re.escape(category) + r"\s+\[c\]\s+\[c\]", text), category
    assert re.search(r"Female\s+15\s+56%", text)
    assert "withheld" in plain(text)


def test_the_word_file_shows_the_symbol(built):
    import docx

    document = docx.Document(str(built / "annual-report.docx"))
    rows = [
        [cell.text.strip() for cell in row.cells] for table in document.tables for row in table.rows
    ]
    for team, cells in TEAM_ROWS.items():
        assert [team, *cells] in rows
    assert ["Male", C, C] in rows and ["Another Gender", C, C] in rows
    assert ["Female", "15", "56%"] in rows
    text = plain("\n".join(p.text for p in document.paragraphs))
    assert WITHHELD in text


def test_the_spreadsheet_shows_the_symbol(built):
    import openpyxl

    workbook = openpyxl.load_workbook(built / "annual-report-tables.xlsx")
    cells = {}
    for sheet in workbook.worksheets:
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        if rows and "by the gender of the child" in str(rows[0][0]):
            cells = {(r[1], r[2]): r[3:] for r in rows[5:]}
    assert cells[("Statutory", "Male")] == [C, C]
    assert cells[("Statutory", "Another Gender")] == [C, C]
    assert cells[("Statutory", "Female")][0] == 15
    notes = [[c.value for c in row] for row in workbook["Notes"].iter_rows()]
    assert any(str(text).startswith("[c] means the number is held back") for _, text in notes)


def test_figures_published_csv_has_no_held_back_value(built):
    published = pl.read_csv(built / "figures-published.csv", infer_schema=False)
    complete = pl.read_csv(built / "figures.csv", infer_schema=False)
    assert published.columns == [*complete.columns, "suppressed"]
    held = published.filter(pl.col("suppressed") == "true")
    assert held.height > 0
    assert held["n"].null_count() == held.height and held["pct"].null_count() == held.height
    # no published breakdown count from 1 to 2 this year (earlier years' figures were
    # published before and are carried as they are)
    shown = published.filter(
        pl.col("suppressed") == "false",
        pl.col("table").is_in(BREAKDOWN_TABLES),
        pl.col("year") == "2016-17",
    ).with_columns(pl.col("n").cast(pl.Int64))
    assert shown.filter(pl.col("n").is_between(1, 2)).is_empty()
    # figures.csv stays complete for the analyst
    assert complete.filter(pl.col("table") == "stage1_by_gender", pl.col("category") == "Male")[
        "n"
    ].to_list() == ["11", "1"]
