"""The options of one build: which year, which inputs, where the outputs go."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline import PROJECT_ROOT

DEFAULT_TEXT = PROJECT_ROOT / "report" / "text"


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build depends on besides the files it reads."""

    year: str
    raw: Path
    reference: Path
    history: Path
    out: Path
    formats: tuple[str, ...] = ("html", "pdf", "docx", "xlsx")
    force: bool = False
    wait: bool = False  # for another build of the same output to finish (else stop at once)
    text: Path = DEFAULT_TEXT
    published: date | None = None  # the cover's date of publication (None: the build's day)

    def parameters(self) -> dict[str, object]:
        """The options as plain JSON values (paths as :func:`public_path` names them), for the
        manifest.

        The output formats are recorded with the outputs, not here: the provenance
        appendix shows these parameters, and an HTML-only preview followed by a full
        build should not have to execute the report again.
        """
        return {
            "year": self.year,
            "raw": public_path(self.raw),
            "reference": public_path(self.reference),
            "history": public_path(self.history),
            "text": public_path(self.text),
            "out": public_path(self.out),
            "published": self.published.isoformat() if self.published else None,
        }

    def absolute(self) -> BuildOptions:
        """The same options with absolute paths (the steps may run in other folders)."""
        return replace(
            self,
            raw=self.raw.resolve(),
            reference=self.reference.resolve(),
            history=self.history.resolve(),
            out=self.out.resolve(),
            text=self.text.resolve(),
        )


def display_path(path: Path) -> str:
    """A path relative to the project when it lies inside it (with ``/`` on every
    system, so a manifest reads the same on Windows), else absolute."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    return str(resolved)


def public_path(path: Path, folder: Path | None = None) -> str:
    """How the report and the manifest name a file or folder: relative to the project when
    it lies inside it; else relative to the parent of ``folder`` (the input folder holding
    it, so that an extract keeps its folder's name: ``2017-18/complaints.csv``); else by its
    own name. Never an absolute path, which would show where (and often under which user's
    name) the files are kept."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    if folder is not None and resolved.is_relative_to(folder.resolve().parent):
        return resolved.relative_to(folder.resolve().parent).as_posix()
    return resolved.name
