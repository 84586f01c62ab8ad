"""The HTML report in headless Chromium at 1280 and 320 px: charts draw, offline, axe-core,
no sideways page scroll on a narrow screen, contents in view while scrolling on a wide one,
each chart's numbers shown once outside its data table, its long description for screen
readers only.

Needs Debian's ``chromium`` and the npm packages of ``tests/browser`` (``npm ci`` there).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.publish import render
from pipeline.publish.render import render_report
from pipeline.symbols import NOT_AVAILABLE

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BROWSER = Path(__file__).parent / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (BROWSER / "node_modules" / "axe-core").is_dir()
        or not (BROWSER / "node_modules" / "playwright-core").is_dir(),
        reason="npm packages missing: run `npm ci` in tests/browser",
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """Render the fixture with the fallback renderer and check it in Chromium."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "quarto_path", lambda: None)
    out_dir = tmp_path_factory.mktemp("browser")
    try:
        result = render_report(
            "2016-17",
            FIXTURES / "figures.csv",
            None,
            ROOT / "data" / "reference" / "authority.yml",
            FIXTURES / "raw",
            out_dir,
            ("html",),
        )
    finally:
        patch.undo()
    done = subprocess.run(
        ["node", "check_layout.js", str(result.outputs["html"])],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": str(out_dir)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


WIDTHS = ("1280", "320")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_draws(report, width):
    charts = report[width]["charts"]
    assert len(charts) == 23  # 22, and "Five years at a glance" (contract 1.4)
    assert [c["id"] for c in charts if not c["drawn"]] == []


@pytest.mark.parametrize("width", [*WIDTHS, "resized"])
def test_charts_fit_their_room_at_full_text_size(report, width):
    """The loader draws a chart too wide for a phone again, narrower (shorter label lines,
    panels in two columns, a narrower plot), so that hardly any is scaled down: its text
    keeps at least 98% of its size (CSS scales what is still wider than the room). The same
    after a 1280 px window is narrowed to 320 px ("resized")."""
    charts = report[width]["charts"]
    assert len(charts) == 23 and all(c["drawn"] for c in charts)
    if width != "1280":
        assert {c["room"] for c in charts} == {288}
    scaled = {c["id"]: round(c["room"] / c["width"], 3) for c in charts if c["width"] > c["room"]}
    assert {chart: scale for chart, scale in scaled.items() if scale < 0.98} == {}
    if width == "1280":
        assert scaled == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_console_errors(report, width):
    assert report[width]["consoleErrors"] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_request_leaves_the_file(report, width):
    assert report[width]["outsideRequests"] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_at_any_level(report, width):
    assert report[width]["axe"] == [], json.dumps(report[width]["axe"], indent=1)


def test_no_horizontal_page_scroll_at_320_px(report):
    overflow = report["320"]["overflow"]
    assert overflow["clientWidth"] == 320
    assert overflow["scrollWidth"] <= overflow["clientWidth"]


def test_contents_stay_in_view_while_scrolling_at_1280_px(report):
    contents = report["1280"]["contents"]
    assert contents["scrollY"] > 10_000  # scrolled far down the page
    assert contents["links"] > 20 and contents["visibleAfterScroll"] >= 10
    assert contents["visibleHalfWay"] >= 10


def test_contents_are_collapsed_at_the_top_at_320_px(report):
    contents = report["320"]["contents"]
    assert contents["links"] > 20 and contents["visibleAfterScroll"] == 0


STAGE_NAME = re.compile(r"\bStage [1-3]\b")  # "Stage 1" names a stage: not a number


def occurrences(number: str, text: str) -> int:
    """How often ``number`` ("9", "29%") stands in ``text`` as a number of its own: not part
    of a longer number ("19", "9.5", "1,9"), a word ("Q1"), a year ("2016/17") or the name
    of a stage ("Stage 1")."""
    pattern = rf"(?<![\w.,/%]){re.escape(number)}(?![\w%/]|[.,]\d)"
    return len(re.findall(pattern, STAGE_NAME.sub("Stage", text)))


def test_occurrences_counts_numbers_not_digits():
    text = "9 (29%) of 19 Stage 1 cases in Q1 2016/17, 9.5 and 9% - 9."
    counts = [occurrences(n, text) for n in ("9", "29%", "1", "16", "17", "9%")]
    assert counts == [2, 1, 0, 0, 0, 1]
    assert occurrences("1", "1 (11%)") == 1


def numeric_cells(chart: dict) -> list[dict]:
    """The cells of a chart's data table that hold a number (or a table symbol): a text
    column such as the Ombudsman chart's kind of decision is a category, not a number."""
    return [
        c for c in chart["numbers"] if re.search(r"\d", c["value"]) or c["value"] == NOT_AVAILABLE
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_each_chart_shows_its_numbers_once_outside_its_data_table(report, width):
    """Counted in the page as drawn, for each chart, over the chart's own output: from the
    start of its figure to the end of the <details> holding its data table (the numbers:
    every body cell of that table after the first column). Outside the table each number
    appears at most once in the drawing's value labels (every number but a row total is
    drawn), never in the caption's subtitle or any other visible text there, and the
    headline states at most one of them (its message, e.g. "(210 items)"). Axis ticks are
    scale marks, not the chart's numbers, and are not counted; neither is the report's text
    around the chart (the narrative before it, tables of other years after it)."""
    charts = report[width]["numbers"]
    assert len(charts) == 23  # 22, and "Five years at a glance" (contract 1.4)
    for chart in charts:
        where = chart["id"]
        assert numeric_cells(chart) and chart["tableAfterFigure"], where
        values = [cell["value"] for cell in numeric_cells(chart)]
        labels = " ".join(chart["labels"])
        for cell in numeric_cells(chart):
            number = cell["value"]
            assert occurrences(number, chart["other"]) == 0, (where, number, chart["other"])
            drawn = occurrences(number, labels)
            assert drawn <= values.count(number), (where, number, chart["labels"])
            if cell["column"] != "Total" and number != NOT_AVAILABLE:  # [x]: nothing to draw
                assert drawn >= 1, (where, number, chart["labels"])
        stated = sum(occurrences(number, chart["headline"]) for number in set(values))
        assert stated <= 1, (where, chart["headline"])


@pytest.mark.parametrize("width", WIDTHS)
def test_each_chart_has_short_alt_text_and_its_description_for_screen_readers_only(report, width):
    """The browser's accessibility tree gives each drawn chart its alt text as its name and
    the long description (every number of the chart) as its description; the description
    paragraph itself is not shown on the page."""
    images = {image["name"]: image["description"] for image in report[width]["images"]}
    for chart in report[width]["numbers"]:
        where = chart["id"]
        assert chart["descriptionShown"] is False, where
        assert len(chart["altText"]) <= 250, where
        assert images[chart["altText"]] == " ".join(chart["description"].split()), where
        for cell in numeric_cells(chart):
            assert occurrences(cell["value"], chart["description"]) >= 1, (where, cell)
