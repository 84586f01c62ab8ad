"""One build of an output folder at a time.

A build holds a lock file beside its output folder (``build/2016-17.lock``, the ``filelock``
package: an operating-system lock, released when the process ends, however it ends) and
writes who holds it to ``build/2016-17.lock.json``. A second build of the same folder stops
at once with "another build of 2016-17 is running (process N, started T)", or waits for the
first with ``--wait``. Builds of different years or ``--out`` folders have different locks
and run side by side. While a build holds the lock, any ``<out>.building-*`` folder beside
it can only be left over from a build that died, so removing leftovers is safe.
The lock file itself is removed when the build ends (:func:`remove_lock_file`).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from pipeline.files import atomic_write_text

Result = TypeVar("Result")
log = logging.getLogger(__name__)


class BuildLocked(Exception):
    """Another build of the same output folder is running."""


def lock_path(out: Path) -> Path:
    """``build/2016-17`` -> ``build/2016-17.lock``."""
    return out.parent / f"{out.name}.lock"


def holder_path(out: Path) -> Path:
    """The side file naming the process that holds the lock."""
    return out.parent / f"{out.name}.lock.json"


def holder_description(out: Path) -> str:
    """``(process 123, started 2024-05-01 10:02:03)``, or empty when not known."""
    try:
        holder = json.loads(holder_path(out).read_text(encoding="utf-8"))
        return f" (process {holder['pid']}, started {holder['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def running_message(out: Path, year: str) -> str:
    """The message a second build of the same output gives."""
    return f"another build of {year} is running{holder_description(out)} into {out}"


def remove_lock_file(out: Path) -> None:
    """Remove the lock file while still holding its lock, so that no ``<out>.lock`` is left
    in ``build/``. A build waiting on the removed file notices and locks the new one
    (filelock 4 checks the file it locked is still there). On Windows the open file cannot
    be removed; filelock removes it there on release."""
    with suppress(OSError):
        lock_path(out).unlink()


@contextmanager
def build_lock(out: Path, year: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the lock of ``out`` for the duration of the block.

    Without ``wait`` a lock held by another process raises :class:`BuildLocked` at once;
    with it, the wait is logged and the block runs when the other build ends.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(out))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise BuildLocked(running_message(out, year)) from None
        log.warning("waiting: %s", running_message(out, year))
        lock.acquire()
    try:
        started = datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
        atomic_write_text(holder_path(out), json.dumps({"pid": os.getpid(), "started": started}))
        yield
    finally:
        holder_path(out).unlink(missing_ok=True)
        remove_lock_file(out)
        lock.release()


def holding_build_lock(build: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``build(options, ...)`` holding the lock of ``options.out``.

    ``options.wait`` (false when absent) chooses between waiting and stopping at once.
    """

    @functools.wraps(build)
    def locked(options: Any, *args: Any, **kwargs: Any) -> Result:
        wait = getattr(options, "wait", False)
        with build_lock(Path(options.out), options.year, wait=wait):
            return build(options, *args, **kwargs)

    return locked
