"""The fixed-width codec: one engine, driven by the layout data, for every record type.

``serialize`` turns a canonical model into one line of exactly the record's width, ended by CR LF;
``parse`` turns a line back into the model. Nothing is truncated, rounded or dropped silently: a
value that does not fit its column is an error naming the record, field, value and width; a value
with no column in the edition is a warning; a non-ASCII letter is transliterated with a warning.

Per record type the layout is compiled once into a list of small reader/writer functions, so the
per-line work is a slice and a conversion per field; and into one straight-line function per
direction (`utrex_sdk.compiled`) that handles a clean record without any per-field call and hands
anything else back to the readers and writers here, which say what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from ..catalogue import FieldSpec, catalogue
from ..findings import Finding, make_finding
from ..layouts import DEFAULT_EDITION, FieldLayout, RecordLayout, edition_layout
from ..models import MODELS, UtrexRecord, code_set, is_month_day
from .ascii import to_ascii
from .compiled import compile_parser, compile_serializer

CRLF = "\r\n"

# Fields that identify a record in a finding (``Finding.keys``), when the record has them.
KEY_FIELDS = (
    "lea_number", "school_number", "student_number", "course_section", "period", "incident_id",
)


class Parsed(NamedTuple):
    record: UtrexRecord | None
    findings: list[Finding]


class Encoded(NamedTuple):
    line: str | None  # the record's line, CR LF included; None when it cannot be written
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return self.line is not None


class _Invalid(Exception):
    """Internal signal: a value failed a check; carries the finding's id and parameters."""

    def __init__(self, error_id: str, **params: Any):
        self.error_id = error_id
        self.params = params


Reader = Callable[[str], Any]
Writer = Callable[[Any, list[tuple[str, dict]]], str]


def _keys(values: dict[str, Any]) -> dict[str, str]:
    return {k: str(values[k]) for k in KEY_FIELDS if values.get(k) is not None}


def _describe_codes(codes: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in codes)


# --- readers: column text -> typed value (raise _Invalid) -----------------------------------


def _reader(fl: FieldLayout, spec: FieldSpec) -> Reader:
    kind, specials, scale = fl.kind, frozenset(fl.specials), fl.scale

    if kind in ("text", "code"):
        codes = frozenset(code_set(spec))
        pattern = re.compile(spec.pattern) if spec.pattern else None

        def read_text(raw: str) -> str | None:
            value = raw.rstrip()
            if not value:
                return None
            if pattern is not None:
                if not pattern.fullmatch(value):
                    raise _Invalid("fmt.not-code", allowed=f"a value matching {spec.pattern}")
            elif codes and value not in codes:
                raise _Invalid("fmt.not-code", allowed="one of " + _describe_codes(code_set(spec)))
            return value

        return read_text

    if kind in ("number", "decimal"):
        shown = f" or one of {', '.join(map(repr, fl.specials))}" if specials else ""

        def read_number(raw: str) -> Any:
            if raw.isdigit() and raw.isascii():
                return int(raw) if kind == "number" else Decimal(int(raw)).scaleb(-scale)
            value = raw.rstrip()
            if not value:
                return None
            if value in specials:
                return value
            raise _Invalid("fmt.not-number", specials=shown)

        return read_number

    if kind == "date":

        def read_date(raw: str) -> dt.date | None:
            if raw.isdigit() and raw.isascii():
                try:
                    return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
                except ValueError:
                    pass
            elif not raw.strip():
                return None
            raise _Invalid("fmt.not-date")

        return read_date

    if kind == "mmdd":

        def read_mmdd(raw: str) -> str | None:
            if not raw.strip():
                return None
            if not is_month_day(raw):
                raise _Invalid("fmt.not-month-day")
            return raw

        return read_mmdd

    if kind == "datetime":
        shape = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})")

        def read_datetime(raw: str) -> dt.datetime | None:
            m = shape.fullmatch(raw)
            if m:
                y, mo, d, h, mi, s, ms = map(int, m.groups())
                try:
                    return dt.datetime(y, mo, d, h, mi, s, ms * 1000)
                except ValueError:
                    pass
            elif not raw.strip():
                return None
            raise _Invalid("fmt.not-datetime")

        return read_datetime

    raise AssertionError(f"no reader for kind {kind!r}")


# --- writers: typed value -> column text of exactly the field's width (raise _Invalid) -------


