"""Time and peak memory of validation on random extracts of 10k, 100k and 1M complaints.

Usage: python benchmarks/bench_validate.py [cases ...]
Each size runs in its own subprocess so that its peak RSS (resource.getrusage) is its own.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference" / "authority.yml"
SIZES = (10_000, 100_000, 1_000_000)


def measure_one(cases: int) -> dict[str, float]:
    """Generate extracts, then time load + GE validation + outputs; runs in the child."""
    start = time.perf_counter()
    import great_expectations  # noqa: F401  (imported lazily by validate; timed apart)

    from pipeline.checks.validate import validate_extracts
    from pipeline.inputs.synth import write_random

    import_seconds = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        write_random(raw, cases, "2016-17", seed=1)
        rows = sum(len(p.read_bytes().splitlines()) - 1 for p in raw.glob("*.csv"))
        start = time.perf_counter()
        report = validate_extracts(raw, REFERENCE, "2016-17", out)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "cases": cases,
        "rows_all_files": rows,
        "seconds": round(seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "peak_rss_mb": round(peak_mb),
        "success": report.success,
    }


def main(sizes: list[int]) -> None:
    print("seconds = load + GE validation + outputs (Data Docs), after importing GE")
    print(f"{'complaints':>10} {'rows (all files)':>17} {'seconds':>8} {'import s':>8}", end="")
    print(f" {'peak MB':>8}  passed")
    for cases in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(cases)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{result['cases']:>10,} {result['rows_all_files']:>17,} {result['seconds']:>8}"
            f" {result['import_seconds']:>8} {result['peak_rss_mb']:>8}  {result['success']}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure_one(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(SIZES))
