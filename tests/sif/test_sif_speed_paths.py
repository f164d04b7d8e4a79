"""The SIF fast paths give what the general paths give: the records built without validation
equal the validated ones, the validator's first pass (which reads only the record types it
indexes) sees those records as a full read does, a SIF file validated in two processes gives
the findings of one, and objects the SDK does not read are reported where they stand."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sif_records import submission

from utrex_sdk import catalogue, model_for
from utrex_sdk.models import code_set
from utrex_sdk.sif import parse_sif, sif_bytes
from utrex_sdk.sif.paths import SIF_NS
from utrex_sdk.sif.reader import read_sif
from utrex_sdk.sif.values import kept_as_is
from utrex_sdk.synth import district_records
from utrex_sdk.validation import ValidationOptions, validate_file
from utrex_sdk.validation.index import INDEXED

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = [(rt, f) for rt, rec in catalogue().records.items() for f in rec.fields]
ANY_VALUE = st.one_of(
    st.text(max_size=6), st.sampled_from(["", " ", "A ", "0998", "NGPA", "PVT", "0229"]),
    st.integers(-10**20, 10**20), st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.booleans(), st.floats(allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIELDS), ANY_VALUE)
def test_a_value_kept_as_is_is_what_the_model_keeps(field, value):
    rt, spec = field
    if not kept_as_is(spec, code_set(spec))(value):
        return
    model = model_for(rt)
    try:
        kept = getattr(model.model_validate({spec.name: value}), spec.name)
    except ValidationError as err:
        pytest.fail(f"{rt}.{spec.name}: {value!r} passes kept_as_is, the model refuses: {err}")
    assert kept == value and type(kept) is type(value)


def test_values_the_model_would_change_or_refuse_are_not_kept_as_is():
    s1 = catalogue().records["S1"]
    text, date = s1.field("last_name"), s1.field("entry_date")
    assert not kept_as_is(text, ())("Young ")
    assert not kept_as_is(text, ())("")
    assert not kept_as_is(date, ())(dt.datetime(2012, 8, 22))
    membership = s1.field("school_membership")
    assert not kept_as_is(membership, ())(Decimal("NaN"))


@SETTINGS
@given(submission())
def test_records_read_are_the_validated_models(records):
    data, _ = sif_bytes(records)
    for item in parse_sif(io.BytesIO(data)):
        if item.record is not None:
            again = type(item.record).model_validate(item.record.model_dump(exclude_unset=True))
            assert again == item.record
            assert again.model_fields_set == item.record.model_fields_set


@pytest.fixture(scope="module")
def district_sif(tmp_path_factory):
    records = list(district_records(400, seed=7))
    records[5] = records[5].model_copy(update={"school_number": "999"})  # findings, please
    data, _ = sif_bytes(records)
    path = tmp_path_factory.mktemp("sif") / "district.xml"
    path.write_bytes(data)
    return path


def test_the_indexing_read_gives_the_records_of_the_types_it_asks_for(district_sif):
    def of(items):
        return [(i.line, i.record) for i in items
                if i.record is not None and i.record.record_type in INDEXED]

    full = of(read_sif(district_sif))
    assert full and of(read_sif(district_sif, only=INDEXED)) == full
    kinds = {i.record.record_type for i in read_sif(district_sif, only=INDEXED)
             if i.record is not None}
    assert "AM" not in kinds  # passed over; I2 comes with its incident's I1


@pytest.mark.parametrize("lines", [True, False])
def test_records_of_a_keeper_s_unbuilt_types_come_as_the_values_of_their_models(
        district_sif, monkeypatch, lines):
    """Given a keeper that takes AM records unbuilt (the validator's first pass over a large
    document, `halves.Keeper.unbuilt`), the reader gives each AM it builds trusted as
    `construct.Unbuilt`: the values its model holds, their keys its fields set; by the line
    reading and by lxml alike. Every other item is the one a plain read gives."""
    from utrex_sdk.construct import Unbuilt, constructor
    from utrex_sdk.sif import reader

    monkeypatch.setattr(reader, "LINES", lines)

    class Keeper:  # what the reader asks of a keeper when it reads in one process
        unbuilt = frozenset({"AM"})

    plain = list(read_sif(district_sif, jobs=1))
    given = list(read_sif(district_sif, jobs=1, keeper=Keeper()))
    build = constructor(model_for("AM"))
    assert [(i.line, i.text, i.findings) for i in given] == [
        (i.line, i.text, i.findings) for i in plain]
    ams = 0
    for got, expected in zip(given, plain, strict=True):
        if expected.record is not None and expected.record.record_type == "AM":
            ams += 1
            assert got.record.__class__ is Unbuilt and got.record.record_type == "AM"
            model = build(got.record.values)
            assert model == expected.record
            assert model.model_fields_set == expected.record.model_fields_set
        else:
            assert got.record == expected.record
    assert ams > 100


def test_a_sif_file_validated_in_two_processes_gives_the_findings_of_one(district_sif):
    one = validate_file(district_sif, ValidationOptions(jobs=1))
    two = validate_file(district_sif, ValidationOptions(jobs=2))
    assert one.findings and two.findings == one.findings


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_sif_file_read_as_it_streams_gives_the_findings_of_one_read_once(
        district_sif, monkeypatch, jobs):
    from utrex_sdk.validation import files

    held = validate_file(district_sif, ValidationOptions(jobs=jobs))
    monkeypatch.setattr(files, "SIF_HELD_BYTES", 0)  # too large to hold: kept compact on disk
    streamed = validate_file(district_sif, ValidationOptions(jobs=jobs))
    assert held.findings and streamed.findings == held.findings
    assert streamed.to_dict() == held.to_dict()


HEAD = ('<?xml version="1.0"?>\n<utrex:SIFObjects xmlns:utrex="urn:utrex-sdk:sif-objects:1" '
        'SchoolYear="2013">\n')
LEA = (f'<LEAInfo xmlns="{SIF_NS}" RefId="{"A" * 32}"><LocalId>14</LocalId>'
       "<StateProvinceId>14</StateProvinceId><LEAName/></LEAInfo>\n")


def unknown(name: str, ref: str) -> str:
    return f'<{name} xmlns="{SIF_NS}" RefId="{ref * 32}"><LocalId>1</LocalId></{name}>\n'


def test_unknown_objects_are_reported_in_document_order_between_the_objects_read():
    doc = (HEAD + unknown("StaffPersonal", "B") + LEA + unknown("RoomInfo", "C")
           + unknown("TermInfo", "D") + "</utrex:SIFObjects>\n")
    items = list(parse_sif(io.BytesIO(doc.encode())))
    assert [(i.record.record_type if i.record else i.findings[0].error_id, i.line)
            for i in items] == [("sif.unknown-object", 3), ("DI", 4),
                                ("sif.unknown-object", 5), ("sif.unknown-object", 6)]


def test_a_document_that_is_one_unknown_object_is_reported():
    items = list(parse_sif(io.BytesIO(unknown("StaffPersonal", "B").encode())))
    assert [(f.error_id, f.line) for i in items for f in i.findings] == [
        ("sif.unknown-object", 1)]


def _fast_equals_general(monkeypatch, records) -> bytes:
    """The document the generated builds write, checked equal to the general path's."""
    from utrex_sdk.sif import objects

    fast, _ = sif_bytes(records)
    monkeypatch.setattr(objects, "COMPILED", False)
    general, _ = sif_bytes(records)
    assert fast == general
    return fast


