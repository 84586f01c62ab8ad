"""Charts: theme, colour contrast, titles from the figures and the two-format output."""

import itertools
import json
import re
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from pipeline.inputs.reference import load_reference
from pipeline.report import charts
from pipeline.report.narrative import read_figures

ROOT = Path(__file__).parent.parent
YEAR = "2016-17"


@pytest.fixture(scope="module")
def figures() -> pl.DataFrame:
    return read_figures(Path(__file__).parent / "fixtures" / "figures.csv")


@pytest.fixture(scope="module")
def reference():
    return load_reference(ROOT / "data" / "reference" / "authority.yml")


def all_charts(figures, reference) -> list[charts.ReportChart]:
    built = [
        charts.total_feedback(figures, YEAR),
        charts.duty_by_category(figures, YEAR),
        charts.duty_by_year(figures, YEAR),
        charts.lgo_findings(
            figures,
            YEAR,
            reference.lgo_finding_names,
            reference.fault_findings,
            reference.investigated_findings,
        ),
        charts.compliments_by_service(figures, YEAR, reference.service_area_names),
    ]
    for procedure in ("statutory", "corporate"):
        built += [
            charts.stage1_by_quarter(figures, YEAR, procedure),
            charts.stage1_nature(figures, YEAR, procedure),
            charts.stage1_outcomes(figures, YEAR, procedure, reference.outcome_names),
            charts.stage1_timescales(figures, YEAR, procedure, reference.bands(procedure)),
            charts.stage1_remedies(figures, YEAR, procedure),
            charts.stage2_by_team(figures, YEAR, procedure),
            charts.stage2_findings(figures, YEAR, procedure, reference.escalation_finding_names),
            charts.stage1_by_complainant(
                figures, YEAR, procedure, reference.complainant_type_names
            ),
            charts.stage2_timescales(figures, YEAR, procedure, reference.stage2_bands(procedure)),
        ]
    return built


