"""Which reporting years a pull request's data changes need validated and built.

A year is checked when its extracts (``data/raw/<year>/``) change; every year that has
extracts is checked when the reference file or the history changes, since both are read
by every year's validation and report. Prints ``years=<JSON list>`` for ``$GITHUB_OUTPUT``.

    python .github/scripts/changed_years.py --base origin/main   # changes since the base
    python .github/scripts/changed_years.py --all                # every year with extracts

Standard library only: it runs before the project is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = "data/raw"
SHARED_INPUTS = ("data/reference/", "data/history/")
YEAR = re.compile(r"^\d{4}-\d{2}$")


def years_with_extracts(root: Path = ROOT) -> list[str]:
    """Folders of ``data/raw`` named like ``2016-17`` that hold at least one file."""
    raw = root / RAW
    if not raw.is_dir():
        return []
    return sorted(
        p.name
        for p in raw.iterdir()
        if p.is_dir() and YEAR.match(p.name) and any(f.is_file() for f in p.iterdir())
    )


def years_to_check(changed: list[str], available: list[str]) -> list[str]:
    """The years whose validation or report the changed paths can affect."""
    if any(path.startswith(SHARED_INPUTS) for path in changed):
        return sorted(available)
    years = set()
    for path in changed:
        parts = path.split("/")
        if len(parts) > 3 and "/".join(parts[:2]) == RAW and parts[2] in available:
            years.add(parts[2])
    return sorted(years)


def changed_files(base: str) -> list[str]:
    """Paths changed between ``base`` and HEAD (``git diff base...HEAD``)."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "--name-only", f"{base}...HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--base", help="git ref the pull request is compared with")
    which.add_argument("--all", action="store_true", help="every year that has extracts")
    args = parser.parse_args(argv)
    available = years_with_extracts()
    years = available if args.all else years_to_check(changed_files(args.base), available)
    print(f"years={json.dumps(years)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