def _writer(fl: FieldLayout) -> Writer:
    width, kind, scale, specials = fl.width, fl.kind, fl.scale, frozenset(fl.specials)

    def fit(text: str) -> str:
        if len(text) > width:
            raise _Invalid("fmt.too-wide", needed=len(text))
        return text

    if kind in ("text", "code"):

        def write_text(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, str):
                raise _Invalid("fmt.bad-value")
            text, changed, unmappable = to_ascii(value)
            if unmappable:
                raise _Invalid("fmt.non-ascii", chars=", ".join(map(repr, unmappable)))
            if changed:
                warnings.append(("fmt.transliterated", {"written": text}))
            return fit(text).ljust(width)

        return write_text

    if kind in ("number", "decimal"):

        def write_number(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if isinstance(value, str) and value in specials:
                return value.ljust(width)
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise _Invalid("fmt.bad-value")
            if isinstance(value, Decimal) and not value.is_finite():
                raise _Invalid("fmt.bad-value")
            if value < 0:
                raise _Invalid("fmt.negative")
            scaled = Decimal(value).scaleb(scale)
            if scaled != scaled.to_integral_value():
                raise _Invalid("fmt.too-many-decimals")
            return fit(str(int(scaled))).zfill(width)

        return write_number

    if kind == "date":

        def write_date(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise _Invalid("fmt.bad-value")
            return f"{value.year:04d}{value.month:02d}{value.day:02d}"

        return write_date

    if kind == "mmdd":

        def write_mmdd(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, str) or not is_month_day(value):
                raise _Invalid("fmt.bad-value")
            return value

        return write_mmdd

    if kind == "datetime":

        def write_datetime(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, dt.datetime):
                raise _Invalid("fmt.bad-value")
            if value.microsecond % 1000:
                raise _Invalid("fmt.too-many-decimals", scale="3 (milliseconds)")
            return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
                    f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}."
                    f"{value.microsecond // 1000:03d}")

        return write_datetime

    raise AssertionError(f"no writer for kind {kind!r}")


# --- one record type -----------------------------------------------------------------------


def fit_problem(fl: FieldLayout) -> Callable[[Any], tuple[str, dict[str, Any]] | None]:
    """Why a typed value cannot be written in ``fl``'s columns — the writer's own tests (too
    wide, too many decimals, negative, no ASCII equivalent) as (finding id, parameters) — or
    None when it can: so a mapping can blank such a value of an optional field instead of
    losing the row when the record is written."""
    write = _writer(fl)
    where = {"start": fl.start, "end": fl.end, "width": fl.width, "kind": fl.kind,
             "scale": fl.scale}

    def problem(value: Any) -> tuple[str, dict[str, Any]] | None:
        try:
            write(value, [])
        except _Invalid as p:
            return p.error_id, {**where, **p.params}
        return None

    return problem


class RecordCodec:
    """Reads and writes one record type in one edition, compiled from its layout."""

    def __init__(self, layout: RecordLayout, model: type[UtrexRecord], edition: str):
        spec = model.spec
        self.edition = edition
        self.layout = layout
        self.model = model
        self.record_type = layout.record_type
        self.record_id = f"{layout.record_type}="  # the first literal of every layout
        self.width = layout.width
        self.literals = [f for f in layout.fields if f.kind == "literal"]
        values = [f for f in layout.fields if f.kind != "literal"]
        self._readers = [
            (f, f.name, f.start - 1, f.end, _reader(f, spec.field(f.name))) for f in values
        ]
        self._writers = {f.name: _writer(f) for f in values}
        laid = {f.name for f in values}
        self._unlaid = tuple(f.name for f in spec.fields if f.name not in laid)
        self.fast_parse = compile_parser(self, _Invalid)
        self._fast_serialize = compile_serializer(self, _Invalid)

    # reading

    def parse(self, text: str, *, line: int | None = None, source: str | None = None) -> Parsed:
        """Parse one line (its line ending optional) into the record's model."""
        text = text.removesuffix("\n").removesuffix("\r")
        if (self.fast_parse is not None and text.startswith(self.record_id)
                and (record := self.fast_parse(text)) is not None):
            return Parsed(record, [])
        rt, findings = self.record_type, []
        where = {"record": rt, "line": line, "source": source}
        if len(text) < self.width:
            findings.append(make_finding(
                "fmt.short-line", length=len(text), width=self.width, **where))
            return Parsed(None, findings)
        if len(text) > self.width:
            if text[self.width:].strip():
                findings.append(make_finding(
                    "fmt.long-line", length=len(text), width=self.width, **where))
                return Parsed(None, findings)
            findings.append(make_finding(
                "fmt.trailing-blanks", length=len(text), width=self.width, **where))
        for f in self.literals:
            found = text[f.start - 1:f.end]
            if found != f.value:
                findings.append(make_finding(
                    "fmt.literal", field=f.name, value=found, start=f.start, end=f.end,
                    expected=f.value, **where))
        if any(f.is_error for f in findings):
            return Parsed(None, findings)
        values: dict[str, Any] = {}
        bad: list[tuple[FieldLayout, str, _Invalid]] = []
        for fl, name, start, end, read in self._readers:
            raw = text[start:end]
            try:
                values[name] = read(raw)
            except _Invalid as problem:
                values[name] = None
                bad.append((fl, raw, problem))
        if bad:
            keys = _keys(values)
            findings.extend(
                make_finding(p.error_id, field=fl.name, value=raw, start=fl.start, end=fl.end,
                             keys=keys, **where, **p.params)
                for fl, raw, p in bad
            )
        return Parsed(self.model.model_construct(**values), findings)

    # writing

    def serialize(self, record: UtrexRecord) -> Encoded:
        """Write one record as a line of exactly ``width`` characters plus CR LF."""
        if (line := self._fast_serialize(record.__dict__)) is not None:
            return Encoded(line, [])
        parts: list[str] = []
        findings: list[Finding] = []
        warnings: list[tuple[str, dict]] = []
        values = record.__dict__
        rt = self.record_type
        for fl in self.layout.fields:
            if fl.kind == "literal":
                parts.append(fl.value)  # type: ignore[arg-type]
                continue
            value = values.get(fl.name)
            if value is None:
                parts.append(" " * fl.width)
                continue
            try:
                parts.append(self._writers[fl.name](value, warnings))
            except _Invalid as problem:
                findings.append(self._field_finding(fl, value, problem.error_id, problem.params,
                                                    values))
                parts.append(" " * fl.width)
            while warnings:
                error_id, params = warnings.pop()
                findings.append(self._field_finding(fl, value, error_id, params, values))
        for name in self._unlaid:
            value = values.get(name)
            if value is not None:
                findings.append(make_finding(
                    "fmt.no-column", record=rt, field=name, value=value, edition=self.edition,
                    keys=_keys(values)))
        if any(f.is_error for f in findings):
            return Encoded(None, findings)
        return Encoded("".join(parts) + CRLF, findings)

    def _field_finding(self, fl: FieldLayout, value: Any, error_id: str, params: dict,
                       values: dict[str, Any]) -> Finding:
        params = {"start": fl.start, "end": fl.end, "width": fl.width, "kind": fl.kind,
                  "scale": fl.scale, **params}
        return make_finding(error_id, record=self.record_type, field=fl.name, value=value,
                            keys=_keys(values), **params)


