"""Placeholder text left in the report's prose or in the reference file.

The report's text folder (``report/text/*.md`` or ``--text``) ships with the template's
sentences ("Replace this text with the year's commentary ..."), and ``init`` drafts a
reference file whose guesses are marked ``CHECK`` and whose council name is ``Name of the
Council (CHANGE ME)``. Nothing marked so may reach a committee unread:

- in the reference file every such line is a validation error naming the file and line,
  so an unreviewed draft cannot build;
- in the text folder it makes the build a draft (the cover says "Draft"), and a build
  with ``--published`` refuses it with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# The template's own sentences (report/text/*.md as shipped) and the marks init writes.
TEMPLATE_PHRASES: tuple[str, ...] = (
    "Replace this text",
    "before the report goes to committee",
)
CHANGE_ME = re.compile(r"CHANGE ME")
CHECK = re.compile(r"\bCHECK\b")  # capitals only: "check" in a sentence is a word
DRAFT_NOTICE = "Draft: not for publication"


@dataclass(frozen=True)
class Placeholder:
    """One line holding placeholder text: the file, the line (from 1) and what was found."""

    file: Path
    line: int
    found: str

    def describe(self, root: Path | None = None) -> str:
        """``report/text/commentary.md, line 1: 'Replace this text'``."""
        name = self.file
        if root is not None and self.file.resolve().is_relative_to(root.resolve()):
            name = self.file.resolve().relative_to(root.resolve())
        return f"{name}, line {self.line}: '{self.found}'"


def _template_phrase(line: str) -> str | None:
    lowered = line.lower()
    return next((p for p in TEMPLATE_PHRASES if p.lower() in lowered), None)


def placeholders_in(path: Path, *, prose: bool) -> list[Placeholder]:
    """Every line of one file holding ``CHANGE ME``, ``CHECK`` or (for ``prose``) one of
    the template's sentences; one finding per line."""
    found = []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        phrase = _template_phrase(line) if prose else None
        match = CHANGE_ME.search(line) or CHECK.search(line)
        if phrase or match:
            found.append(Placeholder(path, number, phrase or match.group(0)))
    return found


def text_placeholders(text_dir: Path) -> list[Placeholder]:
    """Placeholder prose in the text folder's Markdown files, in file then line order."""
    if not text_dir.is_dir():
        return []
    files = sorted(p for p in text_dir.glob("*.md") if p.is_file())
    return [hit for path in files for hit in placeholders_in(path, prose=True)]


def reference_placeholders(reference: Path) -> list[Placeholder]:
    """Lines of the reference file still marked ``CHANGE ME`` or ``CHECK`` (by ``init``)."""
    if not reference.is_file():
        return []
    return placeholders_in(reference, prose=False)


def reference_message(hit: Placeholder) -> str:
    """The validation message for one marked line of the reference file."""
    if hit.found == "CHANGE ME":
        what = "still holds 'CHANGE ME' (a value init could not know): write the real one"
    else:
        what = (
            "is still marked CHECK (a guess of init): confirm or correct it, then delete "
            "the word CHECK"
        )
    return f"line {hit.line} {what}"


def published_refusal(hits: list[Placeholder], root: Path | None = None) -> str:
    """Why a ``--published`` build stops: every line of placeholder prose."""
    lines = "; ".join(hit.describe(root) for hit in hits)
    return (
        f"the report's text still holds placeholder prose ({lines}): write the year's own "
        "text there, or build without --published for a draft"
    )


def draft_warning(hits: list[Placeholder], root: Path | None = None) -> str:
    """What a build without ``--published`` says when the text holds placeholder prose."""
    lines = "; ".join(hit.describe(root) for hit in hits)
    return f"Draft: the report's text still holds placeholder prose ({lines}); its cover says so"
