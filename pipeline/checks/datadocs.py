"""Great Expectations' Data Docs that work offline: no request leaves the file.

GE's Data Docs load Bootstrap, jQuery, Popper, bootstrap-table (with its filter-control
extension), bootstrap-datepicker, Font Awesome, a dark-mode theme and Vega from public
CDNs, show their logo from a web server and end with a newsletter link carrying tracking
parameters. On a network that cannot reach those servers the pages show no results at all
(the index table is drawn by bootstrap-table).

:func:`make_offline` runs after ``build_data_docs``: it copies the same versions of those
packages, vendored from npm into ``vendor/datadocs/assets/`` (pinned in
``vendor/datadocs/package-lock.json``), into ``<data_docs>/static/vendor/``, writes Vega,
Vega-Lite and vega-embed from the ``vl-convert-python`` wheel (one bundle defining all
three) beside them, points every page at those local copies and at GE's own local logo,
and removes the newsletter footer. Pages that draw no chart (those of the project's suites
draw none) get no Vega at all. To update the vendored files after changing the pins:
``cd vendor/datadocs && npm ci`` then ``python -m pipeline.checks.datadocs refresh``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from pathlib import Path

from pipeline import PROJECT_ROOT

log = logging.getLogger(__name__)

VENDOR = PROJECT_ROOT / "vendor" / "datadocs"
ASSETS = VENDOR / "assets"
STATIC_VENDOR = Path("static") / "vendor"
VEGA_BUNDLE = "vega-bundle.js"
LOCAL_LOGO = Path("static") / "images" / "logo-long.png"

# CDN address as GE writes it -> the same file in the npm package (and in ASSETS)
CDN_FILES: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/dist/css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/dist/js/bootstrap.min.js"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js/dist/umd/popper.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": (
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "@fortawesome/fontawesome-free/css/all.min.css"
    ),
}
# files the stylesheets above load in turn (the icons GE uses are solid and regular ones)
EXTRA_FILES: tuple[str, ...] = (
    "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
    "@fortawesome/fontawesome-free/webfonts/fa-regular-400.woff2",
    "@fortawesome/fontawesome-free/LICENSE.txt",
)
VEGA_URLS: tuple[str, ...] = (
    "https://cdn.jsdelivr.net/npm/vega@5",
    "https://cdn.jsdelivr.net/npm/vega-lite@5",
    "https://cdn.jsdelivr.net/npm/vega-embed@6",
)
GE_ASSETS = re.compile(r"https://great-expectations-web-assets\.s3[^\"')\s]*")
SRI = re.compile(r'\s+(integrity="[^"]*"|crossorigin="[^"]*")')
NEWSLETTER = re.compile(r"<footer>(?:(?!</footer>).)*newsletter(?:(?!</footer>).)*</footer>", re.S)
OUTSIDE = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"']((?:https?:)?//[^\"']+)"
    r"|url\(\s*['\"]?((?:https?:)?//[^'\")]+)",
    re.I,
)


def vendored_files() -> list[str]:
    """Every vendored file, as a path inside the npm packages."""
    return sorted(set(CDN_FILES.values()) | set(EXTRA_FILES))


def refresh_vendored(node_modules: Path = VENDOR / "node_modules") -> list[Path]:
    """Copy the files the pages need from ``npm ci``'s node_modules into ASSETS."""
    copied = []
    for name in vendored_files():
        target = ASSETS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / name, target)
        copied.append(target)
    return copied


def install_assets(docs_dir: Path, *, vega: bool) -> Path:
    """Copy the vendored files into ``<docs_dir>/static/vendor``, and the Vega bundle
    when ``vega`` (it takes vl-convert a second and a half to write)."""
    target = docs_dir / STATIC_VENDOR
    for name in vendored_files():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS / name, destination)
    if vega:
        import vl_convert as vlc

        (target / VEGA_BUNDLE).write_text(vlc.javascript_bundle(), encoding="utf-8")
    return target


def draws_charts(html: str) -> bool:
    """Whether a Data Docs page draws a chart (GE's graph template calls ``vegaEmbed``):
    the pages of checks such as ours draw none, and then need no Vega."""
    return "vegaEmbed(" in html


def relative(page: Path, docs_dir: Path, path: Path) -> str:
    """``path`` (inside docs_dir) as a link from ``page``."""
    return Path(os.path.relpath(docs_dir / path, page.parent)).as_posix()


def offline_page(html: str, page: Path, docs_dir: Path, *, vega: bool) -> str:
    """One Data Docs page pointing at local copies, without the newsletter footer; its
    Vega scripts point at the local bundle when ``vega``, else they are left out."""
    for url, name in CDN_FILES.items():
        html = html.replace(f'"{url}"', f'"{relative(page, docs_dir, STATIC_VENDOR / name)}"')
    bundle = relative(page, docs_dir, STATIC_VENDOR / VEGA_BUNDLE)
    html = html.replace(
        f'<script src="{VEGA_URLS[0]}"></script>',
        f'<script src="{bundle}"></script>' if vega else "",
    )
    for url in VEGA_URLS[1:]:  # the one bundle defines vega, vegaLite and vegaEmbed
        html = html.replace(f'<script src="{url}"></script>', "")
    html = GE_ASSETS.sub(relative(page, docs_dir, LOCAL_LOGO), html)
    html = re.sub(r"<(script|link)\b[^>]*>", lambda m: SRI.sub("", m.group(0)), html)
    return NEWSLETTER.sub("", html)


def outside_references(html: str) -> list[str]:
    """Addresses outside the file that the page would load (scripts, styles, images)."""
    return [a or b for a, b in OUTSIDE.findall(html)]


def make_offline(docs_dir: str | Path) -> dict[str, list[str]]:
    """Rewrite every Data Docs page to work offline; returns what still points outside.

    The result maps a page (relative to ``docs_dir``) to the outside addresses it would
    still load: empty when GE's pages hold only the assets known here.
    """
    docs_dir = Path(docs_dir)
    pages = sorted(docs_dir.rglob("*.html"))
    if not pages:
        return {}
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    vega = any(draws_charts(html) for html in texts.values())
    install_assets(docs_dir, vega=vega)
    remaining: dict[str, list[str]] = {}
    for page, html in texts.items():
        html = offline_page(html, page, docs_dir, vega=vega)
        page.write_text(html, encoding="utf-8")
        left = outside_references(html)
        if left:
            remaining[page.relative_to(docs_dir).as_posix()] = left
            log.warning("Data Docs page %s still loads %s", page, ", ".join(left))
    return remaining


if __name__ == "__main__":
    if sys.argv[1:] == ["refresh"]:
        for path in refresh_vendored():
            print(path.relative_to(PROJECT_ROOT))
    else:
        print("usage: python -m pipeline.checks.datadocs refresh", file=sys.stderr)
        sys.exit(1)
