"""Findings: what the SDK tells a user about their data, as small typed records.

Every problem the SDK finds in a file or a record — a value too wide for its column, a line of
unknown type, a name that had to be transliterated — is a `Finding`, never a print or a silent
fix. A finding's `error_id` says which check produced it; its message is rendered from the check's
template (frictionless-style), so the same problem always reads the same way.

The checks of the file *format* (the fixed-width codec, the reader, the submission assembly) are
registered here with ids in the `fmt.` namespace. They are this SDK's own checks, not the state's:
the state's Error IDs (`001`, `S1.320`, ...) belong to the validator's rule registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """Severity, spelled as the spec's rule tables spell it."""

    ERROR = "Err"
    WARNING = "Warn"


@dataclass(frozen=True, slots=True)
class FindingType:
    """A registered check: its id, level and message template (``{name}`` placeholders)."""

    id: str
    level: Level
    title: str
    template: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one place: which check, how serious, where, and what it saw."""

    error_id: str
    level: Level
    message: str
    record: str | None = None
    line: int | None = None
    field: str | None = None
    value: str | None = None
    source: str | None = None
    keys: Mapping[str, str] = dataclass_field(default_factory=dict)
    description: str | None = None
    rule: str | None = None
    """The rule registry id (`001:S1.last_name`) when a validation rule produced it."""

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def to_dict(self) -> dict[str, Any]:
        return {
            "error_id": self.error_id,
            "level": str(self.level),
            "record": self.record,
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "source": self.source,
            "keys": dict(self.keys),
            "description": self.description,
            "rule": self.rule,
        }

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.source, self.line) if p is not None)
        return f"{where + ': ' if where else ''}{self.level} {self.error_id}: {self.message}"


def _types(*types: FindingType) -> dict[str, FindingType]:
    return {t.id: t for t in types}


E, W = Level.ERROR, Level.WARNING

FORMAT_FINDINGS: dict[str, FindingType] = _types(
    # reading a file
    FindingType("fmt.not-ascii", E, "Byte that is not ASCII",
                "byte 0x{byte} at column {column} is not ASCII; UTREx files are ASCII text"),
    FindingType("fmt.blank-line", W, "Blank line", "blank line skipped"),
    FindingType("fmt.unknown-record", E, "Unknown record type",
                "unknown record type {value!r}: a line must start with one of {known}"),
    FindingType("fmt.no-layout", E, "Record type without a layout",
                "{record} records have no fixed-width layout in edition {edition}"),
    FindingType("fmt.short-line", E, "Line too short",
                "line is {length} characters; {record} records are {width}"),
    FindingType("fmt.long-line", E, "Line too long",
                "line is {length} characters; {record} records are {width} "
                "and the extra characters are not blank"),
    FindingType("fmt.trailing-blanks", W, "Blank padding past the record",
                "line is {length} characters; the blanks after column {width} are ignored"),
    FindingType("fmt.literal", E, "Fixed text missing",
                "columns {start}-{end} must read {expected!r}, found {value!r}"),
    FindingType("fmt.not-number", E, "Not a zero-filled number",
                "{field} (columns {start}-{end}) must be a right-justified, zero-filled number"
                "{specials}; found {value!r}"),
    FindingType("fmt.not-date", E, "Not a date",
                "{field} (columns {start}-{end}) must be a date YYYYMMDD; found {value!r}"),
    FindingType("fmt.not-month-day", E, "Not a month and day",
                "{field} (columns {start}-{end}) must be a month and day MMDD; found {value!r}"),
    FindingType("fmt.not-datetime", E, "Not a date and time",
                "{field} (columns {start}-{end}) must be 'YYYY-MM-DD HH:MM:SS.SSS'; "
                "found {value!r}"),
    FindingType("fmt.not-code", E, "Not a known code",
                "{field} (columns {start}-{end}): {value!r} is not {allowed}"),
    # writing a record
    FindingType("fmt.too-wide", E, "Value too wide for its column",
                "{record} {field}: {value!r} needs {needed} characters; "
                "columns {start}-{end} hold {width}"),
    FindingType("fmt.too-many-decimals", E, "More decimals than the column holds",
                "{record} {field}: {value!r} has more than {scale} decimal places; "
                "it would have to be rounded"),
    FindingType("fmt.negative", E, "Negative value in an unsigned column",
                "{record} {field}: {value!r} is negative; columns {start}-{end} have no sign"),
    FindingType("fmt.bad-value", E, "Value of the wrong kind",
                "{record} {field}: {value!r} cannot be written as {kind}"),
    FindingType("fmt.transliterated", W, "Non-ASCII letters transliterated",
                "{record} {field}: {value!r} written as {written!r} (UTREx files are ASCII)"),
    FindingType("fmt.non-ascii", E, "Character with no ASCII equivalent",
                "{record} {field}: {value!r} contains {chars} with no ASCII equivalent"),
    FindingType("fmt.no-column", W, "Value with no column in this edition",
                "{record} {field} = {value!r} is not written: edition {edition} has no column "
                "for it"),
    # assembling a submission
    FindingType("fmt.no-district", E, "No district record",
                "the submission has no DI record; a UTREx file must start with one"),
    FindingType("fmt.extra-district", E, "More than one district record",
                "DI record for LEA {value!r} not written: a submission has exactly one DI record"),
    FindingType("fmt.duplicate-school", E, "School record repeated",
                "SC record for school {value!r} not written: the school already has an SC record"),
    FindingType("fmt.no-school", E, "Record for a school with no SC record",
                "{record} record not written: school {value!r} has no SC record in the "
                "submission"),
)


FINDING_TYPES: dict[str, FindingType] = dict(FORMAT_FINDINGS)
"""Every registered finding type, by id: the format checks above plus whatever other modules
(the mapping engine, adapters) register with `register_finding_types`."""


def register_finding_types(*types: FindingType) -> None:
    """Register finding types under new ids, so `make_finding` can render them.

    Re-registering the identical type is a no-op (modules may be imported twice under test
    runners); registering a different type under an existing id is a programming error.
    """
    for kind in types:
        existing = FINDING_TYPES.get(kind.id)
        if existing is not None and existing != kind:
            raise ValueError(f"finding type {kind.id!r} is already registered differently")
        FINDING_TYPES[kind.id] = kind


def make_finding(
    error_id: str,
    *,
    record: str | None = None,
    line: int | None = None,
    field: str | None = None,
    value: Any = None,
    source: str | None = None,
    keys: Mapping[str, str] | None = None,
    **params: Any,
) -> Finding:
    """Build a registered finding, rendering its template from the given parameters."""
    kind = FINDING_TYPES[error_id]
    text_value = None if value is None else str(value)
    message = kind.template.format(record=record, field=field, value=text_value, **params)
    return Finding(
        error_id=error_id,
        level=kind.level,
        message=message,
        record=record,
        line=line,
        field=field,
        value=text_value,
        source=source,
        keys=keys or {},
    )
