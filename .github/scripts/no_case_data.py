"""Pre-commit hook: refuse case-level data and large files (issue 20).

A council's extracts name teams and hold free text about children: they belong in a
folder outside the repository (docs/data-handling.md), never in git. This hook stops a
commit that adds:

- a spreadsheet or data file (CSV, XLSX, XLS, ODS, Parquet) under ``data/raw/`` other than
  the shipped sample ``data/raw/2016-17/``;
- a file named like an extract (``complaints.csv``, ``Duty.xlsx``, ...) anywhere but the
  sample and the synthetic test fixtures under ``tests/``;
- any file larger than 1 MB (an export, a built report, a database).

Run by pre-commit with the staged files as arguments; exit 1 with one line per refused
file. Standard library only, so that pre-commit needs nothing installed.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

MAX_BYTES = 1_000_000
SAMPLE = "data/raw/2016-17/"
SYNTHETIC = ("tests/",)  # test fixtures: invented councils, no real case
EXTRACT_STEMS = frozenset(
    {"complaints", "remedies", "escalations", "findings", "recommendations", "lgo", "duty"}
    | {"compliments"}
)
DATA_SUFFIXES = frozenset({".csv", ".xlsx", ".xls", ".xlsm", ".ods", ".parquet", ".tsv"})


def refusal(name: str, size: int) -> str | None:
    """Why one staged file may not be committed, or None when it may."""
    path = PurePosixPath(name.replace("\\", "/"))
    text = str(path)
    suffix = path.suffix.lower()
    if text.startswith(SAMPLE):
        return None if size <= MAX_BYTES else f"{text}: larger than 1 MB ({size} bytes)"
    if text.startswith("data/raw/") and suffix in DATA_SUFFIXES:
        return (
            f"{text}: case-level extracts stay out of git; keep them in a folder outside "
            "the repository and pass it with --raw (docs/data-handling.md)"
        )
    if (
        path.stem.lower() in EXTRACT_STEMS
        and suffix in DATA_SUFFIXES
        and not text.startswith(SYNTHETIC)
    ):
        return f"{text}: named like an extract; case-level data stays out of git"
    if size > MAX_BYTES:
        return f"{text}: larger than 1 MB ({size} bytes); build outputs and exports stay out"
    return None


def main(argv: list[str]) -> int:
    refused = []
    for name in argv:
        path = Path(name)
        size = path.stat().st_size if path.is_file() else 0
        reason = refusal(name, size)
        if reason:
            refused.append(reason)
    for reason in refused:
        print(f"refused: {reason}", file=sys.stderr)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
