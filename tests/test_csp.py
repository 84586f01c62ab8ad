"""The Content-Security-Policy: only the page's own head scripts run, nothing is fetched."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from pipeline.publish.csp import PolicyError, add_content_security_policy, script_hash

BROWSER = Path(__file__).parent / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TRUSTED = "window.trusted = 1;"
INJECTED = "window.__pwned = 1;"
# pandoc embeds a script holding "</script" as a data: address
FROM_DATA = b'document.title = "</script> data";'
DATA_URL = "data:text/javascript;base64," + base64.b64encode(FROM_DATA).decode()
AFTER_MAIN = 'document.title += " and after main";'
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8" /><title>Policy test</title>
<script>{TRUSTED}</script>
<script src="{DATA_URL}"></script>
</head><body><main>
<h1>Policy test</h1>
<script>{INJECTED}</script>
<script type="application/json" class="vega-spec">{{"a": 1}}</script>
<img src="x.png" alt="" onerror="window.__pwned = 2">
<img src="https://example.com/x.png" alt="">
<iframe title="frame" src="https://example.com/frame"></iframe>
<a href="javascript:window.__pwned = 3" id="link">link</a>
</main>
<script>{AFTER_MAIN}</script>
</body></html>
"""


def test_the_policy_is_the_first_element_of_head_and_blocks_everything_else():
    page = add_content_security_policy(PAGE)
    head = page.split("<head>", 1)[1]
    assert head.startswith('\n<meta http-equiv="Content-Security-Policy" content="')
    policy = head.split('content="', 1)[1].split('"', 1)[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    data_hash = "sha256-" + base64.b64encode(hashlib.sha256(FROM_DATA).digest()).decode()
    assert directives["script-src"].split() == [
        script_hash(TRUSTED),
        f"'{data_hash}'",
        script_hash(AFTER_MAIN),
    ]
    assert f'<script src="{DATA_URL}" integrity="{data_hash}"></script>' in page
    assert script_hash(INJECTED) not in policy
    assert directives["style-src"] == "'unsafe-inline'" and directives["img-src"] == "data:"
    for name in ("connect-src", "frame-src", "object-src", "form-action", "base-uri"):
        assert directives[name] == "'none'"


def test_script_hash_is_the_browser_format():
    assert script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    # echo -n "alert(1)" | openssl dgst -sha256 -binary | base64
    assert script_hash("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<html><body><main></main></body></html>", "no <head>"),
        ("<html><head></head><body></body></html>", "one <main>"),
        ("<html><head></head><body><main></main><main></main></body></html>", "one <main>"),
        (
            '<html><head><script src="https://example.com/x.js"></script></head>'
            "<body><main></main></body></html>",
            "src=",
        ),
    ],
)
def test_pages_of_an_unexpected_shape_are_refused(page, problem):
    with pytest.raises(PolicyError, match=problem):
        add_content_security_policy(page)


def needs_chromium(test):
    """A browser test, skipped without Chromium or the npm packages."""
    for mark in (
        pytest.mark.browser,
        pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
        pytest.mark.skipif(
            not (BROWSER / "node_modules" / "playwright-core").is_dir(),
            reason="npm packages missing: run `npm ci` in tests/browser",
        ),
    ):
        test = mark(test)
    return test


def check_report(html: str, tmp_path: Path) -> dict:
    """check_report.js on the page with the project's policy added: what Chromium ran,
    fetched and showed."""
    page = tmp_path / "page.html"
    page.write_text(add_content_security_policy(html), encoding="utf-8")
    done = subprocess.run(
        ["node", "check_report.js", str(page)],
        cwd=BROWSER,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_chromium
def test_chromium_runs_only_the_trusted_scripts(tmp_path):
    """Defence in depth: markup that escaped escaping still runs nothing and fetches nothing."""
    result = check_report(PAGE, tmp_path)
    assert result["pwned"] is None
    assert result["title"] == "</script> data and after main"  # the hashed ones ran
    assert result["outsideRequests"] == []
    blocked = {(tmp_path / "x.png").as_uri(), "https://example.com/x.png"}
    assert set(result["blockedByPolicy"]) == blocked
    assert "Content Security Policy" in " ".join(result["consoleErrors"])


def css_link(css: str, attributes: str = "") -> str:
    """A stylesheet held as a ``data:`` address, as Quarto embeds its theme."""
    return f'<link href="data:text/css,{quote(css)}" rel="stylesheet"{attributes}>'


THEME = css_link(
    "#theme-hides-this { display: none } /* </style> */",
    ' append-hash="true" id="theme" data-mode="light"',
)
STYLED_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8" /><title>Styles</title>
{THEME}
</head><body><main>
<h1>Styles</h1>
{css_link("#injected-hides-this { display: none }")}
<p id="theme-hides-this">THEME HIDES THIS</p>
<p id="injected-hides-this">INJECTED HIDES THIS</p>
</main></body></html>
"""


def test_data_stylesheets_in_the_head_become_style_elements():
    """Quarto's theme (a data: stylesheet) is written into the page, where the policy's
    'unsafe-inline' covers it; the policy still allows no data: (or any) stylesheet address,
    and a data: stylesheet in the content stays a link, which the policy blocks."""
    page = add_content_security_policy(STYLED_PAGE)
    policy = page.split('content="', 1)[1].split('"', 1)[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["style-src"] == "'unsafe-inline'"
    head, main = page.split("<main>")
    assert (
        '<style id="theme" data-mode="light">\n'
        "#theme-hides-this { display: none } /* <\\/style> */\n</style>"
    ) in head
    assert "<link" not in head and "append-hash" not in page
    assert css_link("#injected-hides-this { display: none }") in main


@needs_chromium
def test_chromium_applies_the_theme_and_not_a_stylesheet_in_the_content(tmp_path):
    result = check_report(STYLED_PAGE, tmp_path)
    assert "THEME HIDES THIS" not in result["text"]
    assert "INJECTED HIDES THIS" in result["text"]
    assert "Content Security Policy" in " ".join(result["consoleErrors"])  # the injected one
