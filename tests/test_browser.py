"""The HTML report in headless Chromium at 1280 and 320 px: charts draw, offline, axe-core,
no sideways page scroll on a narrow screen, contents in view while scrolling on a wide one.

Needs Debian's ``chromium`` and the npm packages of ``tests/browser`` (``npm ci`` there).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import render
from pipeline.render import render_report

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
    assert len(charts) == 22
    assert [c["id"] for c in charts if not c["drawn"]] == []


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


def test_contents_are_collapsed_at_the_top_at_320_px(report):
    contents = report["320"]["contents"]
    assert contents["links"] > 20 and contents["visibleAfterScroll"] == 0
