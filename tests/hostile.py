"""A hostile corpus: texts and names that would format, run or fetch if they were not escaped.

``write_hostile_inputs`` copies the 2016/17 sample and puts every text of ``HOSTILE_TEXTS``
into a published compliment, a published recommendation action and an Ombudsman summary
(the Ombudsman rows are replaced by one decision per text). The authority, one service
area, one team and one Ombudsman finding get hostile names; the old names stay as aliases,
so the extracts still match. Scripts in the corpus set ``window.__pwned`` or change
``document.title``: a browser test sees at once if any ran.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import polars as pl
import yaml

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4

HOSTILE_TEXTS: tuple[str, ...] = (
    # HTML tags, attributes and entities
    "<script>document.title='PWNED';window.__pwned=1</script> H01",
    '<img src=x onerror="window.__pwned=2"> H02',
    '<iframe src="https://example.com/frame"></iframe> H03',
    '<a href="javascript:window.__pwned=3">click me</a> H04',
    "&amp; &lt;b&gt; &#x3C;script&#x3E; &copy; &nbsp; H05",
    "<svg onload=window.__pwned=4><circle r=5></circle></svg> H06",
    "<style>body{display:none}</style> H07",
    '</td></tr></table><form action="https://example.com/f"><input></form> H08',
    "<!-- a comment --> <![CDATA[x]]> H09",
    '<link rel="stylesheet" href="https://example.com/x.css">'
    ' <object data="https://example.com/o"></object> H10',
    # Markdown
    "*emphasis* **strong** _under_ __double__ H11",
    "# Heading at the start H12",
    "[a link](https://example.com) and <https://example.com/auto> H13",
    "![an image](https://example.com/x.png) H14",
    "`code` and ```fenced``` H15",
    "| a | b |\n|---|---|\n| c | d | H16",
    "Footnote^[inline note] and [^1] H17",
    "| line block\n| second line H18",
    "> quoted\n- list item\n1. numbered\n+ plus H19",
    "Setext heading\n===\nand ---\nH20",
    "Term\n: a definition\n\n    indented code H21",
    # pandoc
    "@smith2004 says [@doe99, p. 33] and -@x H22",
    "$x^2$ and $$\\int f$$ H23",
    "`<b>raw</b>`{=html} and ```{=typst} H24",
    "::: {.warning}\nfenced div\n::: H25",
    "H~2~O and 2^10^ and ~~strike~~ H26",
    "\"Smart\" quotes, 'single', -- en --- em ... ellipsis H27",
    '[span]{.underline style="color:red"} and {#id .class} H28',
    "{{< meta title >}} {{< include x.md >}} H29",
    # LaTeX, backslashes
    "\\newpage \\textbf{bold} \\begin{equation} x \\end{equation} H30",
    "Backslashes \\ \\\\ \\n \\* C:\\Users\\x\\ H31",
    # Typst
    '#set page(fill: red) #read("/etc/passwd") H32',
    '#import "@preview/cetz:0.2.2": * H33',
    "<label> and @label and @preview H34",
    "// a comment and /* a block comment */ H35",
    "= Typst heading\n- list\n+ enum\n/ term: x H36",
    "$ a + b $ H37",
    '#image("https://example.com/x.png") H38',
    "-? soft hyphen, ~ nbsp, \\u{1F600} escape H39",
    '#{ "code" } [content] #box[x] H40',
    # text that must survive
    "Zoë Ångström, naïve café, Straße, Ελληνικά, Русский H41",
    "Thank you 😀 👍 ❤ H42",
    f"A very long word: {LONG_WORD} H43",
    "https://example.com/" + "a" * 150 + " H44",
    '=HYPERLINK("https://example.com","x") and +1-2 and @SUM(A1) H45',
    "</script><script>window.__pwned=5</script> <!--<script> H46",
    "Line\u2028separator and paragraph\u2029separator H47",
    "Hebrew עברית in a sentence H48",  # one right-to-left word each: PDF text extraction
    "Arabic العربية in a sentence H49",  # gives mixed runs in visual, not logical, order
)

HOSTILE_AUTHORITY = "Example <i>County</i> Council & *Partners* #2 @ref $x$ -- ... [z]"
HOSTILE_AREA = "Partnership & <b>Development</b> *1* [x](y) $z$ #area @area"
HOSTILE_TEAM = (
    'Disability <em>Services</em> & "Quoted" \\ *Team* #1 @x $y$ <script>window.__pwned=9</script>'
)
HOSTILE_FINDING = "Fault <b>without</b> injustice *x* #f @f $f$ [f]"
RENAMED = {"Partnership and Development": HOSTILE_AREA, "Disability Services": HOSTILE_TEAM}


NO_EMOJI_FONT = "no emoji font for the PDF: apt-get install fonts-noto-color-emoji"


@functools.cache
def emoji_font_missing() -> bool:
    """True when no colour emoji font is installed (the PDF cannot show the emoji text)."""
    import typst

    return "Noto Color Emoji" not in typst.Fonts().families()


def shown(text: str) -> str:
    """The text as a reader sees it, whitespace normalised (line breaks become spaces)."""
    return " ".join(text.replace("\u2028", "\n").replace("\u2029", "\n").split())


def pdf_flat(text: str) -> str:
    """Text without whitespace, zero-width spaces or bidirectional marks.

    PDF text extraction breaks lines anywhere, drops spaces between emoji, shows the
    zero-width spaces that let long words wrap and marks right-to-left runs.
    """
    marks = dict.fromkeys([0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    return "".join(text.translate(marks).split())


def _hostile_reference(source: Path, target: Path) -> None:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["authority"] = HOSTILE_AUTHORITY
    data["lgo_findings"] = [  # the contract's findings, one renamed (the old name an alias)
        "Refusal to Investigate",
        "Investigation Commenced",
        "Premature Complaint",
        {"name": "No Fault", "investigated": True},
        {"name": "Maladministration and Injustice", "fault": True},
        {"name": HOSTILE_FINDING, "fault": True, "aliases": ["Maladministration No Injustice"]},
    ]
    for area in data["service_areas"]:
        if area["name"] in RENAMED:
            area["aliases"] = [*area.get("aliases", []), area["name"]]
            area["name"] = RENAMED[area["name"]]
        for team in area["teams"]:
            if isinstance(team, dict) and team["name"] in RENAMED:
                team["aliases"] = [*team.get("aliases", []), team["name"]]
                team["name"] = RENAMED[team["name"]]
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _with_texts(frame: pl.DataFrame, column: str, publish: bool) -> pl.DataFrame:
    """The first len(HOSTILE_TEXTS) rows carry the corpus (rows are repeated if needed)."""
    while frame.height < len(HOSTILE_TEXTS):
        frame = pl.concat([frame, frame])
    head = frame.head(len(HOSTILE_TEXTS)).with_columns(pl.Series(column, HOSTILE_TEXTS))
    if publish:
        head = head.with_columns(pl.lit("true").alias("publish"))
    return pl.concat([head, frame.slice(len(HOSTILE_TEXTS))])


def write_hostile_inputs(sample_raw: Path, sample_reference: Path, folder: Path) -> tuple:
    """Write ``folder/raw`` and ``folder/authority.yml``; return their paths."""
    raw, reference = folder / "raw", folder / "authority.yml"
    shutil.copytree(sample_raw, raw, ignore=shutil.ignore_patterns("*.md"))
    _hostile_reference(sample_reference, reference)

    def edit(name: str, change) -> None:
        frame = pl.read_csv(raw / name, infer_schema=False)
        change(frame).write_csv(raw / name)

    edit("compliments.csv", lambda f: _with_texts(f, "text", publish=True))
    edit("recommendations.csv", lambda f: _with_texts(f, "action", publish=True))

    def lgo(frame: pl.DataFrame) -> pl.DataFrame:
        # One-line cells beside each summary: a row broken over two pages then continues
        # only its summary, so the PDF text of the summary stays in one piece.
        plain = {"service_area": "Education and Skills", "team": "SEND Teams"}
        plain |= {"status": "Enquiry", "finding": "No Fault"}
        rows = pl.concat([frame] * (len(HOSTILE_TEXTS) // frame.height + 1)).head(
            len(HOSTILE_TEXTS)
        )
        rows = rows.with_columns(
            pl.format("LGO-H-{}", pl.int_range(1, pl.len() + 1)).alias("lgo_ref"),
            pl.Series("summary", HOSTILE_TEXTS),
            *(pl.lit(value).alias(column) for column, value in plain.items()),
        )
        named = frame.filter(pl.col("team") == "Disability Team").head(2)  # the hostile team
        named = named.with_columns(  # and the hostile finding
            pl.lit("An ordinary summary.").alias("summary"),
            pl.lit("Maladministration No Injustice").alias("finding"),
        )
        return pl.concat([rows, named])

    edit("lgo.csv", lgo)
    return raw, reference
