"""A Content-Security-Policy for the HTML report, added after the renderer wrote the page.

Defence in depth behind :mod:`pipeline.safe`: even if a text from an extract reached the
page as markup, the browser would run none of it and fetch nothing. The policy allows:

- scripts only by the SHA-256 hash of each inline script outside the report's ``<main>``
  element (the Vega bundle and the chart loader in the head; a renderer's own scripts).
  The report's content, where data is shown, can hold no script that runs: inline event
  handlers (``onerror=``) and ``javascript:`` addresses are blocked as well;
- inline styles (pandoc, Quarto and Vega set them), and images and fonts held in the page
  as ``data:`` addresses;
- nothing else: no connection, frame, object, media, worker, form action or base address.

It works on whatever HTML the renderer writes (pandoc or Quarto), as a ``<meta
http-equiv>`` element placed first in ``<head>``.
"""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
SCRIPT_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
MAIN_OPEN = re.compile(r"<main\b[^>]*>", re.IGNORECASE)
MAIN_CLOSE = re.compile(r"</main\s*>", re.IGNORECASE)
HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
JAVASCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")
FIXED_DIRECTIVES: tuple[str, ...] = (
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    "connect-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "media-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
)


class PolicyError(ValueError):
    """The page does not have the shape the policy relies on (one ``<head>``, one ``<main>``)."""


def script_hash(source: str) -> str:
    """CSP hash source of an inline script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _runs(attributes: str) -> bool:
    """Whether a ``<script>`` with these attributes is code the browser would run inline."""
    if SCRIPT_SRC.search(attributes):
        return True
    found = SCRIPT_TYPE.search(attributes)
    return (found.group(1).lower() if found else "") in JAVASCRIPT_TYPES


def _main_span(page: str) -> tuple[int, int]:
    opened, closed = MAIN_OPEN.findall(page), MAIN_CLOSE.findall(page)
    if len(opened) != 1 or len(closed) != 1:
        raise PolicyError(f"expected one <main> element, found {len(opened)} opening tags")
    start = MAIN_OPEN.search(page).start()
    end = MAIN_CLOSE.search(page).end()
    if end < start:
        raise PolicyError("</main> comes before <main>")
    return start, end


def trusted_script_hashes(page: str) -> list[str]:
    """Hashes of the inline scripts outside ``<main>``, in page order, without repeats.

    A ``<script src=...>`` outside ``<main>`` is refused: a self-contained report has none.
    """
    start, end = _main_span(page)
    hashes: list[str] = []
    for script in SCRIPT.finditer(page):
        if start <= script.start() < end or not _runs(script.group(1)):
            continue
        if SCRIPT_SRC.search(script.group(1)):
            raise PolicyError("the page loads a script from a file or address (src=)")
        source_hash = script_hash(script.group(2))
        if source_hash not in hashes:
            hashes.append(source_hash)
    return hashes


def policy(script_hashes: list[str]) -> str:
    """The policy text for the given script hashes."""
    scripts = " ".join(script_hashes) if script_hashes else "'none'"
    return "; ".join([FIXED_DIRECTIVES[0], f"script-src {scripts}", *FIXED_DIRECTIVES[1:]])


def add_content_security_policy(page: str) -> str:
    """``page`` with the policy as the first element of ``<head>``."""
    head = HEAD_OPEN.search(page)
    if head is None:
        raise PolicyError("the page has no <head>")
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{policy(trusted_script_hashes(page))}" />'
    )
    return page[: head.end()] + "\n" + meta + page[head.end() :]