def test_a_text_with_markup_or_control_characters_is_written_as_lxml_writes_it(monkeypatch):
    records = list(district_records(5, seed=2))
    at = next(i for i, r in enumerate(records) if r.record_type == "S1")
    records[at] = records[at].model_copy(update={"last_name": 'A&B <C> "D"\tE'})
    fast = _fast_equals_general(monkeypatch, records)
    assert b"<LastName>A&amp;B &lt;C&gt; \"D\"\tE</LastName>" in fast


def test_a_text_with_markup_where_a_date_stands_is_written_as_lxml_writes_it(monkeypatch):
    """A fused build checks only the texts that can be a string as it is, and every text once
    one came from `_Run._text`: here a date field holding a string, in an object of one record
    (AM) and of several (two S1 records of one student)."""
    records = list(district_records(5, seed=2))
    am = next(i for i, r in enumerate(records) if r.record_type == "AM")
    records[am] = records[am].model_copy(update={"course_exit_date": "<1&2>"})
    s1 = next(i for i, r in enumerate(records) if r.record_type == "S1")
    records[s1] = records[s1].model_copy(update={"exit_date": "3>4"})
    fast = _fast_equals_general(monkeypatch, records)
    assert b"<ExitDate>&lt;1&amp;2&gt;</ExitDate>" in fast
    assert b">3&gt;4</" in fast


