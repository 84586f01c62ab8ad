"""Conversions kept when their source has not changed (pipeline.run.memo)."""

from __future__ import annotations

import os

from pipeline.run.memo import key_file, write_converted


def test_a_conversion_is_kept_while_source_and_converter_are_the_same(tmp_path):
    calls = []

    def convert(source):
        calls.append(source)
        return f"<svg>{source['n']}</svg>"

    path = tmp_path / "chart.svg"
    assert write_converted(path, {"n": 1}, convert, "converter 1.0") is True
    assert write_converted(path, {"n": 1}, convert, "converter 1.0") is False
    assert calls == [{"n": 1}]
    assert path.read_text() == "<svg>1</svg>"

    assert write_converted(path, {"n": 2}, convert, "converter 1.0") is True
    assert path.read_text() == "<svg>2</svg>"
    assert write_converted(path, {"n": 2}, convert, "converter 2.0") is True  # new version
    assert len(calls) == 3


def test_a_file_linked_from_an_earlier_build_is_replaced_not_edited(tmp_path):
    earlier, later = tmp_path / "earlier.svg", tmp_path / "later.svg"
    write_converted(earlier, {"n": 1}, lambda s: "<svg>old</svg>", "c")
    os.link(earlier, later)
    os.link(key_file(earlier), key_file(later))
    assert write_converted(later, {"n": 2}, lambda s: "<svg>new</svg>", "c") is True
    assert earlier.read_text() == "<svg>old</svg>"
    assert later.read_text() == "<svg>new</svg>"


def test_a_missing_or_foreign_key_converts_again(tmp_path):
    path = tmp_path / "chart.svg"
    path.write_text("<svg>made elsewhere</svg>")
    assert write_converted(path, {"n": 1}, lambda s: "<svg>1</svg>", "c") is True
    key_file(path).write_text("not a key")
    assert write_converted(path, {"n": 1}, lambda s: "<svg>1</svg>", "c") is True


def test_a_binary_conversion_is_written_as_bytes_and_kept(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    calls = []

    def convert(source):
        calls.append(source)
        return png

    path = tmp_path / "chart.png"
    assert write_converted(path, "<svg>1</svg>", convert, "svg_to_png x2") is True
    assert write_converted(path, "<svg>1</svg>", convert, "svg_to_png x2") is False
    assert path.read_bytes() == png
    assert calls == ["<svg>1</svg>"]


def test_word_chart_images_are_made_once_per_drawing(tmp_path):
    from pipeline.publish.render import chart_pngs

    charts = tmp_path / "charts"
    charts.mkdir()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    (charts / "a.svg").write_text(svg)
    [png] = chart_pngs(tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG")
    made = png.stat().st_mtime_ns
    chart_pngs(tmp_path)
    assert png.stat().st_mtime_ns == made  # kept, not converted again
    (charts / "a.svg").write_text(svg.replace('width="10" height="10"/>', 'width="5" height="5"/>'))
    chart_pngs(tmp_path)
    assert png.stat().st_mtime_ns != made
