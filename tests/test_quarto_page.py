"""A page of Quarto's shape, with the project's post-processing, checked like the pandoc page.

Quarto cannot be installed on the project's machines, so the page Quarto 1.10.18 made of
the sample (``../shared/quarto-1.10.18/annual-report.quarto.html``, before the pipeline adds
its policy) stands in for it: the project's own code adds the Content-Security-Policy and
inlines Quarto's ``data:`` stylesheets (:func:`pipeline.publish.render.with_security_policy`), then

- Chromium draws every chart with no console error, axe-core finds nothing serious, the
  contents stay in view half way down at 1280 px, nothing scrolls sideways at 320 px;
- the W3C Nu HTML checker (npm ``vnu-jar``, needs Java) finds no error but the duplicate ids
  of the chart data tables, which that page has from before the fix at their source (the
  tables now carry Quarto's mark for raw HTML to leave alone: ``test_charts.py``); the
  pandoc page has no error at all;
- both renderers make the same publication: headings in the same order, the same tables,
  the same number of charts, the same download links.

Where ``quarto`` is on PATH, the same checks run on a fresh Quarto build of the sample.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from pipeline.publish import render
from pipeline.run.cli import main

SHARED_PAGE = ROOT.parent / "shared" / "quarto-1.10.18" / "annual-report.quarto.html"
BROWSER = Path(__file__).parent / "browser"
VNU = BROWSER / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
JAVA = shutil.which("java")
PUBLISHED = "2026-12-05"  # the date on the shared page
SNAPSHOT_CHARTS = 22  # charts of the sample's report when the shared page was made (a222ba7)
CHARTS = 23  # charts of the sample's report today (five years at a glance was added)

pytestmark = pytest.mark.slow

needs_shared_page = pytest.mark.skipif(
    not SHARED_PAGE.is_file(), reason=f"Quarto's page of the sample is not at {SHARED_PAGE}"
)


def require_chromium() -> None:
    """Skip, saying why, where Chromium or the browser tests' npm packages are missing."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not (BROWSER / "node_modules" / "axe-core").is_dir():
        pytest.skip("npm packages missing: run `npm ci` in tests/browser")


def require_vnu() -> None:
    """Skip, saying why, where Java or the Nu HTML checker is missing."""
    if JAVA is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    if not VNU.is_file():
        pytest.skip("the Nu HTML checker is missing: run `npm ci` in tests/browser")


needs_quarto = pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")

# The Nu checker's CSS validator does not know CSS container queries or var() with a
# fallback in these properties: valid CSS of Quarto's Bootstrap theme (bslib's value boxes)
# that it reports as errors once the theme is a <style> element in the page.
CSS_VALIDATOR_GAPS = re.compile(
    r"^CSS: (Unrecognized at-rule “@container”|“container-(name|type)”: Property .* doesn't"
    r" exist\.|“(max-height|grid-template-(columns|rows))”: Parse Error\.)$"
)


