"""``complaints-report init``: draft a council's reference file from a year's extracts.

The draft lists what the extracts hold: service areas with their teams (and how many
rows name each), natures, remedies, duty categories, complainant types, the code lists
with a guessed meaning, and the headers that stand for contract columns. Spellings that
differ only in case or surrounding spaces are one value (loading matches them so);
near-identical spellings (``Alpha`` and ``Alpha Team``, ``Fostering Teem``) are grouped
with RapidFuzz: the most frequent spelling becomes the name, the others its aliases.
Every guess carries a ``CHECK`` comment saying what the analyst has to confirm.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml
from rapidfuzz import fuzz

from pipeline.errors import InputError, extract_folder_not_found
from pipeline.inputs.load import (
    EXTRACT_STEMS,
    ROW,
    SPECS,
    find_extract,
    read_text_table,
    repeated_columns,
)
from pipeline.inputs.reference import (
    DEFAULT_ESCALATION_FINDINGS,
    DEFAULT_LGO_FINDINGS,
    DEFAULT_LGO_STATUSES,
    DEFAULT_OUTCOMES,
    Code,
    LgoFinding,
    Outcome,
)

ALIAS_SCORE = 90  # RapidFuzz ratio (0-100) from which two spellings are proposed as one
HEADER_SCORE = 90  # token-set ratio from which a header is proposed for a contract column
GENERIC_WORDS = frozenset({"team", "teams", "the", "and"})
HEADER_SYNONYMS = {"reference": "ref", "number": "no", "num": "no", "ombudsman": "lgo"}
AUTHORITY_PLACEHOLDER = "Name of the Council (CHANGE ME)"
CHILD_WORDS = re.compile(r"^(child|young|youth|advocate|pupil)", re.IGNORECASE)
ONGOING_WORDS = re.compile(r"open|ongoing|progress|pending|remain|active", re.IGNORECASE)
FAULT_WORDS = re.compile(r"maladministration|fault|upheld", re.IGNORECASE)
NOT_WORDS = re.compile(r"\b(not|no|non|without)\b", re.IGNORECASE)
UPHELD_WORD = re.compile(r"\bupheld\b", re.IGNORECASE)
# Contract 1.4's optional keys, drafted as comments: nothing in the extracts says them.
CONTRACT_14_KEYS: tuple[str, ...] = (
    "# actions_as_at: 2017-06-30  # optional: the day agreed actions are followed up to",
    "#   (default: 31 March of the year); needs due_date/completed_date in recommendations",
    "# population:  # optional: for complaints per 10,000 children",
    "#   children: 48200  # residents aged 0 to 17",
    "#   source: ONS mid-year population estimates  # where the figure comes from",
    "",
)


# ---------------------------------------------------------------- spellings


@dataclass
class Value:
    """One value of a list as drafted: its name, other spellings and how often it occurs."""

    name: str
    count: int
    aliases: list[str] = field(default_factory=list)

    @property
    def spellings(self) -> list[str]:
        return [self.name, *self.aliases]


def _folded(text: str) -> str:
    """How loading compares values: trimmed, any case."""
    return text.strip().lower()


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _without_generic_words(text: str) -> str:
    return " ".join(w for w in _words(text).split() if w not in GENERIC_WORDS)


def near_identical(a: str, b: str) -> bool:
    """Whether two spellings look like one value: ``Alpha``/``Alpha Team``, a typo, a
    plural. Spellings with different numbers (``Area 1``, ``Area 10``) never are."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    if NOT_WORDS.findall(a.lower()) != NOT_WORDS.findall(b.lower()):
        return False  # "Maladministration No Injustice" is not "... and Injustice"
    plain = fuzz.ratio(_words(a), _words(b))
    core_a, core_b = _without_generic_words(a), _without_generic_words(b)
    core = fuzz.ratio(core_a, core_b) if core_a and core_b else 0
    return max(plain, core) >= ALIAS_SCORE


def _most_used(forms: Counter[str]) -> str:
    """The most frequent form; on a tie the one with more capitals (``Advice``, not
    ``advice``)."""
    return max(forms, key=lambda s: (forms[s], sum(ch.isupper() for ch in s), s))


