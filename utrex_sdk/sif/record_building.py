"""Building a record from the values the SIF reader found for it.

Split from `reader` (the document loop, the objects and their joins): here, a record's values
become its model — part by part from cached parts (`parts.Parts`, `chain_values`) or from the
joined objects (`fast_values`, `record`), each text made a canonical value (`value`, once per
field and text in `part`), and the model built directly when every value is one validation
keeps as it is, else validated with each bad value a finding (`model`). `RecordBuilding` is
a mixin of the reader's class: the reader's state (``spec``, ``plans``, ``parts``, ``builds``,
``part_cache``, ``field_reads``, ``chained``, ``collection``, ``finding``) is what these methods
read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..construct import constructor, unbuilt
from ..findings import Finding
from ..fixedwidth.lines import ParsedLine
from ..models import code_set, model_for
from .part_code import PartRead, part_function
from .parts import remember
from .paths import key_of
from .spec import FieldMap
from .values import from_text, kept_as_is

MEMO = 4096
"""Texts whose value is kept per field at most (the memo is emptied past this)."""
_FieldRead = tuple[FieldMap, str, str, bool, Callable[[Any], bool], dict[Any, tuple[Any, bool]]]
"""(field map, field name, flattened key, plain text?, kept-as-is test, text -> (value,
kept) memo)."""


def _never(_value: Any) -> bool:
    return False


class RecordBuilding:
    """The record-building half of the SIF reader (see the module doc)."""

    unbuilt: frozenset[str] = frozenset()
    """Record types whose records a trusted build gives as `construct.Unbuilt` (the caller
    builds them later: `halves.Keeper.unbuilt`); the reader's, given when it is made."""

    def chain_values(self, rt: str, obj: str, values: dict[str, str], companion: str | None,
                     companion_values: dict[str, str] | None, line: int
                     ) -> tuple[dict[str, Any], bool] | None:
        """The record's values from its object and the parts its references give, cached
        by RefId (`parts.Parts`), without a join; None: read it the general way."""
        return self.chained.values(rt, obj, values, companion, companion_values, line)

    def built(self, rt: str, line: int, text: str, fast: tuple[dict[str, Any], bool]
              ) -> ParsedLine:
        """The record of values read part by part: built directly when all are kept as
        they are, else validated (each bad value a finding)."""
        values, trusted = fast
        found: list[Finding] = []
        build = self.builds[rt][1]
        if rt == "DI":
            values.update(self.collection)
        elif trusted and build is not None:
            return ParsedLine(line, text, build(values), found)
        return ParsedLine(line, text, self.model(rt, values, line, found), found)

    def record(self, rt: str, line: int, text: str, joined: dict[str, dict[str, str]],
               instance: int | None, problems: list[Finding]) -> ParsedLine:
        found = list(problems)
        fast = self.fast_values(rt, joined, line) if instance is None else None
        if fast is not None:
            built = self.built(rt, line, text, fast)
            built.findings[:0] = found
            return built
        values = {}
        for fm, obj_name, key, plain_text in self.plans[rt]:
            obj = joined.get(obj_name)
            if obj is None:
                continue
            got = obj.get(key if instance is None else key_of(fm.path, instance))
            if plain_text:  # the common case: text as it is, an empty element is no value
                if got:
                    values[fm.field] = got
                continue
            got = self.value(fm, got, line, found)
            if got is not None:
                values[fm.field] = got
        if rt == "DI":
            values.update(self.collection)
        return ParsedLine(line, text, self.model(rt, values, line, found), found)

    def fast_values(self, rt: str, joined: dict[str, dict[str, str]], line: int
                    ) -> tuple[dict[str, Any], bool] | None:
        """A record's values object by object, the part an object referenced by many records
        (its student, its section, its school) gives kept by RefId, and whether every value
        is one its model keeps as it is (a kept part was judged once); None when some value
        is unreadable: `record` then reads field by field, its findings in field order."""
        values: dict[str, Any] = {}
        cache = self.part_cache
        own = next(iter(joined))
        trusted = True
        for obj_name in self.parts[rt]:
            obj = joined.get(obj_name)
            if obj is None:
                continue
            ref = obj.get("@RefId") if obj_name != own else None
            key = (rt, obj_name, ref)
            got = cache.get(key) if ref is not None else None
            if got is None:
                got = self.part(rt, obj_name, obj, line)
                if got is None:
                    return None
                if ref is not None:
                    remember(cache, key, got)
            values.update(got[0])
            trusted = trusted and got[1]
        return values, trusted

    def part(self, rt: str, obj_name: str, obj: dict[str, str], line: int
             ) -> tuple[dict[str, Any], bool] | None:
        """``rt``'s values that ``obj`` gives, and whether each is one the model keeps as it
        is; None when one is unreadable (the general way then reports it). Read by a function
        generated per record type and object (`part_code`); a text's value is read once per
        field (its memo): a district repeats its dates and codes."""
        read = self.field_reads.get((rt, obj_name))
        if read is None:
            read = self.field_reads[(rt, obj_name)] = self.part_reading(rt, obj_name)
        return read(obj, line)

    def part_reading(self, rt: str, obj_name: str,
                     texts: Callable[[str], str | None] | None = None) -> PartRead:
        """The function reading ``rt``'s fields ``obj_name`` gives, in field order, from its
        flattened values, or from what ``texts`` says (see `part_code.part_function`); the
        fields' memos are shared by every reading of (``rt``, ``obj_name``)."""
        fields = self.part_fields.get((rt, obj_name))
        if fields is None:
            kept = self.kept(rt)
            fields = self.part_fields[(rt, obj_name)] = tuple(
                (fm, fm.field, key, plain_text, kept.get(fm.field, _never), {})
                for fm, key, plain_text in self.parts[rt].get(obj_name, ()))
        return part_function(fields, self._read_text, texts)

    def _read_text(self, field: _FieldRead, text: str, line: int) -> tuple[Any, bool] | None:
        """``text``'s value for ``field`` and whether it is kept as it is, remembered in the
        field's memo; None when it is unreadable (nothing remembered)."""
        fm, _name, _key, _plain, kept, memo = field
        found: list[Finding] = []
        value = self.value(fm, text, line, found)
        if found:
            return None
        hit = (value, value is None or kept(value))
        if len(memo) > MEMO:
            memo.clear()
        memo[text] = hit
        return hit

    def value(self, fm: FieldMap, text: str | None, line: int, found: list[Finding]) -> Any:
        if fm.presence is not None:
            return fm.presence if text is not None else None
        if text is None:
            return None
        if fm.crosswalk is not None:
            utah = fm.crosswalk.utah(text)
            if utah is None and text not in fm.crosswalk.to_utah:
                found.append(self.finding("sif.unreadable", line, record=fm.record,
                                          field=fm.field, value=text,
                                          problem=f"{text!r} is not in crosswalk "
                                          f"{fm.crosswalk.name!r}"))
            return utah
        if text == "":
            return None
        try:
            return from_text(fm.spec, text)
        except ValueError as err:
            found.append(self.finding("sif.unreadable", line, record=fm.record, field=fm.field,
                                      value=text, problem=str(err)))
            return None

    def kept(self, rt: str) -> dict[str, Callable[[Any], bool]]:
        return (self.builds[rt] if rt in self.builds else self._build(rt))[0]

    def _build(self, rt: str) -> tuple[dict[str, Callable[[Any], bool]], Callable | None]:
        kept, build = _trusted_build(rt)
        if build is not None and rt in self.unbuilt:
            build = unbuilt(rt)
        got = self.builds[rt] = kept, build
        return got

    def model(self, rt: str, values: dict[str, Any], line: int, found: list[Finding]):
        """The record's model: built directly when every value is one validation would keep
        as it is (`values.kept_as_is`), else validated, each bad value a finding."""
        kept, build = self.builds[rt] if rt in self.builds else self._build(rt)
        if build is not None:
            for name, value in values.items():
                check = kept.get(name)
                if check is None or not check(value):
                    break
            else:
                return build(values)
        model = model_for(rt)
        for _ in range(len(values) + 1):
            try:
                return model.model_validate(values)
            except ValidationError as err:
                bad = {str(e["loc"][0]) for e in err.errors() if e["loc"]}
                if not bad:
                    break
                for name in sorted(bad):
                    found.append(self.finding("sif.unreadable", line, record=rt, field=name,
                                              value=values.get(name),
                                              problem="not a valid value for the field"))
                    values.pop(name, None)
        return None


def _trusted_build(rt: str) -> tuple[dict[str, Callable[[Any], bool]], Callable | None]:
    """Per field of ``rt``, the test of a value its model keeps unchanged, and the model's
    trusted constructor (None when the model cannot be built so)."""
    model = model_for(rt)
    kept = {f.name: kept_as_is(f, code_set(f)) for f in model.spec.fields}
    return kept, constructor(model)
