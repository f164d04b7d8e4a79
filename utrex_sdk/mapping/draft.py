"""`utrex init-mapping`: a first mapping drafted from an export's headers and a sample of its rows.

Each file is matched to the record type whose fields its columns name best (by field name, the
spec's name for the field, the synonyms in `synonyms.py`, and words in the file name). The sample
decides the rest: the date format that reads every date seen, a built-in crosswalk when every
value seen is one of its spellings, zero padding when a number column has lost its leading zeros.
What the draft cannot decide is written as ``"TODO"`` — which `load_mapping` refuses, naming each
one — or as a ``# TODO`` comment, so nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue import FieldSpec
from ..layouts import DEFAULT_EDITION, edition_layout
from ..models import MODELS, code_set
from ..sources import SourceTable, normalise_header
from .crosswalks import BUILTIN, crosswalk_key
from .draft_guesses import (
    ID_SHAPES,
    code_by_meaning,
    fits_id,
    header_row,
    id_candidate,
    repeats,
    split_values,
)
from .fields import DATE_TYPES, SHAPES
from .synonyms import FILE_HINTS, SECTION_COLUMNS, SYNONYMS
from .values import to_text

SAMPLE_ROWS = 500
RECORD_TYPES = ("S1", "SC", "S2", "S3", "AC", "AM", "I1", "I2", "ES")
DATE_CANDIDATES = ("iso", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y")
BUILTIN_FOR_TABLE = {"yes_no": "yes-no", "yes_blank": "yes-blank", "gender": "gender",
                     "grade_level": "grade-level"}
PAD_WIDTH = {"school_number": 3, "zip_code": 5, "period": 2, "where_taught_school": 3}
ZIP4 = re.compile(r"\d{5}-?\d{4}|\d{5}")
COMPUTED = ("school_membership", "days_attended", "scram_membership", "yic_membership")


def _q(text: Any) -> str:
    return json.dumps(str(text), ensure_ascii=False)


@dataclass
class _File:
    source: str
    path: Path
    table: SourceTable
    samples: dict[int, list[Any]] = field(default_factory=dict)
    rows: int = 0
    record_type: str | None = None
    matched: dict[str, int] = field(default_factory=dict)  # field -> column position
    joined: list[_File] = field(default_factory=list)  # S1 files joined to this one
    pad: int | None = None  # zero padding for student numbers when files disagree
    extra_used: set[int] = field(default_factory=set)  # columns used besides `matched`
    header_row: int = 1  # below a title row when not 1
    notes: dict[str, str] = field(default_factory=dict)  # field -> why its column was chosen
    todos: list[str] = field(default_factory=list)  # what the values ruled out


def _names(rt: str) -> dict[str, str]:
    """Normalised header -> field of ``rt``, strongest spelling first (name, spec name,
    synonyms)."""
    layout = edition_layout(DEFAULT_EDITION).records[rt]
    spec = MODELS[rt].spec
    found: dict[str, str] = {}
    fields = [f for f in layout.fields if f.kind != "literal"]
    for f in fields:
        found.setdefault(normalise_header(f.name), f.name)
    for f in fields:
        found.setdefault(normalise_header(f.spec_name), f.name)
        catalogue_name = spec.field(f.name).spec_name
        if catalogue_name:
            found.setdefault(normalise_header(catalogue_name), f.name)
    for f in fields:
        for synonym in SYNONYMS.get(f.name, ()):
            found.setdefault(synonym, f.name)
    return found


def _match(columns: Sequence[str], rt: str) -> dict[str, int]:
    names, matched = _names(rt), {}
    for position, column in enumerate(columns):
        name = names.get(column)
        if name is not None and name not in matched:
            matched[name] = position
    return matched


def _guess_type(item: _File) -> None:
    """The record type whose fields the columns name best; a hint in the file name counts 3."""
    columns = item.table.info.columns
    stem = normalise_header(item.path.stem)
    scored = []
    for rank, rt in enumerate(RECORD_TYPES):
        matched = _match(columns, rt)
        hint = 3 if any(h in stem for h in FILE_HINTS.get(rt, ())) else 0
        scored.append((len(matched) + hint, -rank, rt, matched))
    score, _, rt, matched = max(scored, key=lambda s: s[:2])
    if score >= 3 and matched:
        item.record_type, item.matched = rt, matched
    memberships = _memberships(item)
    if memberships is not None:
        item.record_type, item.matched = "AM", memberships
    if item.record_type is not None:
        _ids_by_value(item)
        _numbers_over_names(item)


def _memberships(item: _File) -> dict[str, int] | None:
    """A roster: many rows per student and a class or section key make course memberships
    (AM), whatever else its columns name (a student's name, a teacher's)."""
    columns = item.table.info.columns
    matched = _match(columns, "AM")
    key = matched.get("student_number")
    hinted = any(h in normalise_header(item.path.stem) for h in FILE_HINTS["AM"])
    if key is None or not (hinted or repeats(item.samples.get(key, []))):
        return None
    if "course_section" not in matched:
        section = next((i for i, c in enumerate(columns) if c in SECTION_COLUMNS
                        or "class" in c.split() or "section" in c.split()), None)
        if section is None:
            return None
        matched["course_section"] = section
        item.notes["course_section"] = "check: the class key of a roster"
    item.notes.setdefault("student_number", "check: a roster (several rows per student), so "
                                            "course memberships")
    return matched


def _numbers_over_names(item: _File) -> None:
    """A school-number column of numbers wins over one of campus names that matched first."""
    position = item.matched.get("school_number")
    if position is None or all((t := to_text(v) or "").isdigit()
                               for v in item.samples.get(position, [])):
        return
    names = _names(item.record_type)
    for i, column in enumerate(item.table.info.columns):
        values = [t for v in item.samples.get(i, []) if (t := to_text(v)) is not None]
        if i != position and names.get(column) == "school_number" and values and \
                all(t.isdigit() for t in values):
            item.matched["school_number"] = i
            return


def _ids_by_value(item: _File) -> None:
    """Identifier fields take the column whose values have the spec's shape (`ID_SHAPES`), not
    the one whose name matched ("Teacher" holding names beside "CACTUS #")."""
    layout = {f.name for f in edition_layout(DEFAULT_EDITION).records[item.record_type].fields}
    header, columns = item.table.info.header, item.table.info.columns
    for name, (_, what) in ID_SHAPES.items():
        if name not in layout:
            continue
        position = item.matched.get(name)
        if position is not None and fits_id(name, item.samples.get(position, [])) is not False:
            continue
        taken = set(item.matched.values()) - ({position} if position is not None else set())
        found = id_candidate(name, header, columns, item.samples, taken)
        if position is not None:
            del item.matched[name]
        if found is not None:
            item.matched[name] = found
            item.notes[name] = f"check: chosen by its values ({what})" + (
                f"; {header[position]!r} does not hold them" if position is not None else "")
        elif position is not None:
            item.todos.append(f"# TODO {name}: {header[position]!r} does not hold {what}, and "
                              "no other column does")


def _sample(item: _File) -> None:
    width = len(item.table.info.columns)
    item.samples = {i: [] for i in range(width)}
    for item.rows, row in enumerate(item.table.rows(), start=1):  # noqa: B020
        if item.rows <= SAMPLE_ROWS:
            for i, cell in enumerate(row.cells[:width]):
                if to_text(cell) is not None:
                    item.samples[i].append(cell)


def _date_format(values: list[Any]) -> str | None:
    texts = [v for v in values if not isinstance(v, dt.date)]
    if not texts:
        return "native" if values else None
    for fmt in DATE_CANDIDATES:
        try:
            for value in texts:
                text = to_text(value) or ""
                if fmt == "iso":
                    dt.date.fromisoformat(text)
                else:
                    dt.datetime.strptime(text, fmt)
            return fmt
        except ValueError:
            continue
    if all(re.fullmatch(r"\d{5}(\.0)?", to_text(v) or "") for v in texts):
        return "excel"
    return None


class _Draft:
    def __init__(self, files: list[_File]):
        self.files = files
        self.lines: list[str] = []
        formats = Counter(
            fmt for item in files if item.record_type
            for name, pos in item.matched.items()
            if MODELS[item.record_type].spec.field(name).type in DATE_TYPES
            and (fmt := _date_format(item.samples[pos])) not in (None, "native"))
        self.date_format = formats.most_common(1)[0][0] if formats else "iso"

    def render(self) -> str:
        names = _comment(", ".join(item.path.name for item in self.files))
        out = self.lines
        out += [f"# Draft mapping written by `utrex init-mapping` from: {names}",
                "# Check every line and fill in each TODO, then run",
                "#   utrex mapping check THIS_FILE --input EXPORT_FOLDER",
                "# The format: mappings/README.md. Field names: `utrex fields S1` (etc.).",
                "version = 1", f"edition = {_q(DEFAULT_EDITION)}",
                f"date_formats = [{_q(self.date_format)}]", "",
                "[constants]",
                'lea_number = "TODO"  # your LEA number, as the state assigned it', "",
                "[district]  # the DI record",
                'school_year = "TODO"  # the ending year, e.g. 2024 for 2023-24',
                'which_month = "TODO"  # the submission: OCT, DEC, JUN, ...',
                'sis_as_of = "TODO"  # when the export was taken, e.g. 2024-06-07T16:30:00', ""]
        for item in self.files:
            info = item.table.info
            out.append(f"[sources.{item.source}]")
            out.append(f"file = {_q(item.path.name)}  # {_comment(info.describe())}, "
                       f"{item.rows} rows")
            if info.kind == "xlsx":
                out.append(f"sheet = {_q(info.sheet)}")
            if item.header_row != 1:
                out.append(f"header_row = {item.header_row}  # check: the column names are on "
                           f"row {item.header_row}; the rows above look like a title")
            out.append("")
        for item in self._merge_students():
            self._block(item)
        if not any(item.record_type == "SC" for item in self.files):
            out += ["# TODO no file looks like a list of schools: describe each school in a",
                    "# block like this one (copy it per school), or export a schools file.",
                    "[[records]]", 'type = "SC"', "[records.fields]",
                    'school_number = { value = "TODO" }',
                    'days_in_school_year = { value = "TODO" }',
                    'last_day_of_school = { value = "TODO" }  # MMDD, e.g. 0531',
                    'schedule_year_type = { value = "TODO" }  # S, T, Y or O',
                    'schedule_day_type = { value = "TODO" }  # E, S, X, F, B, M or O', ""]
        return "\n".join(out).rstrip("\n") + "\n"

    def _merge_students(self) -> list[_File]:
        """Files that all look like S1 are one export split in two (enrollments + demographics,
        the usual split): the one with entry dates joins the others by student number."""
        students = [f for f in self.files if f.record_type == "S1"
                    and "student_number" in f.matched]
        if len(students) < 2:
            return self.files
        primary = next((f for f in students if "entry_date" in f.matched), students[0])
        primary.joined = [f for f in students if f is not primary]
        widths = [len(t) for f in students for v in f.samples[f.matched["student_number"]]
                  if (t := to_text(v) or "").isdigit()]
        if widths and min(widths) < max(widths):
            primary.pad = max(widths)
        return [f for f in self.files if f not in primary.joined]

    def _block(self, item: _File) -> None:
        out, header = self.lines, item.table.info.header
        if item.record_type is None:
            out += [f"# TODO {item.path.name}: its columns match no record type well. Use it "
                    "in a `join` or a `lookup`", "# (e.g. teacher IDs from a staff file), or "
                    "add a [[records]] block for it.", ""]
            return
        rt = item.record_type
        layout = edition_layout(DEFAULT_EDITION).records[rt]
        out += ["[[records]]",
                f"type = {_q(rt)}  # guessed: {len(item.matched)} columns match {rt} fields; "
                "check", f"source = {_q(item.source)}"]
        pad = f", zero_pad = {item.pad}" if item.pad else ""
        joins = []
        for other in item.joined:
            on = header[item.matched["student_number"]]
            match = other.table.info.header[other.matched["student_number"]]
            joins.append(f"{{ source = {_q(other.source)}, on = {{ column = {_q(on)}{pad} }}, "
                         f"match = {{ column = {_q(match)}{pad} }} }}")
        if joins:  # one key: a second `join =` would be invalid TOML
            out.append(f"join = [{', '.join(joins)}]  # check the key")
        out.append("[records.fields]")
        mapped: set[str] = set()
        for source in (item, *item.joined):
            own = source.table.info.header
            for f in layout.fields:
                if f.name in source.matched and f.name not in mapped:
                    mapped.add(f.name)
                    pos = source.matched[f.name]
                    rule = self._rule(MODELS[rt].spec.field(f.name), own[pos],
                                      source.samples[pos], source, pad if f.name ==
                                      "student_number" else "", f.width)
                    if source is not item and normalise_header(own[pos]) in \
                            item.table.info.columns:
                        rule = rule.replace(f"{f.name} = {_q(own[pos])}",
                                            f"{f.name} = {{ column = {_q(own[pos])} }}")
                        rule = rule.replace("{ column = ", f"{{ source = {_q(source.source)}, "
                                            "column = ", 1)
                    out.append(rule)
        self._multi_values(item, rt, mapped)
        out.extend(t for source in (item, *item.joined) for t in source.todos)
        missing = [f.name for f in layout.fields if f.required and f.kind != "literal"
                   and f.name not in mapped and f.name != "lea_number"]
        if missing:
            out.append(f"# TODO required {rt} fields with no matching column: "
                       f"{', '.join(missing)}")
        for source in (item, *item.joined):
            used = set(source.matched.values()) | source.extra_used
            unused = [h for i, h in enumerate(source.table.info.header) if i not in used and h]
            if unused:
                out.append(f"# Columns of {source.path.name} not used: "
                           + ", ".join(_q(h) for h in unused))
        out.append("")

    def _rule(self, spec: FieldSpec, column: str, samples: list[Any], item: _File,
              pad: str = "", width: int = 0) -> str:
        parts: dict[str, str] = {"column": _q(column)}
        notes: list[str] = [item.notes[spec.name]] if spec.name in item.notes else []
        if pad:
            parts["zero_pad"] = pad.split("= ")[1]
            notes.append("check: student numbers have different lengths in different files")
        if spec.name == "course_section" and normalise_header(column) in (
                "course", "course number", "course code"):
            section = next((i for i, c in enumerate(item.table.info.columns)
                            if c in SECTION_COLUMNS), None)
            if section is not None:
                item.extra_used.add(section)
                return (f"course_section = {{ concat = [{_q(column)}, "
                        f"{_q(item.table.info.header[section])}] }}  # check: course + section")
        texts = [t for v in samples if (t := to_text(v)) is not None]
        if spec.type in DATE_TYPES:
            fmt = _date_format(samples)
            if fmt is None:
                parts["date"] = '"TODO"'
                notes.append("dates such as " + ", ".join(_q(t) for t in texts[:3]))
            elif fmt not in ("native", self.date_format):
                parts["date"] = _q(fmt)
        elif spec.type == "code":
            self._code(spec, texts, parts, notes)
        elif spec.name == "school_number" and texts and not all(t.isdigit() for t in texts):
            names = list(dict.fromkeys(texts))
            parts["crosswalk"] = "{ " + ", ".join(f'{_q(t)} = "TODO"' for t in names[:30]) + " }"
            notes.append("campus names: give each school's 3-digit state school number (as in "
                         "your SC records)")
        elif spec.name in PAD_WIDTH or (spec.name == "student_number" and not pad):
            digits = [t for t in texts if t.isdigit()]
            if digits and len(digits) == len(texts):
                width = PAD_WIDTH.get(spec.name, max(map(len, digits)))
                if min(map(len, digits)) < width:
                    parts["zero_pad"] = str(width)
                    lengths = sorted({min(map(len, digits)), max(map(len, digits))})
                    notes.append(f"check: values have {'-'.join(map(str, lengths))} digits; "
                                 "leading zeros stripped?")
        if spec.name == "zip_code" and texts and all(ZIP4.fullmatch(t) for t in texts):
            parts["digits"], parts["slice"] = "true", "[1, 5]"
            notes.append("check: ZIP+4 codes cut to their 5 digits")
        shape = SHAPES.get(spec.shape or "", str)
        if spec.type == "text" and "crosswalk" not in parts and "slice" not in parts and (
                long := [t for t in texts if len(shape(t)) > width]):
            notes.append(f"check: values such as {_q(long[0])} are longer than the column "
                         f"({width} characters): a crosswalk to codes?")
        if spec.name in COMPUTED:
            notes.append("must be 180-day equivalent days: see `compute` in mappings/README.md")
        if len(parts) == 1:
            rule = parts["column"]
        else:
            rule = "{ " + ", ".join(f"{k} = {v}" for k, v in parts.items()) + " }"
        return f"{spec.name} = {rule}" + (f"  # {'; '.join(notes)}" if notes else "")

    def _code(self, spec: FieldSpec, texts: list[str], parts: dict[str, str],
              notes: list[str]) -> None:
        codes = set(code_set(spec))
        distinct = list(dict.fromkeys(texts))
        odd = [t for t in distinct if t not in codes]
        if not odd:
            return
        builtin = BUILTIN_FOR_TABLE.get(spec.codes or "")
        if builtin and all(crosswalk_key(t) in BUILTIN[builtin] for t in distinct):
            parts["crosswalk"] = _q(builtin)
            return
        guessed = {t: found for t in odd[:30] if (found := code_by_meaning(spec, t))}
        table = ", ".join(f"{_q(t)} = {_q(guessed[t][0]) if t in guessed else _q('TODO')}"
                          for t in odd[:30])
        parts["crosswalk"] = "{ " + table + " }"
        parts["unknown"] = '"keep"'
        shown = ", ".join(sorted(codes)[:15])
        notes.append(f"translate to {spec.codes} codes: {shown}")
        if guessed:
            notes.append("check the codes filled in from their meanings: " + ", ".join(
                f"{_q(t)} = {code} ({_comment(meaning)})"
                for t, (code, meaning) in guessed.items()))

    def _multi_values(self, item: _File, rt: str, mapped: set[str]) -> None:
        """A column holding several values per cell ("White; Asian"): the race flags (and
        Hispanic/Latino) it names become `split`/`contains` rules; any other gets a hint."""
        names = _names(rt)
        for source in (item, *item.joined):
            used = set(source.matched.values()) | source.extra_used
            for position, column in enumerate(source.table.info.header):
                found = None if position in used else split_values(source.samples[position])
                if found is None:
                    continue
                separators, values = found
                separator = separators[0] if len(separators) == 1 else separators
                flags: dict[str, list[str]] = {}
                for value in values:
                    name = names.get(normalise_header(value))
                    if name is not None and (name.startswith("race_")
                                             or name == "hispanic_or_latino"):
                        flags.setdefault(name, []).append(value)
                flags = {k: v for k, v in flags.items() if k not in mapped}
                shown = ", ".join(_q(v) for v in values[:6])
                if not flags:
                    self.lines.append(f"# Column {_q(column)} holds several values per cell "
                                      f"({shown}): `split` and `contains` (mappings/README.md) "
                                      "can make a field of each")
                    continue
                source.extra_used.add(position)
                for name, wanted in flags.items():
                    mapped.add(name)
                    spec = MODELS[rt].spec.field(name)
                    default = ', default = "N"' if spec.codes == "yes_no" else ""
                    where = f"source = {_q(source.source)}, " if source is not item else ""
                    self.lines.append(
                        f"{name} = {{ {where}column = {_q(column)}, split = {_toml(separator)}, "
                        f"contains = [{', '.join(_q(w) for w in wanted)}]{default} }}  "
                        f"# check: one multi-value column ({shown})")


def _toml(value: str | list[str]) -> str:
    """A string or a list of strings as TOML."""
    return _q(value) if isinstance(value, str) else "[" + ", ".join(map(_q, value)) + "]"


def _comment(text: str) -> str:
    """Text safe in a TOML comment: one line."""
    return " ".join(str(text).split())


def draft_mapping(paths: Sequence[str | Path]) -> str:
    """A draft mapping (TOML text) for the given export files. Raises `UnusableInputError` for a
    file that cannot be read."""
    files: list[_File] = []
    taken: set[str] = set()
    for raw in paths:
        path = Path(raw)
        table = SourceTable(path)
        row = header_row(path, table.info.sheet if table.info.kind == "xlsx" else None)
        if row != 1:
            table = SourceTable(path, sheet=table.info.sheet if table.info.kind == "xlsx"
                                else None, header_row=row)
        source = re.sub(r"[^0-9a-z]+", "_", path.stem.lower()).strip("_") or "source"
        while source in taken:
            source += "_2"
        taken.add(source)
        item = _File(source, path, table, header_row=row)
        _sample(item)
        _guess_type(item)
        files.append(item)
    return _Draft(files).render()