def group_spellings(counts: Counter[str], known: tuple[Code, ...] = ()) -> list[Value]:
    """Group spellings: the same ignoring case and spaces, then near-identical ones.

    Most frequent first; within a group the most frequent spelling is the name. Values
    of a ``known`` list (the contract's) keep their own group, in that list's order,
    before the others.
    """
    forms: dict[str, Counter[str]] = {}
    for spelling, count in counts.items():
        forms.setdefault(_folded(spelling), Counter())[spelling.strip()] += count
    folded = sorted(
        ((_most_used(c), sum(c.values())) for c in forms.values()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    order = {_folded(s): n for n, code in enumerate(known) for s in code.spellings}
    values: list[Value] = []
    for spelling, count in folded:
        home = None
        if _folded(spelling) not in order:
            home = next((v for v in values if near_identical(spelling, v.name)), None)
        if home is None:
            values.append(Value(spelling, count))
        else:
            home.aliases.append(spelling)
            home.count += count
    last = len(known)
    return sorted(values, key=lambda v: (order.get(_folded(v.name), last), -v.count, v.name))


# ---------------------------------------------------------------- reading the extracts


def _header_words(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", _words(text.replace("_", " ")))
    return " ".join(HEADER_SYNONYMS.get(w, w) for w in spaced.split())


def propose_headers(headers: list[str], columns: list[str]) -> dict[str, str]:
    """Contract column -> the header holding it: the contract's own name, else the most
    similar unused header (RapidFuzz token-set, then token-sort ratio)."""
    by_name = {_folded(h).lstrip("\ufeff"): h for h in reversed(headers)}
    found = {c: by_name[c] for c in columns if c in by_name}
    free = [h for h in headers if h not in found.values() and _folded(h) not in columns]
    pairs = []
    for column in columns:
        if column in found:
            continue
        for header in free:
            a, b = _header_words(header), _header_words(column)
            score = (fuzz.token_set_ratio(a, b), fuzz.token_sort_ratio(a, b))
            if score[0] >= HEADER_SCORE:
                pairs.append((score, column, header))
    for _score, column, header in sorted(pairs, reverse=True):
        if column not in found and header not in found.values():
            found[column] = header
    return {c: found[c] for c in columns if c in found}


@dataclass
class ExtractText:
    """One extract as text under contract column names, and the headers it used."""

    stem: str
    file: Path
    frame: pl.DataFrame
    headers: dict[str, str]  # contract column -> header, for the columns found
    missing: list[str]  # required contract columns no header was found for


def read_for_draft(path: Path, stem: str) -> ExtractText:
    """Read one extract as trimmed text, finding its contract columns by header (the
    header row may sit below title rows: the first of the first ten rows in which headers
    are found for at least half the required columns is used)."""
    spec = SPECS[stem]
    required = [c for c in spec.columns if c not in spec.optional]

    def is_header(cells: list[str]) -> bool:
        return 2 * len(propose_headers([c for c in cells if c], required)) >= len(required)

    table = read_text_table(path, is_header)
    headers = propose_headers(table.headers, list(spec.columns))
    problems = repeated_columns(table.headers, spec, {}, str(path))
    if problems:
        raise InputError.collected(problems, str(path))
    position: dict[str, int] = {}
    for number, header in enumerate(table.headers):
        position.setdefault(header, number)  # a repeated header: its first column
    names = [c for c in table.frame.columns if c != ROW]
    frame = table.frame.select(
        pl.col(names[position[h]]).str.strip_chars().replace("", None).alias(c)
        for c, h in headers.items()
    )
    missing = [c for c in spec.columns if c not in headers and c not in spec.optional]
    return ExtractText(stem, path, frame, headers, missing)


def read_extracts_for_draft(raw_dir: Path) -> dict[str, ExtractText]:
    """Every extract found in ``raw_dir``; raises one InputError holding all problems."""
    if not raw_dir.is_dir():
        raise extract_folder_not_found(raw_dir)
    extracts: dict[str, ExtractText] = {}
    problems: list[InputError] = []
    for stem in EXTRACT_STEMS:
        try:
            path = find_extract(raw_dir, stem)
            if path is not None:
                extracts[stem] = read_for_draft(path, stem)
        except InputError as error:
            problems.extend(error.problems or [error])
    if problems:
        raise InputError.collected(problems, str(raw_dir))
    if "complaints" not in extracts:
        where = raw_dir.resolve()
        raise InputError(str(where), f"no complaints.csv or complaints.xlsx in {where}")
    return extracts


def _column(extracts: dict[str, ExtractText], stem: str, column: str) -> pl.Series | None:
    extract = extracts.get(stem)
    if extract is None or column not in extract.frame.columns:
        return None
    return extract.frame[column]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _counts(series: pl.Series | None) -> Counter[str]:
    if series is None:
        return Counter()
    return Counter({v: n for v, n in series.drop_nulls().value_counts().iter_rows() if v})


# ---------------------------------------------------------------- the draft's content


@dataclass
class Team:
    value: Value
    complaints: int
    other_rows: int


@dataclass
class Area:
    value: Value
    teams: list[Team]

    @property
    def complaints(self) -> int:
        return sum(t.complaints for t in self.teams)

    @property
    def rows(self) -> int:
        return sum(t.complaints + t.other_rows for t in self.teams)


def service_areas(extracts: dict[str, ExtractText]) -> list[Area]:
    """Service areas and their teams from every extract that names them."""
    frames = [
        e.frame.select("service_area", "team", pl.lit(e.stem == "complaints").alias("is_case"))
        for e in extracts.values()
        if {"service_area", "team"} <= set(e.frame.columns)
    ]
    if not frames:
        return []
    rows = pl.concat(frames).drop_nulls(["service_area", "team"])
    area_values = group_spellings(_counts(rows["service_area"]))
    area_of = {_folded(s): v.name for v in area_values for s in v.spellings}
    rows = rows.with_columns(
        pl.col("service_area")
        .str.to_lowercase()
        .replace_strict(area_of, default=None, return_dtype=pl.String)
    )
    areas = []
    for value in area_values:
        in_area = rows.filter(pl.col("service_area") == value.name)
        teams = []
        for team in group_spellings(_counts(in_area["team"])):
            folded = [_folded(s) for s in team.spellings]
            mine = in_area.filter(pl.col("team").str.to_lowercase().is_in(folded))
            cases = int(mine["is_case"].sum())
            teams.append(Team(team, cases, mine.height - cases))
        area = Area(value, sorted(teams, key=lambda t: (-t.complaints, -t.other_rows)))
        value.count = area.complaints
        areas.append(area)
    return sorted(areas, key=lambda a: (-a.complaints, -a.rows, a.value.name))


def _default_for(name: str, defaults: tuple[Code, ...]) -> Code | None:
    folded = _folded(name)
    return next((d for d in defaults if folded in {_folded(s) for s in d.spellings}), None)


def _outcome_comment(value: Value, answered: int) -> tuple[Outcome, str]:
    """An outcome's guessed meaning and the evidence for it."""
    default = _default_for(value.name, DEFAULT_OUTCOMES)
    evidence = f"{answered} of {value.count} cases have a response date"
    if isinstance(default, Outcome):
        return default, f"{evidence}; meaning as in the data contract"
    if answered * 2 >= value.count:
        kind = "answered"
    else:
        kind = "ongoing" if ONGOING_WORDS.search(value.name) else "closed"
    upheld = bool(UPHELD_WORD.search(value.name)) and not NOT_WORDS.search(value.name)
    return Outcome(value.name, kind=kind, upheld=upheld), f"CHECK kind and upheld: {evidence}"


def _lgo_finding(value: Value) -> tuple[LgoFinding, str]:
    default = _default_for(value.name, DEFAULT_LGO_FINDINGS)
    if isinstance(default, LgoFinding):
        return default, "meaning as in the data contract"
    fault = bool(FAULT_WORDS.search(value.name)) and not NOT_WORDS.search(value.name)
    investigated = bool(FAULT_WORDS.search(value.name))  # upheld or not: it was investigated
    check = "CHECK fault and investigated: does the Ombudsman find fault? investigate in detail?"
    return LgoFinding(value.name, fault=fault, investigated=investigated), check


# ---------------------------------------------------------------- writing YAML


def scalar(value: object) -> str:
    """A YAML scalar, quoted where YAML (in a flow list too) needs it."""
    return yaml.safe_dump([value], default_flow_style=True, width=10**6).strip()[1:-1]


def flow(values: list[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def _aliases_line(indent: str, value: Value) -> list[str]:
    if not value.aliases:
        return []
    reasons = "; ".join(alias_reason(value.name, a) for a in value.aliases)
    return [
        f"{indent}aliases: {flow(value.aliases)}"
        f"  # CHECK: spellings close to the name; the same thing? ({reasons})"
    ]


def _plain_list(
    key: str,
    values: list[Value],
    what: str,
    order: str = "most frequent first",
    *,
    aliases: bool = False,
) -> list[str]:
    """A list of names (with aliases where some were proposed), counts as comments."""
    lines = [f"{key}:  # {what}, {order}; CHECK: put them in report order"]
    if not values:
        return [f"{key}: []  # none found in the extracts"]
    for value in values:
        if value.aliases and aliases:
            lines.append(f"  - name: {scalar(value.name)}  # {_plural(value.count, 'row')}")
            lines.extend(_aliases_line("    ", value))
            continue
        lines.append(f"  - {scalar(value.name)}  # {_plural(value.count, 'row')}")
        if value.aliases:  # natures, remedies and duty categories have no aliases
            lines.append(
                f"    # CHECK: also spelled {flow(value.aliases)}: correct those rows of the "
                "extract, or list the spelling as a value of its own"
            )
    return lines


def _missing_defaults(found: list[Value], defaults: tuple[Code, ...]) -> list[str]:
    seen = {_folded(s) for v in found for s in v.spellings}
    return [d.name for d in defaults if not seen & {_folded(s) for s in d.spellings}]


def _also_in_contract(found: list[Value], defaults: tuple[Code, ...]) -> list[str]:
    missing = _missing_defaults(found, defaults)
    if not missing:
        return []
    text = f"not in these extracts, in the contract's list: {', '.join(missing)}"
    return [f"  # {line}" for line in textwrap.wrap(text, width=84)]


def _outcomes(extracts: dict[str, ExtractText]) -> list[str]:
    outcome = _column(extracts, "complaints", "outcome")
    values = group_spellings(_counts(outcome), DEFAULT_OUTCOMES)
    if not values:
        return ["# outcomes: none found; the data contract's list applies"]
    frame = extracts["complaints"].frame
    has_response = (
        frame["response_date"].is_not_null()
        if "response_date" in frame.columns
        else pl.Series([False] * frame.height)
    )
    lines = [
        "outcomes:  # Stage 1 outcomes. kind: answered (a response date is required), closed",
        "  # (no response; the outcome is its own timescale band), ongoing (still open at",
        "  # 31 March). upheld: true counts as upheld or partly upheld.",
    ]
    lower = outcome.str.strip_chars().str.to_lowercase()
    for value in values:
        rows = lower.is_in([_folded(s) for s in value.spellings])
        answered = int((rows & has_response).sum())
        meaning, comment = _outcome_comment(value, answered)
        lines.append(f"  - name: {scalar(value.name)}  # {_plural(value.count, 'case')}")
        lines.append(f"    kind: {meaning.kind}  # {comment}")
        if meaning.upheld:
            lines.append("    upheld: true")
        lines.extend(_aliases_line("    ", value))
    return lines + _also_in_contract(values, DEFAULT_OUTCOMES)


def _code_list(key: str, values: list[Value], defaults: tuple[Code, ...], what: str) -> list[str]:
    if not values:
        return [f"# {key}: none found; the data contract's list applies"]
    order = "the contract's first, in its order"
    lines = _plain_list(key, values, what, order, aliases=True)
    return lines + _also_in_contract(values, defaults)


def _lgo_findings(values: list[Value]) -> list[str]:
    if not values:
        return ["# lgo_findings: none found; the data contract's list applies"]
    lines = [
        "lgo_findings:  # fault: true when the Ombudsman found fault (needs a summary);",
        "  # investigated: true when the decision followed a detailed investigation",
    ]
    for value in values:
        meaning, comment = _lgo_finding(value)
        lines.append(
            f"  - name: {scalar(value.name)}  # {_plural(value.count, 'decision')}; {comment}"
        )
        if meaning.fault:
            lines.append("    fault: true")
        if meaning.investigated:
            lines.append("    investigated: true")
        lines.extend(_aliases_line("    ", value))
    return lines + _also_in_contract(values, DEFAULT_LGO_FINDINGS)


def _complainant_types(values: list[Value]) -> list[str]:
    lines = [
        "complainant_types:  # who complained. CHECK: set child: true on each type that is",
        "  # a child or young person, or speaks for one (an advocate)",
    ]
    for value in values:
        lines.append(f"  - name: {scalar(value.name)}  # {_plural(value.count, 'case')}")
        if CHILD_WORDS.search(value.name):
            lines.append("    child: true  # CHECK: guessed from the name")
        lines.extend(_aliases_line("    ", value))
    children = [v.name for v in values if CHILD_WORDS.search(v.name)]
    if len(children) > 1:
        listed = ", ".join(children[:-1]) + f" and {children[-1]}"
        lines.append(
            f"  # {listed} are kept apart: different words, not spellings of one name; if "
            "your system uses two of them for the same people, make one an alias of the other"
        )
    return lines


def _equalities(ages: pl.Series | None, lists: dict[str, list[Value]]) -> list[str]:
    """``equalities`` (contract 1.3): the age bands and the lists of gender, ethnicity and
    disability found in the extracts, with their counts; empty when none is recorded."""
    if ages is None and not any(lists.values()):
        return []
    lines = [
        "equalities:  # who the complaints were about; CHECK: names and report order",
    ]
    if ages is not None:
        known = ages.drop_nulls().str.strip_chars().str.replace(r"\.0+$", "")
        recorded = known.cast(pl.Int64, strict=False).drop_nulls()
        lines.append(
            "  age_bands: [5, 10, 16, 18]  # CHECK: band edges (Under 5, 5 to 9, ... 18 and over);"
            f" ages recorded for {_plural(recorded.len(), 'case')}"
        )
    for key, values in lists.items():
        if not values:
            continue
        lines.append(f"  {key}:")
        for value in values:
            lines.append(f"    - name: {scalar(value.name)}  # {_plural(value.count, 'case')}")
            lines.extend(_aliases_line("      ", value))
    return lines


def _areas_yaml(areas: list[Area]) -> list[str]:
    lines = [
        "service_areas:  # most complaints first; CHECK: put them (and their teams) in report",
        "  # order. Counts: Stage 1 complaints, then rows of the other extracts.",
    ]
    for area in areas:
        lines.append(
            f"  - name: {scalar(area.value.name)}"
            f"  # {_plural(area.complaints, 'complaint')}, "
            f"{_plural(area.rows - area.complaints, 'other row')}"
        )
        lines.extend(_aliases_line("    ", area.value))
        lines.append("    teams:")
        for team in area.teams:
            lines.append(
                f"      - name: {scalar(team.value.name)}"
                f"  # {_plural(team.complaints, 'complaint')}, "
                f"{_plural(team.other_rows, 'other row')}"
            )
            lines.extend(_aliases_line("        ", team.value))
    return lines


def _columns_yaml(extracts: dict[str, ExtractText]) -> list[str]:
    lines = []
    for extract in extracts.values():
        mapped = {c: h for c, h in extract.headers.items() if _folded(h) != c}
        if not mapped and not extract.missing:
            continue
        lines.append(f"  {extract.stem}:")
        for column, header in mapped.items():
            lines.append(
                f"    {column}: {scalar(header.strip())}  # CHECK: guessed from the header"
            )
        for column in extract.missing:
            lines.append(
                f"    # {column}: ...  CHECK: no header looks like {column}; "
                "write the one that holds it"
            )
    if not lines:
        return []
    return [
        "columns:  # headers of your export that stand for the contract's columns",
        *lines,
        "",
    ]


def _stage2_limits(extracts: dict[str, ExtractText]) -> list[str]:
    """Stage 2 time limits (contract 1.1) when the escalations hold ``completed_date``:
    the regulations' 25 and 65 working days for statutory investigations, a council's
    own limit for corporate reviews."""
    completed = _column(extracts, "escalations", "completed_date")
    if completed is None:
        return ["  # no completed_date in the escalations: Stage 2 time limits cannot be reported"]
    dated = int(completed.is_not_null().sum())
    return [
        f"  statutory_stage2: [25, 65]  # CHECK: Stage 2 limits in working days ({dated} "
        "escalations have a completed_date); the regulations set 25, at most 65",
        "  corporate_stage2: [20]  # CHECK: the council's own corporate Stage 2 limit",
    ]


def alias_reason(name: str, alias: str) -> str:
    """Why a spelling was proposed as another name's alias, in a few words."""
    words, other = _words(name).split(), _words(alias).split()
    if [w.rstrip("s") for w in words] == [w.rstrip("s") for w in other]:
        return f"'{alias}' is a plural or singular of '{name}'"
    if _without_generic_words(name) == _without_generic_words(alias):
        fewer = " ".join(w for w in words if w not in other)
        more = " ".join(w for w in other if w not in words)
        if fewer or more:
            return f"'{alias}' is '{name}' " + (f"without '{fewer}'" if fewer else f"with '{more}'")
        return f"'{alias}' has the same words as '{name}'"
    alike = round(fuzz.ratio(_words(name), _words(alias)))
    return f"'{alias}' is {alike}% alike '{name}' (a typo?)"


def draft_reference(raw_dir: str | Path) -> str:
    """The text of a reference file drafted from the extracts in ``raw_dir``."""
    raw_dir = Path(raw_dir)
    extracts = read_extracts_for_draft(raw_dir)
    areas = service_areas(extracts)

    def group(stem: str, column: str, known: tuple[Code, ...] = ()) -> list[Value]:
        return group_spellings(_counts(_column(extracts, stem, column)), known)

    types = group("complaints", "complainant_type")
    today = dt.date.today().isoformat()
    lines = [
        f"# Reference file drafted by `complaints-report init` on {today} from the",
        f"# extracts in {raw_dir.resolve()}.",
        "# Every guess carries a comment starting with the word check in capitals: confirm",
        "# or correct the guess, then delete that word (validate reports each line that",
        "# still holds it, and the council's name until you write it). The counts in",
        "# comments say how often each value occurs. Then run",
        "#   complaints-report validate --reference <this file> --raw <the extracts>",
        "# and see docs/adapting.md for what each key means.",
        f"authority: {scalar(AUTHORITY_PLACEHOLDER)}  # CHECK: the council's name",
        "",
        *_areas_yaml(areas),
        "",
        *_plain_list("natures", group("complaints", "nature"), "natures of complaint"),
        *_plain_list("remedies", group("remedies", "remedy"), "remedies"),
        *_plain_list("duty_categories", group("duty", "category"), "duty categories"),
        "",
        "working_days:",
        "  bank_holidays: ENG  # CHECK: ENG, WLS, SCT or NIR",
        "  closures: []  # CHECK: office closure days, e.g. [2016-12-28]",
        "timescales:  # CHECK: Stage 1 limits in working days",
        "  statutory: [10, 20]",
        "  corporate: [15]",
        *_stage2_limits(extracts),
        "",
        *CONTRACT_14_KEYS,
        *_columns_yaml(extracts),
        *_outcomes(extracts),
        *_code_list(
            "escalation_findings",
            group("findings", "finding", DEFAULT_ESCALATION_FINDINGS),
            DEFAULT_ESCALATION_FINDINGS,
            "findings on Stage 2/3 points",
        ),
        *_code_list(
            "lgo_statuses",
            group("lgo", "status", DEFAULT_LGO_STATUSES),
            DEFAULT_LGO_STATUSES,
            "Ombudsman stages",
        ),
        *_lgo_findings(group("lgo", "finding", DEFAULT_LGO_FINDINGS)),
    ]
    if types:
        lines += ["", *_complainant_types(types)]
    lists = {
        key: group("complaints", f"child_{key}") for key in ("gender", "ethnicity", "disability")
    }
    equalities = _equalities(_column(extracts, "complaints", "child_age"), lists)
    if equalities:
        lines += ["", *equalities]
        lines += [
            "disclosure:  # small numbers held back in breakdowns (see docs/adapting.md)",
            "  threshold: 5  # CHECK: counts from 1 to 4 are not published",
        ]
    return "\n".join(lines) + "\n"