def test_the_rendered_objects_are_the_elements_lxml_serializes():
    from lxml import etree

    from utrex_sdk.sif.compiled import Plan
    from utrex_sdk.sif.spec import sif_spec

    spec = sif_spec()
    grouped = {rs.objects[0] for rs in spec.records.values() if rs.group}  # general path only
    for rt, rs in spec.records.items():
        for name in rs.objects:
            if name in grouped:
                continue
            plan = Plan(spec, spec.objects[name], rs)
            texts = [f"v{slot}" for slot in range(len(plan.slot_owner))]
            for every in (True, False):  # every element, or only the object and its RefId
                content = [every or i == 0 for i in range(len(plan.nodes))]
                if not every:
                    texts = [t if slot == plan.id_slot else None for slot, t in
                             enumerate(texts)]
                element = etree.tostring(plan.element(list(texts), content), encoding="unicode")
                assert plan.render(list(texts), content) == element, (rt, name, every)


def _items(data: bytes):
    return [(i.line, i.text, i.record, i.record and i.record.model_fields_set, i.findings)
            for i in parse_sif(io.BytesIO(data))]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(submission(), st.sampled_from([b"", b"<EntryDate>", b"<Gender>", b"<BirthDate>"]))
def test_records_built_part_by_part_are_those_read_field_by_field(monkeypatch, records, spoil):
    from utrex_sdk.sif import reader
    from utrex_sdk.sif.reader import _Reader

    data, _ = sif_bytes(records)
    if spoil and spoil in data:  # an unreadable value: findings, and the record validated
        data = data.replace(spoil, spoil + b"?", 1)
    fast = _items(data)
    with monkeypatch.context() as every_element:  # flattening passes over no element
        every_element.setattr(reader, "_needed", lambda _spec: {})
        assert _items(data) == fast
    with monkeypatch.context() as general:  # undone before the next example
        general.setattr(_Reader, "chain_values", lambda *_args: None)
        joined_parts = _items(data)  # the parts of the objects joined, without the chain cache
        general.setattr(_Reader, "fast_values", lambda *_args: None)
        assert fast == joined_parts == _items(data)


MUTATIONS = ("reverse", "rotate", "unknown", "repeat", "drop", "comment", "attribute-order",
             "attribute-value", "attribute-drop", "text", "selector", "selector")
SAME_SHAPE = ("attribute-order", "attribute-value", "attribute-drop", "text", "selector")
"""The changes that keep an object's tree of tags: the changed object is read by the shape of
the unchanged copy before it."""
SELECTED_BY = ("Type", "Codeset", "Name")  # attributes, and children, predicates select by
SELECTING_CHILDREN = (f"{{{SIF_NS}}}Code", f"{{{SIF_NS}}}LanguageType")