def test_analysis_function_theme_is_registered_and_active():
    assert alt.theme.active == "analysis_function"
    config = charts.analysis_function_theme()["config"]
    assert config["range"]["category"] == list(charts.PALETTE)
    spec = alt.Chart(pl.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q").to_dict()
    assert spec["config"]["range"]["category"][0] == "#12436D"


def test_neighbouring_palette_colours_have_three_to_one_contrast():
    ratios = [charts.contrast_ratio(a, b) for a, b in itertools.pairwise(charts.PALETTE)]
    assert min(ratios) >= 3.0
    assert all(charts.contrast_ratio(c, "#FFFFFF") >= 3.0 for c in charts.PALETTE)


def test_contrast_ratio_known_values():
    assert charts.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert charts.contrast_ratio("#12436D", "#28A197") == pytest.approx(3.24, abs=0.01)


def test_every_chart_has_alt_text_description_table_and_tooltips(figures, reference):
    built = all_charts(figures, reference)
    assert len(built) == 23 and all(built)
    assert len({c.id for c in built}) == len(built)
    for chart in built:
        assert chart.alt_text and chart.description and chart.table.height > 0
        spec = json.dumps(chart.spec())
        assert '"tooltip"' in spec
        assert chart.spec()["description"] == chart.alt_text


def test_headlines_state_the_message_from_the_figures(figures, reference):
    by_id = {c.id: c for c in all_charts(figures, reference)}
    assert by_id["stage1-quarter-statutory"].title == (
        "Statutory Stage 1 complaints: an increase of 30% on 2015/16"
    )
    assert by_id["stage1-timescale-statutory"].title.startswith(
        "57% of statutory Stage 1 complaints were answered within 20 working days"
    )
    assert by_id["lgo-findings"].title == (
        "The Ombudsman found fault in 5 of the 14 complaints it investigated (36%)"
    )
    assert by_id["stage1-remedy-statutory"].title.startswith("Explanation was given on 80%")


def test_chart_tables_carry_the_figures_unchanged(figures, reference):
    by_id = {c.id: c for c in all_charts(figures, reference)}
    total = dict(by_id["total-feedback"].table.select("Type of feedback", "Number").iter_rows())
    assert total["Statutory Stage 1"] == 91 and total["Corporate Stage 1"] == 132
    assert total["Duty Matters"] == 210 and total["Compliments"] == 195
    quarters = by_id["stage1-quarter-statutory"].table.filter(pl.col("Year") == "2016/17")
    assert quarters.row(0) == ("2016/17", 40, 23, 15, 13, 91)
    outcome = by_id["stage1-outcome-statutory"].table
    assert outcome["Outcome"].to_list()[:3] == ["Upheld", "Partially Upheld", "Not Upheld"]
    assert outcome.filter(pl.col("Outcome") == "Complaint Withdrawn")["Percentage"][0] == "3%"


def test_chart_data_is_the_figures_rows(figures, reference):
    chart = charts.duty_by_category(figures, YEAR)
    spec = chart.spec()
    values = next(iter(spec["datasets"].values()))
    assert sum(v["n"] for v in values) == 210
    assert {v["category"] for v in values} == set(reference.duty_categories)


def test_missing_table_gives_no_chart(figures):
    assert (
        charts.duty_by_category(figures.filter(pl.col("table") != "duty_by_category"), YEAR) is None
    )


def test_chart_markdown_serves_html_and_typst(figures, reference, tmp_path):
    chart = charts.lgo_findings(
        figures,
        YEAR,
        reference.lgo_finding_names,
        reference.fault_findings,
        reference.investigated_findings,
    )
    markdown = charts.chart_markdown(chart, tmp_path)
    svg = tmp_path / "charts" / "lgo-findings.svg"
    assert svg.is_file() and svg.read_text(encoding="utf-8").startswith("<svg")
    assert "```{=html}" in markdown and "```{=typst}" in markdown
    html = markdown.split("```{=typst}")[0]
    # each chart once: caption (headline, subtitle), the drawing, one data table
    assert '<figcaption><p class="chart-headline">The Ombudsman found fault in 5 of' in html
    assert '<p class="chart-subtitle">Ombudsman decisions by finding, 2016/17</p>' in html
    assert (
        '<div id="vis-lgo-findings" class="vega-chart" role="img" aria-label="Bar chart'
    ) in html
    assert 'aria-describedby="desc-lgo-findings" aria-details="data-lgo-findings"' in html
    assert '<p id="desc-lgo-findings" class="chart-description" hidden>Ombudsman' in html
    assert html.count("<table") == 1 and '<table id="data-lgo-findings">' in html
    assert html.index("</figure>") < html.index('<details class="chart-data">')
    assert 'class="vega-spec" data-target="vis-lgo-findings">{' in html
    data = markdown.split('data-target="vis-lgo-findings">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data) == charts.image_spec(chart)
    typst = markdown.split("```{=typst}")[1]
    assert 'image("charts/lgo-findings.svg", width: ' in typst and 'alt: "Bar chart' in typst
    assert "caption: [#strong[The Ombudsman found fault in 5 of the 14 complaints it " in typst
    assert "#block(breakable: false)[#table(" in typst  # a short table is never split
    assert chart.description not in typst  # on paper the table is the text equivalent


# Quarto 1.10's pattern (src/resources/filters/modules/patterns.lua,
# html_disable_table_processing_comment) for raw HTML whose tables it leaves as they are,
# written as a Python regular expression
QUARTO_LEAVES_TABLES = re.compile(r"<!--\| +quarto-html-table-processing *: +none *-->")


def test_quarto_leaves_the_chart_data_table_as_it_is(figures, reference, tmp_path):
    """Quarto would otherwise parse the raw HTML table into a numbered float holding the
    same id twice (22 duplicate ids on the sample's page, a warning "ref type 'data' does
    not match category ref type 'tbl'" for each, and the table again in the PDF)."""
    chart = charts.total_feedback(figures, YEAR)
    html = charts.chart_markdown(chart, tmp_path).split("```{=typst}")[0]
    mark = QUARTO_LEAVES_TABLES.search(html)
    assert mark and mark.start() < html.index("<table")
    assert html.count("<table") == 1


def view_titles(spec: dict) -> list:
    """The titles of a specification's views: the chart, its layers, a facet's panel."""
    panel = spec.get("spec") or {}
    views = [spec, panel, *spec.get("layer", []), *panel.get("layer", [])]
    return [view["title"] for view in views if "title" in view]


def test_the_drawing_has_no_title_the_caption_carries_it(figures, reference):
    for chart in all_charts(figures, reference):
        titles = view_titles(chart.spec())  # the chart itself keeps it (notebooks)
        assert titles and " ".join(titles[0]["text"]) == chart.title, chart.id
        spec = charts.image_spec(chart)
        assert view_titles(spec) == [], chart.id
        assert spec["description"] == chart.alt_text


def test_charts_carry_hints_for_narrow_screens(figures, reference):
    by_id = {c.id: c for c in all_charts(figures, reference)}
    lgo = charts.image_spec(by_id["lgo-findings"])["usermeta"]["narrow"]
    assert '["Maladministration", "and Injustice"]' in lgo["labelExpr"]
    assert lgo["height"] > charts.image_spec(by_id["lgo-findings"])["height"]
    quarters = charts.image_spec(by_id["stage1-quarter-statutory"])["usermeta"]
    assert quarters == {"panels": 4, "narrow": {"columns": 2}}
    assert "usermeta" not in charts.image_spec(by_id["total-feedback"])  # short labels


def test_paper_width_keeps_every_chart_at_one_text_size(tmp_path):
    svg = tmp_path / "c.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="9">', "utf-8")
    assert charts.paper_width(svg) == 360.0  # 14 px text is 10.5 pt
    svg.write_text('<svg class="marks" width="1000.5" height="9">', encoding="utf-8")
    assert charts.paper_width(svg) == charts.TEXT_WIDTH_PT  # never wider than the text


def test_long_data_tables_may_break_across_pages():
    short = pl.DataFrame({"Team": ["A"] * 20, "Number": list(range(20))})
    long = pl.DataFrame({"Team": ["A"] * 21, "Number": list(range(21))})
    assert charts.typst_table(short).startswith("#block(breakable: false)[#table(")
    assert charts.typst_table(long).startswith("#table(columns: 2, align: (left, right,)")


def test_contract_1_1_charts_state_their_message_in_reference_order(figures, reference):
    by_id = {c.id: c for c in all_charts(figures, reference)}
    stage2 = by_id["stage2-timescale-statutory"]
    assert stage2.title == (
        "89% of statutory Stage 2 investigations were completed within 65 working days"
    )
    assert stage2.table.rows() == [
        ("25 working days or fewer", 3, "33%"),
        ("26 to 65 working days", 5, "56%"),
        ("More than 65 working days", 1, "11%"),
    ]
    assert by_id["stage2-timescale-corporate"].title.startswith("60% of corporate Stage 2 reviews")
    who = by_id["stage1-complainant-statutory"]
    assert who.title.startswith("'Parent' was the largest group of complainants (60%")
    assert who.table["Complainant"].to_list() == [
        "Young Person",
        "Advocate",
        "Parent",
        "Carer",
        "Other",
        "Not Recorded",
    ]


def test_contract_1_1_charts_absent_without_their_tables(figures, reference):
    without = figures.filter(~pl.col("table").is_in(["stage2_timescale", "stage1_by_complainant"]))
    assert (
        charts.stage2_timescales(without, YEAR, "statutory", reference.stage2_bands("statutory"))
        is None
    )
    assert charts.stage1_by_complainant(without, YEAR, "corporate", []) is None


def test_ombudsman_chart_shows_which_decisions_were_investigated(figures, reference):
    # contract 7.3: refusals, premature complaints and investigations just started decide
    # nothing about fault, so they are not painted "no fault"
    chart = charts.lgo_findings(
        figures,
        YEAR,
        reference.lgo_finding_names,
        reference.fault_findings,
        reference.investigated_findings,
    )
    kinds = dict(chart.table.select("Finding", "Decision").iter_rows())
    assert kinds == {
        "Refusal to Investigate": charts.LGO_NOT_INVESTIGATED,
        "Investigation Commenced": charts.LGO_NOT_INVESTIGATED,
        "Premature Complaint": charts.LGO_NOT_INVESTIGATED,
        "No Fault": charts.LGO_NO_FAULT,
        "Maladministration and Injustice": charts.LGO_FAULT,
    }
    values = next(iter(chart.spec()["datasets"].values()))
    assert {v["category"]: v["Decision"] for v in values} == kinds
    assert "fault was found in 5 of them (36%)" in chart.alt_text
