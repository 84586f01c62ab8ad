"""The authority file: service areas and teams, code lists and their meanings, column
names, timescales. Keys a council leaves out mean the data contract's defaults (or, for
the optional inputs of contract 1.1, that the council does not record them)."""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from datetime import date
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from pipeline.errors import InputError, reference_not_found
from pipeline.inputs.contract import SPECS
from pipeline.symbols import CONFIDENTIAL

PROCEDURES: tuple[str, ...] = ("statutory", "corporate")
OUTCOME_KINDS: tuple[str, ...] = ("answered", "closed", "ongoing")


@dataclass(frozen=True)
class Code:
    """One value of a code list: the name the report prints and the other spellings
    extracts (and earlier years' figures) use for it."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """The name, then its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Outcome(Code):
    """A Stage 1 outcome and what it means (contract 1.2, section 5.2).

    ``answered``: a response date is required; ``closed``: no response date, the
    timescale band is the outcome itself; ``ongoing``: no response date, banded by age
    at 31 March. ``upheld``: counts as upheld or partly upheld.
    """

    kind: str = field(default="answered", metadata={"choices": OUTCOME_KINDS})
    upheld: bool = False


@dataclass(frozen=True)
class LgoFinding(Code):
    """An Ombudsman finding; ``fault`` findings count in ``lgo_fault_found``;
    ``investigated`` findings are decisions after a detailed investigation (contract 7.3),
    the base of the Ombudsman's upheld rate. A fault finding is always investigated."""

    fault: bool = False
    investigated: bool = False


@dataclass(frozen=True)
class ComplainantType(Code):
    """Who made a complaint (contract 1.1); ``child``: a child or young person, or an
    advocate speaking for one."""

    child: bool = False


# Band of a Stage 2 escalation still open and not over the last limit on 31 March
# (contract 4.2): a fixed name, whatever the council calls its ongoing outcomes.
STAGE2_ONGOING = "Remains Ongoing"
# Stage 1 cases whose complainant_type cell is empty (contract 4.1).
NOT_RECORDED = "Not Recorded"


# ---------------------------------------------------------------- the defaults
# The code lists of the data contract (1.2) with their meanings (3.2), used when the
# reference file does not list its own. This is the one place the names are written.

DEFAULT_OUTCOMES: tuple[Outcome, ...] = (
    Outcome("Upheld", upheld=True),
    Outcome("Partially Upheld", upheld=True),
    Outcome("Not Upheld"),
    Outcome("Complainant not Engaging", kind="closed"),
    Outcome("Closed: Sensitive Matter", kind="closed"),
    Outcome("Complaint Withdrawn", kind="closed"),
    Outcome("Remains Ongoing", kind="ongoing"),
    Outcome("Unable to make a Finding"),
)
DEFAULT_ESCALATION_FINDINGS: tuple[Code, ...] = (
    Code("Upheld"),
    Code("Partially Upheld"),
    Code("Not Upheld"),
    Code("No Finding"),
)
DEFAULT_LGO_STATUSES: tuple[Code, ...] = (Code("Enquiry"), Code("Investigation"))
DEFAULT_LGO_FINDINGS: tuple[LgoFinding, ...] = (
    LgoFinding("Refusal to Investigate"),
    LgoFinding("Investigation Commenced"),
    LgoFinding("Premature Complaint"),
    LgoFinding("No Fault", investigated=True),
    LgoFinding("Maladministration and Injustice", fault=True, investigated=True),
    LgoFinding("Maladministration No Injustice", fault=True, investigated=True),
)
# Optional code lists of the reference file: key -> (entry type, default list).
# An empty default means "not recorded": the column is not checked or counted.
CODE_LISTS: dict[str, tuple[type[Code], tuple[Code, ...]]] = {
    "outcomes": (Outcome, DEFAULT_OUTCOMES),
    "escalation_findings": (Code, DEFAULT_ESCALATION_FINDINGS),
    "lgo_statuses": (Code, DEFAULT_LGO_STATUSES),
    "lgo_findings": (LgoFinding, DEFAULT_LGO_FINDINGS),
    "complainant_types": (ComplainantType, ()),
}
# Every top-level key the reference file may hold; any other key stops the run.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "authority",
    "service_areas",
    "natures",
    "remedies",
    "duty_categories",
    "working_days",
    "timescales",
    *CODE_LISTS,
    "columns",
    "sheets",
    "publication",
    "contact",
    "equalities",
    "disclosure",
    "actions_as_at",  # contract 1.4
    "population",  # contract 1.4
)
CONTACT_KEYS: tuple[str, ...] = ("team", "email", "phone")
# Who the complaint was about (contract 1.3, section 6.1): reference key -> complaints column.
EQUALITIES_COLUMNS: dict[str, str] = {
    "age_bands": "child_age",
    "gender": "child_gender",
    "ethnicity": "child_ethnicity",
    "disability": "child_disability",
}
AGE_RANGE: tuple[int, int] = (0, 25)  # whole years at the received date (contract 6.1)
DEFAULT_DISCLOSURE_THRESHOLD = 5


