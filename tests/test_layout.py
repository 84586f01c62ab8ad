"""No text printed over other text, in the PDF or in the Word file as LibreOffice prints it.

The council of tests/fixtures/wide-council has eight outcomes with long names and eight
service areas with long names, and its extracts sit in a folder with a long name: its
tables are as wide and its Appendix C as long as a real council's can be. Its extracts are
made with ``synth --cases --reference``. The checker (tests/overlaps.py) reads the word boxes
of every page with ``pdftotext -bbox``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from overlaps import Word, describe, overlapping_words, pdf_words
from pipeline.publish import render, word
from pipeline.run.cli import main

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)
needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice, libreoffice-writer) missing"
)
WIDE = ROOT / "tests" / "fixtures" / "wide-council" / "authority.yml"
LONG_FOLDER = "extracts from the case management system exported for the annual report"
OUTCOMES = ("No Determination", "Closed - Sensitive", "Still Open", "Not Upheld", "No Contact")


@pytest.fixture(scope="module")
def wide_build(tmp_path_factory) -> Path:
    """The wide council's 2016/17 report, built from 600 synthetic complaints."""
    base = tmp_path_factory.mktemp("wide")
    raw = base / LONG_FOLDER / "2016-17"
    history = base / "history"
    history.mkdir()
    common = ["--year", "2016-17", "--reference", str(WIDE)]
    assert main(["synth", *common, "--cases", "600", "--out", str(raw)]) == 0
    out = base / "out"
    arguments = ["--raw", str(raw), "--history", str(history), "--out", str(out)]
    assert main(["build", *common, *arguments, "--published", "2017-09-28"]) == 0
    return out


def test_the_checker_finds_words_printed_over_each_other():
    words = [
        Word(1, "Not", 100, 100, 120, 110),
        Word(1, "Determination", 104, 102, 170, 112),  # over "Not"
        Word(1, "Upheld", 125, 100, 150, 110),  # beside "Not", over "Determination"
        Word(1, "below", 100, 109, 130, 119),  # touches "Not" by a point: not over it
        Word(2, "Not", 100, 100, 120, 110),  # another page
    ]
    pairs = {frozenset((a.text, b.text)) for a, b in overlapping_words(words)}
    assert pairs == {frozenset(("Not", "Determination")), frozenset(("Determination", "Upheld"))}


@pytest.mark.slow
@needs_pdftotext
def test_wide_council_pdf_prints_no_text_over_text(wide_build):
    pdf = wide_build / "annual-report.pdf"
    words = pdf_words(pdf)
    assert {"Determination", "Sensitive"} <= {w.text for w in words}
    pairs = overlapping_words(words)
    assert not pairs, describe(pairs)


@pytest.mark.slow
@needs_pdftotext
@needs_libreoffice
def test_wide_council_word_file_prints_no_text_over_text(wide_build, tmp_path):
    pdf = word.convert_to_pdf(shutil.which("soffice"), wide_build / "annual-report.docx", tmp_path)
    words = pdf_words(pdf)
    text = " ".join(w.text for w in words)
    assert all(o.split()[-1] in text for o in OUTCOMES)
    pairs = overlapping_words(words)
    assert not pairs, describe(pairs)


def input_table(rows: int) -> str:
    """Appendix C of a council whose files have long names: ``rows`` input files."""
    folder = f"{LONG_FOLDER.replace(' ', '_')}/2016-17"
    manifest = {
        "year": "2016-17",
        "inputs": {f"{folder}/extract_number_{n}.csv": "0f" * 32 for n in range(rows)},
        "versions": {"python": "3.11"},
        "renderer": {"name": "pandoc"},
    }
    return render.manifest_markdown(manifest, "pandoc")


@needs_pdftotext
@pytest.mark.parametrize("lines_before", [0, 6, 12])
def test_a_table_reaching_the_foot_of_a_page_is_not_printed_over_itself(tmp_path, lines_before):
    """17 input files of three lines each: the short table (kept whole when it fits) is
    taller than the room on the page, and must break rather than overprint its rows."""
    filler = "\n\n".join(f"Line {i} before the table." for i in range(lines_before))
    markdown = f"# Appendix C: Provenance\n\n{filler}\n\n{input_table(17)}\n"
    meta = render.DocumentInfo("T", "C", "2016-17", dt.date(2017, 9, 28)).metadata()
    target = tmp_path / "appendix.pdf"
    render.compile_pdf(render.pandoc_typst(markdown, tmp_path, meta), tmp_path, target)
    words = pdf_words(target)
    assert sum(w.text.startswith("0f0f") for w in words) == 17 * 4
    pairs = overlapping_words(words)
    assert not pairs, describe(pairs)
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert "Pages:           3" in pages or "Pages:           4" in pages  # cover, contents, more
