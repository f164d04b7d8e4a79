"""A SIF document read line by line (`sif.lines`) gives the items the lxml loop gives, on the
writer's documents and on documents spoiled in every way the line reading must notice (an
entity, a character reference, a CR, a tab in an attribute, a control character, a comment,
an object over several lines, a truncated file, a byte that is not UTF-8, a repeated RefId,
an unknown object, objects out of order, a line past the length limit, ...)."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sif_records import submission

from utrex_sdk.sif import lines, parse_sif, reader, sif_bytes
from utrex_sdk.synth import district_records
from utrex_sdk.validation.index import INDEXED


def _items(data: bytes, only=None):
    return [(i.line, i.text, i.record, i.record and i.record.model_fields_set, i.findings)
            for i in parse_sif(io.BytesIO(data), "doc.xml", only=only)]


def _both(monkeypatch, data: bytes, only=None):
    """The items read line by line, and read with lxml alone."""
    by_lines = _items(data, only)
    with monkeypatch.context() as lxml_only:
        lxml_only.setattr(reader, "LINES", False)
        by_lxml = _items(data, only)
    return by_lines, by_lxml


def _spoil(data: bytes, how: str, k: int) -> bytes:
    """One change a hand-made or damaged document may hold, on the ``k``-th object line."""
    rows = data.split(b"\n")
    objects = list(range(2, len(rows) - 1))
    if not objects:  # cut before its objects by an earlier spoil
        return data
    at = objects[k % len(objects)]
    row = rows[at]
    close = row.rfind(b"</")
    inner = row.find(b">", row.find(b"><") + 1) + 1 if b"><" in row else close
    if how == "entity":
        rows[at] = row[:inner] + b"&amp;" + row[inner:] if inner < close else row + b"&amp;"
    elif how == "charref":
        rows[at] = row.replace(b"</LocalId>", b"&#x41;</LocalId>", 1).replace(
            b"</EntryDate>", b"&#50;</EntryDate>", 1)
    elif how == "cr":
        rows[at] = row + b"\r"
    elif how == "tab-attribute":
        rows[at] = row.replace(b'RefId="', b'RefId="\t', 1)
    elif how == "control":
        rows[at] = row[:inner] + b"\x01" + row[inner:]
    elif how == "fffe":
        rows[at] = row[:inner] + "\ufffe".encode() + row[inner:]
    elif how == "ffff":
        rows[at] = row[:inner] + "\uffff".encode() + row[inner:]
    elif how == "non-ascii":  # U+FFFD shares U+FFFE's first two bytes: read by shape still
        rows[at] = row[:inner] + "\u00e9\u20ac\ufffd".encode() + row[inner:]
    elif how == "cdata-end":
        rows[at] = row[:inner] + b"]]>" + row[inner:]
    elif how == "comment":
        rows.insert(at, b"<!-- a comment -->")
    elif how == "comment-inside":
        rows[at] = row[:inner] + b"<!--c-->" + row[inner:]
    elif how == "multi-line":
        rows[at] = row.replace(b"><", b">\n<", 1 + k % 3)
    elif how == "truncate":
        return data[:len(b"\n".join(rows[:at])) + 1 + k % max(1, len(row))]
    elif how == "not-utf8":
        rows[at] = row[:inner] + b"\xff" + row[inner:]
    elif how == "repeat":
        rows.insert(at, row)
    elif how == "unknown":
        rows.insert(at, b'<StaffPersonal xmlns="http://www.sifinfo.org/infrastructure/2.x" '
                        b'RefId="' + b"B" * 32 + b'"><LocalId>1</LocalId></StaffPersonal>')
    elif how == "swap":
        other = objects[(k * 7 + 1) % len(objects)]
        rows[at], rows[other] = rows[other], rows[at]
    elif how == "selector":
        rows[at] = row.replace(b'Type="04"', b'Type="05"').replace(
            b'Codeset="StateProvince"', b'Codeset="Other"').replace(b"<Code>", b"<Code>1", 1)
    elif how == "empty-element":
        rows[at] = row.replace(b"></LEAName>", b"/>").replace(b"<MiddleName></MiddleName>",
                                                            b"<MiddleName/>")
    elif how == "no-namespace":
        rows[at] = row.replace(b' xmlns="http://www.sifinfo.org/infrastructure/2.x"', b"", 1)
    elif how == "prefixed":
        rows[at] = row.replace(b"<LocalId>", b"<utrex:LocalId>", 1).replace(
            b"</LocalId>", b"</utrex:LocalId>", 1)
    elif how == "single-quotes":
        rows[at] = row.replace(b'RefId="', b"RefId='", 1).replace(b'">', b"'>", 1)
    elif how == "two-objects":
        rows[at] = row + rows[objects[(k + 1) % len(objects)]]
    elif how == "blank":
        rows.insert(at, b"")
    elif how == "gt-in-text":
        rows[at] = row[:inner] + b"a>b" + row[inner:]
    elif how == "quote-in-text":
        rows[at] = row[:inner] + b'"q"' + row[inner:]
    elif how == "attribute":
        rows[at] = row.replace(b' RefId="', b' Extra="x" RefId="', 1)
    elif how == "end":
        rows[-1] = rows[-1] + b"\n<!-- after -->" if k % 2 else rows[-1] + b"junk"
    elif how == "prolog":
        rows[0] = b'<?xml version="1.0" encoding="UTF-8"?>'
    elif how == "bad-value":  # a value its field cannot hold: a finding, the general way
        rows[at] = row.replace(b"<EntryDate>", b"<EntryDate>x", 1).replace(
            b"<CreditsAttempted>", b"<CreditsAttempted>z", 1).replace(
            b"<DaysAttended>", b"<DaysAttended>q", 1)
    elif how == "gt-attribute":  # well-formed, but a mark in a slot: not a compiled shape's
        rows[at] = row.replace(b'RefId="', b'RefId=">', 1)
    elif how == "tab-text":
        rows[at] = row[:inner] + b"\t" + row[inner:]
    elif how == "cut":  # the line left out: an enrollment without its attendance, ...
        del rows[at]
    elif how == "dangling":  # a reference to no object: a finding, the general way
        rows[at] = row.replace(b'SectionInfoRefId="', b'SectionInfoRefId="0', 1).replace(
            b'StudentPersonalRefId="', b'StudentPersonalRefId="0', 1)
    return b"\n".join(rows)


def _recording(monkeypatch, attr: str) -> list[int]:
    """``LineShapes.<attr>`` after each `LineShapes.learn`, in a list that fills as the
    document is read."""
    seen: list[int] = []
    original = lines.LineShapes.learn

    def learn(self, *args):
        values = original(self, *args)
        seen.append(getattr(self, attr))
        return values

    monkeypatch.setattr(lines.LineShapes, "learn", learn)
    return seen


SPOILS = ("entity", "charref", "cr", "tab-attribute", "control", "fffe", "ffff", "non-ascii",
          "cdata-end", "comment",
          "comment-inside", "multi-line", "truncate", "not-utf8", "repeat", "unknown", "swap",
          "selector", "empty-element", "no-namespace", "prefixed", "single-quotes",
          "two-objects", "blank", "gt-in-text", "quote-in-text", "attribute", "end", "prolog",
          "bad-value", "dangling", "cut", "gt-attribute", "tab-text")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(submission(), st.lists(st.tuples(st.sampled_from(SPOILS), st.integers(0, 10**6)),
                              max_size=3), st.booleans(), st.booleans())
def test_lines_read_give_the_items_lxml_gives_on_spoiled_documents(monkeypatch, records,
                                                                  spoils, indexing, early):
    """``early``: shapes compiled from their second line on, so most lines are read by a
    compiled shape (records straight from its groups, `line_records`)."""
    data, _ = sif_bytes(records)
    monkeypatch.setattr(lines, "COMPILE_AFTER", 1 if early else 64)
    for how, k in spoils:
        data = _spoil(data, how, k)
    by_lines, by_lxml = _both(monkeypatch, data, INDEXED if indexing else None)
    assert by_lines == by_lxml


@pytest.mark.parametrize("how", SPOILS)
def test_each_spoil_on_a_district_gives_what_lxml_gives(monkeypatch, how):
    data, _ = sif_bytes(list(district_records(60, seed=3)))
    for k in (0, 5, 40, 10**5 + 3):
        spoiled = _spoil(data, how, k)
        by_lines, by_lxml = _both(monkeypatch, spoiled)
        assert by_lines == by_lxml, (how, k)


def test_the_writer_s_documents_are_read_without_lxml_iterparse(monkeypatch):
    """The line reading is what reads the writer's documents (no handover)."""
    data, _ = sif_bytes(list(district_records(60, seed=4)))
    expected = _items(data)

    def refused(*_args, **_kwargs):
        raise AssertionError("iterparse used")

    monkeypatch.setattr(reader.etree, "iterparse", refused)
    assert _items(data) == expected and expected


