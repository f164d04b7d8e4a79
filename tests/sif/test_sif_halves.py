"""A SIF document's students read in two processes (`sif.halves`) give the items one process
gives: on the writer's documents, whatever the split's share, and on documents where the two
halves touch (a RefId repeated across them, a reference from the second to the first, an
object left pending at the split), where the second half is damaged, where the damage comes
after it or before the split, and when the consumer stops early (the child is reaped)."""

import multiprocessing
import os
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from sif_records import submission

from utrex_sdk.findings import make_finding
from utrex_sdk.fixedwidth.lines import ParsedLine
from utrex_sdk.sif import halves, parse_sif, sif_bytes
from utrex_sdk.sif import parts as parts_module
from utrex_sdk.sif import reader as reader_module
from utrex_sdk.synth import district_records
from utrex_sdk.validation import ValidationOptions, validate_file
from utrex_sdk.validation.index import INDEXED

pytestmark = pytest.mark.skipif(not halves.can_split(), reason="needs two cores and fork")

STUDENT_LINE = b"<StudentPersonal "


@pytest.fixture(autouse=True)
def small_documents_split(monkeypatch):
    monkeypatch.setattr(halves, "MIN_BYTES", 0)
    monkeypatch.setattr(halves, "last_outcome", None)


@pytest.fixture(scope="module")
def district():
    data, _ = sif_bytes(list(district_records(300, seed=3)))
    return data


def _items(path, only=None):
    with open(path, "rb") as handle:
        return [(i.line, i.text, i.record, type(i.record),
                 i.record and i.record.model_fields_set, i.findings)
                for i in parse_sif(handle, str(path), only=only)]


def _both(monkeypatch, tmp_path, data, only=None):
    """The items read in two processes (and how the split ended), and in one."""
    path = tmp_path / "doc.xml"
    path.write_bytes(data)
    halves.last_outcome = None
    split = _items(path, only)
    outcome = halves.last_outcome
    with monkeypatch.context() as one:
        one.setattr(halves, "HALVES", False)
        alone = _items(path, only)
    assert not multiprocessing.active_children()
    return split, alone, outcome


def _rows(data):
    return data.split(b"\n")


def _split_row(rows, share=None):
    """The row the child starts at (B's), as `Halves._boundary` finds it."""
    data = b"\n".join(rows)
    at = max(int(len(data) * (halves.SHARE if share is None else share)) - 1, 0)
    at = data.index(b"\n" + STUDENT_LINE, at) + 1
    return data[:at].count(b"\n")


def _rows_of(rows, tag, start=0, end=None):
    return [n for n in range(start, len(rows) if end is None else end)
            if rows[n].startswith(b"<" + tag + b" ")]


@pytest.mark.parametrize("share", [0.25, 0.4, 0.53, 0.8, 0.97])
def test_a_district_reads_the_same_in_two_processes_at_any_share(monkeypatch, tmp_path,
                                                                 district, share):
    monkeypatch.setattr(halves, "SHARE", share)
    split, alone, outcome = _both(monkeypatch, tmp_path, district)
    assert outcome == "joined"
    assert split == alone and len(alone) > 1000


def test_the_validator_s_first_pass_reads_the_same(monkeypatch, tmp_path, district):
    """``only=`` (the validator's index pass): objects passed over still count as seen."""
    split, alone, outcome = _both(monkeypatch, tmp_path, district, only=INDEXED)
    assert outcome == "joined"
    assert split == alone


def test_incidents_look_up_students_of_both_halves(monkeypatch, tmp_path, district):
    rows = _rows(district)
    b = _split_row(rows)
    incident = _rows_of(rows, b"DisciplineIncident")[0]
    ids = [rows[n].split(b'RefId="')[1][:32] for n in _rows_of(rows, b"StudentPersonal")]
    before, after = ids[1], ids[-1]
    row = rows[incident]
    first = row.split(b"<StudentPersonalRefId>")[1][:32]
    rows[incident] = row.replace(first, before).replace(
        b"</StudentParticipantList>", b"<StudentParticipant><StudentPersonalRefId>" + after
        + b"</StudentPersonalRefId></StudentParticipant></StudentParticipantList>")
    assert _rows_of(rows, b"StudentPersonal", b)  # students on both sides of B
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "joined"
    assert split == alone
    assert sum(1 for item in alone if item[1].startswith("DisciplineIncident")) > 3


