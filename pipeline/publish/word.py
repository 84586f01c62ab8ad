"""Finish the Word file pandoc wrote: contents with page numbers, properties, kept tables.

``report/filters/word.lua`` gives the Word file its cover and an empty contents field (a
TOC field over headings 1 and 2). Word fills such a field only when it may update fields,
which Protected View (every e-mailed file) forbids, so the contents are written into the
file here, as the field's last result: one line per heading, a link to it, and its page.

Page numbers need the pages laid out. LibreOffice (``soffice``, Debian's
``libreoffice-writer``) does that: the file, its contents already listed, is converted to a
PDF in a temporary folder, and each heading's page is read from that PDF's outline (pypdf).
Listing the contents first makes the pages the same as in the final file, whose lines differ
only in their page numbers. Without LibreOffice the contents still list every heading with
its link but no page numbers, and the field stays marked for Word to update when it may;
the log says so.

Also set here: the document properties (title, subject, author = the council, created =
the date of publication, read from the cover), the body starting on a new page after the
contents, short tables (20 rows or fewer) kept on one page, as the PDF keeps them, and each
table's grid of column widths scaled to the A4 page (pandoc sizes it for a page of its own).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

log = logging.getLogger(__name__)

CONTENTS_STYLES = {"Heading1": "toc1", "Heading2": "toc2"}
TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
SHORT_TABLE_ROWS = 20  # as report/typst/typst-template.typ: a table this short is not split
SOFFICE_TIMEOUT = 300  # seconds


@dataclass(frozen=True)
class Heading:
    """A heading listed in the contents: its level (1 or 2), text and bookmark."""

    level: int
    text: str
    anchor: str


def soffice_path() -> str | None:
    """LibreOffice's ``soffice`` on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def paragraph_text(p) -> str:
    """The text of a ``w:p`` element (every run, links included)."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def paragraph_style(p) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return "" if style is None else style.get(qn("w:val"), "")


def bookmark_of(p) -> str:
    """The bookmark pandoc set on a heading (inside the paragraph or just before it)."""
    inside = p.find(qn("w:bookmarkStart"))
    if inside is not None:
        return inside.get(qn("w:name"), "")
    before = p.getprevious()
    while before is not None and before.tag == qn("w:bookmarkStart"):
        if not before.get(qn("w:name"), "").startswith("_"):
            return before.get(qn("w:name"), "")
        before = before.getprevious()
    return ""


def contents_headings(document) -> list[Heading]:
    """Headings 1 and 2 of the body, in order."""
    body = document.element.body
    return [
        Heading(int(paragraph_style(p)[-1]), " ".join(paragraph_text(p).split()), bookmark_of(p))
        for p in body.iter(qn("w:p"))
        if paragraph_style(p) in CONTENTS_STYLES
    ]


def contents_block(document):
    """The ``w:sdt`` holding the TOC field (word.lua writes it), or None."""
    for sdt in document.element.body.iter(qn("w:sdt")):
        gallery = sdt.find(f".//{qn('w:docPartGallery')}")
        if gallery is not None and gallery.get(qn("w:val")) == "Table of Contents":
            return sdt
    return None


def field_runs(kind: str, dirty: bool = False) -> str:
    flag = ' w:dirty="true"' if dirty else ""
    if kind == "begin":
        return (
            f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{escape(TOC_INSTRUCTION)}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
    return '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def contents_line(heading: Heading, page: int | None, first: bool, last: bool) -> str:
    """One line of the contents (a ``w:p``), opening or closing the field when first or last."""
    style = CONTENTS_STYLES[f"Heading{heading.level}"]
    number = "" if page is None else f"<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>"
    entry = f'<w:r><w:t xml:space="preserve">{escape(heading.text)}</w:t></w:r>{number}'
    if heading.anchor:
        entry = f"<w:hyperlink w:anchor={quoteattr(heading.anchor)}>{entry}</w:hyperlink>"
    opening = field_runs("begin", dirty=page is None) if first else ""
    closing = field_runs("end") if last else ""
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        f"{opening}{entry}{closing}</w:p>"
    )


def write_contents(document, headings: list[Heading], pages: list[int] | None) -> None:
    """Replace the contents field's result with a line per heading (page numbers if known)."""
    sdt = contents_block(document)
    if sdt is None or not headings:
        return
    content = sdt.find(qn("w:sdtContent"))
    paragraphs = content.findall(qn("w:p"))
    for p in paragraphs[1:]:  # the first is the "Contents" heading
        content.remove(p)
    for i, heading in enumerate(headings):
        page = None if pages is None else pages[i]
        line = contents_line(heading, page, i == 0, i == len(headings) - 1)
        content.append(parse_xml(line))


def start_body_on_new_page(document) -> None:
    """The first paragraph after the contents starts a page."""
    sdt = contents_block(document)
    after = sdt.getnext() if sdt is not None else None
    while after is not None and after.tag != qn("w:p"):
        after = after.getnext()
    if after is not None:
        Paragraph(after, None).paragraph_format.page_break_before = True