@dataclass(frozen=True)
class Equalities:
    """Who the complaints were about (contract 1.3, section 6.1): the age band edges and
    the code lists of gender, ethnicity and disability; an empty one is not recorded."""

    age_bands: tuple[int, ...] = ()
    gender: tuple[Code, ...] = ()
    ethnicity: tuple[Code, ...] = ()
    disability: tuple[Code, ...] = ()

    def listed(self) -> list[str]:
        """The reference keys the council lists (``age_bands``, ``gender``, ...)."""
        return [key for key in EQUALITIES_COLUMNS if getattr(self, key)]

    def columns(self) -> list[str]:
        """The complaints columns counted (``child_age``, ...), for the listed keys."""
        return [EQUALITIES_COLUMNS[key] for key in self.listed()]

    def names(self, key: str) -> list[str]:
        """The names of one code list (gender, ethnicity, disability), in report order."""
        return [code.name for code in getattr(self, key)]

    def spellings(self, key: str) -> dict[str, str]:
        """Lower-cased spelling (name or alias, trimmed) -> name, for one code list."""
        return {s.strip().lower(): c.name for c in getattr(self, key) for s in c.spellings}


@dataclass(frozen=True)
class Disclosure:
    """Disclosure control (contract 1.3, section 6.2): a breakdown count from 1 to
    ``threshold - 1`` is held back and shown as ``symbol``."""

    threshold: int = DEFAULT_DISCLOSURE_THRESHOLD
    symbol: str = CONFIDENTIAL


@dataclass(frozen=True)
class Population:
    """Residents aged 0 to 17 and where the figure comes from (contract 1.4)."""

    children: int
    source: str


