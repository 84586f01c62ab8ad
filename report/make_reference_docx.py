"""Make report/reference.docx, the styles of the Word report, from pandoc's default one.

Run after changing the styles below (python-docx comes with the test extras):

    .venv/bin/python report/make_reference_docx.py

pandoc's own reference document is the starting point (so every style pandoc uses exists);
this script sets Arial (Liberation Sans) throughout, near-black headings in a clear size
scale that stay with the paragraph after them, and the "Table" style pandoc gives every
table: light rules between rows and a marked header row (bold, with a heavier rule under
it). Captions of tables and charts stay on the page of what they caption. pandoc marks
each table's first row as a header row that repeats on every page.

The page is the PDF's (report/typst/typst-template.typ): A4, 2.2 cm margins at the sides and
2.4 cm at the top and foot, the page number centred in the footer (a PAGE field, which Word
and LibreOffice fill as they lay out the pages) on every page but the cover. pandoc takes the
page set-up and the footer from this document. The "toc 1" and "toc 2" styles are the lines
of the contents that pipeline/publish/word.py writes: the heading, dots and the page number at the
right margin.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
TARGET = HERE / "reference.docx"
FONT = "Arial"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
BLUE = RGBColor(0x1D, 0x70, 0xB8)
HEADINGS: dict[str, float] = {"Heading 1": 20, "Heading 2": 15, "Heading 3": 13, "Heading 4": 12}
PAGE = (Cm(21.0), Cm(29.7))  # A4
MARGINS = {"x": Cm(2.2), "y": Cm(2.4)}  # as the PDF
TEXT_WIDTH = PAGE[0] - 2 * MARGINS["x"]


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
    for name in ("Title", "Subtitle"):  # on the left, as on the PDF's cover
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    styles["Subtitle"].paragraph_format.space_before = Pt(60)
    for name in ("Author", "Date", "Caption", "Table Caption", "Image Caption"):
        set_font(styles[name])
    for name in ("Table Caption", "Image Caption"):
        styles[name].font.italic = False
        styles[name].paragraph_format.keep_with_next = True  # stays with its table or chart
    styles["Table Caption"].font.bold = True
    styles["Image Caption"].font.bold = False  # a chart's headline is bold, its subtitle not
    styles["Image Caption"].paragraph_format.space_before = Pt(14)  # apart from a table above
    for name, size in HEADINGS.items():
        style = styles[name]
        set_font(style, size, bold=True)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(size * 1.2)
        style.paragraph_format.space_after = Pt(6)
    hyperlink = styles["Hyperlink"] if "Hyperlink" in styles else None
    if hyperlink is not None and hyperlink.type == WD_STYLE_TYPE.CHARACTER:
        hyperlink.font.color.rgb = BLUE


def page_field(paragraph) -> None:
    """A PAGE field in ``paragraph`` (its shown value is filled in as the pages are laid out)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def set_up_page(document: Document) -> None:
    """A4 with the PDF's margins; the page number centred in the footer, none on the cover."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE
    section.left_margin = section.right_margin = MARGINS["x"]
    section.top_margin = section.bottom_margin = MARGINS["y"]
    section.header_distance = section.footer_distance = Cm(1.2)
    section._sectPr.find(qn("w:pgMar")).set(qn("w:gutter"), "0")  # Word expects all seven
    section.different_first_page_header_footer = True  # the cover: an empty first-page footer
    section.first_page_footer.paragraphs[0].text = ""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(footer)


def style_contents(document: Document) -> None:
    """ "toc 1" and "toc 2": a contents line with dots to the page number at the right margin."""
    styles = named_styles(document)
    for level, indent in ((1, 0), (2, 0.6)):
        name = f"toc {level}"
        style = styles.get(name) or document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        set_font(style, 10.5, bold=level == 1)
        layout = style.paragraph_format
        layout.left_indent = Cm(indent)
        layout.space_before = Pt(5 if level == 1 else 0)
        layout.space_after = Pt(0)
        layout.line_spacing = 1.0
        layout.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    set_font(styles["TOC Heading"], 20, bold=True)


def style_small_tables(document: Document) -> None:
    """ "Table Text 10" to "Table Text 7": the cells of a table too wide for the line at the
    cells' own size (word.lua chooses the size)."""
    styles = named_styles(document)
    for size in (10, 9, 8, 7):
        name = f"Table Text {size}"
        style = styles.get(name) or document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Compact"]
        set_font(style, size)


def style_cover(document: Document) -> None:
    """The cover's own paragraphs: the period and date of publication, the key messages' heading."""
    styles = named_styles(document)
    for name, size, bold in (("Cover Details", 13, False), ("Cover Heading", 15, True)):
        style = styles.get(name) or document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        set_font(style, size, bold=bold)
        style.paragraph_format.space_before = Pt(18 if bold else 0)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = bold


def make_reference(target: Path = TARGET) -> Path:
    """Write the reference document and return its path."""
    document = Document(io.BytesIO(pandoc_reference()))
    style_text(document)
    style_tables(document)
    style_contents(document)
    style_cover(document)
    style_small_tables(document)
    set_up_page(document)
    document.core_properties.title = "Reference styles for the annual report"
    document.core_properties.author = ""
    document.save(target)
    return target


if __name__ == "__main__":
    print(make_reference(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
