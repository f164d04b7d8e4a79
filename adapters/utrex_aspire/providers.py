"""SOEP providers: who teaches a school's online courses, and how a section names them.

The guide (``soep-aspire-sis-entry-guide.txt``, section IV) tells a school to put the provider's
LEA in the master schedule's *Where Taught* field and the provider's school in *Where Taught
School*, and lists six providers with their school numbers. That list ships as
``mappings/aspire/soep_providers.csv`` (name, other name, LEA name, school number, the guide's
line, and how the line was read). The guide gives no LEA *numbers* and neither spec has an LEA
code table, so none is invented here: an LEA number comes from the export (*Where Taught* holding
a number) or, for an LEA given by name, from the user's reference ``leas.csv``
(`utrex_sdk.validation.reference`). Two providers share school number 700 in the guide; only
their LEA tells them apart. Whatever cannot be resolved is reported, never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from utrex_sdk.errors import UnusableInputError

_COLUMNS = ("school_name", "aliases", "lea_name", "school_number", "guide_line", "reading")


def name_key(text: str) -> str:
    """How names are compared: case, punctuation and spacing do not matter."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


@dataclass(frozen=True)
class Provider:
    """One line of the guide's provider list."""

    school_name: str
    aliases: tuple[str, ...]
    lea_name: str
    school_number: str
    guide_line: int

    def __str__(self) -> str:
        return f"{self.school_name} (school {self.school_number}, guide line {self.guide_line})"


class Providers:
    """The provider table, by school number and by name (school name, other name, or
    "LEA name - school name")."""

    def __init__(self, providers: list[Provider]):
        self.providers = providers
        self._by_name: dict[str, list[Provider]] = {}
        self._by_number: dict[str, list[Provider]] = {}
        for p in providers:
            names = {p.school_name, *p.aliases, f"{p.lea_name} {p.school_name}"}
            for name in names:
                self._by_name.setdefault(name_key(name), []).append(p)
            self._by_number.setdefault(p.school_number, []).append(p)

    @classmethod
    def load(cls, path: Path) -> Providers:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                rows = list(reader)
                header = reader.fieldnames or []
        except (OSError, UnicodeDecodeError, csv.Error) as err:
            why = err.strerror if isinstance(err, OSError) else str(err)
            raise UnusableInputError(f"{path}: cannot read the SOEP provider table "
                                     f"({why})") from None
        required = [c for c in _COLUMNS[:4] if c != "aliases"]
        needed = ", ".join(required) + " (aliases optional)"
        if not header:
            raise UnusableInputError(f"{path}: the SOEP provider table is empty; it needs a "
                                     f"header ({needed}) and the guide's providers")
        absent = [c for c in required if c not in header]
        if absent:
            raise UnusableInputError(f"{path}: the SOEP provider table has no column "
                                     f"{', '.join(absent)}; it needs {needed}")
        if not rows:
            raise UnusableInputError(f"{path}: the SOEP provider table has a header but no "
                                     "providers: no provider given by name could be resolved")
        providers = []
        for number, row in enumerate(rows, start=2):
            missing = [c for c in _COLUMNS[:4] if c != "aliases" and not (row.get(c) or "")
                       .strip()]
            school = (row.get("school_number") or "").strip()
            if missing or not (school.isdigit() and len(school) <= 3):
                raise UnusableInputError(
                    f"{path}: row {number}: needs {', '.join(_COLUMNS[:4])} with a school "
                    "number of up to 3 digits")
            line = (row.get("guide_line") or "").strip()
            providers.append(Provider(
                row["school_name"].strip(),
                tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()),
                row["lea_name"].strip(), school.zfill(3), int(line) if line.isdigit() else 0))
        return cls(providers)

    def named(self, text: str) -> list[Provider]:
        return self._by_name.get(name_key(text), [])

    def numbered(self, school: str) -> list[Provider]:
        return self._by_number.get(school, [])


@dataclass
class WhereTaught:
    """A section's where-taught district and school, and what could not be resolved: each
    problem is a finding id and its parameters."""

    district: str | None = None
    school: str | None = None
    problems: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _digits(text: str, width: int) -> str | None:
    return text.zfill(width) if text.isdigit() and len(text) <= width else None


def resolve(lea: str | None, school: str | None, providers: Providers,
            leas: dict[str, str] | None, no_leas: str = "") -> WhereTaught:
    """Where Taught (``lea``) and Where Taught School (``school``) as the export has them — a
    number or a name — to the AC record's two-character district and three-character school.

    ``leas`` maps `name_key` of an LEA name to its number (from the user's reference
    ``leas.csv``); None when the user gave none, and then ``no_leas`` says why."""
    out = WhereTaught()
    candidates: list[Provider] = []
    if school:
        out.school = _digits(school, 3)
        if out.school is not None:
            candidates = providers.numbered(out.school)
        else:
            candidates = providers.named(school)
            if candidates:
                out.school = candidates[0].school_number
            else:
                listed = "; ".join(str(p) for p in providers.providers)
                out.problems.append(("aspire.unknown-provider",
                                     {"value": school, "listed": listed}))
    if lea:
        out.district = _digits(lea, 2)
        if out.district is None:
            out.district = (leas or {}).get(name_key(lea))
            if out.district is None:
                why = ("it is not a name in the reference leas.csv" if leas is not None else
                       no_leas or "no reference leas.csv was given to turn an LEA name into "
                       "its number (the guide gives none)")
                out.problems.append(("aspire.unresolved-lea", {"value": lea, "why": why}))
    elif out.school is not None:
        leas_named = sorted({p.lea_name for p in candidates})
        if len(leas_named) > 1:
            out.problems.append(("aspire.ambiguous-provider", {
                "value": out.school, "listed": " and ".join(str(p) for p in candidates)}))
        else:
            out.problems.append(("aspire.unresolved-lea", {
                "value": "", "why": "Where Taught is blank; give the provider's LEA number"
                + (f" ({leas_named[0]})" if leas_named else "")}))
    return out
