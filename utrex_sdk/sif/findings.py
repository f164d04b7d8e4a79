"""The SIF layer's finding types (``sif.`` ids), registered with the SDK's finding registry.

Writing: a value or record SIF cannot carry, a mandatory element filled with a documented
default (once per run and element), a reference to an object the output does not hold.
Reading: malformed XML, an object the SDK does not read, a RefId repeated or pointing nowhere, a
value of the wrong kind — each with the XML line.
"""

from __future__ import annotations

from ..findings import FindingType, Level, register_finding_types

E, W = Level.ERROR, Level.WARNING

SIF_FINDINGS = (
    # writing
    FindingType("sif.not-carried", E, "Value SIF cannot carry",
                "{record} {field} = {value!r} is not written: {reason}"),
    FindingType("sif.record-not-carried", E, "Record type SIF cannot carry",
                "{record} record not written: {reason}"),
    FindingType("sif.default", W, "SIF default used",
                "{object} {element} = {default!r} written in {count} object(s): {reason}"),
    FindingType("sif.recoded", W, "Code written as its SIF equivalent",
                "{record} {field} = {value!r} written as SIF code {sif!r}, which reads back as "
                "{back!r}"),
    FindingType("sif.conflict", E, "Value differs from the object's",
                "{record} {field} = {value!r} not written: {object} {key} already holds "
                "{held!r} (from an earlier record)"),
    FindingType("sif.no-school", E, "Record for a school with no SC record",
                "{record} record not written: school {value!r} has no SC record, so no "
                "SchoolInfo object to reference"),
    FindingType("sif.no-section", E, "Course membership for a section with no AC record",
                "{record} record not written: no AC record for school {school!r}, Course & "
                "Section {value!r}, Period {period!r}, so no SectionInfo to reference"),
    FindingType("sif.no-participant", E, "Incident with no participant",
                "{record} incident {value!r} not written: SIF requires at least one Offender "
                "and the incident has no I2 record"),
    FindingType("sif.no-school-year", E, "No School Year",
                "no DI record with a School Year: the objects' mandatory @SchoolYear is left "
                "out, so they do not validate"),
    FindingType("sif.missing-mandatory", E, "Mandatory SIF content with no value",
                "{object} {element} is mandatory and neither the record nor a default gives "
                "it a value: the object does not validate"),
    FindingType("sif.bad-value", E, "Value SIF cannot hold",
                "{record} {field} = {value!r} is not written: {problem}"),
    # reading
    FindingType("sif.malformed", E, "Malformed XML",
                "the document is not well-formed XML: {problem}"),
    FindingType("sif.bad-collection", E, "Collection attribute unreadable",
                "the container's {attribute} = {value!r} is not read: {problem}"),
    FindingType("sif.schema", E, "Object not valid against the schema",
                "{value} {refid}: {problem}"),
    FindingType("sif.unknown-object", W, "Object the SDK does not read",
                "{value} object skipped: it holds no UTREx record"),
    FindingType("sif.duplicate-refid", E, "RefId repeated",
                "{value} {refid} repeats the RefId of an earlier object; skipped"),
    FindingType("sif.dangling-refid", E, "Reference to no object",
                "{value} {refid}: {reference} points at no {target} in the document"),
    FindingType("sif.unreadable", E, "Value of the wrong kind",
                "{record} {field}: {problem}"),
)
register_finding_types(*SIF_FINDINGS)
