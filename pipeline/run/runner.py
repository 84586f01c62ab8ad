"""Execute a parameterised notebook with Papermill, keeping its executed copy."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterable
from concurrent.futures import Future
from functools import cache
from pathlib import Path

from jupyter_client.manager import KernelManager

from pipeline import PROJECT_ROOT

log = logging.getLogger(__name__)
# zmq's IPC sockets are Unix domain sockets; on Windows the kernels use TCP on 127.0.0.1
IPC_SOCKETS = os.name == "posix"


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
    """Talks to the kernel over local IPC sockets instead of TCP ports (where the platform
    has them: TCP on 127.0.0.1 on Windows), and stops it without interrupting it first.

    Nothing listens on the network, and the kernel has no reason to warn about
    unencrypted TCP traffic.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if IPC_SOCKETS:
            self.transport = "ipc"
            self.ip = str(Path(_socket_dir()) / f"kernel-{uuid.uuid4().hex[:12]}")
        _kernels.add(self)

    async def _async_interrupt_kernel(self) -> None:
        """Interrupt the running cell, unless the kernel is being shut down.

        jupyter_client interrupts (SIGINT) every kernel it shuts down before asking it to
        stop (or killing it); an idle ipykernel answers with ``[IPKernelApp] ERROR |
        KeyboardInterrupt caught in kernel.`` in the terminal, in about one build in eight.
        The shutdown request (or, with ``now``, the kill) stops it on its own.
        """
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


_kernels: weakref.WeakSet[LocalKernelManager] = weakref.WeakSet()


def stop_kernel(manager: KernelManager) -> None:
    """Stop one kernel at once through jupyter_client (which kills the process the way
    the platform allows); a failure is logged, not raised: the build is stopping anyway."""
    try:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    except Exception as error:
        log.warning("could not stop a notebook kernel: %s: %s", type(error).__name__, error)


def kill_kernels() -> None:
    """Stop every kernel this process started and still runs (a build was interrupted).

    Kernels run in their own session, so Ctrl-C in the terminal does not reach them;
    a notebook running in another thread then stops with a dead-kernel error.
    """
    for manager in list(_kernels):
        stop_kernel(manager)


# ---------------------------------------------------------------- kernels started early


def set_kernel_environment() -> None:
    """What kernels started from here inherit: no debugger warning about frozen modules.
    (Polars' allocator keeps its defaults: see ``load.largest_first`` for the memory.)"""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


_warm: dict[Path, Future] = {}
_warm_lock = threading.Lock()


def _started_kernel(modules: tuple[str, ...]) -> KernelManager:
    """A kernel in the project folder that has already imported ``modules``."""
    set_kernel_environment()
    manager = LocalKernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(PROJECT_ROOT))
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        if modules:
            client.execute_interactive(f"import {', '.join(modules)}", silent=True, timeout=60)
    except BaseException:
        manager.shutdown_kernel(now=True)
        raise
    finally:
        client.stop_channels()
    return manager


def warm_kernel(source: Path, modules: Iterable[str] = ()) -> None:
    """Start, in the background, the kernel for the next run of ``source``.

    Starting a kernel and importing the libraries a notebook needs takes about a
    second; a build does it while an earlier step still runs on the other core. The
    notebook's cells then run as usual (silent imports leave no trace in its outputs).
    """
    future: Future = Future()
    with _warm_lock:
        if source in _warm:
            return
        _warm[source] = future

    def start() -> None:
        try:
            future.set_result(_started_kernel(tuple(modules)))
        except BaseException as error:  # the notebook will start its own kernel
            future.set_exception(error)

    threading.Thread(target=start, name=f"warm-{source.stem}", daemon=True).start()


def _take_warm_kernel(source: Path) -> KernelManager | None:
    """The kernel started early for ``source``, if any (waiting for it to be ready)."""
    with _warm_lock:
        future = _warm.pop(source, None)
    if future is None:
        return None
    try:
        return future.result(timeout=90)
    except Exception:
        return None


def discard_warm_kernels(source: Path | None = None) -> None:
    """Shut down kernels started early that no notebook used (a build stopped): every
    one, or only the one for ``source``."""
    with _warm_lock:
        sources = list(_warm) if source is None else [s for s in _warm if s == source]
        futures = [_warm.pop(s) for s in sources]
    for future in futures:
        try:
            manager = future.result(timeout=90)
        except Exception:  # it never started (the error is the notebook's to report)
            continue
        stop_kernel(manager)


def project_path(relative: str) -> Path:
    """A path inside the project (notebooks, report source, default data)."""
    return PROJECT_ROOT / relative


def execute_notebook(source: Path, dest: Path, parameters: dict[str, object]) -> Path:
    """Run ``source`` with ``parameters`` and save the executed copy at ``dest``.

    The copy is written beside ``dest`` first and moved into place only when every
    cell succeeded; on failure it is kept as ``<name>.failed.ipynb`` and
    :class:`NotebookFailed` is raised, so an earlier good copy is never overwritten.
    """
    import papermill  # here, not at the top: a kernel can start early without it

    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}.", suffix=".ipynb")
    os.close(handle)
    set_kernel_environment()
    kernel = _take_warm_kernel(source)
    try:
        papermill.execute_notebook(
            str(source),
            temp,
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            # the kernel starts in the project folder; papermill's own ``cwd`` would
            # chdir this whole process, which races when two steps run side by side
            resources={"metadata": {"path": str(PROJECT_ROOT)}},
            kernel_manager_class=LocalKernelManager,
            # written once at the end (and on failure): saving after every cell
            # re-validated and rewrote the whole notebook, about 1 s for the report
            request_save_on_cell_execute=False,
            **({"km": kernel} if kernel is not None else {}),
        )
    except papermill.PapermillExecutionError as exc:
        failed = dest.with_name(f"{dest.stem}.failed.ipynb")
        os.replace(temp, failed)
        raise NotebookFailed(source, failed, exc.ename, exc.evalue) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    finally:
        if kernel is not None:  # a kernel passed in is not shut down by papermill
            kernel.shutdown_kernel(now=True)
    os.replace(temp, dest)
    return dest