@dataclass(frozen=True)
class Team:
    """A team with its canonical name and the other spellings extracts use."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceArea:
    """A service area and its teams, in report order."""

    name: str
    teams: tuple[Team, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """Everything about one council that the code must not hard-wire."""

    authority: str
    service_areas: tuple[ServiceArea, ...]
    natures: tuple[str, ...]
    remedies: tuple[str, ...]
    duty_categories: tuple[str, ...]
    bank_holiday_subdivision: str = "ENG"
    closures: tuple[date, ...] = ()
    timescales: dict[str, tuple[int, ...]] = field(
        default_factory=lambda: {"statutory": (10, 20), "corporate": (15,)}
    )
    outcomes: tuple[Outcome, ...] = DEFAULT_OUTCOMES
    escalation_findings: tuple[Code, ...] = DEFAULT_ESCALATION_FINDINGS
    lgo_statuses: tuple[Code, ...] = DEFAULT_LGO_STATUSES
    lgo_findings: tuple[LgoFinding, ...] = DEFAULT_LGO_FINDINGS
    complainant_types: tuple[ComplainantType, ...] = ()
    # extract -> contract column -> the extract's own header (contract 1.2, section 5.1)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    publication_allow: tuple[str, ...] = ()  # wording that is not personal data
    # procedure -> Stage 2 working-day limits (contract 1.1, timescales.<procedure>_stage2)
    stage2_timescales: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # who answers readers' questions about the figures: lines for the spreadsheet's cover
    contact: tuple[str, ...] = ()
    equalities: Equalities = Equalities()  # contract 1.3: nothing recorded by default
    disclosure: Disclosure | None = None  # contract 1.3: None publishes every count
    # extract -> the sheet of its workbook to read (``sheets: {complaints: Complaints}``)
    sheets: dict[str, str] = field(default_factory=dict)
    # contract 1.4: the date agreed actions are followed up to (default: 31 March of the
    # year) and the children living in the area, for rates per 10,000 children
    actions_as_at: date | None = None
    population: Population | None = None

    @property
    def service_area_names(self) -> list[str]:
        """Canonical service area names in report order."""
        return [area.name for area in self.service_areas]

    @property
    def team_names(self) -> list[str]:
        """Canonical team names (unique), in report order."""
        names: list[str] = []
        for area in self.service_areas:
            names.extend(t.name for t in area.teams if t.name not in names)
        return names

    def teams_of(self, service_area: str) -> list[str]:
        """Canonical team names of one service area."""
        for area in self.service_areas:
            if area.name == service_area:
                return [t.name for t in area.teams]
        raise KeyError(service_area)

    def service_area_spellings(self) -> dict[str, str]:
        """Lower-cased spelling (canonical or alias) -> canonical service area."""
        spellings: dict[str, str] = {}
        for area in self.service_areas:
            for spelling in (area.name, *area.aliases):
                spellings[spelling.strip().lower()] = area.name
        return spellings

    def team_spellings(self) -> dict[tuple[str, str], str]:
        """(canonical service area, lower-cased team spelling) -> canonical team."""
        spellings: dict[tuple[str, str], str] = {}
        for area in self.service_areas:
            for team in area.teams:
                for spelling in (team.name, *team.aliases):
                    spellings[(area.name, spelling.strip().lower())] = team.name
        return spellings

    def team_pairs(self) -> list[tuple[str, str]]:
        """Every valid (service area, team) pair, canonical names."""
        return [(a.name, t.name) for a in self.service_areas for t in a.teams]

    def bands(self, procedure: str) -> list[str]:
        """Timescale band labels for a procedure, in report order (contract 3.2, 5.2).

        The working-day bands, then one band per ``ongoing`` outcome (cases still open
        and not over the last limit) and one per ``closed`` outcome.
        """
        limits = self.timescales[procedure]
        labels = [f"Within {limit} Working Days" for limit in limits]
        labels.append(f"Over {limits[-1]} Working Days")
        return [*labels, *self.outcomes_of("ongoing"), *self.outcomes_of("closed")]

    def stage2_bands(self, procedure: str) -> list[str]:
        """Stage 2 timescale bands of a procedure, in report order (contract 4.2).

        Empty when the reference sets no Stage 2 limits for the procedure.
        """
        limits = self.stage2_timescales.get(procedure)
        if not limits:
            return []
        labels = [f"Within {limit} Working Days" for limit in limits]
        return [*labels, f"Over {limits[-1]} Working Days", STAGE2_ONGOING]

    # ------------------------------------------------------------ code lists

    def names(self, code_list: str) -> list[str]:
        """The names of one code list (``outcomes``, ``lgo_findings``...), in report order."""
        return [code.name for code in getattr(self, code_list)]

    def spellings(self, code_list: str) -> dict[str, str]:
        """Lower-cased spelling (name or alias, trimmed) -> name, for one code list."""
        return {
            spelling.strip().lower(): code.name
            for code in getattr(self, code_list)
            for spelling in code.spellings
        }

    @property
    def outcome_names(self) -> list[str]:
        """Stage 1 outcomes in report order."""
        return self.names("outcomes")

    def outcomes_of(self, *kinds: str) -> list[str]:
        """Stage 1 outcomes of the given kinds (answered, closed, ongoing), in report order."""
        return [o.name for o in self.outcomes if o.kind in kinds]

    @property
    def outcome_kinds(self) -> dict[str, str]:
        """Outcome name -> its kind."""
        return {o.name: o.kind for o in self.outcomes}

    @property
    def upheld_outcomes(self) -> list[str]:
        """Outcomes that count as upheld or partly upheld."""
        return [o.name for o in self.outcomes if o.upheld]

    @property
    def escalation_finding_names(self) -> list[str]:
        """Findings on Stage 2/3 points, in report order."""
        return self.names("escalation_findings")

    @property
    def lgo_status_names(self) -> list[str]:
        """Ombudsman statuses, in report order."""
        return self.names("lgo_statuses")

    @property
    def lgo_finding_names(self) -> list[str]:
        """Ombudsman findings, in report order."""
        return self.names("lgo_findings")

    @property
    def fault_findings(self) -> list[str]:
        """Ombudsman findings that count as fault found."""
        return [f.name for f in self.lgo_findings if f.fault]

    @property
    def investigated_findings(self) -> list[str]:
        """Ombudsman findings decided after a detailed investigation (contract 7.3): those
        marked ``investigated``, and every fault finding (fault is found by investigating)."""
        return [f.name for f in self.lgo_findings if f.investigated or f.fault]

    @property
    def complainant_type_names(self) -> list[str]:
        """Who complained, in report order (empty: the council does not record it)."""
        return self.names("complainant_types")

    @property
    def child_complainant_types(self) -> list[str]:
        """Complainant types that count as a child or young person (``child: true``)."""
        return [t.name for t in self.complainant_types if t.child]

    # ------------------------------------------------------------ column names

    def header_of(self, extract: str, column: str) -> str:
        """The header an extract uses for a contract column (the column name unless mapped)."""
        return self.columns.get(extract, {}).get(column, column)


def _names(items: list, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise InputError(
            file, f"{key} must be a list of names (quote a name YAML reads as a number or yes/no)"
        )
    return tuple(i.strip() for i in items)


def _flag_or_choice(entry: str, name: str, value: object, spec: Field) -> object:
    """Check one meaning field of a code-list entry against its type or choices."""
    choices = spec.metadata.get("choices")
    if choices is not None and isinstance(value, str):
        value = value.strip().lower()
    if choices is not None and value not in choices:
        raise ValueError(f"{entry}: {name} must be one of {', '.join(choices)}")
    if isinstance(spec.default, bool) and not isinstance(value, bool):
        raise ValueError(f"{entry}: {name} must be true or false")
    return value


def _code(item: object, file: str, key: str, kind: type[Code]) -> Code:
    """One entry of a code list: a plain name, or a mapping with name, aliases, meanings."""
    if isinstance(item, str) and item.strip():
        return kind(item.strip())
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("name"), str)
        or not item["name"].strip()
    ):
        raise InputError(
            file, f"{key}: each entry needs a name (quote names YAML reads otherwise)", value=item
        )
    name = item["name"].strip()
    entry = f"{key}, entry '{name}'"
    specs = {f.name: f for f in fields(kind)}
    unknown = [k for k in item if k not in specs]
    if unknown:
        allowed = ", ".join(specs)
        raise InputError(file, f"{entry}: unknown key '{unknown[0]}' (an entry has {allowed})")
    meanings = {}
    for field_name, value in item.items():
        if field_name in ("name", "aliases"):
            continue
        try:
            meanings[field_name] = _flag_or_choice(entry, field_name, value, specs[field_name])
        except ValueError as problem:
            raise InputError(file, str(problem), value=value) from None
    aliases = _names(item.get("aliases") or [], file, f"{entry}: aliases")
    return kind(name, aliases, **meanings)


def _unique_spellings(codes: tuple[Code, ...], file: str, key: str) -> None:
    """Names and aliases may appear once in a list, ignoring case and surrounding spaces."""
    seen: dict[str, str] = {}
    for code in codes:
        for number, spelling in enumerate(code.spellings):
            role = f"name of '{code.name}'" if number == 0 else f"alias of '{code.name}'"
            folded = spelling.strip().lower()
            if folded in seen:
                raise InputError(
                    file,
                    f"{key}: '{spelling}' is listed twice ({seen[folded]}, {role}); "
                    "names and aliases must be unique in a list, ignoring case",
                )
            seen[folded] = role


def _code_list(raw: dict, file: str, key: str) -> tuple[Code, ...]:
    """A code list of the reference file, or the contract's list when the key is absent."""
    kind, default = CODE_LISTS[key]
    if raw.get(key) is None:
        return default
    items = raw[key]
    if not isinstance(items, list) or not items:
        raise InputError(file, f"{key} must be a list of at least one entry")
    codes = tuple(_code(item, file, key, kind) for item in items)
    _unique_spellings(codes, file, key)
    return codes