# --- one edition ---------------------------------------------------------------------------


class Codec:
    """Every record codec of one edition; finds the record type of a line by its first columns."""

    def __init__(self, edition: str = DEFAULT_EDITION):
        layouts = edition_layout(edition)
        self.edition = edition
        self.records = {
            rt: RecordCodec(layout, MODELS[rt], edition) for rt, layout in layouts.records.items()
        }
        self._by_prefix = {f"{rt}=": codec for rt, codec in self.records.items()}
        # the compiled functions by line prefix and record type, for the reader and the writer
        self.fast_parsers = {p: c.fast_parse for p, c in self._by_prefix.items() if c.fast_parse}
        self.fast_serializers = {rt: c._fast_serialize for rt, c in self.records.items()}
        self._unlaid_prefixes = {f"{rt}=" for rt in catalogue().records} - set(self._by_prefix)

    def parse(self, text: str, *, line: int | None = None, source: str | None = None) -> Parsed:
        prefix = text[:3]
        codec = self._by_prefix.get(prefix)
        if codec is not None:
            return codec.parse(text, line=line, source=source)
        if prefix in self._unlaid_prefixes:
            finding = make_finding("fmt.no-layout", record=prefix[:2], line=line, source=source,
                                   edition=self.edition)
        else:
            finding = make_finding(
                "fmt.unknown-record", line=line, source=source, value=prefix.rstrip("\r\n"),
                known=", ".join(sorted(self._by_prefix)))
        return Parsed(None, [finding])

    def serialize(self, record: UtrexRecord) -> Encoded:
        codec = self.records.get(record.record_type)
        if codec is None:
            return Encoded(None, [make_finding(
                "fmt.no-layout", record=record.record_type, edition=self.edition)])
        return codec.serialize(record)


def codec_for(edition: str = DEFAULT_EDITION) -> Codec:
    """The (cached) codec of an edition: one per edition, however it is asked for."""
    return _codec(edition)


@cache
def _codec(edition: str) -> Codec:
    return Codec(edition)


def parse(line: str, *, edition: str = DEFAULT_EDITION, line_number: int | None = None) -> Parsed:
    """Parse one UTREx line into its canonical model (``Parsed.record``) and findings."""
    return codec_for(edition).parse(line, line=line_number)


def serialize(record: UtrexRecord, *, edition: str = DEFAULT_EDITION) -> Encoded:
    """Serialize one canonical record to its line (CR LF included) and findings."""
    return codec_for(edition).serialize(record)
