"""The Word file as a committee paper: cover, contents with page numbers, A4 pages numbered in
the footer, numbered figures, right-aligned numbers, whole words in table cells, headings
for service areas, document properties. The checks on pages convert the file to PDF with
LibreOffice, as a member printing it would see it, and skip when LibreOffice is absent."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_render import FIXTURES, PUBLISHED, REFERENCE, fallback_render

from overlaps import pdf_words
from pipeline.publish import render, word
from pipeline.report.narrative import key_messages_of

pytestmark = pytest.mark.slow

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice, Debian libreoffice-writer) or pdftotext (poppler-utils) missing",
)
A4_TWIPS = (11906, 16838)
MARGINS_TWIPS = {"left": 1247, "right": 1247, "top": 1361, "bottom": 1361}  # 2.2 and 2.4 cm
SERVICE_AREAS = (
    "Specialist Safeguarding, Targeted Services and Youth Offending Services",
    "Looked after Children and Disability Services",
    "Partnership and Development",
)


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory) -> Path:
    """The fixture report as Word only, with the key messages a build puts on the cover."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "quarto_path", lambda: None)
    out_dir = tmp_path_factory.mktemp("word")
    messages = key_messages_of(FIXTURES / "figures.csv", REFERENCE, "2016-17")
    try:
        result = fallback_render(out_dir, formats=("docx",), key_messages=messages)
    finally:
        patch.undo()
    return result.outputs["docx"]


@pytest.fixture(scope="module")
def document(docx_file):
    return Document(str(docx_file))


