"""The escaping boundary: each hostile text reads back as exactly itself in every format."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import polars as pl
import pytest

from hostile import HOSTILE_TEXTS, NO_EMOJI_FONT, emoji_font_missing, pdf_flat, shown
from pipeline.publish import safe
from pipeline.publish.render import RenderError, check_no_typst_packages, run_pandoc
from pipeline.report.charts import typst_table
from pipeline.report.narrative import grouped_list, pipe_table


class TextOf(HTMLParser):
    """Collects the text of every element of one tag name, and every tag seen."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag, self.depth, self.texts, self.tags = tag, 0, [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == self.tag:
            self.depth += 1
            self.texts.append("")
        elif tag == "br" and self.depth:
            self.texts[-1] += "\n"

    def handle_endtag(self, tag):
        if tag == self.tag:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def html_texts(html: str, tag: str) -> tuple[list[str], list[str]]:
    parser = TextOf(tag)
    parser.feed(html)
    return [shown(t) for t in parser.texts], parser.tags


def test_markdown_list_items_read_back_as_the_texts():
    frame = pl.DataFrame({"group": ["g"] * len(HOSTILE_TEXTS), "text": HOSTILE_TEXTS})
    html = run_pandoc(grouped_list(frame, "group", "text", ["g"]), ["--to=html5"])
    items, tags = html_texts(html, "li")
    assert items == [shown(t) for t in HOSTILE_TEXTS]
    assert set(tags) == {"p", "strong", "ul", "li", "br"}  # nothing from the texts


def test_markdown_table_cells_read_back_as_the_texts():
    frame = pl.DataFrame({"Text | <b>": HOSTILE_TEXTS})
    html = run_pandoc(pipe_table(frame), ["--to=html5"])
    cells, tags = html_texts(html, "td")
    assert cells == [shown(t) for t in HOSTILE_TEXTS]
    assert html_texts(html, "th")[0] == ["Text | <b>"]
    assert set(tags) <= {"table", "colgroup", "col", "thead", "tbody", "tr", "th", "td"}


def test_markdown_keeps_line_breaks_only_where_asked():
    assert safe.markdown_text("a\r\n\n  b\tc") == "a b c"
    assert safe.markdown_text("a\r\n\n  b\tc", line_breaks=True) == "a\\\n  b c"
    assert safe.markdown_text("1. *x*") == "1\\. \\*x\\*"


def test_stray_control_characters_are_made_visible():
    assert safe.clean("a\x00b\x1bc\x7f\x85") == "a\ufffdb\ufffdc\ufffd\ufffd"
    assert safe.clean("a\r\nb\u2028c") == "a\nb\nc"


def test_html_text_escapes_tags_attributes_and_entities():
    assert safe.html_text('<a href="x">&amp;\'') == "&lt;a href=&quot;x&quot;&gt;&amp;amp;&#x27;"


def test_script_json_cannot_end_its_script_element():
    data = {"t": "</script><!--<script>`\u2028\u2029&", "n": 1}
    text = safe.script_json(data)
    assert json.loads(text) == data
    assert not any(s in text for s in ("<", ">", "&", "`", "\u2028", "\u2029"))


def test_raw_block_fence_is_longer_than_any_backtick_run():
    block = safe.raw_block("html", "<p>```` x</p>")
    assert block.startswith("`````{=html}\n") and block.endswith("\n`````\n")


def test_markdown_code_span_holds_backticks():
    assert safe.markdown_code("a`b") == "``a`b``"
    assert safe.markdown_code("`x`") == "`` `x` ``"


def test_typst_string_escapes_quotes_and_backslashes():
    assert safe.typst_string('say "hi" \\ there\nnow') == 'say \\"hi\\" \\\\ there now'


def test_typst_content_escapes_markup():
    assert safe.typst_content("2016/17 #1 [a]") == "2016\\/17 \\#1 \\[a\\]"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
@pytest.mark.skipif(emoji_font_missing(), reason=NO_EMOJI_FONT)
def test_typst_content_reads_back_as_the_texts(tmp_path):
    import typst

    source = tmp_path / "t.typ"
    frame = pl.DataFrame({"text": HOSTILE_TEXTS})
    alt = safe.typst_string(HOSTILE_TEXTS[0])
    source.write_text(
        '#set document(title: "t")\n#set page(width: 60cm, height: auto)\n'
        f'{typst_table(frame)}\n#figure(image("x.svg", alt: "{alt}"))',
        encoding="utf-8",
    )
    (tmp_path / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8"
    )
    typst.compile(str(source), output=str(tmp_path / "t.pdf"))
    text = subprocess.run(
        ["pdftotext", "-raw", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True
    ).stdout
    flat = pdf_flat(text)
    missing = [t for t in HOSTILE_TEXTS if pdf_flat(t) not in flat]
    assert missing == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 7700", "'+44 7700"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\uff1d1", "'\uff1d1"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (12, 12),
        (None, None),
    ],
)
def test_spreadsheet_text_never_starts_a_formula(value, expected):
    assert safe.spreadsheet_text(value) == expected
    assert safe.formula_like(value) == (expected != value)


def test_a_remote_image_in_the_material_stops_pandoc_without_fetching(tmp_path):
    with pytest.raises(RenderError, match="outside resource .*https://example.com/x.png"):
        run_pandoc("![x](https://example.com/x.png)", ["--to=html5", "--embed-resources"])


def test_typst_package_imports_are_refused_but_escaped_text_is_not():
    with pytest.raises(RenderError, match="Typst package @preview/cetz:0.2.2"):
        check_no_typst_packages('#import "@preview/cetz:0.2.2": *')
    escaped = safe.typst_string('#import "@preview/cetz:0.2.2": *')
    check_no_typst_packages(f'#image("c.svg", alt: "{escaped}") {safe.typst_content(escaped)}')