def _mutate(elem, how: str, k: int) -> None:
    """One change a hand-made or damaged document may hold, at ``elem``."""
    import copy

    from lxml import etree

    children = list(elem)
    if how == "selector":  # what a predicate selects an instance by, at or below elem
        for sub in elem.iter():
            attrs = [a for a in SELECTED_BY if sub.get(a) is not None]
            if attrs:
                sub.set(attrs[0], ("04", "0765", "0096", "StateProvince", "X")[k % 5])
                return
            child = next((c for c in sub if c.tag in SELECTING_CHILDREN), None)
            if child is not None:
                child.text = ("0998", "1000", "1037", "1038", "X")[k % 5]
                return
    elif how == "reverse":
        elem[:] = children[::-1]
    elif how == "rotate" and children:
        elem[:] = children[k % len(children):] + children[:k % len(children)]
    elif how == "unknown":
        extra = etree.Element(f"{{{SIF_NS}}}Unknown", Type="04")
        extra.text = f"u{k}"
        elem.insert(k % (len(children) + 1), extra)
    elif how == "repeat" and children:
        at = k % len(children)
        elem.insert(at + 1, copy.deepcopy(children[at]))
    elif how == "drop" and children:
        elem.remove(children[k % len(children)])
    elif how == "comment":
        elem.insert(k % (len(children) + 1), etree.Comment(f"c{k}"))
    elif how.startswith("attribute") and elem.attrib:
        items = elem.items()
        name = items[k % len(items)][0]
        if how == "attribute-order":
            elem.attrib.clear()
            for attr, value in items[::-1]:
                elem.set(attr, value)
        elif how == "attribute-value":
            elem.set(name, ("04", "0765", "StateProvince", "", "X")[k % 5])
        else:
            del elem.attrib[name]
    elif how == "text":
        elem.text = ("", " ", "2012-08-22", "04", "Z")[k % 5]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(submission(), st.data())
def test_objects_read_by_shape_give_what_the_generic_flattening_gives(monkeypatch, records,
                                                                      data):
    """Objects read by shape (`sif.shapes`) give the records and findings of every object
    flattened the generic way, on documents the writer would not make: children reordered,
    unknown or repeated elements, missing ones, comments, attributes reordered, changed or
    missing, texts where elements have children; with unchanged copies of objects read
    first, so that the changed objects after them are read by the copies' shapes."""
    import copy

    from lxml import etree

    from utrex_sdk.sif import reader

    doc, _ = sif_bytes(records)
    root = etree.fromstring(doc)
    objects = list(root)
    chosen = data.draw(st.lists(st.sampled_from(objects), min_size=1, max_size=4,
                                unique_by=id))
    for n, obj in enumerate(chosen):
        first = copy.deepcopy(obj)  # read first: the objects changed below share its shape
        first.set("RefId", f"{n + 1:032X}")
        root.insert(0, first)
    elements = [e for obj in chosen for e in obj.iter()]
    kinds = SAME_SHAPE if data.draw(st.booleans()) else MUTATIONS
    changes = st.tuples(st.sampled_from(kinds), st.integers(0, 10**6), st.integers(0, 99))
    for how, at, k in data.draw(st.lists(changes, max_size=8)):
        _mutate(elements[at % len(elements)], how, k)
    for obj in data.draw(st.lists(st.sampled_from(list(root)), max_size=4)):
        root.append(copy.deepcopy(obj))  # the changed shapes again, some as duplicate RefIds
    mutated = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    by_shape = _items(mutated)
    with monkeypatch.context() as generic_only:  # undone before the next example
        generic_only.setattr(reader, "ShapeReader", lambda generic, _read: generic)
        assert _items(mutated) == by_shape


def test_a_shape_seen_again_reads_the_values_of_its_own_object():
    """Two objects of one shape: the second is read by position, its own texts and
    attributes (one of them absent) — not the first's."""
    from lxml import etree

    from utrex_sdk.sif.reader import _flattener, _Index
    from utrex_sdk.sif.spec import sif_spec

    period = "ScheduleInfoList/ScheduleInfo/MeetingTimeList/MeetingTime/TimetablePeriod"

    def section(ref, course, text):
        course_attr = f' SchoolCourseInfoRefId="{course}"' if course else ""
        return (f'<SectionInfo xmlns="{SIF_NS}" RefId="{ref}"{course_attr}><LocalId>1</LocalId>'
                "<ScheduleInfoList><ScheduleInfo><MeetingTimeList><MeetingTime>"
                f"<TimetablePeriod>{text}</TimetablePeriod></MeetingTime></MeetingTimeList>"
                "</ScheduleInfo></ScheduleInfoList></SectionInfo>")

    read = _flattener("SectionInfo", _Index(sif_spec()))
    first = read(etree.fromstring(section("A", "C", "01")))
    second = read(etree.fromstring(section("B", None, "02")))
    assert type(read).__name__ == "ShapeReader"
    assert first == {"@RefId": "A", "@SchoolCourseInfoRefId": "C", period: "01"}
    assert second == {"@RefId": "B", period: "02"}


