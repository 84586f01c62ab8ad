"""Conversions kept when their source has not changed (pipeline.memo)."""

from __future__ import annotations

import os

from pipeline.memo import key_file, write_converted


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
