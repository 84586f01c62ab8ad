"""A Content-Security-Policy for the HTML report, added after the renderer wrote the page.

Defence in depth behind :mod:`pipeline.publish.safe`: even if a text from an extract reached the
page as markup, the browser would run none of it and fetch nothing. The policy allows:

- scripts only by the SHA-256 hash of each inline script outside the report's ``<main>``
  element (the Vega bundle and the chart loader in the head; a renderer's own scripts).
  A script embedded as a ``data:`` address (pandoc does that for a script holding
  ``</script``) is allowed the same way: its tag gets the matching ``integrity`` attribute.
  The report's content, where data is shown, can hold no script that runs: inline event
  handlers (``onerror=``) and ``javascript:`` addresses are blocked as well;
- inline styles (pandoc, Quarto and Vega set them), and images and fonts held in the page
  as ``data:`` addresses. A stylesheet held as a ``data:`` address (Quarto embeds its theme
  and its own styles as ``<link rel="stylesheet" href="data:text/css,...">``) is written
  into the page as a ``<style>`` element instead, when it is outside ``<main>``: the policy
  then needs no ``data:`` source for styles (CSP has no hashes for stylesheets, and
  ``data:`` would let any such link in the content load). Quarto's non-standard
  ``append-hash`` attribute goes with the ``<link>``;
- nothing else: no connection, frame, object, media, worker, form action or base address.

It works on whatever HTML the renderer writes (pandoc or Quarto), as a ``<meta
http-equiv>`` element placed first in ``<head>``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import unquote_to_bytes

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
SCRIPT_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
DATA_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(data:[^"']*)\1""", re.IGNORECASE)
MAIN_OPEN = re.compile(r"<main\b[^>]*>", re.IGNORECASE)
MAIN_CLOSE = re.compile(r"</main\s*>", re.IGNORECASE)
HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
LINK = re.compile(r"<link\b([^>]*?)/?>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
STYLE_CLOSE = re.compile(r"</style", re.IGNORECASE)
KEPT_STYLE_ATTRIBUTES = re.compile(r"^(id|class|media|title|data-[\w.-]+)$", re.IGNORECASE)
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


def _sha256(body: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def script_hash(source: str) -> str:
    """CSP hash source of an inline script: ``'sha256-<base64>'``."""
    return f"'{_sha256(source.encode('utf-8'))}'"


def data_url_body(url: str) -> bytes:
    """The bytes a ``data:`` address holds."""
    header, _, data = url.partition(",")
    if header.lower().endswith(";base64"):
        return base64.b64decode(data)
    return unquote_to_bytes(data)


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


def trusted_scripts(page: str) -> tuple[str, list[str]]:
    """The page with ``integrity`` on its ``data:`` scripts, and the hashes of the scripts
    outside ``<main>`` (page order, no repeats).

    A script loaded from a file or an address is refused: a self-contained report has none.
    """
    start, end = _main_span(page)
    hashes: list[str] = []
    parts: list[str] = []
    done = 0
    for script in SCRIPT.finditer(page):
        attributes = script.group(1)
        if start <= script.start() < end or not _runs(attributes):
            continue
        if SCRIPT_SRC.search(attributes):
            data = DATA_SRC.search(attributes)
            if data is None:
                raise PolicyError("the page loads a script from a file or address (src=)")
            integrity = _sha256(data_url_body(data.group(2)))
            if "integrity" not in attributes.lower():
                parts += [page[done : script.end(1)], f' integrity="{integrity}"']
                done = script.end(1)
            source_hash = f"'{integrity}'"
        else:
            source_hash = script_hash(script.group(2))
        if source_hash not in hashes:
            hashes.append(source_hash)
    return "".join([*parts, page[done:]]), hashes


def _attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag (names in lower case, values as written)."""
    return {
        m.group(1).lower(): next((g for g in m.group(2, 3, 4) if g is not None), "")
        for m in ATTRIBUTE.finditer(text)
    }


def _style_element(attributes: dict[str, str]) -> str:
    """A ``<style>`` element holding the ``data:`` stylesheet a ``<link>`` names."""
    css = data_url_body(html.unescape(attributes["href"])).decode("utf-8")
    kept = "".join(
        f' {name}="{html.escape(html.unescape(value))}"'
        for name, value in attributes.items()
        if KEPT_STYLE_ATTRIBUTES.match(name)
    )
    css = STYLE_CLOSE.sub(lambda _: "<\\/style", css)  # "\\/" is "/" in CSS
    return f"<style{kept}>\n{css}\n</style>"


def inline_data_stylesheets(page: str) -> str:
    """The page with each ``<link rel="stylesheet" href="data:...">`` outside ``<main>``
    written as a ``<style>`` element (same place, same ``id``, ``class``, ``media``,
    ``title`` and ``data-*`` attributes)."""
    start, end = _main_span(page)
    parts: list[str] = []
    done = 0
    for link in LINK.finditer(page):
        attributes = _attributes(link.group(1))
        if (
            start <= link.start() < end
            or "stylesheet" not in attributes.get("rel", "").lower().split()
            or not attributes.get("href", "").lower().startswith("data:")
        ):
            continue
        parts += [page[done : link.start()], _style_element(attributes)]
        done = link.end()
    return "".join([*parts, page[done:]])


def policy(script_hashes: list[str]) -> str:
    """The policy text for the given script hashes."""
    scripts = " ".join(script_hashes) if script_hashes else "'none'"
    return "; ".join([FIXED_DIRECTIVES[0], f"script-src {scripts}", *FIXED_DIRECTIVES[1:]])


def add_content_security_policy(page: str) -> str:
    """``page`` with the policy as the first element of ``<head>``."""
    if HEAD_OPEN.search(page) is None:
        raise PolicyError("the page has no <head>")
    page, hashes = trusted_scripts(inline_data_stylesheets(page))
    head = HEAD_OPEN.search(page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}" />'
    return page[: head.end()] + "\n" + meta + page[head.end() :]
