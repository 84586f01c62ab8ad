"""The authority file: service areas, teams and their aliases, code lists, timescales."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from pipeline.errors import InputError

PROCEDURES: tuple[str, ...] = ("statutory", "corporate")
OUTCOMES: tuple[str, ...] = (
    "Upheld",
    "Partially Upheld",
    "Not Upheld",
    "Complainant not Engaging",
    "Closed: Sensitive Matter",
    "Complaint Withdrawn",
    "Remains Ongoing",
    "Unable to make a Finding",
)
NO_RESPONSE_OUTCOMES: tuple[str, ...] = (
    "Complainant not Engaging",
    "Closed: Sensitive Matter",
    "Complaint Withdrawn",
    "Remains Ongoing",
)
CLOSED_WITHOUT_RESPONSE: tuple[str, ...] = (
    "Complaint Withdrawn",
    "Complainant not Engaging",
    "Closed: Sensitive Matter",
)
ESCALATION_FINDINGS: tuple[str, ...] = ("Upheld", "Partially Upheld", "Not Upheld", "No Finding")
LGO_STATUSES: tuple[str, ...] = ("Enquiry", "Investigation")
LGO_FINDINGS: tuple[str, ...] = (
    "Refusal to Investigate",
    "Investigation Commenced",
    "Premature Complaint",
    "No Fault",
    "Maladministration and Injustice",
    "Maladministration No Injustice",
)
LGO_FAULT_FINDINGS: tuple[str, ...] = (
    "Maladministration and Injustice",
    "Maladministration No Injustice",
)


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
        """Timescale band labels for a procedure, in report order (contract 3.2)."""
        limits = self.timescales[procedure]
        labels = [f"Within {limit} Working Days" for limit in limits]
        labels.append(f"Over {limits[-1]} Working Days")
        return [*labels, "Remains Ongoing", *CLOSED_WITHOUT_RESPONSE]


def _names(items: list, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise InputError(file, f"'{key}' must be a list of names")
    return tuple(i.strip() for i in items)


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


def _timescales(raw: dict, file: str) -> dict[str, tuple[int, ...]]:
    result: dict[str, tuple[int, ...]] = {}
    for procedure in PROCEDURES:
        limits = raw.get(procedure)
        if (
            not isinstance(limits, list)
            or not limits
            or not all(isinstance(x, int) and x > 0 for x in limits)
            or sorted(limits) != limits
        ):
            raise InputError(
                file, f"timescales.{procedure} must be increasing positive whole numbers"
            )
        result[procedure] = tuple(limits)
    return result


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


def load_reference(path: str | Path) -> Reference:
    """Read and check an authority YAML file."""
    path = Path(path)
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(file, "reference file not found") from None
    except yaml.YAMLError as exc:
        raise InputError(file, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(file, "expected a mapping at the top level")
    missing = [k for k in ("authority", "service_areas", "natures", "remedies") if k not in raw]
    if missing:
        raise InputError(file, f"missing keys: {', '.join(missing)}")
    working_days = raw.get("working_days") or {}
    return Reference(
        authority=str(raw["authority"]).strip(),
        service_areas=tuple(_service_area(a, file) for a in raw["service_areas"]),
        natures=_names(raw["natures"], file, "natures"),
        remedies=_names(raw["remedies"], file, "remedies"),
        duty_categories=_names(raw.get("duty_categories") or [], file, "duty_categories"),
        bank_holiday_subdivision=str(working_days.get("bank_holidays", "ENG")),
        closures=_closures(working_days.get("closures"), file),
        timescales=_timescales(raw.get("timescales") or {}, file),
    )