def test_a_line_past_the_limit_hands_over_to_lxml(monkeypatch):
    """A line longer than `LINE_LIMIT` is never read whole by the line reading: lxml reads the
    document (and reports what it holds), memory stays bounded."""
    data, _ = sif_bytes(list(district_records(30, seed=5)))
    monkeypatch.setattr(lines, "LINE_LIMIT", 300)
    by_lines, by_lxml = _both(monkeypatch, data)
    assert by_lines == by_lxml
    huge = data.replace(b"<LocalId>", b"<LocalId>" + b"9" * 20_000_000, 1)
    monkeypatch.setattr(lines, "LINE_LIMIT", 1 << 20)
    by_lines, by_lxml = _both(monkeypatch, huge)
    assert by_lines == by_lxml


def test_shapes_made_are_bounded_whatever_the_document(monkeypatch):
    """At most `SHAPES` line shapes are made over a document of ever-new layouts; the lines
    past the bound are parsed by lxml, with the same items."""
    from utrex_sdk.sif import shapes

    made = _recording(monkeypatch, "made")
    monkeypatch.setattr(shapes, "SHAPES", 3)
    monkeypatch.setattr(lines, "SHAPES", 3)
    head = ("<?xml version='1.0' encoding='utf-8'?>\n<utrex:SIFObjects "
            'xmlns:utrex="urn:utrex-sdk:sif-objects:1" SchoolYear="2013">\n')
    body = "".join(
        f'<StudentSectionEnrollment xmlns="http://www.sifinfo.org/infrastructure/2.x" '
        f'RefId="{n:032X}" SectionInfoRefId="S">{"<Unknown/>" * n}'
        f"<EntryDate>2012-08-2{n % 10}</EntryDate></StudentSectionEnrollment>\n"
        for n in range(8))
    data = (head + body + "</utrex:SIFObjects>").encode()
    by_lines, by_lxml = _both(monkeypatch, data)
    assert by_lines == by_lxml
    assert made and max(made) == 3