def test_objects_of_shapes_past_the_bound_are_flattened_the_generic_way(monkeypatch):
    """Past `SHAPES` compiled shapes, an object of a new shape is read the generic way: the
    same values, no more compiled shapes."""
    from lxml import etree

    from utrex_sdk.sif import shapes
    from utrex_sdk.sif.reader import _flattener, _Index
    from utrex_sdk.sif.spec import sif_spec

    monkeypatch.setattr(shapes, "SHAPES", 2)
    read = _flattener("StudentSectionEnrollment", _Index(sif_spec()))
    for n in range(5):  # 0..4 unknown elements: five shapes
        extra = "<Unknown/>" * n
        got = read(etree.fromstring(
            f'<StudentSectionEnrollment xmlns="{SIF_NS}" RefId="R{n}" SectionInfoRefId="S">'
            f"{extra}<EntryDate>2012-08-2{n}</EntryDate></StudentSectionEnrollment>"))
        assert got == {"@RefId": f"R{n}", "@SectionInfoRefId": "S",
                       "EntryDate": f"2012-08-2{n}"}
    assert len(read.structures) == 2


def test_readings_and_object_sizes_are_bounded_whatever_the_document(monkeypatch):
    """At most `SHAPES` readings are compiled per object type over all its shapes (predicate
    values included), and an object of more than `ELEMENTS` elements is never kept as a shape:
    a hostile document of ever-new or huge objects keeps the reader's memory bounded."""
    from lxml import etree

    from utrex_sdk.sif import shapes
    from utrex_sdk.sif.reader import _flattener, _Index
    from utrex_sdk.sif.spec import sif_spec

    monkeypatch.setattr(shapes, "SHAPES", 3)
    monkeypatch.setattr(shapes, "ELEMENTS", 10)
    read = _flattener("StudentSectionEnrollment", _Index(sif_spec()))
    for n in range(6):
        extra = "<Unknown/>" * (n % 3)
        got = read(etree.fromstring(
            f'<StudentSectionEnrollment xmlns="{SIF_NS}" RefId="R{n}" SectionInfoRefId="S">'
            f"{extra}<EntryDate>2012-08-2{n}</EntryDate></StudentSectionEnrollment>"))
        assert got["EntryDate"] == f"2012-08-2{n}"
    big = read(etree.fromstring(
        f'<StudentSectionEnrollment xmlns="{SIF_NS}" RefId="B" SectionInfoRefId="S">'
        + "<Unknown/>" * 20 + "<EntryDate>2012-08-30</EntryDate></StudentSectionEnrollment>"))
    assert big == {"@RefId": "B", "@SectionInfoRefId": "S", "EntryDate": "2012-08-30"}
    assert read.compiled == 3
    assert sum(len(s.plans) for s in read.structures.values()) == 3
    assert all(len(shape) <= 2 * 10 for shape in read.structures)


def test_an_s1_given_unbuilt_is_indexed_as_its_model():
    """`Index.add` files an S1 by some of its values (`index.AS_VALUES`): the validator's
    first pass may be given it unbuilt (`construct.Unbuilt`) and indexes the same facts."""
    from utrex_sdk.construct import Unbuilt
    from utrex_sdk.validation.index import AS_VALUES, Index

    s1s = [r for r in district_records(40, seed=2) if r.record_type == "S1"]
    built, unbuilt = Index(), Index()
    for line, s1 in enumerate(s1s, 3):
        built.add(s1, line)
        unbuilt.add(Unbuilt("S1", {n: s1.__dict__[n] for n in s1.model_fields_set}), line)
    assert "S1" in AS_VALUES and len(built.s1) > 3 and unbuilt.s1 == built.s1
