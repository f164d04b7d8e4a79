"""Writing a submission: the order, determinism, atomicity, and nothing lost silently."""

import doctest
import random

import pytest
from helpers import ROOT
from syrupy.extensions.single_file import SingleFileSnapshotExtension

from utrex_sdk import assemble, read_file, write_file
from utrex_sdk.fixedwidth.writer import write_encoded
from utrex_sdk.models import (
    CourseMembershipRecord,
    DistrictRecord,
    ExitStatusChangeRecord,
    SchoolRecord,
    StudentRecord,
)


@pytest.fixture
def raw_snapshot(snapshot):
    return snapshot.use_extension(SingleFileSnapshotExtension)


def write(records, tmp_path):
    path = tmp_path / "out.txt"
    report = write_file(records, path)
    return path.read_bytes(), report


def test_a_multi_school_submission_is_byte_for_byte_the_snapshot(sample_records, tmp_path,
                                                                  raw_snapshot):
    data, report = write(sample_records, tmp_path)
    assert data == raw_snapshot
    assert report.errors == []
    assert sum(report.written.values()) == len(sample_records)


def test_the_bundled_example_file_is_what_the_code_writes(sample_records, tmp_path):
    data, _ = write(sample_records, tmp_path)
    assert data == (ROOT / "examples" / "sample" / "submission.txt").read_bytes()


def test_same_records_in_any_order_give_the_same_bytes(sample_records, tmp_path):
    first, _ = write(sample_records, tmp_path)
    for seed in range(5):
        shuffled = sample_records[:]
        random.Random(seed).shuffle(shuffled)
        again, _ = write(shuffled, tmp_path)
        assert again == first


def test_district_first_then_each_school_followed_by_its_records(sample_records):
    lines, _ = assemble(sample_records)
    kinds = [line[:2] + ("/" + line[-5:-2] if line[:2] in ("AM", "AC") else "")
             for line in lines]
    assert kinds[0] == "DI"
    sc = [i for i, k in enumerate(kinds) if k == "SC"]
    assert [lines[i][3:6] for i in sc] == ["104", "708"]
    school_of = {}
    current = None
    for line in lines[1:]:
        if line.startswith("SC="):
            current = line[3:6]
        school_of.setdefault(current, []).append(line[:2])
    assert school_of["104"] == ["SC", "AC", "AC", "AC", "S1", "AM", "S1", "AM", "S1", "S2", "AM"]
    assert school_of["708"][:3] == ["SC", "AC", "AC"]
    assert school_of["708"][-2:] == ["I1", "I2"]


def test_a_record_whose_school_has_no_sc_record_is_reported_not_written(tmp_path):
    records = [
        DistrictRecord(lea_number="14", school_year=2013),
        SchoolRecord(school_number="104", lea_number="14"),
        StudentRecord(student_number="1", school_number="999", lea_number="14"),
    ]
    data, report = write(records, tmp_path)
    assert report.written == {"DI": 1, "SC": 1}
    assert report.not_written == {"S1": 1}
    (finding,) = report.errors
    assert finding.message == (
        "S1 record not written: school '999' has no SC record in the submission")
    assert finding.keys == {"lea_number": "14", "student_number": "1"}
    assert b"S1=" not in data


def test_a_missing_or_repeated_district_record_is_an_error():
    _, report = assemble([SchoolRecord(school_number="104")])
    assert [f.error_id for f in report.errors] == ["fmt.no-district"]
    _, report = assemble([DistrictRecord(lea_number="14"), DistrictRecord(lea_number="15")])
    assert [(f.error_id, f.value) for f in report.errors] == [("fmt.extra-district", "15")]
    assert report.not_written == {"DI": 1}


def test_a_record_that_cannot_be_serialized_is_counted_as_not_written():
    bad = CourseMembershipRecord(student_number="12345678901", school_number="104")
    _, report = assemble([DistrictRecord(lea_number="14"), SchoolRecord(school_number="104"),
                          bad])
    assert report.not_written == {"AM": 1}
    assert [f.error_id for f in report.errors] == ["fmt.too-wide"]


