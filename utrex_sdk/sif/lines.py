"""Reading a SIF document of one object per line without building a tree for each object.

The writer puts the XML declaration on the first line, the container's start tag on the
second, then each object, whole, on a line of its own (declaring its own default namespace),
then the container's end tag. Parsing such a document with lxml costs more than the rest of
reading it; here each line is split instead (one precompiled regex, `_SPLIT`) into its
*markup* (tags, attribute names, ``=``) and its *slots* (each attribute value, each text
between two tags), and looked up by its markup among the *line shapes* seen: each made once
from a first line of that markup that lxml parsed (inside the document's own container start
tag, so its namespaces, depth and entities are the document's) and read the generic way, it
says which slot holds each value the reader reads, and which slots must hold what they held
(namespace declarations, and the values a predicate selects an instance by: ``Name
Type="04"``, an ``OtherCode Codeset=...``). The split leaves in the markup every character that
would make a slot's XML value differ from its raw text (``&``, ``<``, a quote or tab in an
attribute value), each slot's kind is told by its markup (an attribute value follows ``=``),
and a line holding a CR, ``]]>`` or a character XML 1.0 does not allow is never split: so a
line whose markup is a shape's is the shape's line with other safe values, well-formed in its
place, and gives what `shapes` gives for its element. A shape that has read `COMPILE_AFTER`
lines gets a regex of its own (its markup literal, a group a slot), tried before the split on
the lines that hold as many *marks* (``<``, ``>``, ``&``, C0 controls: `_MARKS`) as its
markup: so its slots hold none, and the regex's slots need no character class (see
`_ATTRIBUTE`); the records of a compiled shape's line are read straight from its regex's
groups where the reader can (`line_records`). A line no shape matches is parsed by lxml
inside the container's start tag and read the generic way (and may add a shape).

Anything outside this layout (another prolog or container, a line that is not one whole object,
an object the SDK does not read, which the document loop reports where the next one ends,
bytes that are not UTF-8, a CR, a line longer than `LINE_LIMIT`, a fragment lxml refuses) ends
this reading: `object_lines` returns how many items it gave, and the document loop reads the
document again with lxml from its start, with a new reader, passing over that many items, so
its items are the lxml loop's for any document (see `object_lines` on the items held back).
Measured on the 100k synthetic district: about a quarter fewer instructions than the lxml loop
(round 4); the split's character classes cost about what libxml2 does a character, a compiled
shape's classless slots a few times less, and the tree and the per-element Python work are not
done.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Generator
from operator import itemgetter
from typing import Any, BinaryIO

from lxml import etree

from ..fixedwidth.lines import ParsedLine
from .paths import Step
from .shapes import ELEMENTS, SHAPES, ShapeReader, read_by

LINE_LIMIT = 1 << 20
"""Bytes a line is read to at most: a longer line (the SDK's objects take a few hundred bytes)
ends the line reading, so memory stays bounded and lxml reports what it holds."""

HELD = 1 << 18
"""Bytes of lines whose items are held back (see `object_lines`): lxml's ``iterparse`` reads
32 KiB at a time, and on damage gives none of the events of the chunk it read last."""

SHAPE_BYTES = 1 << 23
"""Bytes of lines line shapes are made from at most, over a document (the SDK's own lines take
a few hundred bytes each): a shape keeps its line's markup, and its regex grows with it, so
the shapes of a document of huge lines stay bounded in memory too."""

PER_MARKUP = 16
"""Line shapes kept per markup at most (they differ in the values predicates select by)."""

PROLOG = b"<?xml version='1.0' encoding='utf-8'?>\n"
_HEAD = re.compile(rb'<utrex:SIFObjects xmlns:utrex="urn:utrex-sdk:sif-objects:1"'
                   rb'(?: [A-Za-z]+="[^"<&\t\n\r]*")*>\n')
_END = b"</utrex:SIFObjects>"
_END_LINE = _END + b"\n"
_NAME = r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
_START = re.compile(rf'<({_NAME})((?: {_NAME}="[^"<&\t\n\r]*")*)(/?)>')
_ATTR = re.compile(rf' ({_NAME})="([^"]*)"')
_ENDTAG = re.compile(rf"</({_NAME})>")
_SPLIT = re.compile(r'"([^"<&\t\n\r]*)"|>([^<&\r\n]*)<').split
"""A line's markup and slots: ``[markup, attribute value or None, text or None, markup, ...]``
(the quotes, and the ``>`` and ``<`` around a text, are the slot's; which of the two a slot
holds is checked against the shape's, see `_Shape.kinds`)."""
_CONTROLS = bytes(c for c in range(0x20) if c not in (0x09, 0x0A))


def _unsafe(raw: bytes) -> bool:
    """Whether the line holds what no slot may hold: a CR (line-end normalisation), a
    character XML 1.0 does not allow (a C0 control, U+FFFE, U+FFFF), ``]]>``."""
    return (len(raw.translate(None, _CONTROLS)) != len(raw) or b"]]>" in raw
            or (not raw.isascii()  # O(n) at word speed: most lines are ASCII
                and (b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw)))


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)

Kind = tuple[str, Callable[[etree._Element], dict[str, str]] | None]  # (object, its reading)
DirectFactory = Callable[[str, str, list, Callable], Any]
"""``direct(object, tag, reading items, values_of)``: a compiled shape's reading of a line's
records from its regex groups, or None (see `line_records`)."""


class _Shape:
    """One line layout of an object (see the module doc): its markup, the kind of each slot
    (str: an attribute value, NoneType: a text; with the markup, they make a line the shape's
    line with other values in its slots), its reading from a line's split, and, once it has
    read `COMPILE_AFTER` lines, its regex and its reading from the regex's groups."""

    __slots__ = ("build", "build_groups", "direct", "hits", "kinds", "marks", "markup", "match",
                 "obj", "reading", "tag")

    def __init__(self, markup: tuple[str, ...], kinds: list[type], reading: Reading, tag: str,
                 obj: str) -> None:
        self.markup, self.kinds, self.reading, self.tag, self.obj = (markup, kinds, reading,
                                                                     tag, obj)
        self.build = reading.function(split=True)
        self.build_groups: Callable[[Any], Any] | None = None
        self.direct: Callable[[tuple[str, ...], int], list[ParsedLine]] | None = None
        self.match: Callable[[str], Any] | None = None
        self.hits = 0
        # the `_MARKS` characters of its lines but their slots' (a text's ">" and "<" are
        # its slot's in the split, and its regex's)
        self.marks = sum(map(_marks, markup)) + 2 * kinds.count(type(None))

    def compile(self, direct: DirectFactory | None = None) -> None:
        """The regex of the shape's lines: its markup literal, a group a slot; and, when
        ``direct`` gives one for the shape's object, the reading of a line's records straight
        from the regex's groups (`build_groups` then gives the groups themselves, checked)."""
        parts = [re.escape(self.markup[0])]
        for kind, markup in zip(self.kinds, self.markup[1:], strict=True):
            parts.append(_ATTRIBUTE if kind is str else _TEXT)
            parts.append(re.escape(markup))
        self.match = re.compile("".join(parts)).fullmatch
        self.build_groups = self.reading.function(split=False)
        if direct is not None:
            self.direct = direct(self.obj, self.tag, self.reading.items, self.build_groups)
            if self.direct is not None:
                self.build_groups = self.reading.checker()


COMPILE_AFTER = 48
"""Lines a shape reads from their split before its regex is compiled: a regex reads a line a
few times faster than the split, but compiling one (``re`` parses its pattern in Python, a
character at a time) costs about as much as some tens of splits of a line of its length, and
most shapes of a district's students are rare. Measured at 100k by instruction count, with
classless slots (`_ATTRIBUTE`): 32 and 48 read the document with 0.3% fewer instructions than
64, 1.2% fewer than 16 (with class slots, 64 was 1.6% below 256 and 32)."""

FAST = 4
"""Compiled shapes tried per start tag and count of `_MARKS` characters (most recently matched
first) before the line's start tags are looked up (`LineShapes._by_starts`) and the split. A
district's StudentPersonal lines come in a few hundred shapes (optional elements: a middle
name, the program flags, the races, ...), many of one count of marks: with these tries alone,
29,000 of the 1M district's 182,000 lines went on to the split (about 69 us each, against 13
for a compiled shape's), 17,000 of them lines of a compiled shape the list had let go."""

_STARTS = re.compile(r"<([^/\s>][^\s/>]*)").findall
"""The names of a line's start tags (each ``<`` but an end tag's): with the start tag and the
marks, they file the compiled shapes for `LineShapes._by_starts`. Only a filter: a shape's regex
says whether a line is its (about 9 us for a StudentPersonal line of 1,200 characters)."""

_ATTRIBUTE = '"([^"]*)"'
"""A slot holding an attribute value, in a shape's regex. A compiled shape is tried only on
the lines holding as many `_MARKS` characters as its markup (`LineShapes.find`), so a line
it matches holds none in its slots: no ``<``, ``&`` or C0 control in an attribute value, no
``<``, ``>`` (so no ``]]>``), ``&`` or C0 control in a text, what `_SPLIT`'s classes and
`_unsafe` refuse and more (a ``>`` in an attribute value, a tab in a text: such a line is
split). So the slots are "anything but the closing quote (or ``<``)", which ``re`` scans a
few times faster than a class and compiles faster; U+FFFE and U+FFFF are looked for in the
whole line."""
_TEXT = ">([^<]*)<"
"""A slot holding a text, in a shape's regex (see `_ATTRIBUTE`)."""
_MARKS = b"<>&" + bytes(range(0x20))
"""The characters a compiled shape's slots hold none of: counted in each line's bytes
(``bytes.translate`` deletes them, one pass at C speed), the count a line's compiled shapes
are filed by."""


def _marks(text: str) -> int:
    """How many `_MARKS` characters ``text`` holds."""
    data = text.encode()
    return len(data) - len(data.translate(None, _MARKS))


class LineShapes:
    """The line shapes of a document, by markup, and the compiled ones by start tag (see the
    module doc); at most `SHAPES` made and `SHAPES` compiled, whatever the document holds."""

    def __init__(self, direct: DirectFactory | None = None) -> None:
        self.direct = direct  # a compiled shape's reading of records from groups (`_Shape`)
        self.by_markup: dict[tuple[str, ...], list[_Shape]] = {}
        self.by_name: dict[tuple[str, int], list[_Shape]] = {}  # by start tag and marks
        # every compiled shape, by start tag, marks and the names of its start tags; and the
        # (start tag, marks) with more compiled shapes than `FAST` tries (`_by_starts`)
        self.by_starts: dict[tuple[tuple[str, int], tuple[str, ...]], list[_Shape]] = {}
        self.crowded: set[tuple[str, int]] = set()
        self.made = 0
        self.compiled = 0
        self.kept = 0  # bytes of the lines shapes were made from: at most `SHAPE_BYTES`

    def find(self, raw: bytes, text: str) -> tuple[_Shape, dict[str, str]] | None:
        """The shape of line ``text`` (``raw``, its bytes) and its values, or None."""
        name = (text[1:text.find(" ")], len(raw) - len(raw.translate(None, _MARKS)))
        fast = self.by_name.get(name)
        if fast is not None and (text.isascii() or (  # O(1): str knows whether it is ASCII
                "\ufffe" not in text and "\uffff" not in text)):
            for i, shape in enumerate(fast):
                m = shape.match(text)
                if m is not None:
                    values = shape.build_groups(m.groups())
                    if values is not None:
                        if i:
                            fast.insert(0, fast.pop(i))
                        return shape, values
            if name in self.crowded:
                found = self._by_starts(name, text, fast)
                if found is not None:
                    return found
        if _unsafe(raw):
            return None
        pieces = _SPLIT(text)
        candidates = self.by_markup.get(tuple(pieces[0::3]))
        if candidates is None:
            return None
        slots = list(map(type, pieces[1::3]))
        for shape in candidates:
            if shape.kinds == slots:
                values = shape.build(pieces)
                if values is not None:
                    shape.hits += 1
                    if shape.hits >= COMPILE_AFTER and self.compiled < SHAPES:
                        self._fast(name, shape, text)
                    return shape, values
        return None

    def _by_starts(self, name: tuple[str, int], text: str, fast: list[_Shape]
                   ) -> tuple[_Shape, dict[str, str]] | None:
        """The compiled shape of ``text`` among those of ``name`` its `FAST` list has let go,
        found by the line's start tags, and its values; it goes first in the list."""
        for shape in self.by_starts.get((name, tuple(_STARTS(text))), ()):
            if shape in fast:
                continue  # tried
            m = shape.match(text)
            if m is not None:
                values = shape.build_groups(m.groups())
                if values is not None:
                    self._first(name, fast, shape)
                    return shape, values
        return None

    def _fast(self, name: tuple[str, int], shape: _Shape, text: str) -> None:
        """Try ``shape``'s regex first for the lines of ``name`` (start tag, count of `_MARKS`
        characters) from now on, when the line holds no more marks than its markup (see
        `_ATTRIBUTE`); ``text`` is a line of it, whose start tags file it for `_by_starts`."""
        if name[1] != shape.marks:
            return
        if shape.match is None:
            self.compiled += 1
            shape.compile(self.direct)
            self.by_starts.setdefault((name, tuple(_STARTS(text))), []).append(shape)
        fast = self.by_name.setdefault(name, [])
        if shape not in fast:
            self._first(name, fast, shape)

    def _first(self, name: tuple[str, int], fast: list[_Shape], shape: _Shape) -> None:
        """``shape`` first in ``name``'s `FAST` list (not in it yet); the one it lets go, if
        any, is then found by `_by_starts`."""
        fast.insert(0, shape)
        if len(fast) > FAST:
            del fast[FAST:]
            self.crowded.add(name)

    def learn(self, raw: bytes, text: str, elem: etree._Element, kind: Kind
              ) -> dict[str, str] | None:
        """Keep the shape of ``text`` (the line ``raw`` of ``elem``), when its object is read by
        shape, the bounds allow and the line is in the plain syntax; its values as `shapes`
        reads them, or None when no shape was made (read them with ``kind``'s reading)."""
        reading = kind[1]
        if (not isinstance(reading, ShapeReader) or self.made >= SHAPES
                or self.kept + len(raw) > SHAPE_BYTES or _unsafe(raw)):
            return None
        pieces = _SPLIT(text)
        markup = tuple(pieces[0::3])
        elems = list(elem.iter())
        if len(self.by_markup.get(markup, ())) >= PER_MARKUP or len(elems) > ELEMENTS:
            return None
        self.made += 1
        where: dict[str, etree._Element] = {}
        flat = reading.flattener(elem, where)
        values = read_by(reading.layout(elems, tuple(map(len, elems)), flat, where), elems)
        plan = _shape(text, pieces, elem, elems, reading, flat, where, values)
        if plan is None:
            return values
        shape = _Shape(markup, list(map(type, pieces[1::3])), plan, elem.tag, kind[0])
        # the line its shape was made from reads as lxml reads it
        if list((shape.build(pieces) or {}).items()) == list(values.items()):
            self.by_markup.setdefault(markup, []).append(shape)
            self.kept += len(raw)
        return values


def _tokens(text: str) -> list[tuple[str, Any]] | None:
    """``text`` (one element, no line end) as ("start", match), ("end", name) and ("text",
    (start, end)) tokens; None when it is not in the plain syntax the writer uses (double-
    quoted attributes, one space before each, nothing but tags and texts)."""
    out: list[tuple[str, Any]] = []
    pos, size = 0, len(text)
    while pos < size:
        if text[pos] != "<":
            end = text.find("<", pos)
            end = size if end < 0 else end
            out.append(("text", (pos, end)))
            pos = end
            continue
        if out and out[-1][0] != "text":  # an empty text between two tags: a place for one
            out.append(("text", (pos, pos)))
        # "</" starts no start tag (a name starts with a letter or "_")
        m = None if text.startswith("</", pos) else _START.match(text, pos)
        if m is not None:
            out.append(("start", m))
            if m.group(3):
                out.append(("end", m.group(1)))
            pos = m.end()
            continue
        m = _ENDTAG.match(text, pos)
        if m is None:
            return None
        out.append(("end", m.group(1)))
        pos = m.end()
    return out


def _shape(text: str, pieces: list[str | None], elem: etree._Element,
           elems: list[etree._Element], reading: ShapeReader, flat: dict[str, str],
           where: dict[str, etree._Element], values: dict[str, str]) -> Reading | None:
    """The reading of the lines of ``text``'s markup (split as ``pieces``), or None when
    ``text`` is not in the plain syntax the writer uses: values read from their slots,
    namespace declarations and the values predicates select by checked, ""s of elements with
    children or written ``<A/>``."""
    body = text[:-1]
    tokens = _tokens(body)
    if tokens is None or not body.endswith(">"):
        return None
    starts = [m for what, m in tokens if what == "start"]
    if len(starts) != len(elems) or any(
            m.group(1).rpartition(":")[2] != _local(e) for m, e in zip(starts, elems,
                                                                       strict=True)):
        return None
    at = {id(e): i for i, e in enumerate(elems)}
    literal_attrs, literal_texts = _selectors(elems, reading.flattener.predicates)
    grouped_attrs: dict[tuple[int, str], list[str]] = {}
    grouped_texts: dict[int, list[str]] = {}
    constants: dict[str, str] = {}
    for key, elem_key, attr in reading.read:
        if attr is not None:
            owner = elem if elem_key == "" else where.get(elem_key)
            if owner is not None and owner.get(attr) is not None:
                grouped_attrs.setdefault((at[id(owner)], attr), []).append(key)
        elif key in flat:
            i = at[id(where[key])]
            if len(elems[i]) or starts[i].group(3):  # children, or written <A/>: ""
                constants[key] = flat[key]
            else:
                grouped_texts.setdefault(i, []).append(key)
    slots = 0
    checks: list[tuple[Slot, str]] = []
    slot_of: dict[str, Slot] = {}
    index = -1
    previous = None
    for what, token in tokens:
        if what == "start":
            index += 1
            attributes = token.group(2)
            for am in _ATTR.finditer(attributes) if attributes else ():
                name, value = am.group(1), am.group(2)
                got = (slots, 1)
                if pieces[3 * slots + 1] != value:
                    return None
                slots += 1
                local = name.rpartition(":")[2]
                read = grouped_attrs.get((index, local)) if ":" not in name else None
                if name == "xmlns" or name.startswith("xmlns:") or (
                        (index, local) in literal_attrs):
                    checks.append((got, value))
                    constants.update((key, values.get(key, "")) for key in read or ())
                elif read is not None:
                    slot_of.update(dict.fromkeys(read, got))
        elif what == "text":
            start, end = token
            got = (slots, 2)
            if pieces[3 * slots + 2] != body[start:end]:
                return None
            slots += 1
            own = previous is not None and previous[0] == "start"  # the element's text
            if own and index in literal_texts:
                checks.append((got, body[start:end]))
                constants.update((key, values.get(key, ""))
                                 for key in grouped_texts.pop(index, ()))
            elif own and index in grouped_texts:
                slot_of.update(dict.fromkeys(grouped_texts.pop(index), got))
        previous = (what, token)
    if grouped_texts or 3 * slots + 1 != len(pieces) or set(slot_of) | set(constants) != set(
            values):
        return None
    items = [(key, slot_of.get(key), constants.get(key)) for key in values]  # `shapes`' order
    return Reading(items, checks)


Slot = tuple[int, int]  # (slot number, 1: an attribute value, 2: a text)


class Reading:
    """How a line shape's values are read from its slots: per key (in the order `shapes`
    gives them) its slot or its constant, and the slots that must hold what they held;
    `function` writes it as a generated function over a line's split or its regex groups."""

    __slots__ = ("checks", "items")

    def __init__(self, items: list[tuple[str, Slot | None, str | None]],
                 checks: list[tuple[Slot, str]]) -> None:
        self.items, self.checks = items, checks

    def function(self, split: bool) -> Callable[[Any], dict[str, str] | None]:
        """``build(p)``: the values dict, or None when a checked slot holds something else;
        ``p``: a line's `_SPLIT` (``split``) or its shape regex's groups (a group a slot).

        A line's split is read by a closure over an `itemgetter` (made in microseconds: most
        shapes read a few lines from their split, and compiling a function for each cost more
        than it saved); the groups of a compiled shape, which reads most lines, by a generated
        function (a dict display, the fastest per line)."""
        def at(slot: Slot) -> int:
            return 3 * slot[0] + slot[1] if split else slot[0]

        if split:
            return _closure([(key, None if slot is None else at(slot), constant)
                             for key, slot, constant in self.items],
                            [(at(slot), value) for slot, value in self.checks])
        items = [f"{key!r}: p[{at(slot)}]" if slot is not None else f"{key!r}: {constant!r}"
                 for key, slot, constant in self.items]
        lines = ["def build(p):"]
        if self.checks:
            tests = " or ".join(f"p[{at(slot)}] != {value!r}" for slot, value in self.checks)
            lines += [f"    if {tests}:", "        return None"]
        lines.append(f"    return {{{', '.join(items)}}}")
        space: dict[str, Any] = {}
        exec("\n".join(lines), space)  # the mapping's keys and the line's values only
        return space["build"]

    def checker(self) -> Callable[[tuple[str, ...]], tuple[str, ...] | None]:
        """``check(groups)``: a compiled shape's regex groups, or None when a checked slot
        holds something else (as `function` gives None)."""
        checks = [(slot[0], value) for slot, value in self.checks]
        if not checks:
            return _same
        items = [f"p[{at}] != {value!r}" for at, value in checks]
        space: dict[str, Any] = {}
        exec(f"def check(p):\n    return None if {' or '.join(items)} else p", space)
        return space["check"]


def _same(p: tuple[str, ...]) -> tuple[str, ...]:
    return p


def _closure(items: list[tuple[str, int | None, str | None]], checks: list[tuple[int, str]]
             ) -> Callable[[Any], dict[str, str] | None]:
    """`Reading.function`'s reading as a closure: ``items``' keys in order (a template holding
    the constants, copied, then the slots' values put in place), None when a checked position
    holds something else."""
    template = {key: constant for key, _at, constant in items}
    keys = tuple(key for key, at, _constant in items if at is not None)
    getter = itemgetter(*(at for _key, at, _constant in items if at is not None)) if keys else None
    if len(keys) == 1:  # an itemgetter of one position gives the item, not a tuple
        one = getter
        getter = lambda p: (one(p),)  # noqa: E731

    def build(p: Any) -> dict[str, str] | None:
        for at, value in checks:
            if p[at] != value:
                return None
        out = template.copy()
        if getter is not None:
            out.update(zip(keys, getter(p), strict=True))
        return out

    return build


def _local(elem: etree._Element) -> str:
    """``etree.QName(elem).localname``, without making a QName for a tag that is a str."""
    tag = elem.tag
    return tag.rpartition("}")[2] if tag.__class__ is str else etree.QName(elem).localname


def _selectors(elems: list[etree._Element], predicates: dict[str, Step]
               ) -> tuple[set[tuple[int, str]], set[int]]:
    """The (element, attribute) pairs and the elements whose text a predicate selects an
    instance by, found by plain path as `paths.Flattener` does: these stay literal."""
    paths: dict[int, str] = {}
    attrs: set[tuple[int, str]] = set()
    texts: set[int] = set()
    at = {id(e): i for i, e in enumerate(elems)}
    for i, e in enumerate(elems):
        parent = e.getparent()
        if i == 0 or parent is None or id(parent) not in at:
            paths[i] = ""
            continue
        name = _local(e)
        above = paths[at[id(parent)]]
        paths[i] = above + "/" + name if above else name
        step = predicates.get(paths[i])
        if step is not None and step.kind == "attr":
            attrs.add((i, step.key))
        above_step = predicates.get(above)
        if above_step is not None and above_step.kind == "child" and above_step.key == name:
            texts.add(i)
    return attrs, texts


class Run:
    """Where a line reading is (`read_lines`): the container's start tag (``wrap``) and its
    element, the line shapes, the last line read and the offset of its end (from the
    document's start), the items held back and how many were given, whether the container's
    facts were given. A reading that stops hands it on: `halves` starts the second process's
    reading from one and the first process's reading on from another."""

    __slots__ = ("at", "collected", "container", "given", "held", "line", "shapes", "wrap")

    def __init__(self, wrap: bytes, container: etree._Element, shapes: LineShapes, line: int,
                 at: int) -> None:
        self.wrap, self.container, self.shapes, self.line, self.at = (wrap, container, shapes,
                                                                      line, at)
        self.held: deque[tuple[int, list[ParsedLine]]] = deque()  # (line end offset, items)
        self.given = 0
        self.collected = False


STOPPED = -1
"""What `read_lines` returns when it stopped before a line outside its ``block``."""


def object_lines(handle: BinaryIO, reader: Any, tags: frozenset[str], skip: frozenset[str],
                 collect: Callable[[etree._Element, int], Any], halves: Any = None
                 ) -> Generator[ParsedLine, None, int | None]:
    """The items of a document in the line layout (see the module doc), as long as it keeps
    to it; returns None when it read the whole document, else how many items it gave: the
    lxml loop's first ones. ``tags``: the objects the SDK reads; ``skip``: those passed over
    (`reader.pass_over`); ``collect(container, line)``: the container's facts; ``halves``: a
    `halves.Halves` when a second process may read the students' second half.

    When the document turns out to be damaged further on, lxml's ``iterparse`` gives none of
    the items of the objects that end in the chunk it read last (up to `HELD` bytes before the
    damage): so an item is given only once the lines read are `HELD` bytes past the line it
    came from, and the lxml loop, reading the document again, gives the items held."""
    readline = handle.readline
    if readline(LINE_LIMIT) != PROLOG:
        return 0
    head = readline(LINE_LIMIT)
    if _HEAD.fullmatch(head) is None:
        return 0
    container = etree.fromstring(head[:-1] + b"</utrex:SIFObjects>", _PARSER)
    direct = getattr(reader, "line_reading", None)
    shapes = LineShapes(None if direct is None else (
        lambda obj, tag, items, values_of: None if tag in skip else direct(obj, items,
                                                                            values_of)))
    run = Run(head, container, shapes, 2, len(PROLOG) + len(head))
    try:
        return (yield from read_lines(handle, reader, tags, skip, collect, run, halves))
    finally:
        if halves is not None:
            halves.close()


def read_lines(handle: BinaryIO, reader: Any, tags: frozenset[str], skip: frozenset[str],
               collect: Callable[[etree._Element, int], Any], run: Run, halves: Any = None,
               block: frozenset[str] | None = None) -> Generator[ParsedLine, None, int | None]:
    """`object_lines` from ``run`` on (``handle`` at its offset). ``halves``: called before
    the first object of tag ``halves.first`` is read (`Halves.fork` says where the second
    process starts: this reading stops there, `Halves.join`, and goes on from where that one
    ended, or reads on); ``block``: the tags read (the second process's): before a line of
    any other object, or the container's end, ``run`` is set to the line before it and
    `STOPPED` returned."""
    readline = handle.readline
    wrap, container, shapes = run.wrap, run.container, run.shapes
    kinds = reader.kinds
    line, at, held, given, collected = run.line, run.at, run.held, run.given, run.collected
    find = shapes.find
    first = halves.first if halves is not None else None
    stop = -1  # the offset the second process starts at, once it runs
    while True:
        if at == stop:
            stop = -1
            run.line, run.at, run.given = line, at, given
            if (yield from halves.join(reader, run)):  # it read to run.at: on from there
                line, at, given = run.line, run.at, run.given
        raw = readline(LINE_LIMIT)
        line += 1
        at += len(raw)
        if raw in (_END, _END_LINE):
            if block is not None:
                run.line, run.at, run.given = line - 1, at - len(raw), given
                return STOPPED
            if readline(1):
                return given
            for _, items in held:
                yield from items
            if not collected:
                yield from collect(container, 2)
            yield from reader.flush()
            return None
        if not raw.endswith(b"\n"):
            return given
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return given
        found = find(raw, text)
        if found is not None:
            shape, values = found
            tag = shape.tag
            obj = shape.obj
        else:  # (a shape's line holds no CR: `_unsafe`, and its regex, refuse one)
            if b"\r" in raw:  # libxml2 counts a CR as a line end
                return given
            try:
                wrapper = etree.fromstring(wrap + raw + _END, _PARSER)
            except etree.XMLSyntaxError:
                return given
            if len(wrapper) != 1:
                return given
            elem = wrapper[0]
            tag = elem.tag
            if tag not in tags:  # not an object the SDK reads: lxml reports it in its place
                return given
            if tag == first:  # (no shape is known before the first object of a tag)
                first = None
                run.line, run.at, run.given = line - 1, at - len(raw), given
                stop = halves.fork(reader, tags, skip, collect, run, at)
            kind = kinds.get(tag)
            if kind is None:
                kind = kinds[tag] = reader.kind(elem)
            obj, reading = kind
            values = shapes.learn(raw, text, elem, kind)
            if values is None:
                values = reading(elem)
            if not collected:  # the first object: no shape is known before it
                collected = True
                held.append((at, list(collect(container, 2))))
        if block is not None and tag not in block:
            run.line, run.at, run.given = line - 1, at - len(raw), given
            return STOPPED
        if values.__class__ is tuple:  # a compiled shape's groups: its records from them
            items = shape.direct(values, line)
        elif skip and tag in skip:
            items = reader.pass_over(values.get("@RefId") or "")
        else:
            items = reader.read(obj, values.get("@RefId") or "", line, values)
        if items:
            held.append((at, items))
        limit = at - HELD
        while held and held[0][0] <= limit:
            items = held.popleft()[1]
            given += len(items)
            yield from items
