"""Make report/reference.docx, the styles of the Word report, from pandoc's default one.

Run after changing the styles below (python-docx comes with the test extras):

    .venv/bin/python report/make_reference_docx.py

pandoc's own reference document is the starting point (so every style pandoc uses exists);
this script sets Arial (Liberation Sans) throughout, near-black headings in a clear size
scale that stay with the paragraph after them, and the "Table" style pandoc gives every
table: light rules between rows and a marked header row (bold, with a heavier rule under
it). Captions of tables and charts stay on the page of what they caption. pandoc marks
each table's first row as a header row that repeats on every page.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
TARGET = HERE / "reference.docx"
FONT = "Arial"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
BLUE = RGBColor(0x1D, 0x70, 0xB8)
HEADINGS: dict[str, float] = {"Heading 1": 20, "Heading 2": 15, "Heading 3": 13, "Heading 4": 12}


def pandoc_reference() -> bytes:
    """pandoc's default reference.docx (from the pandoc of pypandoc-binary)."""
    import pypandoc

    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return done.stdout


def set_font(style, size: float | None = None, *, bold: bool | None = None, colour=TEXT) -> None:
    """Arial (East Asian and complex scripts too), optional size, weight and colour."""
    font = style.font
    font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


def border(tag: str, size: int, colour: str) -> OxmlElement:
    """A single-line border element (size in eighths of a point)."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(size))
    element.set(qn("w:space"), "0")
    element.set(qn("w:color"), colour)
    return element


def style_tables(document: Document) -> None:
    """The "Table" style: rules between rows, a bold header row with a heavier rule."""
    table = named_styles(document)["Table"]
    element = table.element
    for old in element.findall(qn("w:tblStylePr")):
        element.remove(old)
    tbl_pr = element.find(qn("w:tblPr"))
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    borders.append(border("w:bottom", 4, "B1B4B6"))
    borders.append(border("w:insideH", 4, "B1B4B6"))
    margins = tbl_pr.find(qn("w:tblCellMar"))  # schema order: borders before cell margins
    if margins is not None:
        margins.addprevious(borders)
    else:
        tbl_pr.append(borders)
    set_font(table, 10)

    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    run = OxmlElement("w:rPr")
    run.append(OxmlElement("w:b"))
    first.append(run)
    row = OxmlElement("w:trPr")
    row.append(OxmlElement("w:tblHeader"))
    first.append(row)
    cell = OxmlElement("w:tcPr")
    cell_borders = OxmlElement("w:tcBorders")
    cell_borders.append(border("w:bottom", 12, "0B0C0C"))
    cell.append(cell_borders)
    first.append(cell)
    element.append(first)


def named_styles(document: Document) -> dict:
    """Styles by name and by id (pandoc's reference names some styles only by id)."""
    styles = {}
    for style in document.styles:
        styles[style.style_id] = style
        styles[style.name] = style
    return styles


def style_text(document: Document) -> None:
    """Body, title, headings, captions and links."""
    styles = named_styles(document)
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        set_font(styles[name], 11 if name == "Normal" else None)
    set_font(styles["Title"], 26, bold=True)
    set_font(styles["Subtitle"], 16, bold=True, colour=BLUE)
    for name in ("Author", "Date", "Caption", "Table Caption", "Image Caption"):
        set_font(styles[name])
    for name in ("Table Caption", "Image Caption"):
        styles[name].font.italic = False
        styles[name].paragraph_format.keep_with_next = True  # stays with its table or chart
    styles["Table Caption"].font.bold = True
    styles["Image Caption"].font.bold = False  # a chart's headline is bold, its subtitle not
    for name, size in HEADINGS.items():
        style = styles[name]
        set_font(style, size, bold=True)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(size * 1.2)
        style.paragraph_format.space_after = Pt(6)
    hyperlink = styles["Hyperlink"] if "Hyperlink" in styles else None
    if hyperlink is not None and hyperlink.type == WD_STYLE_TYPE.CHARACTER:
        hyperlink.font.color.rgb = BLUE


def make_reference(target: Path = TARGET) -> Path:
    """Write the reference document and return its path."""
    document = Document(io.BytesIO(pandoc_reference()))
    style_text(document)
    style_tables(document)
    document.core_properties.title = "Reference styles for the annual report"
    document.core_properties.author = ""
    document.save(target)
    return target


if __name__ == "__main__":
    print(make_reference(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
