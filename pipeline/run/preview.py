"""``complaints-report preview``: the HTML report on localhost, rebuilt as you write.

It builds once (HTML only, reusing every unchanged step of the last build), serves the
page on ``127.0.0.1`` with the standard library's HTTP server (in a thread), and watches
the prose, the extracts, the reference file and the history with ``watchfiles``. A
change rebuilds only the steps whose inputs changed, and the open page reloads itself:
the served copy (never the built file) carries a small script that asks the server for
the build's version every second. A failed rebuild keeps serving the last good page and
shows the error in the terminal and in a banner on the page.

The built page may carry a Content-Security-Policy that allows only its own scripts
(by hash) and no connections; the served copy adds the reload script's hash to
``script-src`` and allows connections to the page's own server (``connect-src 'self'``).
"""

from __future__ import annotations

import html
import json
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.errors import InputError
from pipeline.publish.csp import script_hash
from pipeline.run.build import (
    BuildFailed,
    BuildOptions,
    BuildOutcome,
    StepDone,
    check_inputs_exist,
    run_build,
)

HOST = "127.0.0.1"
VERSION_PATH = "/__preview/version"
POLL_MS = 1000
CSP_META = re.compile(
    r"""<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>""", re.IGNORECASE
)
CONTENT_ATTRIBUTE = re.compile(r"""(\bcontent\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
# Reloads the page when the server's version changes (keeping the scroll position), and
# shows the last rebuild's error in a banner at the top of the page.
RELOAD_SCRIPT = """(function () {
  var version = %(version)d, key = "complaints-report-preview-scroll";
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }
  var banner = null;
  function show(error) {
    if (!error) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("pre");
      banner.setAttribute("role", "alert");
      banner.id = "preview-error";
      var s = banner.style;
      s.position = "fixed"; s.top = "0"; s.left = "0"; s.right = "0"; s.margin = "0";
      s.padding = "0.6em 1em"; s.background = "#d4351c"; s.color = "#fff";
      s.whiteSpace = "pre-wrap"; s.zIndex = "1000"; s.maxHeight = "40vh"; s.overflow = "auto";
      document.body.appendChild(banner);
    }
    banner.textContent = "The last rebuild failed; this is the last good page.\\n" + error;
  }
  function poll() {
    fetch("%(path)s", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.version !== version) {
          sessionStorage.setItem(key, String(window.scrollY));
          window.location.reload();
          return;
        }
        show(state.error);
        setTimeout(poll, %(poll)d);
      })
      .catch(function () { setTimeout(poll, %(poll)d); });
  }
  setTimeout(poll, %(poll)d);
})();"""
WAITING_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Report preview</title></head>
<body><main><h1>No report yet</h1>
<p>The first build did not finish; the terminal says why. This page reloads itself
when a change to the prose, extracts, reference file or history has been built.</p>
<pre>%(error)s</pre></main></body></html>
"""


# ---------------------------------------------------------------- the served copy


def reload_script(version: int) -> str:
    """The reload script for a page of build ``version``."""
    return RELOAD_SCRIPT % {"version": version, "path": VERSION_PATH, "poll": POLL_MS}


def allow_reload(policy: str, script: str) -> str:
    """A Content-Security-Policy that also runs ``script`` and lets it ask its own server."""
    directives = [d.strip() for d in html.unescape(policy).split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    extra = {"script-src": script_hash(script), "connect-src": "'self'"}
    for name, source in extra.items():
        if name in names:
            index = names.index(name)
            values = [v for v in directives[index].split()[1:] if v != "'none'"]
            directives[index] = " ".join([name, *values, source])
        else:
            directives.append(f"{name} {source}")
    return "; ".join(directives)


def served_page(page: str, version: int) -> str:
    """The built page with the reload script, and its policy (if any) allowing it."""
    script = reload_script(version)

    def adjust(meta: re.Match) -> str:
        def content(attribute: re.Match) -> str:
            policy = html.escape(allow_reload(attribute.group(3), script), quote=True)
            return f"{attribute.group(1)}{attribute.group(2)}{policy}{attribute.group(2)}"

        return CONTENT_ATTRIBUTE.sub(content, meta.group(0), count=1)

    page = CSP_META.sub(adjust, page)
    tag = f"<script>{script}</script>\n"
    closing = list(BODY_CLOSE.finditer(page))
    if closing:
        at = closing[-1].start()
        return page[:at] + tag + page[at:]
    return page + tag


# ---------------------------------------------------------------- the server


@dataclass
class PreviewState:
    """The page being served, its version and the last rebuild's error (thread-safe)."""

    page: str = ""
    version: int = 0
    error: str | None = None
    built: str = ""  # the page as built, before the reload script was added

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    def publish(self, page: str) -> bool:
        """A good build: clear the error; a new page gets a new version (the open page
        reloads). Returns whether the page changed."""
        with self.lock:
            self.error = None
            if page == self.built:
                return False
            self.built = page
            self.version += 1
            self.page = served_page(page, self.version)
            return True

    def fail(self, message: str) -> None:
        """A rebuild failed: keep the page, remember the error."""
        with self.lock:
            self.error = message

    def snapshot(self) -> tuple[str, int, str | None]:
        with self.lock:
            return self.page, self.version, self.error


def handler_for(state: PreviewState) -> type[BaseHTTPRequestHandler]:
    """A request handler serving ``state``: the page at ``/``, the version as JSON."""

    class PreviewHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            path = self.path.split("?", 1)[0]
            page, version, error = state.snapshot()
            if path == VERSION_PATH:
                body = json.dumps({"version": version, "error": error}).encode()
                self.send(HTTPStatus.OK, "application/json", body)
            elif path in ("/", "/index.html", "/annual-report.html"):
                self.send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode("utf-8"))
            else:
                self.send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

        def send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the terminal is for the builds."""

    return PreviewHandler


def start_server(state: PreviewState, port: int) -> ThreadingHTTPServer:
    """Serve ``state`` on ``127.0.0.1:port`` (0: a free port the system picks) in a thread."""
    server = ThreadingHTTPServer((HOST, port), handler_for(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


# ---------------------------------------------------------------- watching


def watched_paths(options: BuildOptions) -> list[Path]:
    """Folders to watch: prose, extracts, history, and the folder of the reference file."""
    folders = [options.text, options.raw, options.history, options.reference.parent]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder not in unique:
            unique.append(folder)
    return unique


def relevant(options: BuildOptions) -> Callable[[object, str], bool]:
    """A watch filter keeping changes to the reference file and to files in the prose,
    extract and history folders (hidden files and editor backups left out)."""
    folders = [options.text, options.raw, options.history]

    def keep(change: object, name: str) -> bool:
        path = Path(name)
        if path.name.startswith(".") or path.name.endswith(("~", ".swp", ".tmp")):
            return False
        if path == options.reference:
            return True
        return any(path.is_relative_to(folder) for folder in folders)

    return keep


def describe_changes(changes: Iterable[tuple[object, str]]) -> str:
    """``commentary.md, complaints.csv``: the changed files' names, sorted."""
    return ", ".join(sorted({Path(name).name for _, name in changes}))


