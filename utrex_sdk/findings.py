"""Findings: what the SDK tells a user about their data, as small typed records.

Every problem the SDK finds in a file or a record — a value too wide for its column, a line of
unknown type, a name that had to be transliterated — is a `Finding`, never a print or a silent
fix. A finding's `error_id` says which check produced it; its message is rendered from the check's
template (frictionless-style), so the same problem always reads the same way.

The finding types are data: the SDK's own (`fmt.` the fixed-width format, `order.` the file's
record order, `val.` the validator, `src.`/`map.` reading and mapping an export) are in
``spec/findings.toml``, a plugin's in its own file named in the entry-point group
``utrex_sdk.findings`` (``aspire = "utrex_aspire:findings.toml"``). They are loaded once, on first
use, so `make_finding` works whatever module was imported first, and a duplicate id or a
malformed entry stops the load with an error naming the file. They are this SDK's own checks, not
the state's: the state's Error IDs (`001`, `S1.320`, ...) belong to the validator's rule registry.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from dataclasses import fields as dataclass_fields
from enum import StrEnum
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Formatter
from typing import Any

from .errors import UtrexError


class Level(StrEnum):
    """Severity, spelled as the spec's rule tables spell it."""

    ERROR = "Err"
    WARNING = "Warn"


@dataclass(frozen=True, slots=True)
class _Registered:
    """What the registry knows of each of its entries besides the entry's own fields: where it
    was defined. Keyword-only, so the entries' own fields keep their positions."""

    origin: str = dataclass_field(default="", compare=False, kw_only=True)
    """Where it was defined (a data file, or the module that registered it in code)."""

    @classmethod
    def data_keys(cls) -> frozenset[str]:
        """The keys an entry of this kind has in a finding-type data file: its own fields."""
        return frozenset(f.name for f in dataclass_fields(cls) if f.name != "origin")


@dataclass(frozen=True, slots=True)
class FindingType(_Registered):
    """A registered check: its id, level and message template (``{name}`` placeholders), what to
    do about it (``hint``, shown by `utrex explain`) and, when a row can be rejected for it, the
    summary's label (``reject``; else the title is used)."""

    id: str
    level: Level
    title: str
    template: str
    hint: str = ""
    reject: str | None = None
    quotes: str = ""
    """Template parameters besides ``value`` that quote a value of the finding's field (an
    earlier row's, the value as written), space-separated: `redact` hides them like the value."""


@dataclass(frozen=True, slots=True)
class RejectReason(_Registered):
    """A reason a row is rejected that is no finding (``map.excluded``: a `where` left it out)."""

    id: str
    title: str
    reject: str
    hint: str


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


class FindingTypeError(UtrexError):
    """A finding-type data file that cannot be used: a duplicate id, a malformed entry."""


ENTRY_POINT_GROUP = "utrex_sdk.findings"
"""Plugins name their finding-type file here: ``name = "package:file.toml"``."""

_SDK_FILE = "utrex_sdk/spec/findings.toml"
_ID = r"[a-z0-9][a-z0-9_-]*"
_OPTIONAL = frozenset({"reject", "quotes"})

_TYPES: dict[str, FindingType] = {}
_REASONS: dict[str, RejectReason] = {}
_loaded: set[str] = set()  # "sdk", "plugins": what has been loaded into the registry
_lock = threading.RLock()


def _entry(raw: Any, where: str, keys: frozenset[str]) -> dict[str, str]:
    """One entry's keys, checked: all of ``keys`` but the optional ones, strings, nothing else."""
    if not isinstance(raw, dict):
        raise FindingTypeError(f"{where}: an entry must be a table")
    unknown = sorted(set(raw) - keys)
    missing = sorted(keys - _OPTIONAL - set(raw))
    if unknown or missing:
        what = "; ".join(p for p in (unknown and f"unknown key(s) {', '.join(unknown)}",
                                     missing and f"missing key(s) {', '.join(missing)}") if p)
        raise FindingTypeError(f"{where}: {what}")
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise FindingTypeError(f"{where}: {key} must be a non-empty string")
    if not re.fullmatch(rf"{_ID}(\.{_ID})+", raw["id"]):
        raise FindingTypeError(f"{where}: id {raw['id']!r} is not namespace.name "
                               "(lower-case letters, digits, '-')")
    return raw