def test_a_refid_repeated_across_the_halves_is_a_conflict(monkeypatch, tmp_path, district):
    rows = _rows(district)
    b = _split_row(rows)
    enrolment = _rows_of(rows, b"StudentSectionEnrollment", 0, b)[-3]
    rows.insert(b + 3, rows[enrolment])  # the same object again in the child's half
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "conflict"
    assert split == alone
    assert any(f.error_id == "sif.duplicate-refid" for item in alone for f in item[5])


def test_a_reference_from_the_second_half_to_the_first_is_a_conflict(monkeypatch, tmp_path,
                                                                     district):
    """A StudentSectionEnrollment after B naming a student before B: found reading in one
    process, a miss in the child."""
    rows = _rows(district)
    b = _split_row(rows)
    early = rows[_rows_of(rows, b"StudentPersonal", 0, b)[2]].split(b'RefId="')[1][:32]
    late = _rows_of(rows, b"StudentSectionEnrollment", b)[4]
    own = rows[late].split(b'StudentPersonalRefId="')[1][:32]
    rows[late] = rows[late].replace(own, early)
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "conflict"
    assert split == alone


def test_students_the_people_cache_lets_go_unused_leave_the_child_s_reading(
        monkeypatch, tmp_path, district):
    """The child lets students go as one process does; nothing uses them again."""
    monkeypatch.setattr(reader_module, "_PERSON_CACHE", 3)
    split, alone, outcome = _both(monkeypatch, tmp_path, district)
    assert outcome == "joined"
    assert split == alone


@pytest.mark.parametrize("part_cache", [50_000, 7])
def test_a_student_let_go_then_used_again_in_the_second_half_is_a_conflict(
        monkeypatch, tmp_path, district, part_cache):
    """A StudentSectionEnrollment moved past later students: its student's cached part (or
    its lookup, once the parts cache was emptied at another time than in one process) would
    differ from one process's, so the child's reading counts as touching."""
    monkeypatch.setattr(reader_module, "_PERSON_CACHE", 3)
    monkeypatch.setattr(parts_module, "PART_CACHE", part_cache)
    rows = _rows(district)
    b = _split_row(rows)
    students = _rows_of(rows, b"StudentPersonal", b)
    enrolments = _rows_of(rows, b"StudentSectionEnrollment", students[1], students[2])
    moved = rows.pop(enrolments[-1])
    rows.insert(students[9] - 1, moved)
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "conflict"
    assert split == alone


def test_a_dangling_reference_in_the_second_half_is_no_conflict(monkeypatch, tmp_path,
                                                                district):
    rows = _rows(district)
    b = _split_row(rows)
    late = _rows_of(rows, b"StudentSectionEnrollment", b)[4]
    own = rows[late].split(b'StudentPersonalRefId="')[1][:32]
    rows[late] = rows[late].replace(own, b"F" * 32)
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "joined"
    assert split == alone
    assert any(f.error_id == "sif.dangling-refid" for item in alone for f in item[5])


@pytest.mark.parametrize("cut", ["companion-after-b", "pending-and-duplicate-at-b",
                                 "block-without-student", "student-at-the-end"])
def test_student_blocks_cut_oddly_read_the_same(monkeypatch, tmp_path, district, cut):
    rows = _rows(district)
    b = _split_row(rows)
    if cut == "companion-after-b":  # an enrolment before B, its attendance summary after
        enrolment = _rows_of(rows, b"StudentSchoolEnrollment", 0, b)[-1]
        rows.insert(b + 1, rows.pop(enrolment + 1))
    elif cut == "pending-and-duplicate-at-b":  # B's student repeats a head object's RefId
        enrolment = _rows_of(rows, b"StudentSchoolEnrollment", 0, b)[-1]
        rows.insert(b - 1, rows.pop(enrolment))  # pending when B is read
        b = _split_row(rows)
        lea = rows[2].split(b'RefId="')[1][:32]
        own = rows[b].split(b'RefId="')[1][:32]
        rows[b] = rows[b].replace(own, lea, 1)
    elif cut == "block-without-student":  # B's student line gone: its objects dangle
        del rows[b]
    else:  # the students' last block follows the incidents
        end = _rows_of(rows, b"DisciplineIncident")[0]
        last = _rows_of(rows, b"StudentPersonal")[-1]
        block = rows[last:end]
        del rows[last:end]
        closing = rows.index(b"</utrex:SIFObjects>")
        rows[closing:closing] = block
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome in ("joined", "conflict")
    assert split == alone


