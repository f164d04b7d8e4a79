"""The SOEP entry guide's rules that a mapping cannot state, applied to an Aspire export.

- Certification tab (guide I): a teacher's CACTUS ID is the Certification Number of the row whose
  Certification is "Cactus Identification" and Certification Type "Certification". The
  certification file is a *lookup file*: that row of each scheduled teacher is used (looked up
  through the mapping engine's index, so the conversion counts it as used); every other row is
  read and counted as unused, never a record of its own.
- District courses (guide II): codes unique and at most ten characters, letters warned about;
  a SOEP course takes no attendance and counts it.
- Master schedule (guide III, IV): each section's teacher, and for a SOEP section the provider's
  LEA and school (`providers.resolve`).

The small files (certifications, courses, master schedule) are read once before the sections
stream through; each section's raw Aspire values are found again by the row it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from utrex_sdk.adapters import Mapped
from utrex_sdk.findings import Finding, make_finding
from utrex_sdk.mapping.crosswalks import BUILTIN, crosswalk_key
from utrex_sdk.mapping.engine import MappingEngine
from utrex_sdk.mapping.lookups import LookupSource
from utrex_sdk.mapping.values import to_text

from .providers import Providers, resolve

_YES_NO = {crosswalk_key(k): v for k, v in BUILTIN["yes-no"].items()}
SOEP = "OP"  # AC Instructional Setting of a SOEP course (fields/AC.toml, ac_instructional_setting)


def checked(value: str | None) -> bool | None:
    """A checkbox as exported: True, False (blank is unchecked), or None if unreadable."""
    if value is None:
        return False
    found = _YES_NO.get(crosswalk_key(value))
    return None if found is None else found == "Y"


@dataclass(frozen=True)
class _Course:
    code: str
    title: str
    take: str | None
    count: str | None


class GuideChecks:
    """Reads the lookup files once (`prepare`), then amends each section (`section`)."""

    def __init__(self, engine: MappingEngine, options: Any, columns: dict[str, dict[str, int]],
                 providers: Providers, leas: dict[str, str] | None, no_leas: str):
        self.engine, self.o, self.columns = engine, options, columns
        self.providers, self.leas, self.no_leas = providers, leas, no_leas
        self.findings: list[Finding] = []
        self.faculty: dict[str, str] = {}  # Faculty ID -> "F1001 (Jane Smith)"
        self.courses: dict[str, _Course] = {}
        self.sections: dict[tuple[str, int], tuple[str | None, ...]] = {}
        self.cactus = None

    def source(self, role: str) -> LookupSource:
        return self.engine.sources[getattr(self.o, role)]

    # --- the lookup files --------------------------------------------------------------

    def readable(self, role: str) -> bool:
        """Whether the role's source has columns to read. Not when its every file is 0 bytes:
        the engine names each as ``src.empty`` and the column check has nothing to look at, so
        the rule reads no rows — the sections then get the findings of an absent teacher or
        course, never a guess."""
        return bool(self.source(role).columns)

    def prepare(self) -> None:
        """Reads the lookup files (a file with a header and no rows is ``src.no-rows``: the
        engine's `LookupSource` says so when it reads it)."""
        if self.readable("certifications"):
            self._certifications()
        if self.readable("courses"):
            self._courses()
        if not self.readable("master_schedule"):
            return
        cols = self.columns["master_schedule"]
        at = [cols[k] for k in ("faculty_id", "course_code", "where_taught",
                                "where_taught_school")]
        for file, number, cells in self.source("master_schedule").aligned_rows(False):
            self.sections[(file, number)] = tuple(to_text(cells[i]) for i in at)

    def _certifications(self) -> None:
        source, cols = self.source("certifications"), self.columns["certifications"]
        fid, num = cols["faculty_id"], cols["certification_number"]
        cert, kind = cols["certification"], cols["certification_type"]
        want = (crosswalk_key(self.o.cactus_certification),
                crosswalk_key(self.o.cactus_certification_type))

        def cactus_key(ctx: list) -> str | None:
            cells = ctx[0]
            c, k = to_text(cells[cert]), to_text(cells[kind])
            if c is None or k is None or to_text(cells[num]) is None:
                return None
            return to_text(cells[fid]) if (crosswalk_key(c), crosswalk_key(k)) == want else None

        self.cactus = source.index(
            "aspire:cactus", cactus_key,
            f"{self.o.faculty_id} with {self.o.certification} {self.o.cactus_certification!r}"
            f" and {self.o.certification_type} {self.o.cactus_certification_type!r}",
            joined=False)
        self.cactus.get(None)  # built now: it reports the file's ragged rows once
        labels = {"certification": self.o.certification,
                  "certification_type": self.o.certification_type,
                  "certification_number": self.o.certification_number}
        for file, number, cells in source.aligned_rows(False):
            ident = to_text(cells[fid])
            if ident is None:
                continue
            name = " ".join(t for t in (to_text(cells[cols["first_name"]]),
                                        to_text(cells[cols["last_name"]])) if t)
            who = self.faculty.setdefault(ident, f"{ident} ({name})" if name else ident)
            c = to_text(cells[cert])
            if c is not None and crosswalk_key(c) != want[0]:
                continue  # another certification (a licence): not the guide's concern
            missing = [labels[k] for k in labels if to_text(cells[cols[k]]) is None]
            if missing:
                self.findings.append(make_finding(
                    "aspire.incomplete-certification", source=file, line=number,
                    field="teacher1_id", faculty=who, missing=" and ".join(missing)))

    def _courses(self) -> None:
        source, cols = self.source("courses"), self.columns["courses"]
        code_at, title_at = cols["course_code"], cols.get("description")
        rows: dict[str, list[int]] = {}
        where: dict[str, str] = {}
        for file, number, cells in source.aligned_rows(False):
            code = to_text(cells[code_at])
            if code is None:
                continue
            if code in rows:
                rows[code].append(number)
                continue
            rows[code], where[code] = [number], file
            title = to_text(cells[title_at]) if title_at is not None else None
            course = _Course(code, title or "", to_text(cells[cols["take_attendance"]]),
                             to_text(cells[cols["count_attendance"]]))
            self.courses[code] = course
            shown = f"{code} ({course.title})" if course.title else code
            at = {"source": file, "line": number, "field": "course_section", "value": code}
            if len(code) > 10:
                self.findings.append(make_finding("aspire.course-code-too-long", **at,
                                                  course=shown, length=len(code)))
            if any(ch.isalpha() for ch in code):
                self.findings.append(make_finding("aspire.course-code-letters", **at,
                                                  course=shown))
        for code, numbers in rows.items():
            if len(numbers) > 1:
                self.findings.append(make_finding(
                    "aspire.duplicate-course", source=where[code], line=numbers[0],
                    field="course_section", value=code, file=where[code],
                    rows=", ".join(map(str, numbers))))

    # --- one section -------------------------------------------------------------------

    def section(self, item: Mapped) -> Mapped:
        """The AC record with its teacher's CACTUS ID and where-taught district and school,
        and the guide's findings about it."""
        record, origin = item.record, item.origin
        raw = self.sections.get((origin.file, origin.row or 0))
        if raw is None:
            return item
        faculty, course_code, lea, school = raw
        section = (f"{record.course_section} ({record.course_title or 'no title'}), period "
                   f"{record.period}, school {record.school_number}")
        at = {"record": "AC", "source": origin.file, "line": origin.row,
              "keys": {"school_number": record.school_number or "",
                       "course_section": record.course_section or "",
                       "period": record.period or ""}}
        found: list[Finding] = []
        update: dict[str, Any] = {"teacher1_id": None}
        if faculty is None:
            found.append(make_finding("aspire.no-faculty-id", field="teacher1_id",
                                      section=section, **at))
        elif faculty not in self.faculty:
            found.append(make_finding("aspire.no-faculty", field="teacher1_id", value=faculty,
                                      section=section, file=self.source("certifications")
                                      .shown, **at))
        else:
            row = None if self.cactus is None else self.cactus.get(faculty)
            if row is None:
                found.append(make_finding(
                    "aspire.no-cactus-id", field="teacher1_id", value=faculty,
                    section=section, faculty=self.faculty[faculty],
                    certification=self.o.cactus_certification,
                    certification_type=self.o.cactus_certification_type, **at))
            else:
                cactus = to_text(row[self.columns["certifications"]["certification_number"]])
                update["teacher1_id"] = cactus
        where = resolve(lea, school, self.providers, self.leas, self.no_leas)
        update["where_taught_district"], update["where_taught_school"] = (
            where.district, where.school)
        for error_id, params in where.problems:
            field = "where_taught_school" if error_id == "aspire.unknown-provider" else \
                "where_taught_district"
            found.append(make_finding(error_id, field=field, section=section, **params,
                                      **at))
        if record.instructional_setting == SOEP:
            if school is None:
                found.append(make_finding("aspire.soep-no-provider", field="where_taught_school",
                                          section=section, **at))
            course = self.courses.get(course_code or "")
            if course is not None:
                shown = f"{course.code} ({course.title})" if course.title else course.code
                if checked(course.take) is not False:
                    found.append(make_finding("aspire.soep-take-attendance", value=course.take,
                                              section=section, course=shown, **at))
                if checked(course.count) is not True:
                    found.append(make_finding("aspire.soep-count-attendance",
                                              value=course.count, section=section,
                                              course=shown, **at))
        item.record = record.model_copy(update=update)
        item.findings.extend(found)
        return item
