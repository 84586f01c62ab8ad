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
        """The options as plain JSON values (paths as given), for the manifest.

        The output formats are recorded with the outputs, not here: the provenance
        appendix shows these parameters, and an HTML-only preview followed by a full
        build should not have to execute the report again.
        """
        return {
            "year": self.year,
            "raw": str(self.raw),
            "reference": str(self.reference),
            "history": str(self.history),
            "text": display_path(self.text),
            "out": str(self.out),
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
