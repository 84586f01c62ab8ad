"""Writing output files so that a reader never sees a half-written one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# The permissions a file written the ordinary way gets (read once, at import: setting the
# mask to read it is not safe while other threads create files).
NEW_FILE_MODE = 0o666 & ~_current_umask()


def _temp_file_beside(path: Path) -> Path:
    """A new, empty, hidden file in the folder of ``path``, with the permissions an
    ordinary new file gets (``mkstemp`` alone would make it readable by its owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    os.chmod(temp, NEW_FILE_MODE)
    return Path(temp)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place.

    On any failure the temporary file is removed and ``path`` is left as it was.
    """
    temp = _temp_file_beside(path)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically."""
    atomic_write(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def write_new_text(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` only if no file is there (never overwrites, even one
    created meanwhile): written beside it, then hard-linked into place.

    Raises :class:`FileExistsError` when ``path`` exists.
    """
    temp = _temp_file_beside(path)
    try:
        temp.write_text(text, encoding="utf-8")
        os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def replace_folder(new: Path, target: Path) -> None:
    """Swap the finished folder ``new`` into place at ``target``.

    The old ``target`` is renamed to ``<name>.previous-<pid>`` first and removed only
    after the swap, so at no moment is there a half-replaced folder.
    """
    previous = None
    if target.exists():
        previous = target.parent / f"{target.name}.previous-{os.getpid()}"
        os.replace(target, previous)
    os.replace(new, target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
