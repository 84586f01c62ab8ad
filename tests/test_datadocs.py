"""Data Docs offline: every page loads only files beside it and shows its results.

The browser part opens every page of a real validation run in headless Chromium with the
network blocked (needs Debian's ``chromium`` and ``npm ci`` in ``tests/browser``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.checks import datadocs
from pipeline.checks.validate import validate_extracts

BROWSER = Path(__file__).parent / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def needs_browser(test):
    """Marks for a test that opens pages in headless Chromium."""
    for mark in (
        pytest.mark.browser,
        pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
        pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
        pytest.mark.skipif(
            not (BROWSER / "node_modules" / "playwright-core").is_dir(),
            reason="npm packages missing: run `npm ci` in tests/browser",
        ),
    ):
        test = mark(test)
    return test


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("validation")
    report = validate_extracts(
        ROOT / "data" / "raw" / "2016-17",
        ROOT / "data" / "reference" / "authority.yml",
        "2016-17",
        out,
    )
    assert report.success
    return out / "validation" / "data_docs"


def test_every_vendored_file_is_committed_and_pinned():
    lock = json.loads((datadocs.VENDOR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = {
        key.removeprefix("node_modules/"): value["version"]
        for key, value in lock["packages"].items()
        if key.count("node_modules/") == 1
    }
    for name in datadocs.vendored_files():
        assert (datadocs.ASSETS / name).is_file(), name
        package = "/".join(name.split("/")[:2]) if name.startswith("@") else name.split("/")[0]
        assert package in pinned, package
    for url, name in datadocs.CDN_FILES.items():  # the CDN's version is the pinned one
        package = "/".join(name.split("/")[:2]) if name.startswith("@") else name.split("/")[0]
        assert pinned[package] in url or pinned[package].rsplit(".", 1)[0] in url, url


def test_no_page_loads_anything_from_outside(docs):
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert datadocs.outside_references(html) == [], page
        assert "newsletter" not in html and "utm_" not in html, page
        assert "integrity=" not in html, page
    # the suites' pages draw no chart, so none loads Vega and no bundle is written
    assert not any(datadocs.draws_charts(p.read_text(encoding="utf-8")) for p in pages)
    assert not any("vega" in p.read_text(encoding="utf-8") for p in pages)
    assert not (docs / "static" / "vendor" / datadocs.VEGA_BUNDLE).exists()


GE_HEAD = "".join(f'<script src="{url}"></script>' for url in datadocs.VEGA_URLS)


def test_a_page_that_draws_a_chart_gets_the_local_vega_bundle(tmp_path):
    page = tmp_path / "validations" / "a.html"
    page.parent.mkdir()
    page.write_text(f"<head>{GE_HEAD}</head><script>vegaEmbed('#g', spec)</script>")
    (tmp_path / "index.html").write_text(f"<head>{GE_HEAD}</head>")
    assert datadocs.make_offline(tmp_path) == {}
    bundle = tmp_path / "static" / "vendor" / datadocs.VEGA_BUNDLE
    assert bundle.stat().st_size > 100_000
    assert page.read_text().startswith('<head><script src="../static/vendor/vega-bundle.js">')
    assert (tmp_path / "index.html").read_text() == (
        '<head><script src="static/vendor/vega-bundle.js"></script></head>'
    )


def test_outside_references_are_found():
    html = (
        '<script src="https://code.jquery.com/x.js"></script><link href="//cdn.example/a.css">'
        "<style>a { background: url('https://s3.example/logo.png') }</style>"
        '<a href="https://greatexpectations.io">a link is not a request</a>'
    )
    assert datadocs.outside_references(html) == [
        "https://code.jquery.com/x.js",
        "//cdn.example/a.css",
        "https://s3.example/logo.png",
    ]


@pytest.fixture(scope="module")
def opened(docs) -> dict:
    done = subprocess.run(
        ["node", "check_datadocs.js", str(docs)],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM or "", "HOME": str(docs)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_browser
def test_every_page_shows_its_results_with_the_network_blocked(opened):
    assert len(opened) > 20
    for name, page in opened.items():
        assert page["outsideRequests"] == [], name
        assert page["consoleErrors"] == [], name
        assert page["tableRows"] > 0, name
        assert page["bootstrapTable"], name
    index = opened["index.html"]
    assert index["indexRows"] >= 10 and index["iconFont"]
    results = [p for n, p in opened.items() if n.startswith("validations/")]
    assert len(results) == 14 and all(p["iconFont"] for p in results)
