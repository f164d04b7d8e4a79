"""The SIF mapping as data: ``spec/sif/{objects,fields,crosswalks}.toml`` loaded and checked.

The writer and the reader are engines over these tables: which object a record feeds, where each
field lives in it, what a crosswalk turns a Utah code into, the element order of each object and
the mandatory SIF content with its default. A mistake in the data (a path missing from its
object's order, an unknown crosswalk, a field the catalogue does not have) fails at load.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..catalogue import FieldSpec, catalogue
from .paths import Step, parse_path, plain

NO_XPATH = "the 2020-21 spec gives it no SIF XPath"
UT_EXTENSIONS = "SIF_ExtendedElements/SIF_ExtendedElement[@Name='UTExtensions']"


@dataclass(frozen=True, slots=True)
class Default:
    """A mandatory element or attribute no mapped field filled: from a field, else a value."""

    path: tuple[Step, ...]
    text: str
    source: str | None
    value: str | None
    reason: str
    within: tuple[Step, ...] = ()
    refid: tuple[str, ...] = ()


_PARTIAL = re.compile(r"^([0-9]{4})-?([0-9]{2})(?:-?([0-9]{2}))?$")


def _partial_to_sif(text: str | None) -> str | None:
    """YYYYMMDD -> YYYY-MM-DD (xs:date), YYYYMM or YYYY-MM -> YYYY-MM (xs:gYearMonth);
    None when the text is no real date."""
    m = _PARTIAL.match(text or "")
    if m is None:
        return None
    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    return f"{year}-{month}-{day}" if day else f"{year}-{month}"


def _partial_to_utah(text: str) -> str | None:
    m = re.match(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$", text)
    if m is None:
        return None
    year, month, day = m.groups()
    return f"{year}{month}{day}" if day else text


_FORMS = {"partial_date": (_partial_to_sif, _partial_to_utah)}
"""Crosswalks that are a change of written form, not a table: (to SIF, to Utah)."""


@dataclass(frozen=True, slots=True)
class Crosswalk:
    name: str
    to_sif: dict[str, str]
    to_utah: dict[str, str]
    case: str | None = None
    form: str | None = None

    def sif(self, code: str | None) -> str | None:
        if self.form:
            return None if code is None else _FORMS[self.form][0](code)
        if self.case:  # only a code that reads back the same: the spec's are upper-case
            if code is None or code.lower().upper() != code:
                return None
            return code.lower()
        return self.to_sif.get("" if code is None else code)

    def utah(self, code: str) -> str | None:
        if self.form:
            return _FORMS[self.form][1](code)
        if self.case:
            return code.upper()
        utah = self.to_utah.get(code)
        return None if utah is None else (utah or None)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """One catalogue field in SIF: its object and the canonical path there."""

    record: str
    field: str
    spec: FieldSpec
    object: str | None
    path: tuple[Step, ...]
    text: str
    key: bool = False
    presence: str | None = None
    crosswalk: Crosswalk | None = None
    carried: bool = True
    reason: str | None = None
    note: str | None = None
    requires: str | None = None

    @property
    def extension(self) -> bool:
        """In UTExtensions (Utah's own element), not a SIF-typed element."""
        return plain(self.path).startswith(EXTENSION)


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    name: str
    key: tuple[str, ...]
    refs: dict[str, tuple[tuple[Step, ...], str]]
    order: dict[str, int]
    defaults: tuple[Default, ...]
    source: str
    constants: tuple[tuple[tuple[Step, ...], str], ...] = ()
    """(path, text) written wherever the path's last repeated element exists"""


@dataclass(frozen=True, slots=True)
class RecordSif:
    """How one record type becomes SIF: its objects (the first is its own) and its fields."""

    record: str
    objects: tuple[str, ...]
    fields: tuple[FieldMap, ...]
    not_carried: dict[str, str]
    """field -> why SIF does not carry it"""
    group: tuple[Step, ...] = ()
    group_refs: dict[str, tuple[tuple[Step, ...], str]] = field(default_factory=dict)
    program_type: str | None = None
    contributes: tuple[str, ...] = ()
    """objects written before the record's own that its fields also feed"""
    parent: str | None = None
    """the record type whose group instance this record's instance nests in ..."""
    link: str | None = None
    """... the one with the same value of this field"""
    via: tuple[tuple[tuple[Step, ...], tuple[Step, ...]], ...] = ()
    """(A, B): the record's own instance of element A, named by an internal id that B holds"""


ACADEMIC_RECORD = "StudentAcademicRecord"


@dataclass(frozen=True, slots=True)
class SifSpec:
    objects: dict[str, ObjectSpec]
    records: dict[str, RecordSif]
    crosswalks: dict[str, Crosswalk]
    academic: frozenset[str] = frozenset()
    """the record types whose own object is the StudentAcademicRecord (sif/academic.py)"""


def _read(name: str) -> dict:
    folder = resources.files("utrex_sdk").joinpath("spec").joinpath("sif")
    return tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))


def _crosswalks(data: dict) -> dict[str, Crosswalk]:
    walks = {}
    for name, body in data.items():
        to_sif = {row["utah"]: row["sif"] for row in body.get("values", [])}
        to_utah: dict[str, str] = {}
        for row in body.get("values", []):
            to_utah.setdefault(row["sif"], row["utah"])
        if body.get("form") is not None and body["form"] not in _FORMS:
            raise ValueError(f"spec/sif: crosswalk {name}: unknown form {body['form']!r}")
        walks[name] = Crosswalk(name, to_sif, to_utah, body.get("case"), body.get("form"))
    return walks