def parse_finding_file(text: str, origin: str) -> list[FindingType | RejectReason]:
    """The finding types and reject reasons of one data file (``spec/findings.toml`` format),
    checked: malformed TOML, a missing or unknown key, a level that is not Err/Warn, a template
    that does not parse, or an id listed twice is a `FindingTypeError` naming ``origin``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise FindingTypeError(f"{origin}: not valid TOML: {err}") from None
    unknown = sorted(set(data) - {"finding", "reason"})
    if unknown:
        raise FindingTypeError(f"{origin}: unknown table(s) {', '.join(unknown)}; "
                               "expected [[finding]] and [[reason]]")
    out: list[FindingType | RejectReason] = []
    seen: set[str] = set()
    for table, keys in (("finding", FindingType.data_keys()),
                        ("reason", RejectReason.data_keys())):
        entries = data.get(table, [])
        if not isinstance(entries, list):
            raise FindingTypeError(f"{origin}: {table} must be an array of tables [[{table}]]")
        for n, raw in enumerate(entries, 1):
            entry = _entry(raw, f"{origin}: [[{table}]] #{n}", keys)
            where = f"{origin}: {entry['id']}"
            if entry["id"] in seen:
                raise FindingTypeError(f"{where}: id listed more than once")
            seen.add(entry["id"])
            if table == "reason":
                out.append(RejectReason(**entry, origin=origin))
                continue
            try:
                level = Level(entry["level"])
            except ValueError:
                raise FindingTypeError(f"{where}: level {entry['level']!r} is not "
                                       f"{' or '.join(Level)}") from None
            try:
                names = {f for _, f, _, _ in Formatter().parse(entry["template"]) if f}
            except ValueError as err:
                raise FindingTypeError(f"{where}: template does not parse: {err}") from None
            if unknown := set(entry.get("quotes", "").split()) - names:
                raise FindingTypeError(f"{where}: quotes names {', '.join(sorted(unknown))}, "
                                       "which the template does not use")
            out.append(FindingType(**{**entry, "level": level}, origin=origin))
    return out


def _add(kinds: list[FindingType | RejectReason]) -> None:
    """Add loaded entries; an id already registered (by another file or in code) is an error,
    and nothing of the file is added."""
    with _lock:
        for kind in kinds:
            other = _TYPES.get(kind.id) or _REASONS.get(kind.id)
            if other is not None:
                raise FindingTypeError(f"{kind.origin}: {kind.id} is already registered by "
                                       f"{other.origin or 'another module'}")
        for kind in kinds:
            if isinstance(kind, RejectReason):
                _REASONS[kind.id] = kind
            else:
                _TYPES[kind.id] = kind


def register_finding_file(path: str | Path | Traversable, origin: str | None = None) -> None:
    """Register the finding types of a data file (``spec/findings.toml`` format).

    An installed plugin does not call this: it names its file in the entry-point group
    ``utrex_sdk.findings`` and the SDK loads it when one of its ids is first looked up. This is
    for code that is no installed distribution (a script, a test).
    """
    _load("sdk")
    name = origin or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise FindingTypeError(f"{name}: cannot read finding types: {err.strerror}") from None
    _add(parse_finding_file(text, name))


def _load(what: str) -> None:
    """Load the SDK's file (``sdk``) or every plugin's (``plugins``), once per process."""
    with _lock:
        if what in _loaded:
            return
        _loaded.add(what)
        if what == "sdk":
            path = resources.files("utrex_sdk").joinpath("spec").joinpath("findings.toml")
            _add(parse_finding_file(path.read_text(encoding="utf-8"), _SDK_FILE))
            return
        _load("sdk")
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if not ep.attr:
                raise FindingTypeError(f"entry point {ep.name} = {ep.value!r} in group "
                                       f"{ENTRY_POINT_GROUP}: expected 'package:file.toml'")
            register_finding_file(_package_file(ep), f"{ep.module}:{ep.attr}")


def _package_file(ep: metadata.EntryPoint) -> Path:
    """The data file an entry point names, found without importing the plugin (its package's
    ``__init__`` may import half the SDK; a lookup of one id should not)."""
    try:
        spec = importlib.util.find_spec(ep.module)
    except (ImportError, ValueError):
        spec = None
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        raise FindingTypeError(f"entry point {ep.name} = {ep.value!r} in group "
                               f"{ENTRY_POINT_GROUP}: {ep.module!r} is no installed package")
    return Path(next(iter(folders))) / ep.attr


def finding_type(error_id: str) -> FindingType:
    """The registered finding type ``error_id``; the data files are loaded on first need (the
    plugins' only when the SDK's file does not have it). KeyError if nobody registers it."""
    kind = _TYPES.get(error_id)
    if kind is None:
        _load("sdk")
        kind = _TYPES.get(error_id)
    if kind is None:
        _load("plugins")
        kind = _TYPES.get(error_id)
    if kind is not None:
        return kind
    raise KeyError(f"no finding type {error_id!r} is registered")


def reject_reason_type(reason_id: str) -> FindingType | RejectReason | None:
    """What a reject's ``reason_id`` is: a finding type or a reason that is no finding."""
    try:
        return finding_type(reason_id)
    except KeyError:
        return _REASONS.get(reason_id)  # finding_type has loaded every file by now


def all_finding_types() -> dict[str, FindingType | RejectReason]:
    """Every finding type and reject reason, by id, after loading every data file."""
    _load("plugins")
    return {**_TYPES, **_REASONS}


def __getattr__(name: str) -> Any:
    """`FINDING_TYPES` (every registered type) and `FORMAT_FINDINGS` (the ``fmt.`` ones), loaded
    on first use rather than at import."""
    if name == "FINDING_TYPES":
        _load("plugins")
        return _TYPES
    if name == "FORMAT_FINDINGS":
        _load("sdk")
        return {i: t for i, t in _TYPES.items() if i.startswith("fmt.") and
                t.origin == _SDK_FILE}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register_finding_types(*types: FindingType) -> None:
    """Register finding types defined in code, so `make_finding` can render them.

    A plugin's types are better a data file (`register_finding_file`, or the entry-point group
    ``utrex_sdk.findings``). Re-registering the identical type is a no-op (modules may be
    imported twice under test runners); a different type under an existing id is an error.
    """
    _load("sdk")
    with _lock:
        for kind in types:
            existing = _TYPES.get(kind.id)
            if existing is not None and existing != kind:
                raise ValueError(f"finding type {kind.id!r} is already registered differently")
            if kind.id in _REASONS:
                raise ValueError(f"{kind.id!r} is already registered as a reject reason")
            _TYPES[kind.id] = kind


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
    kind = _TYPES.get(error_id) or finding_type(error_id)
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
