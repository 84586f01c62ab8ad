"""Execute a parameterised notebook with Papermill, keeping its executed copy."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from functools import cache
from pathlib import Path

import papermill
from jupyter_client.manager import KernelManager

from pipeline import PROJECT_ROOT


class NotebookFailed(Exception):
    """A step's notebook raised; carries the error's type and message."""

    def __init__(self, notebook: Path, kept: Path, ename: str, evalue: str) -> None:
        self.notebook = notebook
        self.kept = kept
        self.ename = ename
        self.evalue = evalue
        super().__init__(f"{notebook.name} failed: {ename}: {evalue} (executed copy: {kept})")


@cache
def _socket_dir() -> str:
    """A private folder for the kernels' IPC sockets, removed when the process ends."""
    folder = tempfile.mkdtemp(prefix="complaints-report-kernels-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


class LocalKernelManager(KernelManager):
    """Talks to the kernel over local IPC sockets instead of TCP ports.

    Nothing listens on the network, and the kernel has no reason to warn about
    unencrypted TCP traffic.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = os.path.join(_socket_dir(), f"kernel-{uuid.uuid4().hex[:12]}")


def project_path(relative: str) -> Path:
    """A path inside the project (notebooks, report source, default data)."""
    return PROJECT_ROOT / relative


def execute_notebook(source: Path, dest: Path, parameters: dict[str, object]) -> Path:
    """Run ``source`` with ``parameters`` and save the executed copy at ``dest``.

    The copy is written beside ``dest`` first and moved into place only when every
    cell succeeded; on failure it is kept as ``<name>.failed.ipynb`` and
    :class:`NotebookFailed` is raised, so an earlier good copy is never overwritten.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}.", suffix=".ipynb")
    os.close(handle)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    try:
        papermill.execute_notebook(
            str(source),
            temp,
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(PROJECT_ROOT),
            kernel_manager_class=LocalKernelManager,
        )
    except papermill.PapermillExecutionError as exc:
        failed = dest.with_name(f"{dest.stem}.failed.ipynb")
        os.replace(temp, failed)
        raise NotebookFailed(source, failed, exc.ename, exc.evalue) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    os.replace(temp, dest)
    return dest
