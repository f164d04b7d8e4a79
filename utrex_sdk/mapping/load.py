"""Loading a mapping file: TOML, then its shape, then its meaning — each mistake named precisely.

A mistake is reported as ``FILE: KEY.PATH: what was expected``, e.g.
``mapping.toml: records[2] (S1).fields.gendr: S1 has no field 'gendr' (did you mean 'gender'?)``,
all mistakes of a file at once, in one `MappingError`. What can only be checked against the export
files (columns) is checked when the engine opens them.
"""

from __future__ import annotations

import difflib
import json
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..catalogue import FieldSpec
from ..errors import UnusableInputError, UtrexError
from ..input_files import MIB, read_limited
from ..layouts import EDITIONS, edition_layout
from ..models import MODELS
from .crosswalks import BUILTIN, compile_table, read_crosswalk_file
from .fields import DATE_TYPES, converter, rule_formats, typed
from .model import FieldRule, Mapping, RecordBlock
from .values import ValueProblem

MAPPING_LIMIT = 4 * MIB  # the largest shipped mapping is a few KB; crosswalks can sit inline


class MappingError(UtrexError):
    """A mapping file that cannot be used; ``problems`` holds each mistake as ``PATH: text``."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        count = f"{len(problems)} problems: " if len(problems) > 1 else ""
        super().__init__(f"{path}: {count}{'; '.join(problems)}")


@dataclass(frozen=True)
class LoadedMapping:
    """A checked mapping: the model, its record blocks with their key paths, its crosswalks."""

    path: Path
    mapping: Mapping
    blocks: tuple[tuple[str, RecordBlock], ...]  # (key path, block); [district] is a DI block
    crosswalks: dict[str, dict[str, str | None]]

    @property
    def edition(self) -> str:
        return self.mapping.edition


def _path(loc: tuple[Any, ...], raw: Any) -> str:
    """``records[2] (S1).fields.gender``: a key path as the user wrote it, with the record type."""
    out, node = "", raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("type"), str):
                    out += f" ({node['type']})"
            continue
        out += ("." if out else "") + _key(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return out


_TYPE_TAGS = ("str", "int", "float", "bool", "datetime", "date", "list", "dict")
_EXPECTED = {
    "string_type": "a string", "dict_type": "a table", "model_type": "a table",
    "list_type": "a list", "int_type": "a whole number", "int_parsing": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "float_type": "a number", "datetime_type": "a date and time", "date_type": "a date",
}


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in _TYPE_TAGS or part in (
        "FieldRule", "function-before", "function-after"))


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class a location points into (to list the keys it allows)."""
    annotation: Any = Mapping
    for part in loc:
        if _is_tag(part):
            continue
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = next((f for n, f in annotation.model_fields.items()
                         if part in (n, f.alias)), None)
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]  # an item, or a dict's value
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
        else None


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` -> X; ``A | B | None`` -> the first model, list or dict in it."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    if args and typing.get_origin(annotation) not in (list, dict):
        for arg in args:
            arg = _unwrap(arg)
            if (isinstance(arg, type) and issubclass(arg, BaseModel)) or \
                    typing.get_origin(arg) in (list, dict):
                return arg
    return annotation


def _shape_problems(err: ValidationError, raw: dict[str, Any]) -> list[str]:
    grouped: dict[str, list[str]] = {}
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not _is_tag(p))
        kind = e["type"]
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model \
                else []
            near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            text = "unknown key" + (f" (did you mean {near[0]!r}?)" if near else "")
            if allowed:
                text += f"; allowed here: {', '.join(allowed)}"
        elif kind == "missing":
            text = "required key missing"
        elif kind == "value_error":
            text = e["msg"].removeprefix("Value error, ")
        elif kind == "literal_error":
            text = f"expected {e['ctx']['expected']} (got {e['input']!r})"
        elif kind in _EXPECTED:
            text = f"expected {_EXPECTED[kind]}"
        else:
            text = e["msg"]
        grouped.setdefault(_path(loc, raw), []).append(text)
    problems = []
    for path, texts in grouped.items():
        expected = [t.removeprefix("expected ") for t in texts if t.startswith("expected ")]
        others = [t for t in texts if not t.startswith("expected ")]
        if expected:
            others.insert(0, "expected " + " or ".join(dict.fromkeys(expected)))
        problems.append(f"{path}: {'; '.join(dict.fromkeys(others))}")
    return problems


def _todos(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where init-mapping's ``"TODO"`` placeholders still stand."""
    if isinstance(node, str):
        return [loc] if node.strip().upper().startswith("TODO") else []
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _todos(v, (*loc, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _todos(v, (*loc, i))]
    return []


TOO_DEEP = "tables or arrays nested too deeply to read (a mapping nests a few levels)"


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML of a mapping file: a regular file of at most `MAPPING_LIMIT` bytes, read once."""
    try:
        text = read_limited(path, MAPPING_LIMIT, "a mapping file").decode("utf-8-sig")
    except FileNotFoundError:
        raise UnusableInputError(f"{path}: no such mapping file") from None
    except IsADirectoryError:
        raise UnusableInputError(f"{path}: is a directory, not a mapping file") from None
    except UnicodeDecodeError:
        raise MappingError(path, ["not UTF-8 text; save the mapping as UTF-8"]) from None
    except OSError as err:
        raise UnusableInputError(f"{path}: cannot be read ({err.strerror})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise MappingError(path, [f"not valid TOML: {err}"]) from None
    except RecursionError:  # tables or arrays nested some 400 deep: the parser's own limit
        raise MappingError(path, [TOO_DEEP]) from None



def load_mapping(path: str | Path) -> LoadedMapping:
    """Read and check a mapping file. Raises `MappingError` listing every mistake found."""
    path = Path(path)
    raw = read_toml(path)
    try:  # nesting the parser took may still be too deep for the checks that walk it
        return _checked(path, raw)
    except RecursionError:
        raise MappingError(path, [TOO_DEEP]) from None


def _checked(path: Path, raw: dict[str, Any]) -> LoadedMapping:
    todos = _todos(raw)
    if todos:
        raise MappingError(path, [f"{_path(loc, raw)}: still 'TODO'; fill it in"
                                  for loc in todos])
    try:
        mapping = Mapping.model_validate(raw)
    except ValidationError as err:
        raise MappingError(path, _shape_problems(err, raw)) from None
    checker = _Checker(path, mapping, raw)
    loaded = checker.run()
    if checker.problems:
        raise MappingError(path, checker.problems)
    return loaded


class _Checker:
    """The checks that need the field catalogue: record types, field names, codes, sources."""

    def __init__(self, path: Path, mapping: Mapping, raw: dict[str, Any]):
        self.path, self.mapping, self.raw = path, mapping, raw
        self.problems: list[str] = []
        self.crosswalks: dict[str, dict[str, str | None]] = {}
        self.raw_files: dict[str, dict[str, str]] = {}

    def fail(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def run(self) -> LoadedMapping:
        m = self.mapping
        if m.edition not in EDITIONS:
            self.fail("edition", f"unknown edition {m.edition!r}; known: {', '.join(EDITIONS)}")
            return LoadedMapping(self.path, m, (), {})
        for i, fmt in enumerate(m.date_formats):
            if fmt not in ("iso", "excel") and "%" not in fmt:
                self.fail(f"date_formats[{i}]", f"{fmt!r} is not a date format: use strptime "
                          "codes such as '%m/%d/%Y', or 'iso', or 'excel'")
        self._load_crosswalks()
        blocks = [(_path(("records", i), self.raw), b) for i, b in enumerate(m.records)]
        if m.district:
            if any(b.type.upper() == "DI" for _, b in blocks):
                self.fail("district", "the DI record is given twice: here and in [[records]]")
            blocks.insert(0, ("district", RecordBlock(
                type="DI", fields={k: FieldRule(value=v) for k, v in m.district.items()})))
        types = set()
        for n, (where, block) in enumerate(blocks):
            rt = self._check_block(where, block)
            types.add(rt)
            if rt is not None and rt != block.type:
                blocks[n] = (where, block.model_copy(update={"type": rt}))
        if "DI" not in types:
            self.fail("district", "missing: a submission starts with a DI record; give its "
                      "lea_number, school_year, which_month and sis_as_of here")
        if "SC" not in types:
            self.fail("records", "no block of type 'SC': every record belongs to a school, "
                      "and a school needs its SC record")
        self._check_constants(types)
        return LoadedMapping(self.path, m, tuple(blocks), self.crosswalks)

    def _load_crosswalks(self) -> None:
        for name, table in self.mapping.crosswalks.items():
            if isinstance(table, str):
                try:
                    table = self.raw_files[name] = read_crosswalk_file(self.path.parent / table)
                except UtrexError as err:
                    self.fail(f"crosswalks.{name}", str(err))
                    continue
            self.crosswalks[name] = compile_table(table)

    def _check_block(self, where: str, block: RecordBlock) -> str | None:
        rt = block.type.upper().rstrip("=")
        if rt not in MODELS:
            self.fail(f"{where}.type", f"unknown record type {block.type!r}; known: "
                      f"{', '.join(MODELS)}")
            return None
        sources = self.mapping.sources
        if block.source is not None and block.source not in sources:
            self.fail(f"{where}.source", self._unknown_source(block.source))
        for j, join in enumerate(block.join):
            if join.source not in sources:
                self.fail(f"{where}.join[{j}].source", self._unknown_source(join.source))
            for part, rule in (("on", join.on), ("match", join.match)):
                if rule is not None:
                    self._check_rule(f"{where}.join[{j}].{part}", rule, None)
        if block.source is None and (block.join or block.where):
            self.fail(where, "`join` and `where` need a `source`")
        elif block.where is not None and block.where.source is not None:
            allowed = [block.source, *(j.source for j in block.join)]
            if block.where.source not in allowed:
                self.fail(f"{where}.where.source", f"{block.where.source!r} is neither this "
                          f"block's source nor one of its joins ({', '.join(allowed)})")
        spec = MODELS[rt].spec
        laid = self._writable(rt)
        names = [f.name for f in spec.fields]
        for name, rule in block.fields.items():
            at = f"district.{name}" if where == "district" else f"{where}.fields.{name}"
            if name not in names:
                near = difflib.get_close_matches(name, names, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                self.fail(at, f"{rt} has no field {name!r}{hint}; `utrex fields {rt}` lists "
                          "them")
            elif name not in laid:
                self.fail(at, f"{rt} {name} has no column in edition {self.mapping.edition}, "
                          "so it cannot be written; remove it")
            else:
                self._check_rule(at, rule, spec.field(name), model_type=rt,
                                 constant_at=f"district.{name}" if where == "district" else None)
                if block.source is None and _uses_columns(rule):
                    self.fail(at, "this block has no `source`, so its fields can only be "
                              "constants (`value`)")
        return rt

    def _unknown_source(self, name: str) -> str:
        known = ", ".join(self.mapping.sources) or "none"
        return f"no source {name!r} in [sources] (defined: {known})"

    def _check_rule(self, at: str, rule: FieldRule, spec: FieldSpec | None,
                    model_type: str | None = None, constant_at: str | None = None) -> None:
        if rule.lookup is not None and rule.lookup not in self.mapping.sources:
            self.fail(f"{at}.lookup", self._unknown_source(rule.lookup))
        if rule.source is not None and rule.source not in self.mapping.sources:
            self.fail(f"{at}.source", self._unknown_source(rule.source))
        for part in ("key", "match", "days", "session_days"):
            nested = getattr(rule, part)
            if nested is not None:
                self._check_rule(f"{at}.{part}", nested, None)
        for i, nested in enumerate(rule.concat or ()):
            self._check_rule(f"{at}.concat[{i}]", nested, None)
        kind = spec.type if spec is not None else None
        if rule.date is not None and kind not in DATE_TYPES:
            self.fail(f"{at}.date", "only date fields take date formats" + (
                f"; {spec.name} is {kind}" if spec else ""))
        if rule.zero_pad is not None and kind not in (None, "text", "code"):
            self.fail(f"{at}.zero_pad", f"only text and code fields are zero padded; "
                      f"{spec.name if spec else 'this'} is {kind}")
        gives = "decimal" if rule.compute == "tenths-of-days" else "integer"
        if rule.compute is not None and kind not in (None, gives):
            self.fail(f"{at}.compute", f"{rule.compute} gives a "
                      f"{'number of days' if gives == 'decimal' else 'whole number'}; "
                      f"{spec.name if spec else 'this'} is {kind}")
        if rule.when is not None and rule.when.source is not None and \
                rule.when.source not in self.mapping.sources:
            self.fail(f"{at}.when.source", self._unknown_source(rule.when.source))
        crosswalk = self._crosswalk(at, rule)
        if spec is None:
            return
        convert = converter(spec, rule, self.mapping.date_formats, None)
        if crosswalk is not None:
            target_type = typed(spec, rule_formats(rule, self.mapping.date_formats))
            where, table = crosswalk
            for key, target in table.items():
                if target.strip():
                    self._check_value(f"{where}.{_key(key)}", target_type, target, spec,
                                      model_type)
        for part in ("value", "default"):
            value = getattr(rule, part)
            if value is not None:
                self._check_value(constant_at or f"{at}.{part}", convert, value, spec,
                                  model_type)

    def _crosswalk(self, at: str, rule: FieldRule) -> tuple[str, dict[str, str]] | None:
        """Where a rule's crosswalk is defined (for messages) and its table as written."""
        if rule.crosswalk is None:
            return None
        if isinstance(rule.crosswalk, dict):
            return f"{at}.crosswalk", rule.crosswalk
        name = rule.crosswalk
        table = self.mapping.crosswalks.get(name)
        if isinstance(table, dict):
            return f"crosswalks.{_key(name)}", table
        if isinstance(table, str):  # a CSV file, if it could be read
            return (f"crosswalks.{_key(name)} ({table})", self.raw_files[name]) \
                if name in self.raw_files else None
        if name in BUILTIN:
            return f"built-in crosswalk {name}", BUILTIN[name]
        known = sorted(set(self.mapping.crosswalks) | set(BUILTIN))
        self.fail(f"{at}.crosswalk", f"no crosswalk {name!r}; defined or built in: "
                  f"{', '.join(known)}")
        return None

    def _check_value(self, at: str, convert: Any, value: Any, spec: FieldSpec,
                     model_type: str | None) -> None:
        try:
            typed_value = convert(value)
        except ValueProblem as problem:
            self.fail(at, f"{value!r} is not {problem.expected}")
            return
        if model_type is not None and typed_value is not None:
            try:
                MODELS[model_type].model_validate({spec.name: typed_value})
            except ValidationError as err:
                self.fail(at, f"{value!r} is not valid for {spec.name}: "
                          f"{err.errors()[0]['msg']}")

    def _writable(self, rt: str) -> set[str]:
        """The fields of ``rt`` a mapping may give: the columns of the edition's layout, or,
        for a record type the layout does not have (S4, ST, TA, TC, TG), every field of its
        model. Such records are written as SIF (`utrex convert --to sif`); written as
        fixed-width, each is rejected with its row (``fmt.no-layout``), never lost silently."""
        layout = edition_layout(self.mapping.edition).records.get(rt)
        if layout is None:
            return set(MODELS[rt].model_fields)
        return {f.name for f in layout.fields}

    def _check_constants(self, types: set[str | None]) -> None:
        for name, value in self.mapping.constants.items():
            users = [rt for rt in types if rt and name in self._writable(rt)]
            if not users:
                self.fail(f"constants.{name}", "no record type of this mapping has a field "
                          f"{name!r} with a column in edition {self.mapping.edition}")
            for rt in users:
                spec = MODELS[rt].spec.field(name)
                self._check_value(f"constants.{name}", converter(
                    spec, FieldRule(value=value), self.mapping.date_formats, None),
                    value, spec, rt)


def _key(key: str) -> str:
    """A TOML key as it must be written: bare if it can be, else quoted."""
    return key if key and all(c.isalnum() or c in "_-" for c in key) else json.dumps(key)


def _uses_columns(rule: FieldRule) -> bool:
    if rule.column is not None or rule.lookup is not None:
        return True
    nested = [rule.key, rule.match, rule.days, rule.session_days, *(rule.concat or ())]
    return any(_uses_columns(r) for r in nested if r is not None)