@pytest.mark.parametrize("compile_after", [1, 10_000])
def test_an_enrolment_pending_where_the_child_stops_reads_the_same(monkeypatch, tmp_path,
                                                                   district, compile_after):
    """The child's last object an enrolment with no attendance summary after it: pending when
    the child stops, and (shapes compiled from the first line) held as its line shape's groups,
    which the parent, with shapes of its own, gets as a values dict (`reader.pending_values`)."""
    from utrex_sdk.sif import lines

    monkeypatch.setattr(lines, "COMPILE_AFTER", compile_after)
    rows = _rows(district)
    incident = _rows_of(rows, b"DisciplineIncident")[0]
    enrolment = _rows_of(rows, b"StudentSchoolEnrollment", 0, incident)[-1]
    assert enrolment > _split_row(rows)
    del rows[enrolment + 1:incident]  # its attendance summary and what follows it
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "joined"
    assert split == alone
    last = [item for item in alone if item[1].startswith("StudentSchoolEnrollment")][-1]
    assert last[2] is not None and last[2].record_type == "S1"


def test_shapes_compiled_before_the_fork_read_the_same(monkeypatch, tmp_path, district):
    """Section enrolments before the first student (their students not yet read): their
    shapes are compiled, with their records-from-groups readings, before the fork; the child
    makes those again over its watched parts caches (`halves._rebind`)."""
    from utrex_sdk.sif import lines

    monkeypatch.setattr(lines, "COMPILE_AFTER", 1)
    rows = _rows(district)
    first = _rows_of(rows, b"StudentPersonal")[0]
    moved = _rows_of(rows, b"StudentSectionEnrollment")[:4]
    early = [rows[n] for n in moved]
    for n in reversed(moved):
        del rows[n]
    rows[first:first] = early
    split, alone, outcome = _both(monkeypatch, tmp_path, b"\n".join(rows))
    assert outcome == "joined"
    assert split == alone


@pytest.mark.parametrize("how", ["control", "unknown", "truncate", "not-utf8"])
def test_damage_in_the_second_half_reads_the_same(monkeypatch, tmp_path, district, how):
    """The child gives up where one process would fall back on lxml: the parent reads on past
    B and meets the damage itself."""
    rows = _rows(district)
    b = _split_row(rows)
    data = _damaged(rows, b + 40, how)
    split, alone, outcome = _both(monkeypatch, tmp_path, data)
    assert outcome == "gave up"
    assert split == alone
    assert any(f.error_id in ("sif.malformed", "sif.unknown-object")
               for item in alone for f in item[5])


@pytest.mark.parametrize("how", ["control", "unknown", "truncate"])
def test_damage_after_the_second_half_falls_back_on_lxml_with_the_right_count(
        monkeypatch, tmp_path, district, how):
    rows = _rows(district)
    incident = _rows_of(rows, b"DisciplineIncident")[1]
    split, alone, outcome = _both(monkeypatch, tmp_path, _damaged(rows, incident, how))
    assert outcome == "joined"
    assert split == alone


@pytest.mark.parametrize("how", ["control", "unknown"])
def test_damage_before_the_split_stops_the_child(monkeypatch, tmp_path, district, how):
    rows = _rows(district)
    b = _split_row(rows)
    split, alone, outcome = _both(monkeypatch, tmp_path, _damaged(rows, b - 30, how))
    assert outcome == "stopped"
    assert split == alone


