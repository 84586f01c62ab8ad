"""The HTML report in headless Chromium: charts draw, offline, no console errors, axe-core.

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
        ["node", "check_report.js", str(result.outputs["html"])],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": str(out_dir)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_chart_draws(report):
    assert len(report["charts"]) == 18
    assert [c["id"] for c in report["charts"] if not c["drawn"]] == []


def test_no_console_errors(report):
    assert report["consoleErrors"] == []


def test_no_request_leaves_the_file(report):
    assert report["outsideRequests"] == []


def test_axe_finds_no_serious_or_critical_violations(report):
    serious = [v for v in report["axe"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)
