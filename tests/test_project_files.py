"""Project files that must agree with each other: changelog, licence, pre-commit, CI."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import pytest
import yaml

from conftest import ROOT
from pipeline.publish.render import DEFAULT_FORMATS, OUTPUT_NAMES

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pinned(package: str) -> str:
    """The version of ``package`` in requirements.lock."""
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{package} is not pinned in requirements.lock")


def test_changelog_top_entry_is_the_package_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.MULTILINE)
    assert versions, "no '## [x.y.z]' entry in CHANGELOG.md"
    assert versions[0] == PYPROJECT["project"]["version"]


def test_package_version_matches_pyproject():
    import pipeline

    assert pipeline.__version__ == PYPROJECT["project"]["version"]


def test_licence_is_the_mit_licence_pyproject_names():
    # an SPDX expression and the licence file: setuptools (>= 77) warns about the old table
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert PYPROJECT["build-system"]["requires"] == ["setuptools>=77"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    copyright_lines = [line for line in text.splitlines() if line.startswith("Copyright")]
    assert copyright_lines == ["Copyright (c) 2026 The complaints-report contributors"]


def test_pre_commit_runs_ruff_at_the_pinned_version_and_strips_notebooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    repos = {repo["repo"].rsplit("/", 1)[-1]: repo for repo in config["repos"]}
    ruff = repos["ruff-pre-commit"]
    assert ruff["rev"] == f"v{pinned('ruff')}"
    assert [hook["id"] for hook in ruff["hooks"]] == ["ruff-check", "ruff-format"]
    assert [hook["id"] for hook in repos["nbstripout"]["hooks"]] == ["nbstripout"]


# ---------------------------------------------------------------- CI


@pytest.fixture(scope="module")
def changed_years():
    path = ROOT / ".github" / "scripts" / "changed_years.py"
    spec = importlib.util.spec_from_file_location("changed_years", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AVAILABLE = ["2016-17", "2017-18", "2018-19"]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["data/raw/2017-18/complaints.csv"], ["2017-18"]),
        (["data/raw/2018-19/duty.xlsx", "data/raw/2016-17/lgo.csv"], ["2016-17", "2018-19"]),
        (["data/reference/authority.yml"], AVAILABLE),
        (["data/history/2017-18.csv", "data/raw/2016-17/lgo.csv"], AVAILABLE),
        (["data/published/2016-17.csv", "README.md"], []),
        (["data/raw/2019-20/complaints.csv"], []),  # removed: no extracts left to check
    ],
)
def test_pull_request_checks_the_years_its_data_changes(changed_years, changed, expected):
    assert changed_years.years_to_check(changed, AVAILABLE) == expected


def test_years_with_extracts_are_the_year_folders_holding_files(changed_years, tmp_path):
    for name in ("2016-17", "2017-18", "notes", "2018-19"):
        (tmp_path / "data" / "raw" / name).mkdir(parents=True)
    (tmp_path / "data" / "raw" / "2016-17" / "complaints.csv").write_text("x")
    (tmp_path / "data" / "raw" / "notes" / "a.txt").write_text("x")
    (tmp_path / "data" / "raw" / "2018-19" / "duty.csv").write_text("x")
    assert changed_years.years_with_extracts(tmp_path) == ["2016-17", "2018-19"]
    assert changed_years.years_with_extracts(ROOT) == ["2016-17"]


def test_workflows_validate_changed_years_and_test_every_push():
    report = yaml.safe_load((ROOT / ".github/workflows/report.yml").read_text(encoding="utf-8"))
    triggers = report[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["pull_request"]["paths"] == ["data/**"]
    build = report["jobs"]["validate-and-build"]
    assert build["strategy"]["matrix"]["year"] == "${{ fromJSON(needs.years.outputs.years) }}"
    commands = " ".join(step.get("run", "") for step in build["steps"])
    assert 'complaints-report validate --year "${{ matrix.year }}"' in commands
    assert 'complaints-report build --year "${{ matrix.year }}"' in commands
    kept = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload"))
    paths = kept["with"]["path"].splitlines()
    for fmt in DEFAULT_FORMATS:  # every document a default build writes is kept
        assert "build/${{ matrix.year }}/" + OUTPUT_NAMES[fmt] in paths

    tests = yaml.safe_load((ROOT / ".github/workflows/tests.yml").read_text(encoding="utf-8"))
    assert "push" in tests[True]
    assert "make test" in [step.get("run") for step in tests["jobs"]["tests"]["steps"]]


# ---------------------------------------------------------------- case-level data


def load_hook():
    spec = importlib.util.spec_from_file_location(
        "no_case_data", ROOT / ".github" / "scripts" / "no_case_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hook_refuses_case_level_and_large_files():
    hook = load_hook()
    assert hook.refusal("data/raw/2016-17/complaints.csv", 40_000) is None  # the sample
    assert hook.refusal("tests/fixtures/mini/raw/duty.csv", 200) is None  # invented
    assert hook.refusal("data/reference/our-council.yml", 5_000) is None
    assert hook.refusal("data/raw/2017-18/complaints.xlsx", 30_000) == (
        "data/raw/2017-18/complaints.xlsx: case-level extracts stay out of git; keep them "
        "in a folder outside the repository and pass it with --raw (docs/data-handling.md)"
    )
    assert hook.refusal("exports/Complaints.CSV", 500) == (
        "exports/Complaints.CSV: named like an extract; case-level data stays out of git"
    )
    assert hook.refusal("notes/big.pdf", 2_000_000) == (
        "notes/big.pdf: larger than 1 MB (2000000 bytes); build outputs and exports stay out"
    )


def test_the_hook_is_wired_into_pre_commit_and_extracts_are_ignored():
    import subprocess

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    assert [(h["id"], h["entry"]) for h in local] == [
        ("no-case-data", "python .github/scripts/no_case_data.py")
    ]
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: .gitignore cannot be asked")
    ignored = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", "data/raw/2017-18/complaints.csv"],
        capture_output=True,
        text=True,
    )
    assert ignored.returncode == 0  # ignored
    sample = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", "data/raw/2016-17/complaints.csv"],
        capture_output=True,
        text=True,
    )
    assert sample.returncode == 1  # not ignored


def test_report_artifacts_hold_published_outputs_and_the_summary_only():
    report = yaml.safe_load((ROOT / ".github/workflows/report.yml").read_text(encoding="utf-8"))
    build = report["jobs"]["validate-and-build"]
    kept = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload"))
    paths = kept["with"]["path"].splitlines()
    published = ["build/${{ matrix.year }}/" + OUTPUT_NAMES[f] for f in DEFAULT_FORMATS]
    assert sorted(paths) == sorted([*published, "build/${{ matrix.year }}/validation/summary.md"])
    # a council's own extracts, by path on its own runner, instead of committed ones
    assert set(report[True]["workflow_dispatch"]["inputs"]) == {"year", "raw"}
    commands = " ".join(step.get("run", "") for step in build["steps"])
    assert '--raw "$RAW"' in commands