@pytest.fixture(scope="module")
def printed(docx_file, tmp_path_factory) -> Path:
    """The Word file converted to PDF by LibreOffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("printed")
    return word.convert_to_pdf(shutil.which("soffice"), docx_file, folder)


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def lines_of(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


# ---------------------------------------------------------------- the file itself


def test_cover_comes_first_with_council_title_period_date_and_key_messages(document):
    texts = [p.text for p in document.paragraphs[:6]]
    assert texts[0] == "Example County Council"
    assert texts[1].startswith("Children's services complaints and compliments")
    assert texts[2:5] == [
        "1 April 2016 to 31 March 2017",
        "Published 28 September 2017",
        "Key messages",
    ]
    messages = key_messages_of(FIXTURES / "figures.csv", REFERENCE, "2016-17")
    bullets = [p.text for p in document.paragraphs[5 : 5 + len(messages)]]
    assert len(bullets) == len(messages) >= 5
    assert all(p.style.name == "Compact" for p in document.paragraphs[5 : 5 + len(messages)])
    assert "Key messages" not in styled(document, "Heading 1")  # not again in the body


def test_contents_lists_every_heading_1_and_2_with_a_link_and_the_body_starts_a_page(document):
    body = document.element.body
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    sdt = word.contents_block(document)
    lines = sdt.findall(f"{qn('w:sdtContent')}/{qn('w:p')}")
    assert word.paragraph_text(lines[0]) == "Contents"
    entries = [word.paragraph_text(p) for p in lines[1:]]
    assert [re.sub(r"\d+$", "", e) for e in entries] == headings
    anchors = [p.find(qn("w:hyperlink")).get(qn("w:anchor")) for p in lines[1:]]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert set(anchors) <= bookmarks and len(set(anchors)) == len(anchors)
    instructions = "".join(t.text for t in sdt.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instructions
    first_body = sdt.getnext()
    while first_body.tag != qn("w:p"):
        first_body = first_body.getnext()
    assert first_body.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None


def test_page_is_a4_with_the_pdf_margins_and_a_page_number_in_the_footer(document):
    section = document.sections[-1]
    sect_pr = section._sectPr
    size = sect_pr.find(qn("w:pgSz"))
    assert (int(size.get(qn("w:w"))), int(size.get(qn("w:h")))) == A4_TWIPS
    margins = sect_pr.find(qn("w:pgMar"))
    assert {k: int(margins.get(qn(f"w:{k}"))) for k in MARGINS_TWIPS} == MARGINS_TWIPS
    assert section.different_first_page_header_footer  # the cover has no number
    fields = section.footer._element.findall(f".//{qn('w:fldSimple')}")
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    assert not section.first_page_footer._element.findall(f".//{qn('w:fldSimple')}")


def test_document_properties_name_the_report_the_council_and_the_date(document):
    properties = document.core_properties
    assert properties.title.startswith("Children's services complaints and compliments")
    assert properties.author == "Example County Council"
    assert "1 April 2016 to 31 March 2017" in properties.subject
    assert properties.created.date() == PUBLISHED


def test_charts_are_numbered_as_in_the_pdf(document):
    captions = [  # the number is a field: its text is not among python-docx's runs
        word.paragraph_text(p._p) for p in document.paragraphs if p.style.name == "Image Caption"
    ]
    numbers = [int(re.match(r"Figure (\d+): ", c).group(1)) for c in captions]
    assert numbers == list(range(1, 24))
    fields = document.element.body.findall(f".//{qn('w:fldSimple')}")
    assert sum("SEQ Figure" in f.get(qn("w:instr"), "") for f in fields) == 23


def cell_alignment(cell) -> str:
    jc = cell._tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}")
    return "left" if jc is None else jc.get(qn("w:val"))


def test_numbers_are_right_aligned_in_every_table_header_included(document):
    number = re.compile(r"^(-|\[[a-z]\]|\d[\d,]*(\.\d+)?%?( \(\d+%\))?)$")
    checked = 0
    for table in document.tables:
        rows = [[c for c in row.cells] for row in table.rows]
        for column in range(len(rows[0])):
            body = [row[column].text.strip() for row in rows[1:]]
            if body and all(number.match(t) for t in body) and any(t[0].isdigit() for t in body):
                assert {cell_alignment(row[column]) for row in rows} == {"right"}, body
                checked += 1
            elif column == 0:
                assert cell_alignment(rows[1][0]) == "left"
    assert checked > 50


def test_column_widths_follow_the_content_and_fill_no_more_than_the_page(document):
    text_width = 11906 - 2 * 1247
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.iter(qn("w:gridCol"))]
        assert sum(grid) <= text_width + len(grid)
    first = document.tables[0]  # "Type of feedback" | "Number": narrower than the page
    widths = [int(c.get(qn("w:w"))) for c in first._tbl.iter(qn("w:gridCol"))]
    assert widths[0] > widths[1] and sum(widths) < text_width / 2


def test_service_areas_are_headings_kept_with_their_tables(document):
    paragraphs = document.paragraphs
    areas = [p for p in paragraphs if p.text in SERVICE_AREAS]
    assert len(areas) >= 12
    assert {p.style.name for p in areas} == {"Heading 3"}
    assert all(p.style.paragraph_format.keep_with_next for p in areas)
    bold_only = [
        p.text
        for p in paragraphs
        if p.runs
        and all(r.bold for r in p.runs)
        and p.style.name in ("Body Text", "First Paragraph")
    ]
    assert not [t for t in bold_only if t in SERVICE_AREAS]
    followed_by = []  # a table, or the actions or compliments listed under the area
    for area in areas:
        following = area._p.getnext()
        while following.tag == qn("w:bookmarkEnd"):
            following = following.getnext()
        followed_by.append(following.tag)
    assert followed_by.count(qn("w:tbl")) >= 12


def test_without_libreoffice_the_contents_list_the_headings_without_numbers(
    docx_file, tmp_path, monkeypatch, caplog
):
    copy = tmp_path / "copy.docx"
    shutil.copyfile(docx_file, copy)
    monkeypatch.setattr(word, "soffice_path", lambda: None)
    how = word.finish_word_file(copy)
    assert "LibreOffice (soffice) is not installed" in how and "not installed" in caplog.text
    document = Document(str(copy))
    sdt = word.contents_block(document)
    entries = [word.paragraph_text(p) for p in sdt.iter(qn("w:p"))][1:]
    assert entries[0] == "Introduction" and not any(re.search(r"\d$", e) for e in entries[:3])
    begin = next(sdt.iter(qn("w:fldChar")))
    assert begin.get(qn("w:dirty")) == "true"  # Word fills in the numbers when it may


# ---------------------------------------------------------------- as printed by LibreOffice


@needs_libreoffice
def test_printed_word_file_is_a4_with_a_cover_and_contents_with_page_numbers(printed):
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert round(width) == 595 and round(height) == 842
    pages = page_texts(printed)
    cover = " ".join(lines_of(pages[0]))
    for text in (
        "Example County Council",
        "annual report 2016/17",
        "1 April 2016 to 31 March",
        "Published 28 September 2017",
        "Key messages",
    ):
        assert text in cover
    contents = lines_of(pages[1])
    assert contents[0] == "Contents"
    entries = [re.match(r"^(.*?)\.{3,}\s*(\d+)$", line) for line in contents[1:-1]]
    assert all(entries) and len(entries) > 30
    for entry in entries:  # the number is the page the heading starts on
        heading, page = entry.group(1).strip(), int(entry.group(2))
        assert heading in [line for line in lines_of(pages[page - 1])], (heading, page)


@needs_libreoffice
def test_printed_word_file_numbers_every_page_but_the_cover(printed):
    pages = page_texts(printed)
    assert len(pages) > 20
    assert not lines_of(pages[0])[-1].isdigit()
    for number, page in enumerate(pages[1:], start=2):
        assert lines_of(page)[-1] == str(number)


@needs_libreoffice
def test_printed_word_file_splits_no_word_inside_a_table_cell(document, printed):
    def words(text: str) -> set[str]:
        return {w.strip(".,:;()'\"‘’“”") for w in text.split()}

    known = {"Contents"}
    for paragraph in document.paragraphs:
        known |= words(paragraph.text)
    cells = set()
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                cells |= words(cell.text)
    known |= cells
    printed_words = set()
    for box in pdf_words(printed):  # a contents line "Commentary.....27" is one box
        printed_words |= words(re.sub(r"\.{3,}", " ", box.text))
    fragments = {w for w in printed_words if w and not w.isdigit() and w not in known}
    fragments = {w for w in fragments if not 0xE000 <= ord(w[0]) <= 0xF8FF}  # bullet glyphs
    assert not fragments
    assert {"Complainant", "Safeguarding", "Percentage", "Number"} <= cells
