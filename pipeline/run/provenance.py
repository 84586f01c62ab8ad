"""What a run is made of: file checksums and software versions."""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib import metadata
from pathlib import Path

KEY_PACKAGES: tuple[str, ...] = (
    "polars",
    "pyarrow",
    "pandas",
    "fastexcel",
    "holidays",
    "great_expectations",
    "altair",
    "vl-convert-python",
    "papermill",
    "nbconvert",
    "pypandoc-binary",
    "typst",
)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: the installed packages do not change under a running build."""
    versions = [("python", platform.python_version())]
    for name in KEY_PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def package_versions() -> dict[str, str]:
    """Python and the key packages, as installed (a new dict each call)."""
    return dict(_installed_versions())