def _columns(raw: object, file: str) -> dict[str, dict[str, str]]:
    """The ``columns`` key: per extract, contract column -> the extract's header."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(file, "columns must map extract names to their column names")
    result: dict[str, dict[str, str]] = {}
    for extract, mapping in raw.items():
        mapping = {} if mapping is None else mapping
        if extract not in SPECS:
            known = ", ".join(SPECS)
            raise InputError(
                file, f"columns: unknown extract '{extract}' (the extracts are {known})"
            )
        if not isinstance(mapping, dict):
            raise InputError(file, f"columns.{extract} must map contract columns to headers")
        contract = SPECS[extract].columns
        for column, header in mapping.items():
            if column not in contract:
                raise InputError(
                    file,
                    f"columns.{extract}: '{column}' is not a column of the {extract} extract "
                    f"(its columns are {', '.join(contract)})",
                )
            if not isinstance(header, str) or not header.strip():
                raise InputError(
                    file, f"columns.{extract}.{column} must be a header name", value=header
                )
        headers = {column: mapping.get(column, column).strip() for column in contract}
        read_by: dict[str, str] = {}
        for column, header in headers.items():
            folded = header.lower()
            if folded in read_by:
                raise InputError(
                    file,
                    f"columns.{extract}: the header '{header}' would be read as both "
                    f"{read_by[folded]} and {column}; give each column its own header",
                )
            read_by[folded] = column
        result[extract] = {column: header.strip() for column, header in mapping.items()}
    return result


def _sheets(raw: object, file: str) -> dict[str, str]:
    """The ``sheets`` key: per extract, the name of the workbook sheet holding it."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(file, "sheets must map extract names to sheet names")
    for extract, sheet in raw.items():
        if extract not in SPECS:
            known = ", ".join(SPECS)
            raise InputError(
                file, f"sheets: unknown extract '{extract}' (the extracts are {known})"
            )
        if not isinstance(sheet, str) or not sheet.strip():
            raise InputError(file, f"sheets.{extract} must be a sheet name", value=sheet)
    return {extract: sheet.strip() for extract, sheet in raw.items()}


