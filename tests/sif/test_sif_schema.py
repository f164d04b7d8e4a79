"""Schema conformance: every object the writer produces validates against the official SIF
schema (NA 4.0, re-targeted to the 2.x namespace), and Utah's UTExtensions content against the
extensions schema the SDK writes from the spec."""

from hypothesis import HealthCheck, given, settings
from lxml import etree
from sif_records import submission
from sif_reference import retargeted_schema_text, sif_schema, sif_xsd_path  # noqa: F401

from utrex_sdk.sif import extensions_schema, sif_bytes
from utrex_sdk.sif.commands import check_against_xsd
from utrex_sdk.sif.paths import SIF_NS
from utrex_sdk.synth import district_records

WRITTEN_OBJECTS = {
    "LEAInfo", "SchoolInfo", "CalendarSummary", "SchoolCourseInfo", "SectionInfo",
    "StudentPersonal", "StudentSchoolEnrollment", "StudentAttendanceSummary",
    "StudentParticipation", "StudentSectionEnrollment", "DisciplineIncident",
}
UT = "{" + SIF_NS + "}SIF_ExtendedElement"


def problems(data: bytes, schema: etree.XMLSchema) -> list[str]:
    """Every schema error of every object (and of its UTExtensions content), one line each."""
    ext = etree.XMLSchema(etree.fromstring(extensions_schema()))
    found = []
    for obj in etree.fromstring(data):
        name = etree.QName(obj).localname
        if not schema.validate(obj):
            found += [f"{name}: {e.message}" for e in schema.error_log]
        for holder in obj.iter(UT):
            assert holder.get("Name") == "UTExtensions"
            for content in holder:
                if not ext.validate(content):
                    found += [f"{name} UTExtensions: {e.message}" for e in ext.error_log]
    return found


def object_types(data: bytes) -> set[str]:
    return {etree.QName(obj).localname for obj in etree.fromstring(data)}


def test_every_object_of_a_synthetic_district_validates(sif_schema):  # noqa: F811 (a fixture)
    data, _ = sif_bytes(district_records(120, seed=3))
    assert problems(data, sif_schema) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(submission())
def test_every_object_type_the_writer_produces_validates(sif_schema, records):  # noqa: F811 (a fixture)
    data, report = sif_bytes(records)
    assert object_types(data) == WRITTEN_OBJECTS
    assert problems(data, sif_schema) == []
    for finding in report.errors:  # a special value (PVT) where SIF holds a number: reported
        assert finding.error_id == "sif.bad-value" and "special value" in finding.message


def test_blank_mandatory_content_gets_defaults_that_validate(sif_schema):  # noqa: F811 (a fixture)
    """The records with only their keys: every mandatory element comes from a default."""
    from sif_records import KEYS

    from utrex_sdk import model_for

    def bare(rt, **extra):
        fields = model_for(rt).model_fields
        return model_for(rt)(**{k: v for k, v in KEYS.items() if k in fields}, **extra)

    import datetime as dt
    records = [bare("DI", school_year=2013, sis_as_of=dt.datetime(2012, 10, 1)), bare("SC"),
               bare("AC"), bare("S1", entry_date=dt.date(2012, 9, 1), days_attended=3),
               bare("S2"), bare("AM"), bare("I1"), bare("I2")]
    data, report = sif_bytes(records)
    assert problems(data, sif_schema) == []
    assert {"LEAInfo", "DisciplineIncident", "StudentAttendanceSummary"} <= object_types(data)
    assert not report.errors
    defaults = [f.message.split(" written in ")[0] for f in report.findings
                if f.error_id == "sif.default"]
    assert len(defaults) == len(set(defaults))  # each default once per run, with its count
    assert "LEAInfo LEAName = ''" in defaults
    assert "StudentSchoolEnrollment @TimeFrame = 'Current'" in defaults


def test_mandatory_content_with_no_source_and_no_default_is_a_finding():
    from utrex_sdk.models import DistrictRecord, SchoolRecord, ScramRecord

    records = [DistrictRecord(lea_number="14", school_year=2013), SchoolRecord(
        lea_number="14", school_number="101"), ScramRecord(
        lea_number="14", school_number="101", student_number="1")]
    _, report = sif_bytes(records)
    missing = [f for f in report.findings if f.error_id == "sif.missing-mandatory"]
    assert [f.message.split(" is ")[0] for f in missing] == [
        "StudentParticipation StudentParticipationAsOfDate"]


def test_the_extensions_schema_rejects_a_code_the_spec_does_not_list():
    ext = etree.XMLSchema(etree.fromstring(extensions_schema()))
    good = etree.fromstring(f'<SchoolInfoExtensions xmlns="{SIF_NS}">'
                            "<ScheduleDayType>E</ScheduleDayType></SchoolInfoExtensions>")
    bad = etree.fromstring(f'<SchoolInfoExtensions xmlns="{SIF_NS}">'
                           "<ScheduleDayType>QQ</ScheduleDayType></SchoolInfoExtensions>")
    assert ext.validate(good)
    assert not ext.validate(bad)


def test_a_user_supplied_xsd_checks_each_object_with_its_line(sif_xsd_path, tmp_path):  # noqa: F811 (a fixture)
    xsd = tmp_path / "sif2x.xsd"
    xsd.write_bytes(retargeted_schema_text(sif_xsd_path))
    data, _ = sif_bytes(district_records(10, seed=1))
    doc = tmp_path / "d.xml"
    doc.write_bytes(data)
    found = check_against_xsd(doc, xsd)
    # only the XSD 1.0 identity-constraint defect (see conftest.sif_schema) may remain
    assert {f.value for f in found} <= {"StudentAttendanceSummary"}
    broken = data.replace(b"<LocalId>14</LocalId>", b"<Nonsense>14</Nonsense>", 1)
    doc.write_bytes(broken)
    errors = [f for f in check_against_xsd(doc, xsd) if f.value == "LEAInfo"]
    assert errors and errors[0].line == 3 and errors[0].error_id == "sif.schema"