def _damaged(rows, at, how):
    rows = list(rows)
    if how == "control":
        rows[at] = rows[at].replace(b"</LocalId>", b"\x01</LocalId>", 1).replace(
            b"</SchoolYear>", b"\x01</SchoolYear>", 1).replace(b"><", b">\x01<", 1)
    elif how == "unknown":
        rows.insert(at, b'<StaffPersonal xmlns="http://www.sifinfo.org/infrastructure/2.x" '
                        b'RefId="' + b"B" * 32 + b'"><LocalId>1</LocalId></StaffPersonal>')
    elif how == "not-utf8":
        rows[at] = rows[at].replace(b"><", b">\xff<", 1)
    else:
        return b"\n".join(rows[:at]) + b"\n" + rows[at][:len(rows[at]) // 2]
    return b"\n".join(rows)


def test_a_child_that_dies_or_sends_garbage_leaves_one_process_s_items(monkeypatch, tmp_path,
                                                                       district):
    def dies(*_args):
        os._exit(3)

    def garbage(self, *args):
        args[-1].send_bytes(b"Bnot a pickle")
        args[-1].send_bytes(b"Xnor this")

    for child in (dies, garbage):
        with monkeypatch.context() as patched:
            patched.setattr(halves.Halves, "_read_half", child)
            split, alone, outcome = _both(monkeypatch, tmp_path, district)
        assert outcome == "gave up"
        assert split == alone


def test_a_head_past_the_share_leaves_one_process(monkeypatch, tmp_path, district):
    monkeypatch.setattr(halves, "SHARE", 0.001)
    split, alone, outcome = _both(monkeypatch, tmp_path, district)
    assert outcome == "no boundary"
    assert split == alone


@pytest.mark.parametrize("stop", ["close", "interrupt"])
def test_a_consumer_that_stops_early_leaves_no_child(tmp_path, district, stop):
    path = tmp_path / "doc.xml"
    path.write_bytes(district)
    with open(path, "rb") as handle:
        items = parse_sif(handle, str(path))
        while halves.last_outcome != "stopped":  # on to the fork
            next(items)
        assert multiprocessing.active_children()  # the child waits for the parent at B
        if stop == "close":
            items.close()
        else:
            with pytest.raises(KeyboardInterrupt):
                items.throw(KeyboardInterrupt)
    assert not multiprocessing.active_children()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left to reap, zombie or not


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(submission())
def test_generated_submissions_read_the_same(monkeypatch, tmp_path, records):
    """Every record type the writer carries, with drawn values: two students (the second one's
    block is the child's), split right after the first."""
    second = [r.model_copy(update={"student_number": "100002"}) for r in records
              if "student_number" in type(r).model_fields]
    data, _ = sif_bytes(records + second)
    first = data.index(b"\n" + STUDENT_LINE) + 1
    monkeypatch.setattr(halves, "SHARE", (data.index(b"\n", first) + 1) / len(data))
    split, alone, _outcome = _both(monkeypatch, tmp_path, data)
    assert split == alone


@given(submission())
@settings(max_examples=20, deadline=None)
def test_items_cross_the_pipe_unchanged(records):
    """Each record type's model, rebuilt from what the child sends, equals the one read, with
    its type, fields set, extra and private; an item with no record or with findings too."""
    finding = make_finding("sif.malformed", line=7, source="doc.xml", problem="x")
    items = [ParsedLine(n, f"text {n}", record, [finding] if n % 2 else [])
             for n, record in enumerate(records)] + [ParsedLine(9, "", None, [finding])]
    back = halves.decode(halves.encode(b"B", items))
    assert back == items
    for old, new in zip(items, back, strict=True):
        if old.record is not None:
            assert type(new.record) is type(old.record)
            assert new.record.model_fields_set == old.record.model_fields_set
            assert new.record.__dict__ == old.record.__dict__
            assert new.record.__pydantic_extra__ == old.record.__pydantic_extra__
            assert new.record.__pydantic_private__ == old.record.__pydantic_private__
    assert pickle.loads(pickle.dumps(items)) == back


def test_validation_reports_the_same(monkeypatch, tmp_path, district):
    path = tmp_path / "doc.xml"
    rows = _rows(district)
    late = _rows_of(rows, b"StudentSectionEnrollment", _split_row(rows))[4]
    rows[late] = rows[late].replace(b'StudentPersonalRefId="', b'StudentPersonalRefId="F', 1)
    path.write_bytes(b"\n".join(rows))
    options = ValidationOptions(collection="oct1")
    split = validate_file(path, options)
    assert halves.last_outcome == "joined"
    with monkeypatch.context() as one:
        one.setattr(halves, "HALVES", False)
        alone = validate_file(path, options)
    assert split.findings == alone.findings and split.findings
    assert split.summary() == alone.summary()


@pytest.mark.parametrize("spoiled", [False, True, "damage-after"])
def test_validation_keeping_the_child_s_items_as_they_come_reports_the_same(
        monkeypatch, tmp_path, district, spoiled):
    """A document whose items the validator keeps compact (`held_items`): the child's items
    reach its keeper as the child encoded them (`halves.Keeper`), and its first pass is given
    only those it indexes (and those with no record, as a repeated RefId's); the report is the
    one of a single process, also when damage after the child's half sends the reading back to
    lxml, which passes over the items given, the kept ones included."""
    from utrex_sdk.validation import files, held_items

    monkeypatch.setattr(files, "SIF_HELD_BYTES", 0)
    monkeypatch.setattr(halves, "BATCH", 16)
    rows = _rows(district)
    if spoiled == "damage-after":
        rows = _rows(_damaged(rows, _rows_of(rows, b"DisciplineIncident")[1], "unknown"))
    elif spoiled:
        late = _rows_of(rows, b"StudentSectionEnrollment", _split_row(rows))[4]
        rows[late] = rows[late].replace(b'StudentPersonalRefId="', b'StudentPersonalRefId="F',
                                        1)
        late = _rows_of(rows, b"StudentSectionEnrollment", _split_row(rows))[9]
        rows.insert(late + 1, rows[late])  # a repeated RefId: an item with no record
    path = tmp_path / "doc.xml"
    path.write_bytes(b"\n".join(rows))
    taken, judged = [], tmp_path / "judged.txt"  # (`needed` runs in the child)
    take, needed = held_items.HeldItems.take, held_items.HeldItems.needed

    def noted(self, parsed):
        with judged.open("a") as out:
            out.write(f"{parsed.record and parsed.record.record_type} {needed(self, parsed)}\n")
        return needed(self, parsed)

    monkeypatch.setattr(held_items.HeldItems, "take",
                        lambda self, data: taken.append(len(data)) or take(self, data))
    monkeypatch.setattr(held_items.HeldItems, "needed", noted)
    read_back, kept = [], held_items.HeldItems.__iter__

    def counted(self):
        read_back.append(list(kept(self)))
        yield from read_back[-1]

    monkeypatch.setattr(held_items.HeldItems, "__iter__", counted)
    options = ValidationOptions(collection="oct1")
    split = validate_file(path, options)
    assert halves.last_outcome == "joined"
    assert len(taken) > 10
    judgements = set(judged.read_text().split("\n")) - {""}
    assert ("None True" in judgements) == (spoiled is True)
    assert {j for j in judgements if j.endswith("False")} == {"AM False"}
    assert {"S1 True", "S2 True"} <= judgements
    with monkeypatch.context() as one:
        one.setattr(halves, "HALVES", False)
        alone = validate_file(path, options)
    assert split.findings == alone.findings and split.findings
    assert split.summary() == alone.summary()
    assert len(read_back) == 2 and read_back[0] == read_back[1]  # (the second pass's items)
    assert len(read_back[0]) > 1000
    found = {f.error_id for f in alone.findings}
    assert {"sif.dangling-refid", "sif.duplicate-refid"} <= found or spoiled is not True
    assert "sif.unknown-object" in found or spoiled != "damage-after"


def test_one_job_reads_in_one_process(tmp_path, district):
    """``jobs=1`` (``--jobs 1``): no second process, for the reader and the validator."""
    path = tmp_path / "doc.xml"
    path.write_bytes(district)
    with open(path, "rb") as handle:
        alone = list(parse_sif(handle, str(path), jobs=1))
    assert halves.last_outcome is None
    with open(path, "rb") as handle:
        assert list(parse_sif(handle, str(path))) == alone
    assert halves.last_outcome == "joined"
    halves.last_outcome = None
    validate_file(path, ValidationOptions(jobs=1))
    assert halves.last_outcome is None


@pytest.mark.parametrize("buffer", [1, 10_000_000])
def test_a_child_holding_its_bound_ends_its_half_early(monkeypatch, tmp_path, district,
                                                      buffer):
    """Once the child's encoded items reach `halves.BUFFER` it ends its half before the next
    student, and the parent reads the rest alone: the same items, memory bounded in both."""
    monkeypatch.setattr(halves, "BUFFER", buffer)
    monkeypatch.setattr(halves, "BATCH", 16)
    ends = []
    conflict = halves.Halves._conflict

    def noted(self, reader, child):
        ends.append(child.at)
        return conflict(self, reader, child)

    monkeypatch.setattr(halves.Halves, "_conflict", noted)
    split, alone, outcome = _both(monkeypatch, tmp_path, district)
    assert outcome == "joined"
    assert split == alone
    incidents = district.index(b"\n<DisciplineIncident ") + 1
    assert (ends[0] < incidents) == (buffer == 1)  # T: a student's line, or the incidents'
    if buffer == 1:
        assert district[ends[0]:].startswith(STUDENT_LINE)