def _team(entry: dict, file: str) -> Team:
    if isinstance(entry, str):
        return Team(entry.strip())
    if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
        raise InputError(file, f"each team needs a 'name': {entry!r}")
    aliases = _names(entry.get("aliases") or [], file, "aliases")
    return Team(str(entry["name"]).strip(), aliases)


def _service_area(entry: dict, file: str) -> ServiceArea:
    if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
        raise InputError(file, f"each service area needs a 'name': {entry!r}")
    teams = tuple(_team(t, file) for t in entry.get("teams") or [])
    if not teams:
        raise InputError(file, f"service area {entry['name']!r} has no teams")
    aliases = _names(entry.get("aliases") or [], file, "aliases")
    return ServiceArea(str(entry["name"]).strip(), teams, aliases)


def _limits(raw: dict, key: str, file: str) -> tuple[int, ...]:
    """One list of working-day limits: increasing positive whole numbers."""
    limits = raw.get(key)
    if (
        not isinstance(limits, list)
        or not limits
        or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in limits)
        or sorted(set(limits)) != limits
    ):
        raise InputError(
            file, f"timescales.{key} must be increasing positive whole numbers", value=limits
        )
    return tuple(limits)


def _timescales(raw: dict, file: str) -> dict[str, tuple[int, ...]]:
    """Stage 1 limits per procedure (required)."""
    return {procedure: _limits(raw, procedure, file) for procedure in PROCEDURES}


