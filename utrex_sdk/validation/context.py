"""What a validation run knows besides the record in hand: options, dates, the shared index.

The school year comes from `--school-year` or the DI record. The DI's SCHOOL YEAR is the
*ending* year: the 2012-13 spec's sample DI line (line 169) reads `YR=2012 , OK=OCT2011-10-01`,
an October 2011 extract in school year 2012. The year runs July 1 – June 30 (2020-21 spec, S1
Exit Date: "within the current school year (July 1 - June 30)").

"Year end" is when SIS As Of Date >= the school's Last Day of School on its SC record, which is
how the spec states it in every year-end rule ("At Year End (SIS As Of Date >= Last Day of School
in 'SC' record)"); `--collection year-end` forces it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..collection import COLLECTIONS
from ..errors import UtrexError
from .index import Index

if TYPE_CHECKING:
    from .reference import Reference

Collection = Literal["oct1", "dec1", "year-end", "daily"]


@dataclass(frozen=True)
class ValidationOptions:
    """What the user tells a run. Everything is optional: the DI record supplies the rest."""

    school_year: int | None = None
    as_of: dt.date | None = None
    collection: str | None = None
    reference: Path | None = None
    edition: str | None = None
    max_findings: int | None = None
    today: dt.date | None = None  # "cannot be future date" is judged against this (tests pin it)
    jobs: int | None = None  # processes for a file's second pass: 1 or 2; None: 2 if it is large

    def __post_init__(self) -> None:
        if self.collection is not None and self.collection not in COLLECTIONS:
            raise UtrexError(f"unknown collection {self.collection!r}; "
                             f"one of: {', '.join(COLLECTIONS)}")
        if self.jobs is not None and self.jobs not in (1, 2):
            raise UtrexError(f"jobs must be 1 or 2, not {self.jobs}")
        if self.school_year is not None and not 1990 <= self.school_year <= 2100:
            raise UtrexError(f"school year {self.school_year} is not a 4-digit ending year")


@dataclass
class Context:
    """The run's facts, shared by every rule."""

    options: ValidationOptions
    index: Index
    reference: Reference | None = None
    school_year: int | None = None
    as_of: dt.date | None = None
    today: dt.date = field(default_factory=dt.date.today)
    laid_out: dict[str, frozenset[str]] | None = None  # fields the input can carry, per record
    input_kind: str = "fixed-width"  # what `laid_out` describes: "fixed-width" or "sif"
    unreadable: frozenset[str] = frozenset()
    """Fields of the record in hand that hold a value the codec could not read (not a number,
    a date, a known code): present, not blank. The engine sets it while the record's rules run
    and drops what a rule finds about them (their validity rule reports them, once)."""
    _last_days: dict[tuple[str | None, int | None], dt.date | None] = field(
        default_factory=dict, repr=False)

    @property
    def collection(self) -> str | None:
        return self.options.collection

    @property
    def now(self) -> dt.date:
        """The day "future" is judged against: the as-of date (`--as-of`, else the DI's SIS As
        Of Date), not the wall clock, so a run gives the same findings any day; today only
        when the input names no as-of date."""
        return self.as_of if isinstance(self.as_of, dt.date) else self.today

    @property
    def year_start(self) -> dt.date | None:
        """July 1 that opens the school year."""
        return dt.date(self.school_year - 1, 7, 1) if self.school_year else None

    @property
    def year_end(self) -> dt.date | None:
        """June 30 that closes the school year."""
        return dt.date(self.school_year, 6, 30) if self.school_year else None

    def in_school_year(self, day: dt.date) -> bool | None:
        if self.school_year is None:
            return None
        return self.year_start <= day <= self.year_end

    def last_day(self, school_number: str | None) -> dt.date | None:
        """The school's Last Day of School (SC, MMDD) in the school year, or None. Remembered
        per school: rules ask for it on every AM record, and run once the index is complete."""
        key = (school_number, self.school_year)
        if key in self._last_days:
            return self._last_days[key]
        day = self._last_days[key] = self._find_last_day(school_number)
        return day

    def _find_last_day(self, school_number: str | None) -> dt.date | None:
        sc = self.index.school(school_number)
        if sc is None or not sc.last_day_of_school or self.school_year is None:
            return None
        mmdd = sc.last_day_of_school
        try:
            return dt.date(self.school_year, int(mmdd[:2]), int(mmdd[2:]))
        except ValueError:
            return None

    def is_year_end(self, school_number: str | None) -> bool:
        """SIS As Of Date >= the school's Last Day of School, or a year-end collection."""
        if self.collection == "year-end":
            return True
        last = self.last_day(school_number)
        return bool(last and self.as_of and self.as_of >= last)

    def sept1(self) -> dt.date | None:
        return dt.date(self.school_year - 1, 9, 1) if self.school_year else None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Weekdays from `start` up to but not including `end` (an Exit Date is the day after)."""
    days = (end - start).days
    if days <= 0:
        return 0
    full, rest = divmod(days, 7)
    count = full * 5
    weekday = start.weekday()
    for i in range(rest):
        if (weekday + i) % 7 < 5:
            count += 1
    return count
