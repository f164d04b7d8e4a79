"""The SRE objects: a student's ST, TA, TC and TG records as one StudentAcademicRecord per
school (+ a StudentDemographicRecord per ST), valid against the official schema, read back
record for record, and the ST fields that belong to the StudentPersonal, SchoolInfo and
LEAInfo written there."""

import datetime as dt
import io
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from lxml import etree
from sif_records import carried_values, sre_submission
from sif_reference import retargeted_schema_text, sif_schema, sif_xsd_path  # noqa: F401
from test_sif_roundtrip import without_specials
from test_sif_schema import object_types, problems
from test_sif_writer import same_either_way

from utrex_sdk.models import model_for
from utrex_sdk.sif import parse_sif, sif_bytes
from utrex_sdk.sif.paths import SIF_NS

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Q = "{" + SIF_NS + "}"
KEYS = {"lea_number": "14", "school_number": "101", "student_number": "100001"}
DI = model_for("DI")(lea_number="14", school_year=2021, sis_as_of=dt.datetime(2020, 10, 1))
SC = model_for("SC")(lea_number="14", school_number="101", days_in_school_year=180)


def rec(rt, **values):
    return model_for(rt)(**{**KEYS, **values})


def read_back(data: bytes, clean: bool = True):
    items = list(parse_sif(io.BytesIO(data)))
    if clean:
        assert [f.message for i in items for f in i.findings] == []
    return [i.record for i in items if i.record is not None]


def comparable(records):
    return sorted((rt, repr(values)) for rt, values in map(carried_values, records))


def ids(report):
    return [f.error_id for f in report.errors]


def unexpected(report):
    """Errors other than the Course Record ID TC and TG carry and SIF cannot (no XPath)."""
    return [f.message for f in report.errors
            if (f.error_id, f.field) != ("sif.not-carried", "course_record_id")]


# --- schema and round trips -------------------------------------------------------------------


@SETTINGS
@given(sre_submission())
def test_every_sre_object_validates_against_the_official_schema(sif_schema, records):  # noqa: F811
    records = without_specials(records)  # S1 'PVT': see test_sif_roundtrip
    data, report = sif_bytes(records)
    assert {"StudentAcademicRecord", "StudentDemographicRecord"} <= object_types(data)
    assert problems(data, sif_schema) == []  # the objects, and their UTExtensions content
    assert unexpected(report) == []


@SETTINGS
@given(sre_submission())
def test_records_to_sif_to_records_is_the_identity_on_every_field_with_an_xpath(records):
    records = without_specials(records)  # S1 'PVT': see test_sif_roundtrip
    data, report = sif_bytes(records)
    assert unexpected(report) == []
    assert comparable(read_back(data)) == comparable(records)


@SETTINGS
@given(sre_submission())
def test_sif_to_records_to_sif_gives_the_same_bytes(records):
    records = without_specials(records)  # S1 'PVT': see test_sif_roundtrip
    data, _ = sif_bytes(records)
    again, _ = sif_bytes(read_back(data))
    assert again == data


# --- how the records group ---------------------------------------------------------------------


def test_one_academic_record_per_student_per_school_holds_its_tests_courses_and_grades():
    records = [DI, SC, model_for("SC")(lea_number="14", school_number="102"),
               rec("ST", cumulative_credits=Decimal("24.5")),
               rec("TA", test_name="ACT"), rec("TA", test_name="SAT"),
               rec("TC", course_record_id="A", course_title="Algebra"),
               rec("TG", course_record_id="A", letter_grade="B"),
               rec("TG", course_record_id="A", letter_grade="A"),
               rec("TA", school_number="102", test_name="ACT")]
    data, report = sif_bytes(records)
    root = etree.fromstring(data)
    academic = root.findall(Q + "StudentAcademicRecord")
    assert len(academic) == 2  # schools 101 and 102
    first = academic[0]
    assert [e.text for e in first.iter(Q + "Name") if e.getparent().tag == Q + "Assessment"
            ] == ["ACT", "SAT"]
    periods = first.find(f"{Q}CourseHistory/{Q}Term/{Q}Courses/{Q}Course/{Q}MarkingPeriods")
    assert [p.findtext(f"{Q}MarkData/{Q}Letter") for p in periods] == [None, "B", "A"]
    assert len(root.findall(Q + "StudentDemographicRecord")) == 1  # one per ST record
    assert report.written["TA"] == 3 and report.written["TG"] == 2
    assert [r.record_type for r in read_back(data)[3:]] == ["ST", "TA", "TA", "TC", "TG", "TG",
                                                            "TA"]


def test_a_school_without_an_st_record_gives_back_no_st():
    data, _ = sif_bytes([DI, SC, rec("TA", test_name="ACT")])
    assert object_types(data) >= {"StudentAcademicRecord"}
    assert "StudentDemographicRecord" not in object_types(data)
    assert [r.record_type for r in read_back(data)] == ["DI", "SC", "TA"]


def test_a_grade_with_no_course_is_reported_and_not_written():
    data, report = sif_bytes([DI, SC, rec("TC", course_record_id="A"),
                              rec("TG", course_record_id="B", letter_grade="A")])
    assert [f.error_id for f in report.errors if f.field != "course_record_id" or
            f.error_id != "sif.not-carried"] == ["sif.no-parent"]
    assert report.not_written["TG"] == 1
    assert [r.record_type for r in read_back(data)] == ["DI", "SC", "TC"]