def _default(d: dict) -> Default:
    path = parse_path(d["path"])
    within = parse_path(d["within"]) if "within" in d else path[:-1]
    if path[:len(within)] != within:
        raise ValueError(f"spec/sif: default {d['path']!r}: 'within' is not a prefix of it")
    return Default(path, d["path"], d.get("from"), d.get("value"), d["reason"], within,
                   tuple(d.get("refid", ())))


def _refs(table: dict[str, str]) -> dict[str, tuple[tuple[Step, ...], str]]:
    return {text: (parse_path(text), target) for text, target in table.items()}


def _check_order(obj: ObjectSpec, path: tuple[Step, ...], where: str) -> None:
    """Every element of a standard (non-extension) path must be in the object's order."""
    for depth in range(1, len(path) + 1):
        prefix = plain(path[:depth])
        if prefix.startswith("SIF_ExtendedElements/SIF_ExtendedElement/"):
            return
        if prefix not in obj.order:
            raise ValueError(f"spec/sif: {where}: {prefix!r} is not in objects.{obj.name}.order")


EXTENSION = "SIF_ExtendedElements/SIF_ExtendedElement/"


def _extension_order(objects: dict[str, ObjectSpec], by_record: dict[str, list[FieldMap]],
                     records: dict[str, dict]) -> None:
    """Extension elements are ordered as the mapping rows list them (the spec's field order,
    which the extensions schema follows too): appended to each object's order."""
    paths = [(fm.object, fm.path) for maps in by_record.values() for fm in maps if fm.carried]
    for body in records.values():
        paths += [(body["objects"][0], parse_path(p)) for p in body.get("group_refs", {})]
    for obj, steps in paths:
        order = objects[obj].order
        for depth in range(1, len(steps) + 1):
            prefix = plain(steps[:depth])
            if prefix.startswith(EXTENSION) and prefix not in order:
                order[prefix] = len(order)


@cache
def sif_spec() -> SifSpec:
    """The SIF mapping shipped with the SDK."""
    cat = catalogue()
    walks = _crosswalks(_read("crosswalks.toml"))
    objects_data = _read("objects.toml")
    objects: dict[str, ObjectSpec] = {}
    for name, body in objects_data["objects"].items():
        objects[name] = ObjectSpec(
            name=name, key=tuple(body["key"]), refs=_refs(body.get("refs", {})),
            order={p: i for i, p in enumerate(body["order"])},
            defaults=tuple(_default(d) for d in body.get("defaults", [])),
            source=body["source"],
            constants=tuple((parse_path(p), v) for p, v in body.get("constants", {}).items()))
        for steps, _ in objects[name].constants:
            _check_order(objects[name], steps, f"objects.{name}.constants")
    by_record: dict[str, list[FieldMap]] = {}
    for row in _read("fields.toml")["fields"]:
        rt, name = row["record"], row["field"]
        where = f"fields.toml {rt}.{name}"
        spec = cat.records[rt].field(name)
        if row.get("crosswalk") and row["crosswalk"] not in walks:
            raise ValueError(f"spec/sif: {where}: no crosswalk {row['crosswalk']!r}")
        fm = FieldMap(
            record=rt, field=name, spec=spec, object=row.get("object"),
            path=parse_path(row.get("path", "")), text=row.get("path", ""),
            key=row.get("key", False), presence=row.get("presence"),
            crosswalk=walks.get(row.get("crosswalk", "")), carried=row.get("carried", True),
            reason=row.get("reason"), note=row.get("note"), requires=row.get("requires"))
        if fm.carried:
            if fm.object not in objects:
                raise ValueError(f"spec/sif: {where}: unknown object {fm.object!r}")
            _check_order(objects[fm.object], fm.path, where)
        by_record.setdefault(rt, []).append(fm)
    _extension_order(objects, by_record, objects_data["records"])
    records: dict[str, RecordSif] = {}
    for rt, rec in cat.records.items():
        body = objects_data["records"].get(rt)
        maps = tuple(by_record.get(rt, ()))
        mapped = {m.field for m in maps if m.carried}
        reasons = {m.field: m.reason for m in maps if not m.carried}
        not_carried = {f.name: reasons.get(f.name) or NO_XPATH
                       for f in rec.fields if f.name not in mapped}
        if body is None:
            records[rt] = RecordSif(rt, (), (), not_carried)
            continue
        records[rt] = RecordSif(
            rt, tuple(body["objects"]), tuple(m for m in maps if m.carried), not_carried,
            group=parse_path(body.get("group", "")), group_refs=_refs(body.get("group_refs", {})),
            program_type=body.get("program_type"),
            contributes=tuple(body.get("contributes", ())),
            parent=body.get("parent"), link=body.get("link"),
            via=tuple((parse_path(a), parse_path(b)) for a, b in body.get("via", {}).items()))
    academic = frozenset(rt for rt, rs in records.items() if rs.objects[:1] == (ACADEMIC_RECORD,))
    return SifSpec(objects, records, walks, academic)
