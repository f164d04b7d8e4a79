"""The fixed-width codec: one engine, driven by the layout data, for every record type.

``serialize`` turns a canonical model into one line of exactly the record's width, ended by CR LF;
``parse`` turns a line back into the model. Nothing is truncated, rounded or dropped silently: a
value that does not fit its column is an error naming the record, field, value and width; a value
with no column in the edition is a warning; a non-ASCII letter is transliterated with a warning.

Per record type the layout is compiled once into small reader/writer functions (`columns`), so the
per-line work is a slice and a conversion per field; and into one straight-line function per
direction (`compiled`) that handles a clean record without any per-field call and hands anything
else back to the readers and writers, which say what is wrong. That fast path is private to this
module: every caller parses and serializes through `parse`/`serialize` or their batch forms
(`Codec.parse_lines`, `Codec.serialize_many`), which try it once per line or record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any, NamedTuple, TypeVar

from ..catalogue import catalogue
from ..findings import Finding, make_finding
from ..layouts import DEFAULT_EDITION, FieldLayout, RecordLayout, edition_layout
from ..models import MODELS, UtrexRecord
from .columns import InvalidValue, columns
from .compiled import compile_parser, compile_serializer
from .lines import ParsedLine, screened, split_lines

T = TypeVar("T")  # a caller's tag, passed through `Codec.serialize_many`

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


def _keys(values: dict[str, Any]) -> dict[str, str]:
    return {k: str(values[k]) for k in KEY_FIELDS if values.get(k) is not None}


# --- one record type -----------------------------------------------------------------------


class RecordCodec:
    """Reads and writes one record type in one edition, compiled from its layout.

    `parse` and `serialize` are its only entry points: each tries the record's compiled
    function (`compiled`) once and, on a miss, runs the general code, which says what is wrong.
    """

    def __init__(self, layout: RecordLayout, model: type[UtrexRecord], edition: str):
        self.edition = edition
        self.layout = layout
        self.model = model
        self.record_type = layout.record_type
        self.record_id = f"{layout.record_type}="  # the first literal of every layout
        self.width = layout.width
        self._columns = columns(layout, model)
        self._fast_parse = compile_parser(self._columns)
        self._fast_serialize = compile_serializer(self._columns)

    # reading

    def parse(self, text: str, *, line: int | None = None, source: str | None = None) -> Parsed:
        """Parse one line (its line ending optional) into the record's model."""
        text = text.removesuffix("\n").removesuffix("\r")
        if (self._fast_parse is not None and text.startswith(self.record_id)
                and (record := self._fast_parse(text)) is not None):
            return Parsed(record, [])
        return self._parse_general(text, line, source)

    def _parse_general(self, text: str, line: int | None, source: str | None) -> Parsed:
        """A line without its ending, field by field, with every finding."""
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
        for f in self._columns.literals:
            found = text[f.start - 1:f.end]
            if found != f.value:
                findings.append(make_finding(
                    "fmt.literal", field=f.name, value=found, start=f.start, end=f.end,
                    expected=f.value, **where))
        if any(f.is_error for f in findings):
            return Parsed(None, findings)
        values: dict[str, Any] = {}
        bad: list[tuple[FieldLayout, str, InvalidValue]] = []
        for name, start, end, read, fl, _ in self._columns.readers:
            raw = text[start:end]
            try:
                values[name] = read(raw)
            except InvalidValue as problem:
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
        return self._serialize_general(record)

    def _serialize_general(self, record: UtrexRecord) -> Encoded:
        """The record field by field, with every finding."""
        parts: list[str] = []
        findings: list[Finding] = []
        warnings: list[tuple[str, dict]] = []
        values = record.__dict__
        rt = self.record_type
        writers = self._columns.writers
        for fl in self._columns.fields:
            if fl.kind == "literal":
                parts.append(fl.value)  # type: ignore[arg-type]
                continue
            value = values.get(fl.name)
            if value is None:
                parts.append(" " * fl.width)
                continue
            try:
                parts.append(writers[fl.name](value, warnings))
            except InvalidValue as problem:
                findings.append(self._field_finding(fl, value, problem.error_id, problem.params,
                                                    values))
                parts.append(" " * fl.width)
            while warnings:
                error_id, params = warnings.pop()
                findings.append(self._field_finding(fl, value, error_id, params, values))
        for name in self._columns.unlaid:
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
    """Every record codec of one edition; finds the record type of a line by its first columns.

    One line or record at a time: `parse`, `serialize`. A whole file or submission: their batch
    forms `parse_lines` and `serialize_many`, which run the same record codecs with the per-line
    dispatch inlined, since they run once per record of a million-record file.
    """

    def __init__(self, edition: str = DEFAULT_EDITION):
        layouts = edition_layout(edition)
        self.edition = edition
        self.records = {
            rt: RecordCodec(layout, MODELS[rt], edition) for rt, layout in layouts.records.items()
        }
        self._by_prefix = {f"{rt}=": codec for rt, codec in self.records.items()}
        self._unlaid_prefixes = {f"{rt}=" for rt in catalogue().records} - set(self._by_prefix)

    def parse(self, text: str, *, line: int | None = None, source: str | None = None) -> Parsed:
        codec = self._by_prefix.get(text[:3])
        if codec is not None:
            return codec.parse(text, line=line, source=source)
        return self._unknown(text, line, source)

    def _unknown(self, text: str, line: int | None, source: str | None) -> Parsed:
        """A line no record codec of this edition reads."""
        prefix = text[:3]
        if prefix in self._unlaid_prefixes:
            finding = make_finding("fmt.no-layout", record=prefix[:2], line=line, source=source,
                                   edition=self.edition)
        else:
            finding = make_finding(
                "fmt.unknown-record", line=line, source=source, value=prefix.rstrip("\r\n"),
                known=", ".join(sorted(self._by_prefix)))
        return Parsed(None, [finding])

    def parse_lines(self, lines: Iterable[bytes], *, source: str | None = None
                    ) -> Iterator[ParsedLine]:
        """`parse` for the raw lines of a file (``bytes``, line endings included or not): one
        `ParsedLine` per physical line (see `lines`), numbered from 1.

        The common line (ended by CR LF or LF, printable ASCII, of a known type and clean) is
        read by its record's compiled function alone; any other line is screened (`lines`) and
        read by the general code, without trying the compiled function again."""
        fast = {p: c._fast_parse for p, c in self._by_prefix.items() if c._fast_parse}
        number = 0
        for chunk in lines:
            body = chunk.removesuffix(b"\n")
            if len(body) != len(chunk):  # the common case: a clean line of a known type
                body = body.removesuffix(b"\r")
                try:
                    text = body.decode("ascii")
                except UnicodeDecodeError:
                    pass
                else:  # the compiled parser refuses a control character or CR in any column
                    parse = fast.get(text[:3])
                    if parse is not None and (record := parse(text)) is not None:
                        number += 1
                        yield ParsedLine(number, text, record, [])
                        continue
            for raw, bare_cr in split_lines((chunk,), source):  # a line, or several by CRs
                number += 1
                item, readable = screened(raw, bare_cr, number, source)
                if readable:
                    codec = self._by_prefix.get(item.text[:3])
                    item.record, found = (
                        codec._parse_general(item.text, number, source) if codec is not None
                        else self._unknown(item.text, number, source))
                    item.findings += found
                yield item

    def serialize(self, record: UtrexRecord) -> Encoded:
        codec = self.records.get(record.record_type)
        if codec is None:
            return Encoded(None, [self._no_layout(record)])
        return codec.serialize(record)

    def _no_layout(self, record: UtrexRecord) -> Finding:
        return make_finding("fmt.no-layout", record=record.record_type, edition=self.edition)

    def serialize_many(self, items: Iterable[tuple[UtrexRecord, str | None, T]]
                       ) -> Iterator[tuple[UtrexRecord, str | None, Sequence[Finding], T]]:
        """`serialize` for a whole submission: ``(record, line or None, findings, tag)`` per
        item.

        ``items`` are records, each with the line `serialize` gave it when the caller has
        serialized it already (`utrex convert` does, to reject the row of a record it cannot
        write), else None, and a tag of the caller's (where the record came from), passed on
        as it is, like a line given."""
        fast = {rt: c._fast_serialize for rt, c in self.records.items()}
        general = {rt: c._serialize_general for rt, c in self.records.items()}
        for record, line, tag in items:
            if line is None:
                rt = record.record_type
                if rt not in fast:
                    yield record, None, [self._no_layout(record)], tag
                    continue
                if (line := fast[rt](record.__dict__)) is None:
                    line, findings = general[rt](record)
                    yield record, line, findings, tag
                    continue
            yield record, line, (), tag


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