def test_a_grade_with_a_blank_course_record_id_goes_with_the_course_before_it():
    data, _ = sif_bytes([DI, SC, rec("TC", course_title="Algebra"), rec("TG", letter_grade="A"),
                         rec("TC", course_title="Biology"), rec("TG", letter_grade="C")])
    terms = etree.fromstring(data).find(Q + "StudentAcademicRecord").iter(Q + "Course")
    assert [[p.findtext(f"{Q}MarkData/{Q}Letter") for p in c.iter(Q + "MarkingPeriod")]
            for c in terms] == [[None, "A"], [None, "C"]]


def test_grade_credits_keep_their_grade_by_position_and_say_it():
    data, _ = sif_bytes([DI, SC, rec("ST", grade10_credits_earned=Decimal("6.5"))])
    history = etree.fromstring(data).find(f"{Q}StudentAcademicRecord/{Q}AcademicPerformanceHistory")
    assert [(t.findtext(f"{Q}GradeLevelWhenTaken/{Q}Code"), t.findtext(Q + "CreditsEarned"))
            for t in history] == [("09", None), ("10", "6.5")]
    (st,) = [r for r in read_back(data) if r.record_type == "ST"]
    assert st.grade10_credits_earned == Decimal("6.5") and st.grade9_credits_earned is None


# --- ST values in the objects they belong to ---------------------------------------------------


def test_st_fields_are_written_in_the_student_school_and_lea_objects():
    data, _ = sif_bytes([DI, SC, rec("S1", entry_date=dt.date(2020, 8, 20), zip_code="84101"),
                         rec("ST", lea_name="Alpine", school_name="Lone Peak",
                             student_address_line1="1 Main St", student_address_state="UT",
                             student_address_country="US",
                             hs_exit_date=dt.date(2021, 6, 2))])
    root = etree.fromstring(data)
    assert root.findtext(f"{Q}LEAInfo/{Q}LEAName") == "Alpine"
    assert root.findtext(f"{Q}SchoolInfo/{Q}SchoolName") == "Lone Peak"
    address = root.find(f"{Q}StudentPersonal/{Q}AddressList/{Q}Address")
    assert address.findtext(f"{Q}Street/{Q}Line1") == "1 Main St"
    assert address.findtext(Q + "PostalCode") == "84101"  # the S1 ZIP code, same Address
    assert len(root.findall(Q + "StudentPersonal")) == 1


def test_two_st_records_disagreeing_on_their_school_are_reported():
    other = dict(KEYS, student_number="100002")
    _, report = sif_bytes([DI, SC, rec("ST", school_name="Lone Peak"),
                           model_for("ST")(**other, school_name="Timpanogos")])
    assert ("sif.conflict", "ST", "school_name") in [(f.error_id, f.record, f.field)
                                                    for f in report.errors]


def test_an_st_value_for_an_object_the_document_does_not_hold_is_reported():
    _, report = sif_bytes([SC, rec("ST", lea_name="Alpine")])  # no DI: no LEAInfo
    assert [f.field for f in report.errors if f.error_id == "sif.not-carried"] == ["lea_name"]


def test_a_graduation_date_is_a_sif_partial_date():
    data, report = sif_bytes([DI, SC, rec("ST", graduation_date="20210601",
                                          expected_graduation_date="202106")])
    summary = etree.fromstring(data).find(f"{Q}StudentAcademicRecord/{Q}AcademicPerformanceSummary")
    assert summary.findtext(Q + "GraduationDate") == "2021-06-01"
    assert summary.findtext(Q + "ProjectedGraduationDate") == "2021-06"
    assert [f.error_id for f in report.findings if f.field == "expected_graduation_date"] == [
        "sif.recoded"]  # YYYYMM reads back as YYYY-MM, which the spec also allows
    (st,) = [r for r in read_back(data) if r.record_type == "ST"]
    assert (st.graduation_date, st.expected_graduation_date) == ("20210601", "2021-06")
    _, bad = sif_bytes([DI, SC, rec("ST", graduation_date="20211345")])
    assert ids(bad) == ["sif.bad-value"]


def test_an_academic_record_whose_student_is_missing_is_a_finding():
    data, _ = sif_bytes([DI, SC, rec("S1", entry_date=dt.date(2020, 8, 20)),
                         rec("TA", test_name="ACT")])
    root = etree.fromstring(data)
    root.remove(root.find(Q + "StudentPersonal"))
    items = list(parse_sif(io.BytesIO(etree.tostring(root))))
    found = [f.error_id for i in items for f in i.findings]
    assert "sif.dangling-refid" in found


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sre_submission())
def test_the_compiled_plans_agree_with_the_general_path_on_st_values(monkeypatch, records):
    """The ST values merged into StudentPersonal, SchoolInfo and LEAInfo: same bytes and
    findings from the compiled plans as from the general path."""
    same_either_way(records, monkeypatch)


def test_a_course_school_is_a_schoolattended_of_its_own_that_the_term_names():
    data, _ = sif_bytes([DI, SC, rec("TC", course_title="Algebra", course_school_name="Other High",
                                     course_school_code="490000000001"),
                         rec("TC", course_title="Biology")])
    record = etree.fromstring(data).find(Q + "StudentAcademicRecord")
    schools = {s.get("RefId"): s.findtext(f"{Q}SchoolInfoData/{Q}SchoolName")
               for s in record.iter(Q + "SchoolAttended")}
    terms = [t.get("SchoolAttendedRefId") for t in record.iter(Q + "TermInfoData")]
    assert [schools[ref] for ref in terms] == ["Other High", ""]  # the 2nd: school of record
    tcs = [r for r in read_back(data) if r.record_type == "TC"]
    assert [(t.course_school_name, t.course_school_code) for t in tcs] == [
        ("Other High", "490000000001"), (None, None)]