# ---------------------------------------------------------------- the loop


@dataclass
class Preview:
    """One preview session: build, serve, watch, rebuild."""

    options: BuildOptions
    state: PreviewState
    say: Callable[[str], None]
    progress: Callable[[StepDone], None]

    def build(self) -> BuildOutcome | None:
        """Build (HTML only) and publish the page; on failure keep the last good one."""
        started = time.perf_counter()
        try:
            outcome = run_build(self.options, self.progress)
        except InputError as error:
            return self.failed(error.describe())
        except BuildFailed as error:
            return self.failed(str(error), error.details)
        except Exception as error:  # a crash must not end the preview: report it, go on
            return self.failed(f"crashed: {type(error).__name__}: {error}")
        changed = self.state.publish(outcome.outputs["html"].read_text(encoding="utf-8"))
        seconds = time.perf_counter() - started
        reused = [done.step for done in outcome.steps if not done.ran]
        note = f" (reused: {', '.join(reused)})" if reused else ""
        effect = "the page reloads itself" if changed else "the page is unchanged"
        self.say(f"built in {seconds:.1f} s{note}; {effect}")
        return outcome

    def failed(self, message: str, details: str = "") -> None:
        """Keep the last good page; say what went wrong, here and on the page."""
        self.state.fail(f"{message}\n\n{details}".strip() if details else message)
        self.say(f"build failed: {message}")
        self.say("still serving the last good page; fix the problem and save again")

    def serve_something(self) -> None:
        """After a failed first build: the last build's page if there is one, else a notice."""
        error = self.state.error or ""
        last = self.options.out / "annual-report.html"
        if last.is_file():
            self.state.publish(last.read_text(encoding="utf-8"))
        else:
            self.state.publish(WAITING_PAGE % {"error": html.escape(error)})
        self.state.fail(error)

    def watch(self, stop: threading.Event) -> None:
        """Rebuild whenever a watched file changes, until ``stop`` is set."""
        from watchfiles import watch

        options = self.options
        for changes in watch(
            *watched_paths(options),
            watch_filter=relevant(options),
            stop_event=stop,
            raise_interrupt=True,
        ):
            self.say(f"changed: {describe_changes(changes)}; rebuilding")
            self.build()


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the preview as Ctrl-C does."""
    raise KeyboardInterrupt


def run_preview(
    options: BuildOptions,
    port: int,
    say: Callable[[str], None],
    progress: Callable[[StepDone], None],
) -> int:
    """Build, serve on ``127.0.0.1:port`` and rebuild on change until Ctrl-C (exit 0).

    Raises :class:`InputError` at once when the extract folder or reference file is
    missing: there would be nothing to watch.
    """
    check_inputs_exist(options)
    # HTML only; a build of the same folder started by hand is waited for, not refused
    options = replace(options.absolute(), formats=("html",), force=False, wait=True)
    state = PreviewState()
    preview = Preview(options, state, say, progress)
    server: ThreadingHTTPServer | None = None
    stop = threading.Event()
    previous_handler = signal.signal(signal.SIGTERM, interrupt)
    try:
        if preview.build() is None:
            preview.serve_something()
        try:
            server = start_server(state, port)
        except OSError as error:
            say(f"cannot serve on {HOST}:{port}: {error.strerror}; choose another --port")
            return 1
        url = f"http://{HOST}:{server.server_address[1]}/"
        say(f"Serving the {options.year} report at {url} (Ctrl-C stops)")
        say(
            "watching: "
            + ", ".join(str(p) for p in watched_paths(options))
            + f" (reference: {options.reference.name})"
        )
        preview.watch(stop)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
    say("preview stopped")
    return 0
