"""Placeholder prose (the template's sentences, CHANGE ME, CHECK) in the report's text
folder: a build with --published refuses it with file and line; any other build is a
draft, and says so under the title of every format."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.errors import InputError
from pipeline.inputs.placeholders import (
    DRAFT_NOTICE,
    Placeholder,
    reference_placeholders,
    text_placeholders,
)
from pipeline.publish import render
from pipeline.run.build import run_build
from pipeline.run.options import BuildOptions

TEMPLATE_SENTENCE = (
    "*Replace this text with the year's commentary before the report goes to committee.*\n"
)


@pytest.fixture()
def text_dir(tmp_path: Path) -> Path:
    """A copy of the report's text folder, its commentary written by the council, one
    other file still holding placeholders."""
    folder = tmp_path / "text"
    shutil.copytree(ROOT / "report" / "text", folder)
    (folder / "commentary.md").write_text("The year in a few words.\n", encoding="utf-8")
    (folder / "introduction.md").write_text(
        "An introduction.\n\n" + TEMPLATE_SENTENCE + "\nThe council (CHANGE ME) and a CHECK.\n",
        encoding="utf-8",
    )
    return folder


def test_placeholders_are_found_with_file_and_line(text_dir):
    intro = text_dir / "introduction.md"
    assert text_placeholders(text_dir) == [
        Placeholder(intro, 3, "Replace this text"),
        Placeholder(intro, 5, "CHANGE ME"),
    ]
    (text_dir / "introduction.md").write_text("We will check every reply.\n", encoding="utf-8")
    assert text_placeholders(text_dir) == []  # "check" in a sentence is a word


def test_the_shipped_template_sentence_is_found():
    hits = text_placeholders(ROOT / "report" / "text")
    template = [h for h in hits if h.found == "Replace this text"]
    assert all(h.file.name == "commentary.md" for h in template)


def test_reference_marks_are_found(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("authority: X (CHANGE ME)  # CHECK\nnatures: [A]  # CHECK: order\n")
    assert reference_placeholders(path) == [
        Placeholder(path, 1, "CHANGE ME"),
        Placeholder(path, 2, "CHECK"),
    ]


def options(text_dir: Path, tmp_path: Path, published: dt.date | None) -> BuildOptions:
    return BuildOptions(
        year="2016-17",
        raw=ROOT / "data" / "raw" / "2016-17",
        reference=ROOT / "data" / "reference" / "authority.yml",
        history=ROOT / "data" / "history",
        out=tmp_path / "out",
        text=text_dir,
        published=published,
    )


def test_a_published_build_refuses_placeholder_prose(text_dir, tmp_path):
    with pytest.raises(InputError) as caught:
        run_build(options(text_dir, tmp_path, dt.date(2017, 9, 28)), lambda done: None)
    intro = text_dir / "introduction.md"
    assert caught.value.message == (
        f"the report's text still holds placeholder prose ({intro}, line 3: 'Replace this "
        f"text'; {intro}, line 5: 'CHANGE ME'): write the year's own text there, or build "
        "without --published for a draft"
    )
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_the_draft_notice_is_metadata_only_for_a_draft():
    info = render.DocumentInfo("T", "C", "2016-17", dt.date(2017, 9, 28))
    assert "draft-notice" not in info.metadata()
    draft = render.DocumentInfo("T", "C", "2016-17", dt.date(2017, 9, 28), draft=True)
    assert draft.metadata()["draft-notice"] == DRAFT_NOTICE == "Draft: not for publication"


def test_every_format_says_draft_under_the_title(tmp_path):
    import docx

    meta = render.DocumentInfo("Title", "Council", "2016-17", dt.date(2017, 9, 28), draft=True)
    meta = meta.metadata()
    render.write_vega_head(tmp_path)
    page = render.pandoc_html("Body text.", tmp_path, meta)
    assert '<p class="draft"><strong>Draft: not for publication</strong></p>' in page
    assert page.index("Draft: not for publication") < page.index("Body text.")
    typst = render.pandoc_typst("Body text.", tmp_path, meta)
    assert "draft: [Draft\\: not for publication]," in typst
    target = tmp_path / "draft.docx"
    render.pandoc_docx("Body text.", tmp_path, meta, target)
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(target)).paragraphs]
    assert ("Cover Details", "Draft: not for publication") in paragraphs


def test_validate_and_build_say_when_the_text_is_a_draft(text_dir, tmp_path, capsys):
    from pipeline.run.cli import say_draft, validation_warnings

    say_draft(text_dir)
    intro = text_dir / "introduction.md"
    assert capsys.readouterr().out == (
        f"Draft: the report's text still holds placeholder prose ({intro}, line 3: 'Replace "
        f"this text'; {intro}, line 5: 'CHANGE ME'); its cover says so; a build with "
        "--published refuses it\n"
    )
    (tmp_path / "out" / "validation").mkdir(parents=True)
    (tmp_path / "out" / "validation" / "result.json").write_text(
        '{"success": true, "warnings": ["escalations.csv: the header ..."]}'
    )
    assert validation_warnings(tmp_path / "out") == ["escalations.csv: the header ..."]
    assert validation_warnings(tmp_path / "none") == []