def _stage2_timescales(raw: dict, file: str) -> dict[str, tuple[int, ...]]:
    """Stage 2 limits per procedure, from the optional ``<procedure>_stage2`` keys.

    Any other key under ``timescales`` is an error, so that a misspelt key is not
    silently read as "Stage 2 limits not set".
    """
    stage2_keys = {f"{procedure}_stage2": procedure for procedure in PROCEDURES}
    unknown = [k for k in raw if k not in PROCEDURES and k not in stage2_keys]
    if unknown:
        known = ", ".join([*PROCEDURES, *stage2_keys])
        raise InputError(file, f"timescales: unknown key '{unknown[0]}' (the keys are {known})")
    return {
        procedure: _limits(raw, key, file)
        for key, procedure in stage2_keys.items()
        if raw.get(key) is not None
    }


def _closures(raw: list, file: str) -> tuple[date, ...]:
    days = []
    for value in raw or []:
        if isinstance(value, date):
            days.append(value)
            continue
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            raise InputError(file, "closures must be ISO dates", value=value) from None
    return tuple(sorted(days))


def _publication_allow(raw: object, file: str) -> tuple[str, ...]:
    """``publication: {allow: [...]}``: phrases the personal-data checks leave alone."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise InputError(file, "'publication' must be a mapping with an 'allow' list")
    return _names(raw.get("allow") or [], file, "publication.allow")


def _contact(raw: object, file: str) -> tuple[str, ...]:
    """The optional ``contact`` key: a line of text, or a mapping of ``team``, ``email``
    and ``phone`` (each optional), as lines for the spreadsheet's cover."""
    if raw is None:
        return ()
    if isinstance(raw, str) and raw.strip():
        return (raw.strip(),)
    if not isinstance(raw, dict):
        raise InputError(file, "contact must be a line of text or a mapping of team, email, phone")
    unknown = [k for k in raw if k not in CONTACT_KEYS]
    if unknown:
        raise InputError(
            file, f"contact: unknown key '{unknown[0]}' (the keys are {', '.join(CONTACT_KEYS)})"
        )
    labels = {"team": "", "email": "Email: ", "phone": "Telephone: "}
    lines = []
    for key in CONTACT_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str | int) or not str(value).strip():
            raise InputError(file, f"contact.{key} must be text", value=value)
        lines.append(labels[key] + str(value).strip())
    return tuple(lines)


def _age_bands(raw: object, file: str) -> tuple[int, ...]:
    """``equalities.age_bands``: increasing whole-year edges inside the ages counted."""
    low, high = AGE_RANGE
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw)
        or sorted(set(raw)) != raw
        or raw[0] <= low
        or raw[-1] > high
    ):
        raise InputError(
            file,
            f"equalities.age_bands must be increasing whole numbers from {low + 1} to {high} "
            "(the edges of the bands, e.g. [5, 10, 16, 18])",
            value=raw,
        )
    return tuple(raw)


def _equalities(raw: object, file: str) -> Equalities:
    """The ``equalities`` key (contract 6.1); absent: nothing recorded."""
    if raw is None:
        return Equalities()
    if not isinstance(raw, dict):
        raise InputError(file, "equalities must be a mapping (age_bands, gender, ...)")
    unknown = [k for k in raw if k not in EQUALITIES_COLUMNS]
    if unknown:
        known = ", ".join(EQUALITIES_COLUMNS)
        raise InputError(file, f"equalities: unknown key '{unknown[0]}' (the keys are {known})")
    lists: dict[str, object] = {}
    if raw.get("age_bands") is not None:
        lists["age_bands"] = _age_bands(raw["age_bands"], file)
    for key in ("gender", "ethnicity", "disability"):
        if raw.get(key) is None:
            continue
        items, name = raw[key], f"equalities.{key}"
        if not isinstance(items, list) or not items:
            raise InputError(file, f"{name} must be a list of at least one entry")
        codes = tuple(_code(item, file, name, Code) for item in items)
        _unique_spellings(codes, file, name)
        lists[key] = codes
    return Equalities(**lists)


