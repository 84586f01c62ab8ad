"""One build of an output folder at a time: the second stops with a message, or waits."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from pipeline.run.build import leftovers, remove_leftovers
from pipeline.run.lock import BuildLocked, build_lock, holder_path, lock_path

HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.run.lock import build_lock
with build_lock(Path(sys.argv[1]), "2016-17"):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""

TRY_LOCK = """
import sys
from pathlib import Path
from pipeline.run.lock import BuildLocked, build_lock
try:
    with build_lock(Path(sys.argv[1]), "2016-17"):
        print("acquired")
except BuildLocked as error:
    print(error)
"""


def test_a_second_holder_is_refused_with_the_first_ones_process_and_start(tmp_path):
    out = tmp_path / "2016-17"
    with build_lock(out, "2016-17"):
        assert holder_path(out).is_file()
        done = subprocess.run(
            [sys.executable, "-c", TRY_LOCK, str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    assert done.stdout.startswith(f"another build of 2016-17 is running (process {os.getpid()}, ")
    assert "started 20" in done.stdout
    assert not holder_path(out).exists()  # gone with the lock
    with build_lock(out, "2016-17"):  # free again
        pass


def test_different_outputs_have_different_locks(tmp_path):
    with build_lock(tmp_path / "2016-17", "2016-17"), build_lock(tmp_path / "other", "2016-17"):
        with pytest.raises(BuildLocked):
            with build_lock(tmp_path / "2016-17", "2016-17"):
                pass


def test_waiting_holder_gets_the_lock_when_the_first_ends(tmp_path):
    out = tmp_path / "2016-17"
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out), "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert first.stdout.readline().strip() == "holding"
    started = time.monotonic()
    with build_lock(out, "2016-17", wait=True):
        waited = time.monotonic() - started
    first.wait()
    assert waited > 0.5


def test_leftovers_of_running_builds_are_kept(tmp_path):
    out = tmp_path / "2016-17"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()
    try:
        live = tmp_path / f"2016-17.building-20260101T000000-{sleeper.pid}"
        gone = tmp_path / f"2016-17.building-20260101T000000-{dead}"
        live.mkdir()
        gone.mkdir()
        assert remove_leftovers(out) == [gone]
        assert live.is_dir() and not gone.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_leftovers(out) == [live]


@pytest.mark.slow
def test_two_builds_of_the_same_output_at_once(tmp_path):
    out = tmp_path / "2016-17"
    command = [sys.executable, "-m", "pipeline.run.cli", "build", "--out", str(out), "--to", "html"]

    def start(*extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*command, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    first = start()
    deadline = time.monotonic() + 60
    while not holder_path(out).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert holder_path(out).exists(), "the first build never took the lock"
    second, waiting = start(), start("--wait")
    second_out, second_err = second.communicate(timeout=120)
    assert first.poll() is None, "the second build should stop while the first runs"
    first_out, first_err = first.communicate(timeout=600)
    waiting_out, waiting_err = waiting.communicate(timeout=120)

    assert first.returncode == 0, first_out + first_err
    assert second.returncode == 1
    assert f"another build of 2016-17 is running (process {first.pid}, started " in second_err
    assert "--wait" in second_err
    assert waiting.returncode == 0, waiting_out + waiting_err
    assert "waiting: another build of 2016-17 is running" in waiting_err
    assert "reusing" in waiting_out  # it waited, then found the first build up to date
    for text in (first_err, second_err, waiting_err):
        assert "Traceback" not in text
    for name in ("annual-report.html", "figures.csv", "manifest.json", "validation/summary.md"):
        assert (out / name).is_file(), name
    assert leftovers(out) == [] and not holder_path(out).exists()


def test_no_lock_file_is_left_when_the_build_ends_well_or_not(tmp_path):
    out = tmp_path / "2016-17"
    with build_lock(out, "2016-17"):
        assert lock_path(out).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError), build_lock(out, "2016-17"):
        raise RuntimeError("the build failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def wait_for(condition, seconds: float = 30) -> None:
    """Poll until ``condition()`` holds (the test fails after ``seconds``)."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.02)


def test_a_build_waiting_while_the_lock_file_is_removed_still_runs_alone(tmp_path):
    """The first build removes the lock file as it ends; one that was already waiting on
    that file and one that starts afterwards never hold the lock at the same time."""
    out = tmp_path / "2016-17"
    log = tmp_path / "log"
    hold = (
        "import sys, time\nfrom pathlib import Path\nfrom pipeline.run.lock import build_lock\n"
        "log = Path(sys.argv[2])\n"
        "with build_lock(Path(sys.argv[1]), '2016-17', wait=True):\n"
        "    with log.open('a') as f: f.write('in\\n')\n"
        "    time.sleep(float(sys.argv[3]))\n"
        "    with log.open('a') as f: f.write('out\\n')\n"
    )
    first = subprocess.Popen([sys.executable, "-c", hold, str(out), str(log), "1.5"], cwd=ROOT)
    wait_for(lambda: log.exists())
    waiting = subprocess.Popen([sys.executable, "-c", hold, str(out), str(log), "1.5"], cwd=ROOT)
    wait_for(lambda: "out" in log.read_text())  # the first has removed the file and ended
    later = subprocess.Popen([sys.executable, "-c", hold, str(out), str(log), "1.5"], cwd=ROOT)
    assert [p.wait(timeout=60) for p in (first, waiting, later)] == [0, 0, 0]
    assert log.read_text().split() == ["in", "out"] * 3
    assert not lock_path(out).exists()
