"""``complaints-report preview``: the served copy of the page, and a session over HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import MINI, ROOT
from pipeline.publish.csp import script_hash
from pipeline.run.build import BuildOptions
from pipeline.run.preview import (
    VERSION_PATH,
    PreviewState,
    allow_reload,
    relevant,
    reload_script,
    served_page,
)

POLICY = (
    "default-src 'none'; script-src 'sha256-AAAA'; style-src 'unsafe-inline'; connect-src 'none'"
)
PAGE = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Security-Policy" content="{POLICY}" />
<title>t</title></head>
<body><main><p>Report</p></main></body></html>
"""


# ---------------------------------------------------------------- the served copy


def test_served_copy_runs_the_reload_script_under_the_pages_policy():
    served = served_page(PAGE, 3)
    script = reload_script(3)
    assert served.count("<script>") == 1
    assert f"<script>{script}</script>\n</body>" in served
    policy = re.search(r'content="([^"]*)"', served).group(1).replace("&#x27;", "'")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'sha256-AAAA'", script_hash(script)]
    assert directives["connect-src"] == ["'self'"]  # 'none' replaced, nothing else allowed
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'unsafe-inline'"]


def test_served_copy_of_a_page_without_policy_only_gains_the_script():
    page = "<html><head></head><body><p>x</p></body></html>"
    assert served_page(page, 1) == page.replace(
        "</body>", f"<script>{reload_script(1)}</script>\n</body>"
    )


def test_allow_reload_adds_directives_that_are_missing():
    policy = allow_reload("default-src 'none'", "x")
    assert policy == f"default-src 'none'; script-src {script_hash('x')}; connect-src 'self'"


def test_a_rebuild_giving_the_same_page_does_not_reload_it():
    state = PreviewState()
    assert state.publish(PAGE) is True
    state.fail("validate: failed")
    assert state.publish(PAGE) is False  # e.g. a file saved without a change
    page, version, error = state.snapshot()
    assert (version, error) == (1, None)
    assert page == served_page(PAGE, 1)
    assert state.publish(PAGE.replace("Report", "Edited report")) is True
    assert state.snapshot()[1] == 2


def test_only_the_inputs_trigger_a_rebuild(tmp_path):
    options = BuildOptions(
        year="2016-17",
        raw=tmp_path / "raw",
        reference=tmp_path / "authority.yml",
        history=tmp_path / "history",
        out=tmp_path / "out",
        text=tmp_path / "text",
    )
    keep = relevant(options)
    assert keep(None, str(tmp_path / "authority.yml"))
    assert keep(None, str(tmp_path / "raw" / "complaints.csv"))
    assert keep(None, str(tmp_path / "text" / "commentary.md"))
    assert keep(None, str(tmp_path / "history" / "2015-16.csv"))
    assert not keep(None, str(tmp_path / "notes.txt"))  # beside the reference file
    assert not keep(None, str(tmp_path / "out" / "annual-report.html"))
    assert not keep(None, str(tmp_path / "text" / ".commentary.md.swp"))
    assert not keep(None, str(tmp_path / "text" / "commentary.md~"))


# ---------------------------------------------------------------- a session over HTTP


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Output:
    """The preview's standard output, read in a thread so the pipe never fills."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="stops the preview with SIGINT (POSIX)")
def test_preview_serves_rebuilds_on_prose_change_and_stops_cleanly(tmp_path):
    council = tmp_path / "council"
    shutil.copytree(MINI, council)
    shutil.copytree(ROOT / "report" / "text", council / "text")
    out = tmp_path / "out" / "2016-17"
    command = [
        sys.executable,
        "-m",
        "pipeline.run.cli",
        "preview",
        "--raw",
        str(council / "raw"),
        "--reference",
        str(council / "authority.yml"),
        "--history",
        str(council / "history"),
        "--text",
        str(council / "text"),
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    output = Output(process.stdout)
    try:
        url = wait_for(
            lambda: re.search(r"http://127\.0\.0\.1:\d+/", output.text), 240, "the URL"
        ).group(0)
        page = fetch(url)
        assert "Test Council" in page
        assert VERSION_PATH in page  # the served copy reloads itself...
        assert VERSION_PATH not in (out / "annual-report.html").read_text(encoding="utf-8")
        state = json.loads(fetch(url + VERSION_PATH.lstrip("/")))
        assert state == {"version": 1, "error": None}
        assert not (out / "annual-report.pdf").exists()  # HTML only

        sentence = "A sentence typed while the preview was running."
        prose = council / "text" / "commentary.md"
        prose.write_text(prose.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
        wait_for(lambda: json.loads(fetch(url + VERSION_PATH[1:]))["version"] == 2, 240, "rebuild")
        assert sentence in fetch(url)
        assert "reused validate" in " ".join(output.text.split())

        # a rebuild that fails keeps the last good page and reports the error
        duty = council / "raw" / "duty.csv"
        duty.write_text("duty_ref,received_date,category\nD1,2016-13-45,Advice\n")
        state = wait_for(
            lambda: json.loads(fetch(url + VERSION_PATH[1:]))["error"], 240, "the failure"
        )
        assert "validate" in state and "received_date" in state
        assert sentence in fetch(url)
        assert json.loads(fetch(url + VERSION_PATH[1:]))["version"] == 2
    finally:
        process.send_signal(signal.SIGINT)
        try:
            status = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        output.thread.join(timeout=5)
    assert status in (0, 130), output.text
    assert "Traceback" not in output.text
    assert "preview stopped" in output.text