def project_state() -> tuple[list[str], str]:
    """What is at the project root, and what git says has changed (``git status``)."""
    names = sorted(p.name for p in ROOT.iterdir())
    git = shutil.which("git")
    status = (
        subprocess.run(
            [git, "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        if git
        else ""
    )
    return names, status


BUILDS: dict[str, dict] = {}  # renderer -> the project before and after its build


def build_sample(out: Path, *, quarto: bool) -> Path:
    """The sample built into ``out`` (every format, so that the page lists every download),
    with Quarto when asked, else with pandoc + Typst; the HTML page. What the project and
    the folder of ``out`` hold before and after is kept for the clean-run tests."""
    patch = pytest.MonkeyPatch()
    if not quarto:
        patch.setattr(render, "quarto_path", lambda: None)
    before = project_state()
    try:
        assert main(["build", "--out", str(out), "--published", PUBLISHED]) == 0
    finally:
        patch.undo()
    BUILDS["quarto" if quarto else "pandoc"] = {
        "before": before,
        "after": project_state(),
        "beside": sorted(p.name for p in out.parent.iterdir()),
    }
    return out / "annual-report.html"


@pytest.fixture(scope="module")
def pandoc_page(tmp_path_factory) -> Path:
    return build_sample(tmp_path_factory.mktemp("pandoc") / "2016-17", quarto=False)


@pytest.fixture(scope="module")
def quarto_page(tmp_path_factory) -> Path:
    """The shared Quarto page with the policy and inlined styles, as the build writes it."""
    if not SHARED_PAGE.is_file():
        pytest.skip(f"Quarto's page of the sample is not at {SHARED_PAGE}")
    page = tmp_path_factory.mktemp("quarto") / "annual-report.html"
    page.write_text(
        render.with_security_policy(SHARED_PAGE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    return page


@pytest.fixture(scope="module")
def fresh_quarto_page(tmp_path_factory) -> Path:
    if shutil.which("quarto") is None:
        pytest.skip("quarto is not on PATH")
    return build_sample(tmp_path_factory.mktemp("fresh-quarto") / "2016-17", quarto=True)


# ---------------------------------------------------------------- Chromium


def layout(page: Path, home: Path) -> dict:
    """check_layout.js on the page: charts, console, requests, axe, overflow, contents."""
    done = subprocess.run(
        ["node", "check_layout.js", str(page)],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM or "", "HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_reads_well_in_chromium(result: dict, charts_expected: int = CHARTS) -> None:
    """Charts drawn, nothing in the console, nothing fetched, no serious or critical axe
    violation, contents in view half way down at 1280 px, no sideways scroll at 320 px."""
    for width in ("1280", "320"):
        state = result[width]
        charts = state["charts"]
        assert len(charts) == charts_expected and all(c["drawn"] for c in charts), width
        assert state["consoleErrors"] == [], width
        assert state["outsideRequests"] == [], width
        serious = [v for v in state["axe"] if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)
    contents = result["1280"]["contents"]
    assert contents["halfWayY"] > 5_000 and contents["visibleHalfWay"] >= 10, contents
    overflow = result["320"]["overflow"]
    assert overflow["clientWidth"] == 320 and overflow["scrollWidth"] <= 320, overflow


@pytest.mark.browser
@needs_shared_page
def test_quarto_page_reads_well_in_chromium(quarto_page, tmp_path):
    require_chromium()
    assert_reads_well_in_chromium(layout(quarto_page, tmp_path), SNAPSHOT_CHARTS)


@pytest.mark.browser
@pytest.mark.quarto
@needs_quarto
def test_fresh_quarto_build_reads_well_in_chromium(fresh_quarto_page, tmp_path):
    require_chromium()
    assert_reads_well_in_chromium(layout(fresh_quarto_page, tmp_path))


# ---------------------------------------------------------------- the Nu HTML checker


def nu_errors(*pages: Path) -> dict[Path, list[str]]:
    """The Nu HTML checker's errors for each page (one run of Java for all)."""
    done = subprocess.run(
        [JAVA or "java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors: dict[Path, list[str]] = {page.resolve(): [] for page in pages}
    for message in json.loads(done.stderr or done.stdout)["messages"]:
        page = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        errors.setdefault(page, []).append(message["message"])
    return errors


def without_css_validator_gaps(errors: list[str]) -> list[str]:
    return [e for e in errors if not CSS_VALIDATOR_GAPS.match(e)]


@pytest.fixture(scope="module")
def nu(pandoc_page, quarto_page) -> dict[Path, list[str]]:
    require_vnu()
    return nu_errors(pandoc_page, quarto_page)


def test_pandoc_page_is_valid_html(nu, pandoc_page):
    assert nu[pandoc_page.resolve()] == []


@needs_shared_page
def test_quarto_page_has_no_error_the_project_can_still_make(nu, quarto_page):
    """The shared page is Quarto's output from before the chart tables carried the mark
    that keeps Quarto off them: its 22 duplicate ids (the float and its table) stay. Every
    other error is gone (Quarto's ``append-hash`` went with its ``<link>``)."""
    errors = without_css_validator_gaps(nu[quarto_page.resolve()])
    duplicates = [e for e in errors if e.startswith("Duplicate ID “data-")]
    assert len(duplicates) == SNAPSHOT_CHARTS
    assert [e for e in errors if e not in duplicates] == []


@pytest.mark.quarto
@needs_quarto
def test_fresh_quarto_page_is_valid_html(fresh_quarto_page):
    require_vnu()
    errors = nu_errors(fresh_quarto_page)[fresh_quarto_page.resolve()]
    assert without_css_validator_gaps(errors) == []


# ---------------------------------------------------------------- ids and references


def id_problems(page: Path) -> dict[str, list[str]]:
    """Ids used more than once, and aria-details/aria-describedby naming no element or one
    whose id is not unique."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    dangling = [
        f"{tag.get('id')} {attribute}={name}"
        for attribute in ("aria-details", "aria-describedby")
        for tag in soup.find_all(attrs={attribute: True})
        for name in tag[attribute].split()
        if ids.count(name) != 1
    ]
    return {"repeated": repeated, "dangling": dangling}


def test_pandoc_page_ids_are_unique_and_every_reference_names_one_element(pandoc_page):
    assert id_problems(pandoc_page) == {"repeated": [], "dangling": []}


@pytest.mark.quarto
@needs_quarto
def test_fresh_quarto_page_ids_are_unique_and_every_reference_names_one_element(
    fresh_quarto_page,
):
    assert id_problems(fresh_quarto_page) == {"repeated": [], "dangling": []}


# ---------------------------------------------------------------- the same publication


def cell_text(tag) -> str:
    return " ".join(tag.get_text(" ").split())


# What belongs to the run, not the publication: the provenance appendix's time of the
# build, renderer, commit, output folder, and the steps that ran before the report
RUN_ITEMS = ("Built at (UTC)", "Renderer", "Project commit", "Parameter: out")


def without_run_values(table: list[list[str]]) -> list[list[str]]:
    """A table with the values that belong to the run blanked."""
    if table and table[0] == ["Step", "Time"]:
        return [table[0]]
    if table and table[0] == ["Item", "Value"]:
        return [[row[0], ""] if row[0] in RUN_ITEMS else row for row in table]
    return table


def outline(page: Path) -> dict[str, list]:
    """:func:`outline_of_text` of a page file."""
    return outline_of_text(page.read_text(encoding="utf-8"))


def outline_of_text(html: str) -> dict[str, list]:
    """What a reader gets from the page's ``<main>``: headings in order (level and text),
    the tables (header and body cells: a Quarto float's number and caption aside), the
    number of charts, and the download links. Values that belong to the run are left out
    (:func:`without_run_values`)."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    headings = [(tag.name, cell_text(tag)) for tag in main.find_all(re.compile(r"^h[1-6]$"))]
    tables = [
        without_run_values(
            [[cell_text(cell) for cell in row.find_all(["th", "td"])] for row in table("tr")]
        )
        for table in main.find_all("table")
    ]
    downloads = main.select_one("nav.report-downloads")
    return {
        "headings": headings,
        "tables": tables,
        "charts": len(main.select(".vega-chart")),
        "downloads": [a["href"] for a in downloads.find_all("a")] if downloads else [],
    }


def assert_same_publication(pandoc: dict, quarto: dict) -> None:
    assert quarto["headings"] == pandoc["headings"]
    assert len(quarto["tables"]) == len(pandoc["tables"])
    pairs = zip(quarto["tables"], pandoc["tables"], strict=True)
    for number, (theirs, ours) in enumerate(pairs, 1):
        assert theirs == ours, f"table {number}"
    assert quarto["charts"] == pandoc["charts"] == CHARTS
    assert (
        quarto["downloads"]
        == pandoc["downloads"]
        == [
            "annual-report.pdf",
            "annual-report.docx",
            "annual-report-tables.xlsx",
            "figures-published.csv",
        ]
    )


@needs_shared_page
def test_the_build_keeps_quartos_publication_whole(quarto_page):
    """The project's own work on a page of Quarto's shape (the policy, Quarto's stylesheets
    written into the page) keeps every heading, table, chart and download link of it.

    The shared page is a snapshot of the sample's report at a222ba7; the report has gained
    sections since, so it is compared with itself before and after the build's
    post-processing, and with the pandoc page of today only where Quarto is on PATH
    (:func:`test_fresh_quarto_build_is_the_same_publication`)."""
    original = outline_of_text(SHARED_PAGE.read_text(encoding="utf-8"))
    processed = outline(quarto_page)
    assert processed == original
    assert processed["charts"] == SNAPSHOT_CHARTS  # each drawn in Chromium (test above)
    assert processed["downloads"] == [
        "annual-report.pdf",
        "annual-report.docx",
        "annual-report-tables.xlsx",
        "figures.csv",
    ]


@pytest.mark.quarto
@needs_quarto
def test_fresh_quarto_build_is_the_same_publication(pandoc_page, fresh_quarto_page):
    assert_same_publication(outline(pandoc_page), outline(fresh_quarto_page))


# ---------------------------------------------------------------- a clean run


def assert_clean_run(renderer: str) -> None:
    """The build changed no tracked file, left nothing new at the project root, and left
    only the output folder where it was built (no ``<out>.lock``, no staging folder)."""
    build = BUILDS[renderer]
    assert build["after"] == build["before"]
    assert build["beside"] == ["2016-17"]


def test_a_pandoc_build_leaves_the_project_as_it_was(pandoc_page):
    assert_clean_run("pandoc")


@pytest.mark.quarto
@needs_quarto
def test_a_quarto_build_leaves_the_project_as_it_was(fresh_quarto_page):
    assert_clean_run("quarto")
