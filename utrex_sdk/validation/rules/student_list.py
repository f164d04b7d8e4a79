"""The Student List ('SL'): one entry per Student Number, built from that student's S1 records.

2020-21 spec, "Student List Record (SL): Errors". The state's manifest generates the list; in a
file it is the S1 records grouped by Student Number, so its rules compare a student's S1s with
one another (SL.501), students sharing an SSID (SL.503), the student's membership across all
schools (SL.505) and the SSID system (SL.504, SL.506; reference table `ssid.csv`). Each finding
is reported on the first S1 record that shows the problem, once per student (the list has one
record per student), and carries the Student Number, so the engine marks that student's SL
invalid and the records that depend on it ('Dep' rows) are reported too.

The generic "Must be present" rows run on every S1 (engine); "Last Name, First Name" names two
fields, so it is a function here.
"""

from __future__ import annotations

from typing import Any

from ...models import UtrexRecord
from ..reference import date_of, flag
from ..registry import CrossCheck, Found, Hit, rule
from . import student_view as view

MEMBERSHIP_BASE = 360
"""SL.505: "exceeds 360 + 10 x number of schools student was enrolled in"."""
MEMBERSHIP_PER_SCHOOL = 10


@rule("001:SL.last_name")
def name_present(r: UtrexRecord, ctx: Any) -> list[Hit]:
    return [Hit(field=f, value="") for f in ("last_name", "first_name")
            if r.__dict__.get(f) in (None, "")]


def _identity(fact: Any, other: Any, *extra: str) -> tuple:
    """What must agree between two S1s of one student. Birth date and gender count only when
    both records are enrollments (an S1-X record's are ignored) and both are given (a blank is
    reported by the 001 rows)."""
    values: list[Any] = [view.name(fact.last_name), view.name(fact.first_name)]
    values += [view.name(getattr(fact, f)) if f == "middle_name" else getattr(fact, f)
               for f in extra]
    if view.enrolled(fact) and view.enrolled(other):
        for field, norm in (("birth_date", lambda v: v), ("gender", view.gender)):
            if getattr(fact, field) is not None and getattr(other, field) is not None:
                values.append(norm(getattr(fact, field)))
    return tuple(values)


def _differs(fact: Any, first: Any, *extra: str) -> bool:
    if fact is first or all(getattr(fact, f) == getattr(first, f) for f in (*_PERSON, *extra)):
        return False  # the common case, without normalising names
    return _identity(fact, first, *extra) != _identity(first, fact, *extra)


_PERSON = ("last_name", "first_name", "birth_date", "gender")


def _where(fact: Any) -> dict[str, Any]:
    return {"line": fact.line, "record": "S1", "keys": view.keys(fact)}


class StudentList(CrossCheck):
    """SL.501, SL.503, SL.505: what the file itself says about each student."""

    rules = ("SL.501", "SL.503", "SL.505")

    def finish(self) -> Found:
        ctx = self.context
        by_ssid: dict[Any, Any] = {}
        reported_ssids: set[Any] = set()
        for number, facts in view.students(ctx):
            first = next((f for f in facts if view.enrolled(f)), facts[0])
            clash = next((f for f in facts if _differs(f, first, "middle_name",
                                                        "statewide_student_id")), None)
            if clash is not None and number is not None:
                yield Hit(field="student_number", value=number, rule="SL.501", **_where(clash))
            if number is not None:
                yield from self._total(number, facts)
            for fact in facts:
                ssid = fact.statewide_student_id
                if ssid is None or ssid in reported_ssids:
                    continue
                owner = by_ssid.setdefault(ssid, fact)
                if owner is not fact and _differs(fact, owner, "student_number"):
                    reported_ssids.add(ssid)
                    yield Hit(field="statewide_student_id", value=ssid, rule="SL.503",
                              **_where(fact))

    def _total(self, number: Any, facts: list[Any]) -> Found:
        """SL.505: S1 + self-contained S2, or S1 + self-contained S3, across all schools, above
        360 + 10 for each school the student was enrolled in."""
        enrolments = [f for f in facts if view.enrolled(f)]
        if not enrolments:
            return
        regular = sum(view.days(f.school_membership) for f in enrolments)
        scram, yic = view.self_contained(self.context.index, number)
        limit = MEMBERSHIP_BASE + MEMBERSHIP_PER_SCHOOL * len({f.school_number
                                                               for f in enrolments})
        total = regular + max(scram, yic)
        if total > limit:
            yield Hit(field="student_number", value=number, rule="SL.505",
                      data={"Total": total, "Limit": limit}, **_where(view.latest(enrolments)))


class SsidSystem(CrossCheck):
    """SL.504, SL.506: each student's SSID against the SSID system (reference table ssid.csv):
    present and active, with the same birth date and gender. Once per student and SSID."""

    rules = ("SL.504", "SL.506:SL.birth_date", "SL.506:SL.gender")

    def finish(self) -> Found:
        table = self.context.reference.rows("ssid")
        for _number, facts in view.students(self.context):
            seen: set[tuple[str, Any]] = set()
            for fact in facts:
                ssid = fact.statewide_student_id
                if ssid is None:
                    continue
                row = table.get(str(ssid))
                if row is None or not flag(row, "active"):
                    if ("504", ssid) not in seen:
                        seen.add(("504", ssid))
                        yield Hit(field="statewide_student_id", value=ssid, rule="SL.504",
                                  **_where(fact))
                    continue
                if not view.enrolled(fact):
                    continue
                born = date_of(row, "birth_date")
                if born is not None and fact.birth_date is not None \
                        and fact.birth_date != born and ("born", ssid) not in seen:
                    seen.add(("born", ssid))
                    yield Hit(field="birth_date", value=fact.birth_date,
                              rule="SL.506:SL.birth_date", data={"SsidSystem": born},
                              **_where(fact))
                theirs = view.gender(row.get("gender"))
                if theirs and fact.gender is not None and view.gender(fact.gender) != theirs \
                        and ("gender", ssid) not in seen:
                    seen.add(("gender", ssid))
                    yield Hit(field="gender", value=fact.gender, rule="SL.506:SL.gender",
                              data={"SsidSystem": theirs}, **_where(fact))
