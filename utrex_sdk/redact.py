"""Redaction: children's names, birth dates and other personal data out of reports (``--redact``).

A report or a rejects file often has to travel — to a help desk, a vendor, a colleague at the
state. With ``--redact`` every value of a field the catalogue marks as personal data (the ``pii``
key in ``spec/fields/*.toml``: names, birth dates, SSN, phone and address, the free-text incident
description) is replaced by a placeholder such as ``NAME-3f9c0a1b7d2e``, in the finding's value,
in its message and description (the spec's ``[ColumnData]``, the codec's "'CHLOÉ' written as
'CHLOE'"), in every other value of that field a finding's message quotes (an earlier row's name
that a SIF object already holds: the parameters its finding type lists as ``quotes`` in
``spec/findings.toml``), and in every other finding's text that quotes the same value.
``utrex inspect --redact`` shows a UTREx file's personal fields by the same placeholders, line
by line (`Redactor.line`).

Placeholders are an HMAC-SHA256 of the normalised value (names: ASCII, upper case, single
spaces; dates: the day) under a key, so the same name always gets the same placeholder in one
report and two rows of one child can still be matched. A plain hash would not do: there are only
some 7,000 plausible birth dates of school children, and a list of common names is short, so an
unkeyed hash is reversed by trying them all. The key is random for each run unless
``UTREX_REDACT_KEY`` is set: then placeholders are stable across runs (and as hard to reverse as
that key is to guess, so it must be long and kept away from whoever reads the reports).
SECURITY.md states the trade-off.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from string import Formatter
from typing import Any

from .catalogue import catalogue
from .findings import Finding, Level, finding_type
from .fixedwidth.ascii import to_ascii

KEY_VARIABLE = "UTREX_REDACT_KEY"
PREFIXES = {"name": "NAME", "birth_date": "DOB", "government_id": "SSN", "contact": "CONTACT",
            "free_text": "TEXT"}
_DIGITS = 12  # 48 bits: no two of a million distinct names are likely to share a placeholder
_DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# "before Birth Date 20090304": a birth date quoted by a rule about another field
_BIRTH_PHRASE = re.compile(
    r"(?i)(birth[\s_]*date\W{0,3})(\d{8}|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4})")
_WORD = "A-Za-z0-9"
_MASK = re.compile(r"\S")
# Reader findings that quote a line's raw text, not a field's value (see `_line_quote_hidden`)
QUOTES_LINE_START = frozenset({"fmt.unknown-record"})
QUOTES_LINE_BYTE = frozenset({"fmt.not-ascii"})


@cache
def pii_fields() -> dict[str, str]:
    """Canonical field name -> kind of personal data, from the catalogue's ``pii`` keys.

    A canonical name means the same thing in every record type (``last_name`` of S1 and ES), so
    a finding is judged by its field name alone."""
    out: dict[str, str] = {}
    for record in catalogue().records.values():
        for spec in record.fields:
            if spec.pii is not None:
                out[spec.name] = spec.pii
    return out


@cache
def _quote_reader(error_id: str) -> tuple[re.Pattern[str], dict[str, str | None]] | None:
    """For a finding type whose template quotes other values of the finding's field (its
    ``quotes``): a pattern that reads the parameters back out of a rendered message, and the
    conversion (``r`` for ``{held!r}``) of each quoted one. None for any other finding (a
    rule's Error ID is no finding type). The message is all a finding keeps, and all a
    resolved finding of a ``--baseline`` file has."""
    try:
        kind = finding_type(error_id)
    except KeyError:
        return None
    quotes = kind.quotes.split()
    if not quotes:
        return None
    parts, seen, conversions = [], set(), {}
    for literal, name, _spec, conversion in Formatter().parse(kind.template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
            conversions.setdefault(name, conversion)
    return (re.compile("".join(parts) + r"\Z", re.DOTALL),
            {name: conversions.get(name) for name in quotes})


def quoted_values(finding: Finding) -> list[str]:
    """The values of the finding's field its message quotes besides its own (`_quote_reader`)."""
    reader = _quote_reader(finding.error_id)
    match = reader and reader[0].match(finding.message)
    if not match:
        return []
    out = []
    for name, conversion in reader[1].items():
        text = match.group(name)
        if conversion == "r":
            try:
                text = str(ast.literal_eval(text))
            except (ValueError, SyntaxError):
                text = text[1:-1]
        if text.strip() and text != "None":
            out.append(text)
    return out


def _key_from_environment() -> bytes | None:
    text = os.environ.get(KEY_VARIABLE)
    return text.encode("utf-8") if text else None


def _as_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _normal_name(text: str) -> str:
    return " ".join(to_ascii(text).text.upper().split())


class Redactor:
    """Replaces personal data in findings and text by keyed placeholders (see the module doc)."""

    def __init__(self, key: bytes | None = None):
        self._key = key or _key_from_environment() or os.urandom(32)
        self.stable = key is not None or _key_from_environment() is not None
        self._known: dict[str, str] = {}  # a form of a personal value as text -> placeholder
        self._pattern: re.Pattern[str] | None = None
        self._pattern_size = -1

    def placeholder(self, kind: str, value: Any) -> str:
        """``PREFIX-hex`` for a value of a kind of personal data (`PREFIXES`)."""
        text = str(value).strip()
        if kind == "birth_date":
            day = value if isinstance(value, dt.date) else _as_date(text)
            text = day.isoformat() if isinstance(day, dt.date) else text
        elif kind in ("name", "contact", "free_text"):
            text = _normal_name(text)
        digest = hmac.new(self._key, f"{kind}\x00{text}".encode(), hashlib.sha256).hexdigest()
        return f"{PREFIXES.get(kind, 'PII')}-{digest[:_DIGITS]}"

    def _forms(self, kind: str, value: str) -> set[str]:
        """The ways a value may be spelled in a message: as read, stripped, upper case,
        transliterated; a date also as YYYYMMDD, ISO and M/D/YYYY."""
        text = value.strip()
        forms = {value, text, text.upper(), to_ascii(text).text, to_ascii(text).text.upper()}
        if kind == "birth_date" and (day := _as_date(text)) is not None:
            forms |= {f"{day:%Y%m%d}", day.isoformat(), f"{day:%m/%d/%Y}",
                      f"{day.month}/{day.day}/{day.year}"}
        # as a message quotes it ({value!r}): a control or invisible character escaped
        forms |= {repr(f)[1:-1] for f in forms}
        return {f for f in forms if f}

    def learn(self, kind: str, value: str) -> str:
        """Remember a personal value (every spelling of it) and return its placeholder."""
        placeholder = self.placeholder(kind, value)
        for form in self._forms(kind, value):
            self._known.setdefault(form, placeholder)
        return placeholder

    def text(self, text: str | None) -> str | None:
        """``text`` with every personal value learnt so far replaced, and any birth date it
        quotes after the words "Birth Date"."""
        if not text:
            return text
        text = _BIRTH_PHRASE.sub(
            lambda m: m.group(1) + self.placeholder("birth_date", m.group(2)), text)
        pattern = self._compiled()
        if pattern is None:
            return text
        return pattern.sub(lambda m: self._known[m.group(0)], text)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern_size != len(self._known):
            # single characters (a middle initial) are too common to replace inside words;
            # they are replaced where the finding names them (its own value)
            forms = sorted((f for f in self._known if len(f) > 1), key=len, reverse=True)
            self._pattern = None if not forms else re.compile(
                f"(?<![{_WORD}])(?:{'|'.join(map(re.escape, forms))})(?![{_WORD}])")
            self._pattern_size = len(self._known)
        return self._pattern

    def finding(self, finding: Finding) -> Finding:
        """The finding with its personal data replaced (a new `Finding`; the original stays).

        Call `learn_from` on every finding first when a report is redacted as a whole, so a
        value is also replaced where another finding quotes it."""
        if finding.error_id in QUOTES_LINE_START or finding.error_id in QUOTES_LINE_BYTE:
            return _line_quote_hidden(finding)
        kind = pii_fields().get(finding.field or "")
        value = finding.value
        message, description = finding.message, finding.description
        if kind is not None:
            for other in quoted_values(finding):
                self.learn(kind, other)
                message = _without_letters_of(message, other)
        if kind is not None and value not in (None, ""):
            placeholder = self.learn(kind, value)
            own = re.compile(f"(?<![{_WORD}])(?:"
                             + "|".join(map(re.escape, sorted(self._forms(kind, value),
                                                              key=len, reverse=True)))
                             + f")(?![{_WORD}])")
            message = _without_letters_of(own.sub(placeholder, message), value)
            description = description and own.sub(placeholder, description)
            value = placeholder
        keys = {k: (self.placeholder(pii_fields()[k], v) if k in pii_fields() and v else v)
                for k, v in finding.keys.items()}
        return replace(finding, value=value if kind is not None else self.text(value),
                       message=self.text(message) or "", description=self.text(description),
                       keys=keys)

    def values(self, values: Mapping[str, Any], *, aligned: bool = True) -> dict[str, Any]:
        """A record's values by field name, each personal field's replaced by its placeholder (a
        blank one stays blank: it is no one's data). Nothing is learnt: the placeholder alone
        ties two rows of one child together.

        ``aligned=False``: the values were cut by column from a line of the wrong length, whose
        columns may be shifted so that part of a name stands in another field's columns; every
        other value is then masked too, each character but a blank as ``*``, so the shape of
        the line (which columns are filled) still shows."""
        pii = pii_fields()
        out: dict[str, Any] = {}
        for name, value in values.items():
            kind = pii.get(name)
            if value is None or not str(value).strip():
                out[name] = value
            elif kind is not None:
                out[name] = self.placeholder(kind, value)
            else:
                out[name] = value if aligned else _mask(str(value))
        return out

    def line(self, values: Mapping[str, Any], findings: list[Finding], *, aligned: bool = True
             ) -> tuple[dict[str, Any], list[Finding]]:
        """One line of a file, redacted on its own: its values (see `values`) and its findings,
        a value also where a finding about another field of the line quotes it.

        What the line teaches is forgotten afterwards: a reader's findings quote only their own
        line, and a file of a million lines must not grow the pattern `text` matches with."""
        if not findings:
            return self.values(values, aligned=aligned), findings
        known = dict(self._known)
        pii = pii_fields()
        for name, value in values.items():
            if (kind := pii.get(name)) is not None and value is not None and str(value).strip():
                self.learn(kind, str(value))
        found = [self.finding(f) for f in findings]
        self._known, self._pattern_size = known, -1
        if not aligned:
            found = [_masked(f) for f in found]
        return self.values(values, aligned=aligned), found

    def learn_from(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            kind = pii_fields().get(finding.field or "")
            if kind is None:
                continue
            for value in (finding.value, *quoted_values(finding)):
                if value:
                    self.learn(kind, value)

    def findings(self, findings: list[Finding]) -> list[Finding]:
        """Every finding redacted, each value also wherever another finding quotes it."""
        self.learn_from(findings)
        return [self.finding(f) for f in findings]


def _mask(value: Any) -> Any:
    return _MASK.sub("*", value) if isinstance(value, str) else value


def _line_quote_hidden(finding: Finding) -> Finding:
    """A reader's finding about a line that is no record, which quotes the line's raw text: its
    first characters (``unknown record type 'se '``: the rest of a record split over two lines
    by a stray line break starts in the middle of a name) are masked as `_mask` masks them, and
    a byte that is not ASCII (0xF1, an 'ñ' of Windows-1252: a letter of a name, most often,
    and one letter of a rare name can be enough to find the child) is shown as ``0x??``. The
    line's type is unknown, so whether the text lies in a personal field cannot be told."""
    value, message = finding.value, finding.message
    if not isinstance(value, str) or not value:
        return finding
    if finding.error_id in QUOTES_LINE_BYTE:
        hidden = "0x??"
        message = message.replace(f"0x{value[2:].upper()}", hidden).replace(value, hidden)
    else:
        hidden = _mask(value)
        message = message.replace(repr(value), repr(hidden))
    return replace(finding, value=hidden, message=message)


def _masked(finding: Finding) -> Finding:
    """A (redacted) finding of a line whose columns may be shifted: the value of a field that
    is not personal data is masked as `Redactor.values` masks it, where the message quotes it
    (``{value!r}``) too, and so are the identifying keys, cut from the same columns."""
    pii = pii_fields()
    value, message, description = finding.value, finding.message, finding.description
    if finding.field not in pii and isinstance(value, str) and value.strip():
        value = _mask(value)
        message = message.replace(repr(finding.value), repr(value))
        description = description and description.replace(repr(finding.value), repr(value))
    keys = {k: v if k in pii else _mask(v) for k, v in finding.keys.items()}
    return replace(finding, value=value, message=message, description=description, keys=keys)


def redact_result(result: Any, redactor: Redactor) -> None:
    """Redact a `ValidationResult` in place before it is reported: its findings, the baseline
    marks that point at them, and the messages of resolved baseline findings."""
    old = result.findings
    new = redactor.findings(old)
    if result.baseline is not None:
        result.baseline = {id(n): result.baseline[id(o)] for o, n in zip(old, new, strict=True)
                           if id(o) in result.baseline}
    result.findings = new
    # a resolved finding comes from the --baseline file: its personal values are learnt and
    # replaced like the run's own (value, identifying keys and the message quoting them)
    resolved = [_as_finding(item) for item in result.resolved]
    redactor.learn_from(resolved)
    for item, finding in zip(result.resolved, resolved, strict=True):
        clean = redactor.finding(finding)
        item.update(value=clean.value, keys=dict(clean.keys), message=clean.message)


def _as_finding(item: dict[str, Any]) -> Finding:
    """A resolved baseline item (a dict from an earlier JSON report) as a Finding to redact."""
    keys = item.get("keys") if isinstance(item.get("keys"), dict) else {}
    return Finding(error_id=str(item.get("error_id") or ""), level=Level.ERROR,
                   message=str(item.get("message") or ""), record=item.get("record"),
                   field=item.get("field"),
                   value=None if item.get("value") is None else str(item.get("value")),
                   keys={str(k): str(v) for k, v in keys.items()})


def _without_letters_of(message: str, value: str) -> str:
    """A message about a personal value with the value's own characters that it quotes one by
    one (``contains 'ł' with no ASCII equivalent``) shown as ``'?'``: a letter of a rare name
    can be enough to find the child."""
    for char in {c for c in value if not c.isascii() or not c.isalnum()} - {" "}:
        message = message.replace(repr(char), "'?'")
    return message
