"""The escaping boundary: text from the extracts or the reference file is only ever text.

Compliments, recommendation actions and Ombudsman summaries are written by the public and
by staff; team, service-area, category and authority names come from the council's files.
None of them may format, run code or fetch anything in a report. Every such value goes
through one function of this module for the format it is written into:

- ``markdown_text``: the Markdown the report notebook emits (read by pandoc, and by Quarto,
  whose reader is pandoc's). Every ASCII punctuation character is backslash-escaped, which
  pandoc Markdown reads as the literal character: no emphasis, heading, list, block quote,
  line block, table, fenced div, footnote, citation, math, raw attribute, link, image,
  entity, sub/superscript, smart quote or dash can start from data. Word output goes
  through pandoc from this same Markdown.
- ``html_text``: raw HTML blocks (``html.escape``, attributes included).
- ``script_json``: JSON placed inside a ``<script type="application/json">`` data block.
- ``typst_content`` and ``typst_string``: raw Typst markup ``[...]`` and string literals
  ``"..."``. ``TYPST_LITERAL_FILTER`` applies the same rule to all text pandoc writes as
  Typst (its own Typst writer leaves the shorthands ``...`` and ``-?`` active).
- ``spreadsheet_text`` / ``formula_like``: cells that would start a formula.

Newlines are kept only where the format can show them (list items); tabs and runs of spaces
become one space. Control characters other than newline and tab are refused by validation;
if one reaches this module anyway (e.g. from the reference file) it is shown as U+FFFD.
"""

from __future__ import annotations

import html
import json
import re
import string

PUNCTUATION = frozenset(string.punctuation)  # the 32 ASCII punctuation characters
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a text may not hold (newline, tab and carriage return are allowed)."""
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")
_SPACES = re.compile(r"[ \t]+")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def clean(value: object) -> str:
    """``value`` as text: line breaks as ``\\n``, stray control characters as U+FFFD."""
    text = _LINE_BREAKS.sub("\n", str(value))
    return CONTROL_CHARACTERS.sub("\ufffd", text)


def lines(value: object) -> list[str]:
    """The non-blank lines of ``value``, each with runs of spaces and tabs made one space."""
    parts = (_SPACES.sub(" ", line).strip() for line in clean(value).split("\n"))
    return [part for part in parts if part]


def one_line(value: object) -> str:
    """``value`` on one line (line breaks become spaces)."""
    return " ".join(lines(value))


def _backslash_punctuation(text: str) -> str:
    return "".join(f"\\{c}" if c in PUNCTUATION else c for c in text)


# ---------------------------------------------------------------- Markdown (pandoc, Quarto)


def markdown_text(value: object, *, line_breaks: bool = False) -> str:
    """Literal text for pandoc Markdown.

    With ``line_breaks`` each line of the value becomes a hard line break (backslash at
    the end of the line, the next line indented by two spaces so that it stays inside a
    ``- `` list item); otherwise the value is put on one line.
    """
    escaped = [_backslash_punctuation(line) for line in lines(value)]
    return ("\\\n  " if line_breaks else " ").join(escaped)


def markdown_code(value: object) -> str:
    """Literal text as an inline code span, e.g. a value quoted in the validation summary."""
    text = one_line(value)
    fence = "`" * (1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def raw_block(format_name: str, content: str) -> str:
    """A pandoc raw block (```` ```{=html} ````) whose fence no line of ``content`` can close."""
    runs = re.findall(r"`+", content)
    fence = "`" * max(3, 1 + max((len(r) for r in runs), default=0))
    return f"{fence}{{={format_name}}}\n{content}\n{fence}\n"


# ---------------------------------------------------------------- HTML


def html_text(value: object) -> str:
    """Literal text for HTML element content or a quoted attribute value."""
    return html.escape(one_line(value), quote=True)


_SCRIPT_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("`"): "\\u0060",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(data: object) -> str:
    """JSON that can sit inside a ``<script>`` element (no ``</script``, ``<!--``, U+2028)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(
        _SCRIPT_JSON_ESCAPES
    )


# ---------------------------------------------------------------- Typst


def typst_content(value: object) -> str:
    """Literal text for Typst markup (inside ``[...]``), on one line.

    A backslash before any character makes Typst show that character: markup (``*``,
    ``_``, ``=``, lists), code (``#``), labels and references (``<x>``, ``@x``), comments
    (``//``, ``/*``), math (``$``), shorthands (``--``, ``...``, ``-?``, ``~``), smart
    quotes and brackets all stay text.
    """
    return _backslash_punctuation(one_line(value))


def typst_string(value: object) -> str:
    """The body of a Typst string literal ``"..."`` (escapes ``\\`` and ``"``), one line."""
    return one_line(value).replace("\\", "\\\\").replace('"', '\\"')


TYPST_LITERAL_FILTER = r"""-- Text pandoc writes as Typst stays literal: every ASCII punctuation
-- character is escaped (pandoc's own Typst escaping leaves "..." and "-?" active).
if not FORMAT:match("typst") then
  return {}
end

local function literal(text)
  return (text:gsub("%p", "\\%0"))
end

function Str(element)
  return pandoc.RawInline("typst", literal(element.text))
end

function Meta(meta)
  for _, key in ipairs({ "title", "subtitle" }) do
    if type(meta[key]) == "string" then
      meta[key] = pandoc.MetaInlines({ pandoc.RawInline("typst", literal(meta[key])) })
    end
  end
  return meta
end
"""


# ---------------------------------------------------------------- spreadsheets


def formula_like(value: object) -> bool:
    """True when a spreadsheet program would read the cell text as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_text(value: object) -> object:
    """A cell value that no spreadsheet program turns into a formula.

    Text starting with ``=``, ``+``, ``-``, ``@`` (or a tab, carriage return or full-width
    form of those) gets a leading apostrophe, the usual guard for CSV files. When writing
    XLSX with xlsxwriter, prefer ``worksheet.write_string`` with a format that has
    ``quote_prefix: True`` for cells where ``formula_like`` is true: the text then shows
    exactly as recorded. Numbers, dates and other values are returned unchanged.
    """
    if formula_like(value):
        return "'" + str(value)
    return value