def test_an_interrupted_write_leaves_the_previous_file_intact(sample_records, tmp_path):
    path = tmp_path / "out.txt"
    write_file(sample_records, path)
    before = path.read_bytes()

    def records_then_crash():
        yield from sample_records[:5]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(records_then_crash(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_written_file_reads_back_into_the_same_records(sample_records, tmp_path):
    path = tmp_path / "out.txt"
    write_file(sample_records, path)
    items = list(read_file(path))
    assert all(i.findings == [] for i in items)
    back = sorted((i.record for i in items), key=repr)
    # the transliterated names are the only values that differ from the input
    expected = [r.model_copy(update={"last_name": "Nunez", "first_name": "Jose"})
                if getattr(r, "last_name", None) == "Nuñez" else r for r in sample_records]
    assert back == sorted(expected, key=repr)


# --- order="input": a file read and written back keeps its bytes -----------------------------

SNAPSHOTS = ROOT / "tests" / "__snapshots__"
UTREX_FILES = [ROOT / "examples" / "sample" / "submission.txt",
               SNAPSHOTS / "test_writer" /
               "test_a_multi_school_submission_is_byte_for_byte_the_snapshot.raw",
               SNAPSHOTS / "test_aspire" /
               "test_the_readme_command_converts_the_aspire_example.raw"]


def _read_and_write_back(path, out):
    records = [item.record for item in read_file(path)]
    assert None not in records
    report = write_file(records, out, order="input")
    assert report.errors == [] and report.left_out == []
    return out.read_bytes()


@pytest.mark.parametrize("path", UTREX_FILES, ids=lambda p: p.name)
def test_a_file_read_and_written_back_in_input_order_gives_the_same_bytes(path, tmp_path):
    assert _read_and_write_back(path, tmp_path / "back.txt") == path.read_bytes()


def test_a_synthetic_district_read_and_written_back_gives_the_same_bytes(tmp_path):
    from utrex_sdk.synth import district_records

    path = tmp_path / "district.txt"
    write_file(district_records(300, seed=1), path)
    assert _read_and_write_back(path, tmp_path / "back.txt") == path.read_bytes()


def test_a_file_in_its_own_order_keeps_that_order_when_written_back(sample_records, tmp_path):
    """Schools in descending number, each school's records reversed: not this SDK's order."""
    data, _ = write(sample_records, tmp_path)
    schools, current = [], None
    for line in data.decode("ascii").splitlines(keepends=True)[1:]:
        if line.startswith("SC="):
            current = [line]
            schools.append(current)
        else:
            current.append(line)
    lines = [data.decode("ascii").splitlines(keepends=True)[0]]
    for school in reversed(schools):
        lines += [school[0], *reversed(school[1:])]
    own = tmp_path / "own.txt"
    own.write_bytes("".join(lines).encode("ascii"))
    assert own.read_bytes() != data
    assert _read_and_write_back(own, tmp_path / "back.txt") == own.read_bytes()
    assert write_file([i.record for i in read_file(own)], tmp_path / "sorted.txt").errors == []
    assert (tmp_path / "sorted.txt").read_bytes() == data


def _students_in_file_order(data):
    return [line[3:13].strip() for line in data.decode("ascii").splitlines()
            if line.startswith("S1=")]


def test_input_order_keeps_the_records_order_grouped_under_their_school(tmp_path):
    district = DistrictRecord(lea_number="14", school_year=2013)
    s104, s708 = (SchoolRecord(school_number=n, lea_number="14") for n in ("104", "708"))
    kids = [StudentRecord(student_number=n, school_number=s, lea_number="14")
            for n, s in [("9", "708"), ("3", "104"), ("7", "708"), ("1", "104")]]
    exits = ExitStatusChangeRecord(student_number="5", lea_number="14")
    records = [kids[0], exits, s708, kids[1], district, kids[2], s104, kids[3]]
    path = tmp_path / "out.txt"
    report = write_file(records, path, order="input")
    lines = path.read_bytes().decode("ascii").splitlines()
    # the DI first; schools in the order of their SC records; each school's records in the
    # order given; the ES record, which belongs to no school, after the last school
    assert [line[:6] for line in lines] == ["DI=14,", "SC=708", "S1=9  ", "S1=7  ", "SC=104",
                                            "S1=3  ", "S1=1  ", "ES=5  "]
    assert report.written == {"DI": 1, "SC": 2, "S1": 4, "ES": 1}
    sorted_data, _ = write(records, tmp_path)
    assert _students_in_file_order(sorted_data) == ["1", "3", "7", "9"]


def test_input_order_leaves_out_and_reports_what_the_sorted_order_does(tmp_path):
    records = [DistrictRecord(lea_number="15"), DistrictRecord(lea_number="14"),
               SchoolRecord(school_number="104", days_in_school_year=180),
               StudentRecord(student_number="1", school_number="999"),
               SchoolRecord(school_number="104", days_in_school_year=170)]
    _, by_input = assemble(records, order="input")
    _, by_sort = assemble(records)
    assert by_input.findings == by_sort.findings
    assert [f.error_id for f in by_input.findings] == [
        "fmt.extra-district", "fmt.duplicate-school", "fmt.no-school"]
    assert by_input.not_written == by_sort.not_written == {"DI": 1, "SC": 1, "S1": 1}


def test_an_unknown_order_is_refused(tmp_path):
    with pytest.raises(ValueError, match="order must be one of 'sorted', 'input'"):
        write_file([DistrictRecord(lea_number="14")], tmp_path / "x.txt", order="by name")
    assert not (tmp_path / "x.txt").exists()


# --- what the structure leaves out comes back with the caller's tag ---------------------------

def test_the_writer_hands_back_each_left_out_record_with_its_tag(tmp_path):
    items = [(DistrictRecord(lea_number="14"), None, "di-a"),
             (StudentRecord(student_number="1", school_number="999", lea_number="14"), None,
              "kid-1"),
             (SchoolRecord(school_number="104", days_in_school_year=180), None, "sc-b"),
             (StudentRecord(student_number="2", school_number="888"), None, "kid-2"),
             (DistrictRecord(lea_number="13"), None, "di-b"),
             (StudentRecord(student_number="3", school_number="999"), None, "kid-3"),
             (SchoolRecord(school_number="104", days_in_school_year=170), None, "sc-a")]
    report = write_encoded(items, tmp_path / "out.txt")
    # the DI and the SC whose line sorts first are kept ("DI=13", days 170 < 180); records of a
    # school with no SC come back school by school, in the order they were given
    assert [(left.tag, left.record_type, left.finding.error_id) for left in report.left_out] == [
        ("di-a", "DI", "fmt.extra-district"), ("sc-b", "SC", "fmt.duplicate-school"),
        ("kid-1", "S1", "fmt.no-school"), ("kid-3", "S1", "fmt.no-school"),
        ("kid-2", "S1", "fmt.no-school")]
    assert report.left_out[0].finding.value == "14"
    assert report.left_out[2].finding.keys == {"lea_number": "14", "student_number": "1"}
    assert all(left.finding in report.findings for left in report.left_out)
    assert report.written == {"DI": 1, "SC": 1}
    assert report.not_written == {"DI": 1, "SC": 1, "S1": 3}


def test_a_record_that_finds_its_sc_later_is_not_left_out(tmp_path):
    items = [(DistrictRecord(lea_number="14"), None, 1),
             (StudentRecord(student_number="1", school_number="104"), None, 2),
             (SchoolRecord(school_number="104"), None, 3)]
    report = write_encoded(items, tmp_path / "out.txt")
    assert report.left_out == [] and report.written == {"DI": 1, "SC": 1, "S1": 1}


def test_the_write_file_docstring_runs():
    import utrex_sdk.fixedwidth.writer as writer
    import utrex_sdk.submission as submission

    for module in (writer, submission):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
