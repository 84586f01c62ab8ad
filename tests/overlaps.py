"""Text printed over other text on a PDF page, found from the boxes of its words.

``pdftotext -bbox`` (poppler-utils) gives every word of every page with the rectangle it
occupies. Two words whose rectangles share more than a third of the smaller one's area are
printed over each other: header words of a crowded table, or table rows pushed over each
other and over the page number. Words that merely touch (a line's descenders meeting the
next line's ascenders) share far less than that.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

SHARE = 1 / 3  # of the smaller box's area


@dataclass(frozen=True)
class Word:
    """A word on a page and its box (points, from the top-left corner)."""

    page: int
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def area(self) -> float:
        return max(0.0, self.right - self.left) * max(0.0, self.bottom - self.top)


class _BoxReader(HTMLParser):
    """Reads the XHTML pdftotext -bbox writes: <page ...><word xMin= yMin= ...>text</word>."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[Word] = []
        self.page = 0
        self._box: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "page":
            self.page += 1
        elif tag == "word":
            self._box = {k: v or "0" for k, v in attrs}

    def handle_data(self, data: str) -> None:
        if self._box is not None:
            box = self._box
            self.words.append(
                Word(
                    self.page,
                    data,
                    float(box["xmin"]),
                    float(box["ymin"]),
                    float(box["xmax"]),
                    float(box["ymax"]),
                )
            )
            self._box = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "word":
            self._box = None


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of every page with its box."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    reader = _BoxReader()
    reader.feed(done.stdout)
    return reader.words


def shared_area(a: Word, b: Word) -> float:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return width * height if width > 0 and height > 0 else 0.0


def overlapping_words(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words on one page whose boxes share more than a third of the smaller box."""
    pairs = []
    by_page: dict[int, list[Word]] = {}
    for word in words:
        if word.area > 0:
            by_page.setdefault(word.page, []).append(word)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.top)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1 :]:
                if b.top >= a.bottom:
                    break  # sorted by top: no later word reaches down into a
                if shared_area(a, b) > SHARE * min(a.area, b.area):
                    pairs.append((a, b))
    return pairs


def describe(pairs: list[tuple[Word, Word]]) -> str:
    """The overlapping pairs, one a line: page, the two words and where."""
    return "\n".join(
        f"page {a.page}: {a.text!r} ({a.left:.0f},{a.top:.0f}) over {b.text!r} "
        f"({b.left:.0f},{b.top:.0f})"
        for a, b in pairs
    )