def keep_short_tables_whole(document) -> None:
    """A table of up to 20 rows stays on one page: no row splits, each row keeps with the
    next (as the PDF keeps short tables whole)."""
    for table in document.tables:
        rows = table.rows
        if len(rows) > SHORT_TABLE_ROWS:
            continue
        for index, row in enumerate(rows):
            tr_pr = row._tr.get_or_add_trPr()
            if tr_pr.find(qn("w:cantSplit")) is None:
                tr_pr.insert(0, parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
            if index < len(rows) - 1:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True


def text_width(document) -> int:
    """The width between the margins, in twentieths of a point."""
    section = document.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def fit_table_grids(document) -> None:
    """Column widths in twentieths of a point that add up to the table's width.

    pandoc writes a table's width as a share of the text width (from the relative widths
    word.lua gives its columns) but its grid of columns for a page of its own size, narrower
    than A4; LibreOffice lays a table out by that grid, so the grid is scaled to the page.
    """
    width = text_width(document)
    for table in document.element.body.iter(qn("w:tbl")):
        table_width = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        grid = table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        if table_width is None or table_width.get(qn("w:type")) != "pct" or not grid:
            continue
        target = width * int(table_width.get(qn("w:w"))) / 5000
        current = sum(int(col.get(qn("w:w"), "0")) for col in grid) or 1
        for col in grid:
            col.set(qn("w:w"), str(round(int(col.get(qn("w:w"), "0")) * target / current)))


def cover_texts(document, style: str) -> list[str]:
    return [
        paragraph_text(p)
        for p in document.element.body.iter(qn("w:p"))
        if paragraph_style(p) == style.replace(" ", "")
    ]


def published_date(document) -> dt.date | None:
    """The date of publication on the cover ("Published 28 September 2017")."""
    for text in cover_texts(document, "Cover Details"):
        if text.startswith("Published "):
            try:
                return dt.datetime.strptime(text.removeprefix("Published ").strip(), "%d %B %Y")
            except ValueError:
                return None
    return None


def set_properties(document) -> None:
    """Title, subject, author (the council) and dates (the date of publication), from the cover."""
    properties = document.core_properties
    titles, councils = cover_texts(document, "Title"), cover_texts(document, "Subtitle")
    details = [t for t in cover_texts(document, "Cover Details") if not t.startswith("Published")]
    if titles:
        properties.title = titles[0]
    if councils:
        properties.author = properties.last_modified_by = councils[0]
    properties.subject = "Complaints, representations and compliments about children's services"
    if details:
        properties.subject += f", {details[0]}"
    published = published_date(document)
    if published is not None:
        properties.created = properties.modified = published
    properties.revision = 1


def outline_pages(pdf: Path) -> list[tuple[str, int]]:
    """(title, page number from 1) of every entry of a PDF's outline, in order."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    entries: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                entries.append((" ".join(str(item.title).split()), page + 1))

    walk(reader.outline)
    return entries


def match_pages(headings: list[Heading], outline: list[tuple[str, int]]) -> list[int] | None:
    """Each heading's page: the outline's entries taken in order, matched by their text."""
    pages, position = [], 0
    for heading in headings:
        while position < len(outline) and outline[position][0] != heading.text:
            position += 1
        if position == len(outline):
            log.warning("Word contents: heading %r not found in LibreOffice's pages", heading.text)
            return None
        pages.append(outline[position][1])
        position += 1
    return pages


def convert_to_pdf(executable: str, docx: Path, folder: Path) -> Path:
    """``soffice --headless --convert-to pdf`` with a profile of its own in ``folder`` (so
    that runs side by side, or a LibreOffice the user has open, do not meet)."""
    profile = (folder / "profile").as_uri()
    done = subprocess.run(
        [
            executable,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=SOFFICE_TIMEOUT,
    )
    pdf = folder / f"{docx.stem}.pdf"
    if done.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"LibreOffice could not convert {docx.name}: {done.stderr[-1000:]}")
    return pdf


def heading_pages(executable: str, document, headings: list[Heading]) -> list[int] | None:
    """The page of each heading as LibreOffice lays out ``document``, or None."""
    with tempfile.TemporaryDirectory(prefix="word-pages-") as temp:
        folder = Path(temp)
        draft = folder / "draft.docx"
        document.save(draft)
        try:
            pdf = convert_to_pdf(executable, draft, folder)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            log.warning("Word contents without page numbers: %s", error)
            return None
        return match_pages(headings, outline_pages(pdf))


def finish_word_file(path: Path) -> str:
    """Finish the Word file at ``path`` in place; say how its contents were filled."""
    document = Document(str(path))
    set_properties(document)
    start_body_on_new_page(document)
    keep_short_tables_whole(document)
    fit_table_grids(document)
    headings = contents_headings(document)
    write_contents(document, headings, None)
    executable = soffice_path()
    pages = heading_pages(executable, document, headings) if executable and headings else None
    if pages is not None:
        write_contents(document, headings, pages)
        how = "contents with page numbers laid out by LibreOffice"
    elif executable is None:
        how = (
            "contents without page numbers: LibreOffice (soffice) is not installed; "
            "Word adds them when it may update fields"
        )
        log.warning("Word file: %s", how)
    else:
        how = "contents without page numbers (LibreOffice failed; see the warning above)"
    document.save(str(path))
    return how
