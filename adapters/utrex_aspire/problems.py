"""The Aspire adapter's findings (``aspire.*``): the SOEP entry guide's rules, each naming the
faculty member, course or section at fault and the guide's section that states the rule
(``soep-aspire-sis-entry-guide.txt``: I certification, II district courses, IV where taught)."""

from __future__ import annotations

from utrex_sdk.findings import FindingType, Level, register_finding_types

E, W = Level.ERROR, Level.WARNING
_LEFT = "Teacher 1 ID left blank"

ASPIRE_FINDINGS: tuple[FindingType, ...] = (
    FindingType("aspire.incomplete-certification", E, "Incomplete CACTUS certification",
                "faculty member {faculty}: a certification row has no {missing}; the guide "
                "(I): Certification 'Cactus Identification', Certification Type "
                "'Certification' and Certification Number all need data, or the Clearinghouse "
                "errors"),
    FindingType("aspire.no-faculty-id", E, "Section without a teacher",
                "section {section}: no Faculty ID; the guide (I, III): the teacher must be a "
                f"faculty member assigned to the course; {_LEFT}"),
    FindingType("aspire.no-faculty", E, "Teacher with no faculty record",
                "section {section}: Faculty ID {value!r} has no faculty record in {file}; the "
                f"guide (I): enter the teacher as a faculty member; {_LEFT}"),
    FindingType("aspire.no-cactus-id", E, "Teacher without a CACTUS ID",
                "section {section}: faculty member {faculty} has no certification row with "
                "Certification {certification!r}, Certification Type {certification_type!r} "
                f"and a Certification Number (the CACTUS ID), as the guide (I) asks; {_LEFT}"),
    FindingType("aspire.duplicate-course", E, "Course code not unique",
                "course code {value!r} is on rows {rows} of {file}; the guide (II): a course "
                "code must be unique"),
    FindingType("aspire.course-code-too-long", E, "Course code too long",
                "course {course}: code {value!r} has {length} characters; the guide (II): "
                "course codes may be up to ten characters long"),
    FindingType("aspire.course-code-letters", W, "Course code with letters",
                "course {course}: code {value!r} has letters; the guide (II): USBE recommends "
                "numbers only, as letters (5300A) cause errors in testing preprint files"),
    FindingType("aspire.soep-take-attendance", W, "SOEP course takes attendance",
                "SOEP section {section}: course {course} has Take Attendance {value!r}; the "
                "guide (II): do not check Take Attendance for a SOEP course"),
    FindingType("aspire.soep-count-attendance", W, "SOEP course does not count attendance",
                "SOEP section {section}: course {course} has Count Attendance {value!r}; the "
                "guide (II): check Count Attendance, so attendance counts for state reporting"),
    FindingType("aspire.soep-no-provider", E, "SOEP section without a provider school",
                "SOEP section {section}: Where Taught School is blank; the guide (IV): name "
                "the provider school there and the provider LEA in Where Taught"),
    FindingType("aspire.unknown-provider", E, "Provider school not resolved",
                "section {section}: Where Taught School {value!r} is no provider the table "
                "lists ({listed}); give the school number; Where Taught School left blank"),
    FindingType("aspire.unresolved-lea", E, "Provider LEA not resolved",
                "section {section}: Where Taught {value!r} gives no LEA number: {why}; Where "
                "Taught District left blank"),
    FindingType("aspire.ambiguous-provider", E, "Provider school number shared",
                "section {section}: Where Taught School {value} is {listed} in the guide; only "
                "the LEA tells them apart, and Where Taught is blank; Where Taught District "
                "left blank"),
)

register_finding_types(*ASPIRE_FINDINGS)
