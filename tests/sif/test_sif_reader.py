"""Reading SIF documents: detection by content, safe parsing, and a finding with the XML line
for every problem — never a traceback."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from utrex_sdk import read_file
from utrex_sdk.sif import is_sif, parse_sif, sif_bytes
from utrex_sdk.sif.paths import SIF_NS
from utrex_sdk.synth import district_records

HEAD = ('<?xml version="1.0"?>\n<utrex:SIFObjects xmlns:utrex="urn:utrex-sdk:sif-objects:1" '
        'SchoolYear="2013">\n')
TAIL = "</utrex:SIFObjects>\n"
LEA = f'<LEAInfo xmlns="{SIF_NS}" RefId="{"A" * 32}"><LocalId>14</LocalId>' \
      "<StateProvinceId>14</StateProvinceId><LEAName/></LEAInfo>\n"


def read(text: str):
    return list(parse_sif(io.BytesIO(text.encode("utf-8")), source="t.xml"))


def ids(items):
    return [(f.error_id, f.line) for i in items for f in i.findings]


def test_a_sif_document_is_detected_by_its_content(tmp_path):
    data, _ = sif_bytes(district_records(5, seed=1))
    path = tmp_path / "submission.txt"  # the name says nothing
    path.write_bytes(data)
    assert is_sif(path) and is_sif(data[:20]) and not is_sif(b"DI=14")
    items = list(read_file(path))
    assert items and all(i.record is not None for i in items)
    assert items[0].record.record_type == "DI" and items[0].line == 3


def test_malformed_xml_is_a_finding_with_its_line():
    # the objects before the damage are read when the parser has seen them: libxml2 reads in
    # blocks, so the damage comes after some 200 KB of comments (lxml 6.2 reports an error in
    # the first block before the events of that block)
    filler = "<!-- " + "x" * 1000 + " -->\n"
    items = read(HEAD + LEA + filler * 200 + "<SchoolInfo>\n</Oops>\n" + TAIL)
    assert items[0].record.record_type == "DI"
    assert ids(items)[-1] == ("sif.malformed", 205)  # the line of </Oops>
    small = read(HEAD + LEA + "<SchoolInfo>\n</Oops>\n" + TAIL)
    assert ids(small)[-1] == ("sif.malformed", 5)


def test_an_object_the_sdk_does_not_read_is_a_warning_with_its_line():
    items = read(HEAD + LEA + f'<StaffPersonal xmlns="{SIF_NS}" RefId="{"B" * 32}"/>\n' + TAIL)
    assert ids(items) == [("sif.unknown-object", 4)]


def test_a_repeated_refid_is_a_finding_and_the_copy_is_skipped():
    items = read(HEAD + LEA + LEA + TAIL)
    assert [i.record.record_type for i in items if i.record] == ["DI"]
    assert ids(items) == [("sif.duplicate-refid", 4)]


def test_a_reference_to_no_object_is_a_finding():
    enrollment = (f'<StudentSchoolEnrollment xmlns="{SIF_NS}" RefId="{"C" * 32}" '
                  f'StudentPersonalRefId="{"D" * 32}" SchoolInfoRefId="{"E" * 32}" '
                  'MembershipType="Home" TimeFrame="Current" SchoolYear="2013">'
                  "<EntryDate>2012-08-22</EntryDate></StudentSchoolEnrollment>\n")
    items = read(HEAD + LEA + enrollment + TAIL)
    found = [f for i in items for f in i.findings]
    assert {f.error_id for f in found} == {"sif.dangling-refid"}
    assert {f.line for f in found} == {4}
    assert {"StudentPersonal", "SchoolInfo"} <= {f.message.rsplit(" ", 4)[-4] for f in found}


def test_a_value_of_the_wrong_kind_is_a_finding_not_a_crash():
    data, _ = sif_bytes(district_records(3, seed=1))
    data = data.replace(b"<EntryDate>2012-08-22</EntryDate>", b"<EntryDate>soon</EntryDate>", 1)
    items = list(parse_sif(io.BytesIO(data)))
    bad = [(i.record, f) for i in items for f in i.findings]
    assert len(bad) == 1
    record, finding = bad[0]
    assert (finding.error_id, finding.field, finding.value) == ("sif.unreadable", "entry_date",
                                                                 "soon")
    assert record is not None and record.entry_date is None  # the rest of the S1 is read
    wrong_year = read(HEAD.replace('SchoolYear="2013"', 'SchoolYear="MMXIII"') + LEA + TAIL)
    assert ids(wrong_year)[0] == ("sif.bad-collection", 2)


def test_entities_are_not_expanded_and_nothing_is_fetched():
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">'
           '<!ENTITY y "yyyyyyyyyy"><!ENTITY z "&y;&y;&y;&y;&y;&y;&y;&y;&y;&y;">]>\n'
           + HEAD.split("\n", 1)[1] + LEA.replace("<LocalId>14", "<LocalId>&x;&z;") + TAIL)
    items = read(doc)
    assert all("root:" not in repr(i.record) and "yyyy" not in repr(i.record) for i in items)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b"<" + b))
def test_any_bytes_that_look_like_xml_give_items_or_findings_never_a_traceback(data):
    items = list(parse_sif(io.BytesIO(data)))
    assert all(i.record is not None or i.findings for i in items)