def test_a_shape_reads_each_line_s_own_values_and_checks_its_selectors(monkeypatch):
    """Lines of one markup: each gives its own values; a line whose predicate value differs
    from its shape's (``Type="05"``) is not read by that shape."""
    records = list(district_records(40, seed=6))
    data, _ = sif_bytes(records)
    monkeypatch.setattr(lines, "COMPILE_AFTER", 1)  # regexes from the second line on
    by_lines, by_lxml = _both(monkeypatch, data.replace(b'Type="04"', b'Type="05"', 3))
    assert by_lines == by_lxml


@pytest.fixture(scope="module")
def large_district():
    data, _ = sif_bytes(list(district_records(600, seed=8)))
    assert len(data) > 4 * lines.HELD  # damage far in: items already given before it
    return data


@pytest.mark.parametrize("how", ["control", "unknown", "comment", "multi-line", "truncate",
                                 "not-utf8", "entity", "cr", "end"])
def test_damage_far_into_a_large_document_gives_what_lxml_gives(monkeypatch, large_district,
                                                                 how):
    """Items are given before the damage is met (lxml gives none of the chunk it read last,
    which the line reading must hold back), and the lxml loop gives the rest."""
    rows = large_district.count(b"\n") - 2
    for k in (rows // 3, rows - 5):
        spoiled = _spoil(large_district, how, k)
        by_lines, by_lxml = _both(monkeypatch, spoiled)
        assert by_lines == by_lxml, (how, k)


def test_shapes_keep_a_bounded_size_of_lines(monkeypatch):
    """Shapes are made from at most `SHAPE_BYTES` of lines: past it, lines no shape reads are
    parsed by lxml, with the same items."""
    data, _ = sif_bytes(list(district_records(40, seed=9)))
    kept = _recording(monkeypatch, "kept")
    monkeypatch.setattr(lines, "SHAPE_BYTES", 2000)
    by_lines, by_lxml = _both(monkeypatch, data)
    assert by_lines == by_lxml
    assert kept and 0 < max(kept) <= 2000


@pytest.mark.parametrize("slots", [0, 1, 2])
def test_a_reading_from_a_split_gives_what_its_generated_reading_gives(slots):
    """`Reading.function`: the closure reading a line's split and the generated function
    reading a regex's groups give the same dict, keys in the same order (constants in their
    place), and None when a checked slot holds another value."""
    read = [("@RefId", (0, 1), None), ("Code", (1, 2), None)][:slots]
    items = [*read[:1], ("Kept", None, "k"), *read[1:]]
    checks = [((2, 1), "StateProvince")]
    reading = lines.Reading(items, checks)
    split = ["<A RefId=", "R1", None, ">", None, "C1", "<B Codeset=", "StateProvince", None, ">"]
    groups = ("R1", "C1", "StateProvince")
    by_split, by_groups = reading.function(split=True), reading.function(split=False)
    expected = {key: {"@RefId": "R1", "Code": "C1"}.get(key, constant)
                for key, _slot, constant in items}
    assert list(by_split(split).items()) == list(by_groups(groups).items())
    assert list(by_split(split).items()) == list(expected.items())
    split[7] = "Other"
    assert by_split(split) is None and by_groups(("R1", "C1", "Other")) is None


def _direct_reads(monkeypatch) -> list[str]:
    """The objects of the lines read straight from a compiled shape's groups, in a list that
    fills as the document is read."""
    read: list[str] = []
    original = reader._Reader.line_reading

    def line_reading(self, obj, items, values_of):
        got = original(self, obj, items, values_of)
        if got is None:
            return None

        def counted(groups, line):
            read.append(obj)
            return got(groups, line)
        return counted

    monkeypatch.setattr(reader._Reader, "line_reading", line_reading)
    return read


@pytest.mark.parametrize("how", ["none", "repeat", "bad-value", "dangling", "swap", "selector",
                                 "unknown", "truncate", "blank", "cut"])
def test_records_read_from_a_shape_s_groups_are_the_general_way_s(monkeypatch, how):
    """A compiled shape's lines of objects that give one record each and that nothing looks up
    (StudentSectionEnrollment; StudentSchoolEnrollment, left pending as its groups until its
    StudentAttendanceSummary, read from its groups too) are read straight from the regex's
    groups; a repeated RefId, an
    unreadable value, a dangling reference, objects out of order, a missing companion give
    what the lxml loop gives."""
    data, _ = sif_bytes(list(district_records(60, seed=3)))
    direct = _direct_reads(monkeypatch)
    monkeypatch.setattr(lines, "COMPILE_AFTER", 1)
    rows = data.split(b"\n")[2:-1]
    at = [0, 7, len(rows) // 2]
    for tag in (b"<StudentSectionEnrollment ", b"<StudentSchoolEnrollment ",
                b"<StudentAttendanceSummary "):
        of_tag = [k for k, row in enumerate(rows) if row.startswith(tag)]
        at += [of_tag[5], of_tag[len(of_tag) // 2], of_tag[-1]]
    for k in at:
        spoiled = data if how == "none" else _spoil(data, how, k)
        direct.clear()
        by_lines, by_lxml = _both(monkeypatch, spoiled)
        assert by_lines == by_lxml, (how, k)
        if how == "none":
            assert set(direct) == {"StudentSectionEnrollment", "StudentSchoolEnrollment",
                                   "StudentAttendanceSummary"}
            assert len(direct) > sum(1 for i in by_lines if i[1].startswith(
                "StudentSectionEnrollment")) // 2



@pytest.mark.parametrize("change", [
    (b'SchoolYear="', b'SchoolYear=">'), (b"<EntryDate>", b"<EntryDate>\t"),
    (b'SchoolYear="', b'SchoolYear="\t'), (b"<EntryDate>", b"<EntryDate>&gt;"),
    (b"<EntryDate>", b"<EntryDate>a>b"), (b'SchoolYear="', b'SchoolYear="&amp;'),
    (b'SchoolYear="', b'SchoolYear="<'), (b"<EntryDate>", b"<EntryDate>\x01")])
def test_lines_with_marks_in_their_slots_give_what_lxml_gives(monkeypatch, change):
    """A compiled shape's regex has classless slots: it is tried only on lines holding as many
    `lines._MARKS` characters as its markup, so a run of lines holding one in a slot (a ``>``
    in an attribute value, a tab in a text, ...) is read another way, with lxml's items, and
    no shape is filed under a count of marks its markup does not hold."""
    data, _ = sif_bytes(list(district_records(60, seed=3)))
    monkeypatch.setattr(lines, "COMPILE_AFTER", 1)
    filed = []
    original = lines.LineShapes._fast

    def fast(self, name, shape, text):
        original(self, name, shape, text)
        filed.extend((name[1], s.marks) for s in self.by_name.get(name, ()))

    monkeypatch.setattr(lines.LineShapes, "_fast", fast)
    by_lines, by_lxml = _both(monkeypatch, data.replace(*change))
    assert by_lines == by_lxml
    assert all(marks == shape_marks for marks, shape_marks in filed)
    if b"EntryDate" in change[0]:  # the other objects' lines are read by compiled shapes
        assert filed


def test_a_shape_s_marks_are_those_of_each_of_its_lines():
    """`_Shape.marks`: the `_MARKS` characters of a line of the shape whose slots hold none
    (a text slot's ``>`` and ``<`` counted: the split gives them to the slot)."""
    shapes = lines.LineShapes()
    data, _ = sif_bytes(list(district_records(20, seed=2)))
    rows = data.split(b"\n")
    reading = reader._Reader(None, reader.sif_spec())
    checked = 0
    for raw in rows[2:-1]:
        raw += b"\n"
        text = raw.decode()
        elem = lines.etree.fromstring(rows[1] + raw + lines._END, lines._PARSER)[0]
        kind = reading.kinds.get(elem.tag) or reading.kind(elem)
        shapes.learn(raw, text, elem, kind)
        for shape in shapes.by_markup.get(tuple(lines._SPLIT(text)[0::3]), ()):
            assert shape.marks == len(raw) - len(raw.translate(None, lines._MARKS))
            checked += 1
    assert checked > 20


def test_compiled_shapes_the_fast_list_let_go_are_found_by_their_start_tags(monkeypatch):
    """A start tag and count of marks with more compiled shapes than `FAST` tries (the
    StudentPersonal lines' optional elements): a line of one the list has let go is read by
    that shape's regex, found by the line's start tags (`LineShapes._by_starts`), instead of
    being split; the items are lxml's."""
    data, _ = sif_bytes(list(district_records(300, seed=3)))
    monkeypatch.setattr(lines, "COMPILE_AFTER", 1)
    monkeypatch.setattr(lines, "FAST", 1)
    counts = {"split": 0, "found": 0}
    split, by_starts = lines._SPLIT, lines.LineShapes._by_starts

    def counted_split(text):
        counts["split"] += 1
        return split(text)

    def counted_by_starts(self, name, text, fast):
        found = by_starts(self, name, text, fast)
        counts["found"] += found is not None
        return found

    monkeypatch.setattr(lines, "_SPLIT", counted_split)
    monkeypatch.setattr(lines.LineShapes, "_by_starts", counted_by_starts)
    by_lines, by_lxml = _both(monkeypatch, data)
    assert by_lines == by_lxml
    with_starts = dict(counts)
    assert with_starts["found"] > 20
    counts.update(split=0, found=0)
    monkeypatch.setattr(lines.LineShapes, "_by_starts", lambda self, name, text, fast: None)
    assert _items(data) == by_lines
    assert counts["split"] >= with_starts["split"] + with_starts["found"]
