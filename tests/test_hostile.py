"""A hostile corpus built offline: every text is shown exactly as written, nothing runs or fetches.

One build of the sample with the 49 hostile texts of ``hostile.py`` (each in a published
compliment, a published recommendation action and an Ombudsman summary) and hostile
authority, service-area and team names, run with the network switched off for the whole
process tree (``unshare -n``). The page is then opened in Chromium and the PDF read with
``pdftotext``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from hostile import (
    HOSTILE_AREA,
    HOSTILE_AUTHORITY,
    HOSTILE_FINDING,
    HOSTILE_TEAM,
    HOSTILE_TEXTS,
    NO_EMOJI_FONT,
    emoji_font_missing,
    pdf_flat,
    shown,
    write_hostile_inputs,
)
from pipeline.publish.render import report_title

BROWSER = Path(__file__).parent / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NAMES = (HOSTILE_AUTHORITY, HOSTILE_AREA, HOSTILE_TEAM, HOSTILE_FINDING)


def network_namespaces() -> bool:
    """Whether this process may run a command without network (``unshare -n``)."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not network_namespaces(), reason="cannot switch the network off (unshare -n needs root)"
    ),
    pytest.mark.skipif(emoji_font_missing(), reason=NO_EMOJI_FONT),
]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> dict:
    """Build the hostile corpus (fallback renderer, --out outside the project) offline."""
    folder = tmp_path_factory.mktemp("hostile")
    raw, reference = write_hostile_inputs(
        ROOT / "data" / "raw" / "2016-17", ROOT / "data" / "reference" / "authority.yml", folder
    )
    out = folder / "out"
    command = [sys.executable, "-m", "pipeline.run.cli", "build", "--raw", str(raw)]
    command += ["--reference", str(reference), "--out", str(out)]
    netless = ["unshare", "-n", sys.executable, str(Path(__file__).parent / "netless.py")]
    done = subprocess.run(
        [*netless, *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    return {"done": done, "out": out}


def test_hostile_corpus_builds_offline_without_a_fetch(hostile_build):
    done = hostile_build["done"]
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    for word in ("fetch", "download", "warning", "traceback"):
        assert word not in log.lower(), log
    assert len(HOSTILE_TEXTS) >= 40


class Markup(HTMLParser):
    """Tags, attributes, links and scripts inside the page's <main> element."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.tags, self.attributes = False, set(), set()
        self.links, self.scripts = set(), []

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "main"
        if self.inside:
            self.tags.add(tag)
            self.attributes.update(name for name, _ in attrs)
            self.links.update(value for name, value in attrs if name == "href")
            if tag == "script":
                self.scripts.append(dict(attrs).get("type"))

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "main"


FROM_DATA = {"iframe", "img", "form", "input", "object", "link", "style", "i", "b", "svg"}
FROM_DATA |= {"blockquote", "sup", "sub", "del", "span", "ol", "dl", "pre", "hr", "h3", "h4"}


def test_no_markup_from_the_data_reaches_the_page(hostile_build):
    page = (hostile_build["out"] / "annual-report.html").read_text(encoding="utf-8")
    markup = Markup()
    markup.feed(page)
    assert markup.tags & FROM_DATA == set()
    assert markup.attributes <= {"aria-label", "class", "data-target", "href", "id", "role"} | {
        "aria-describedby",  # a chart's long description (a hidden paragraph) ...
        "aria-details",  # ... and its data table
        "hidden",  # that description
        "scope",
        "style",
        "type",
        "tabindex",  # <main> itself and the tables' scrolling wrappers
        "aria-labelledby",  # the downloads list
        "download",  # its links
    }
    delivered = {p.name for p in hostile_build["out"].iterdir() if p.is_file()}
    links = [link for link in markup.links if not link.startswith("#")]
    assert links and set(links) <= delivered  # only the downloads, files beside the page
    assert set(markup.scripts) == {"application/json"} and len(markup.scripts) == 23


@pytest.fixture(scope="module")
def browser(hostile_build) -> dict:
    """The hostile page opened from disk in headless Chromium."""
    if CHROMIUM is None or shutil.which("node") is None:
        pytest.skip("chromium or node is not installed")
    if not (BROWSER / "node_modules" / "playwright-core").is_dir():
        pytest.skip("npm packages missing: run `npm ci` in tests/browser")
    done = subprocess.run(
        ["node", "check_report.js", str(hostile_build["out"] / "annual-report.html")],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": str(hostile_build["out"])},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.browser
def test_each_text_is_visible_exactly_as_written(browser):
    page = shown(browser["text"])
    missing = [t for t in HOSTILE_TEXTS if page.count(shown(t)) < 3]  # compliment, action, LGO
    assert missing == []
    assert [n for n in NAMES if shown(n) not in page] == []


@pytest.mark.browser
def test_no_script_ran_and_no_request_left_the_file(browser):
    assert browser["pwned"] is None
    assert browser["title"] == report_title("2016-17")
    assert browser["consoleErrors"] == []  # a script blocked by the policy would log one
    assert browser["outsideRequests"] == []
    assert [c["id"] for c in browser["charts"] if not c["drawn"]] == []
    assert len(browser["charts"]) == 23


@pytest.mark.browser
def test_the_page_has_a_content_security_policy(browser):
    policy = dict(directive.strip().split(" ", 1) for directive in browser["csp"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"].startswith("'sha256-") and "unsafe" not in policy["script-src"]
    for directive in ("connect-src", "frame-src", "object-src", "form-action", "base-uri"):
        assert policy[directive] == "'none'"


def without_page_furniture(text: str) -> str:
    """PDF text (see ``pdf_flat``) without page numbers and repeated table headers.

    A list item or table row broken over two pages has them in its middle.
    """
    pages = []
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if lines and lines[-1].strip().isdigit():
            lines.pop()
        pages.append("\n".join(lines))
    return pdf_flat("\n".join(pages)).replace(pdf_flat(LGO_TABLE_HEADER), "")


LGO_TABLE_HEADER = "Team Status Finding Summary of the decision"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_each_text_is_in_the_pdf_exactly_as_written(hostile_build):
    text = subprocess.run(
        ["pdftotext", "-raw", str(hostile_build["out"] / "annual-report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = without_page_furniture(text)
    assert [t for t in HOSTILE_TEXTS if flat.count(pdf_flat(t)) < 3] == []
    assert [n for n in NAMES if pdf_flat(n) not in flat] == []
