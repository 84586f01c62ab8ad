"""Files made by a pure conversion, kept when their source has not changed.

The report step converts every chart's Vega-Lite specification to SVG for the PDF, about
a second and a half for the sample, and the same specifications give the same SVG. A
rebuild whose charts did not change (after an edit to the prose, say) starts with the
previous build's SVGs copied into its folder (see :mod:`pipeline.run.build`), and
:func:`write_converted` keeps each one whose recorded key, a hash of the source and the
converter's version, still matches. The key is stored beside the file (``<name>.key``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from pipeline.files import atomic_write, atomic_write_text

KEY_SUFFIX = ".key"


def conversion_key(source: object, converter: str) -> str:
    """SHA-256 of a JSON-able source and the name and version of what converts it."""
    blob = json.dumps({"source": source, "converter": converter}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def key_file(path: Path) -> Path:
    """Where the key of ``path`` is recorded."""
    return path.with_name(path.name + KEY_SUFFIX)


def write_converted(
    path: Path, source: object, convert: Callable[[object], str | bytes], converter: str
) -> bool:
    """Write ``convert(source)`` (text, or bytes such as a PNG) to ``path`` unless it
    already holds that very result.

    Both files are replaced atomically (never written in place), so a file hard-linked
    from an earlier build would never be changed either. Returns True when it converted,
    False when it kept the file.
    """
    key = conversion_key(source, converter)
    stamp = key_file(path)
    try:
        if path.is_file() and stamp.read_text(encoding="utf-8") == key:
            return False
    except OSError:
        pass
    result = convert(source)
    if isinstance(result, bytes):
        atomic_write(path, lambda temp: temp.write_bytes(result))
    else:
        atomic_write_text(path, result)
    atomic_write_text(stamp, key)
    return True