def _disclosure(raw: object, file: str) -> Disclosure | None:
    """The ``disclosure`` key (contract 6.2); absent: every count is published."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError(file, "disclosure must be a mapping (threshold, symbol)")
    unknown = [k for k in raw if k not in ("threshold", "symbol")]
    if unknown:
        raise InputError(
            file, f"disclosure: unknown key '{unknown[0]}' (the keys are threshold, symbol)"
        )
    threshold = raw.get("threshold", DEFAULT_DISCLOSURE_THRESHOLD)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 2:
        raise InputError(
            file, "disclosure.threshold must be a whole number of at least 2", value=threshold
        )
    symbol = raw.get("symbol", CONFIDENTIAL)
    if not isinstance(symbol, str) or not symbol.strip() or symbol.strip().isdigit():
        raise InputError(
            file, "disclosure.symbol must be a short text that is not a number", value=symbol
        )
    return Disclosure(threshold, symbol.strip())


def _actions_as_at(raw: object, file: str) -> date | None:
    """``actions_as_at``: an ISO date (contract 1.4), or None when not given."""
    if raw is None:
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InputError(
            file, "actions_as_at must be a date written YYYY-MM-DD", value=raw
        ) from None


def _population(raw: object, file: str) -> Population | None:
    """``population: {children, source}`` (contract 1.4), or None when not given."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError(file, "population must be a mapping with 'children' and 'source'")
    unknown = [k for k in raw if k not in ("children", "source")]
    if unknown:
        raise InputError(
            file, f"population: unknown key '{unknown[0]}' (the keys are children, source)"
        )
    children = raw.get("children")
    if isinstance(children, bool) or not isinstance(children, int) or children <= 0:
        raise InputError(file, "population.children must be a whole number above 0", value=children)
    source = str(raw.get("source") or "").strip()
    if not source:
        raise InputError(file, "population.source must say where the figure comes from")
    return Population(children, source)


def _check_top_level_keys(raw: dict, file: str) -> None:
    """Stop on a top-level key the project does not read: a misspelt ``disclosure`` would
    otherwise be ignored without a word. Names the nearest known key."""
    for key in raw:
        if key in TOP_LEVEL_KEYS:
            continue
        nearest = process.extractOne(str(key), TOP_LEVEL_KEYS, scorer=fuzz.ratio)
        hint = f": did you mean {nearest[0]}?" if nearest and nearest[1] >= 60 else ""
        known = ", ".join(TOP_LEVEL_KEYS)
        raise InputError(file, f"unknown key '{key}'{hint} (the keys are {known})")


def load_reference(path: str | Path) -> Reference:
    """Read and check an authority YAML file."""
    path = Path(path)
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise reference_not_found(path) from None
    except yaml.YAMLError as exc:
        raise InputError(file, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(file, "expected a mapping at the top level")
    _check_top_level_keys(raw, file)
    missing = [k for k in ("authority", "service_areas", "natures", "remedies") if k not in raw]
    if missing:
        raise InputError(file, f"missing keys: {', '.join(missing)}")
    working_days = raw.get("working_days") or {}
    timescales = raw.get("timescales") or {}
    if not isinstance(timescales, dict):
        raise InputError(file, "timescales must map procedures to lists of working-day limits")
    return Reference(
        authority=str(raw["authority"]).strip(),
        service_areas=tuple(_service_area(a, file) for a in raw["service_areas"]),
        natures=_names(raw["natures"], file, "natures"),
        remedies=_names(raw["remedies"], file, "remedies"),
        duty_categories=_names(raw.get("duty_categories") or [], file, "duty_categories"),
        bank_holiday_subdivision=str(working_days.get("bank_holidays", "ENG")),
        closures=_closures(working_days.get("closures"), file),
        timescales=_timescales(timescales, file),
        **{key: _code_list(raw, file, key) for key in CODE_LISTS},
        columns=_columns(raw.get("columns"), file),
        publication_allow=_publication_allow(raw.get("publication"), file),
        stage2_timescales=_stage2_timescales(timescales, file),
        contact=_contact(raw.get("contact"), file),
        equalities=_equalities(raw.get("equalities"), file),
        disclosure=_disclosure(raw.get("disclosure"), file),
        sheets=_sheets(raw.get("sheets"), file),
        actions_as_at=_actions_as_at(raw.get("actions_as_at"), file),
        population=_population(raw.get("population"), file),
    )
