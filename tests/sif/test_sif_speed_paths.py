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


def test_a_sif_file_validated_in_two_processes_gives_the_findings_of_one(district_sif):
    one = validate_file(district_sif, ValidationOptions(jobs=1))
    two = validate_file(district_sif, ValidationOptions(jobs=2))
    assert one.findings and two.findings == one.findings


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_sif_file_read_as_it_streams_gives_the_findings_of_one_read_once(
        district_sif, monkeypatch, jobs):
    from utrex_sdk.validation import files

    held = validate_file(district_sif, ValidationOptions(jobs=jobs))
    monkeypatch.setattr(files, "SIF_HELD_BYTES", 0)  # too large to hold: three reads
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


def test_a_text_with_markup_or_control_characters_is_written_as_lxml_writes_it(monkeypatch):
    from utrex_sdk.sif import objects

    records = list(district_records(5, seed=2))
    at = next(i for i, r in enumerate(records) if r.record_type == "S1")
    records[at] = records[at].model_copy(update={"last_name": 'A&B <C> "D"\tE'})
    fast, _ = sif_bytes(records)
    monkeypatch.setattr(objects, "COMPILED", False)
    general, _ = sif_bytes(records)
    assert fast == general
    assert b"<LastName>A&amp;B &lt;C&gt; \"D\"\tE</LastName>" in fast


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
    monkeypatch.setattr(_Reader, "chain_values", lambda *_args: None)
    joined_parts = _items(data)  # the parts of the objects joined, without the chain cache
    monkeypatch.setattr(_Reader, "fast_values", lambda *_args: None)
    assert fast == joined_parts == _items(data)
