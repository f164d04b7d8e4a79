"""Writing a submission: the order, determinism, atomicity, and nothing lost silently."""

import random

import pytest
from helpers import ROOT
from syrupy.extensions.single_file import SingleFileSnapshotExtension

from utrex_sdk import assemble, read_file, write_file
from utrex_sdk.models import CourseMembershipRecord, DistrictRecord, SchoolRecord, StudentRecord


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
