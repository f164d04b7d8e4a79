"""The order of a UTREx file: the DI record first, each school's SC record before its records.

The 2012-13 spec states the file's structure in its Record Types section (clearinghouse update
transactions 2012-13, the paragraph after the list of record types, spec text line 68): "The
District record must always be the first record in the file followed by a School record
identifying the first school. An additional School record should be present as the first record
for each new school. All student and course records that follow a school record are identified
as belonging to that school." Record type (1) DI repeats it ("Must be the first record in each
Clearinghouse update batch", line 147) and (2) SC too ("The first record following the 'DI'
record in an update batch must be an 'SC' record", line 175).

No rule row of the 2020-21 spec's Errors tables checks this (its rules are per record and per
key), so a file with no DI record, or with students before any SC record, passed validation
silently. These checks close that gap; they look at the lines as the reader gives them, so a
line that is there but unreadable (a DI record cut short) still counts as that record being
present — it is reported once, by the reader, not again here.
"""

from __future__ import annotations

from ..catalogue import catalogue
from ..findings import Finding, make_finding
from ..fixedwidth.reader import ParsedLine
from ..submission import submission

# The structure these checks hold a file to, from the layout data's [submission] table: the
# first record (DI), the school record (SC) and the record types that belong to the school of the
# SC record before them.
_STRUCTURE = submission()
FIRST, SCHOOL = _STRUCTURE.first.type, _STRUCTURE.school.type
SCHOOL_RECORDS = _STRUCTURE.school_records
_SCHOOL_KEY = _STRUCTURE.school.key  # the School Number, which says whose a record is
# The record types a line can be, by its first three characters: every type of the field
# catalogue (2012-13 and 2020-21; the 2020-21 staff records ST, TA, TC, TG belong to no school).
_KNOWN = frozenset(catalogue().records)


class FileOrder:
    """Checks one file's lines, in order, against the structure above (one pass, O(1) state)."""

    def __init__(self, source: str | None = None):
        self.source = source
        self.first: tuple[int, str] | None = None  # the first record's line and type
        self.district_seen = False
        self.school: tuple[int, str | None] | None = None  # current SC's line and number

    def check(self, item: ParsedLine) -> list[Finding]:
        """Findings about where ``item`` stands in the file (usually none)."""
        rt = item.record_type
        if rt not in _KNOWN:
            return []
        if self.first is None:
            self.first = (item.line, rt)
        if rt == FIRST:
            if self.district_seen:
                return []  # more than one DI record: the spec's own rule (DI, "only one")
            self.district_seen = True
            if self.first[1] != FIRST:
                return [make_finding("order.district-not-first", record=FIRST, line=item.line,
                                     at=item.line, source=self.source, first=self.first[1],
                                     first_line=self.first[0])]
            return []
        if rt == SCHOOL:
            number = item.record.__dict__.get(_SCHOOL_KEY) if item.record is not None else None
            self.school = (item.line, number)
            return []
        if rt not in SCHOOL_RECORDS or item.record is None:
            return []
        number = item.record.__dict__.get(_SCHOOL_KEY)
        if self.school is None:
            return [make_finding("order.no-school", **self._where(item, number))]
        sc_line, current = self.school
        if current is not None and number is not None and number != current:
            return [make_finding("order.other-school", current=current, sc_line=sc_line,
                                 **self._where(item, number))]
        return []

    def _where(self, item: ParsedLine, number: str | None) -> dict[str, object]:
        return {"record": item.record_type, "line": item.line, "source": self.source,
                "field": _SCHOOL_KEY, "value": number}

    def finish(self) -> list[Finding]:
        """Findings about the file as a whole, once every line has been seen."""
        if self.district_seen:
            return []
        return [make_finding("order.no-district", record=FIRST, source=self.source)]
