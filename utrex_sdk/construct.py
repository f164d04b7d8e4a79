"""Building a canonical model from values that are already what validation would keep.

pydantic's ``model_construct`` skips validation but still walks every field per call; a reader of
a million-record file, or a mapping whose converters produce only values the model accepts
unchanged (`mapping.fields.trusted`), can do with less: copy a template of every field, store
the values, set the fields set. This module holds that one way of building a model, as source
lines, so the codec's compiled parser (`fixedwidth.compiled`) inlines it in its generated
function and `constructor` defines a function around the very same lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel


def constructible(model: type) -> bool:
    """True when ``model_construct`` would only fill ``__dict__`` and the fields set."""
    return (
        model.__pydantic_post_init__ is None
        and not model.__pydantic_root_model__
        and not model.__private_attributes__
        and model.model_config.get("extra") != "allow"
        and all(f.default is None and f.default_factory is None and f.alias is None
                and f.validation_alias is None for f in model.model_fields.values())
    )


def build_namespace(model: type) -> dict[str, Any]:
    """The names `build_lines` uses: the model, a template of its fields (None each, in the
    model's order), and model_construct's ``object.__setattr__`` minus the lookups."""
    slots = BaseModel.__dict__
    return {
        "new": object.__new__, "MODEL": model,
        "TEMPLATE": dict.fromkeys(model.model_fields),
        "SET_DICT": slots["__dict__"].__set__,
        "SET_FIELDS": slots["__pydantic_fields_set__"].__set__,
        "SET_EXTRA": slots["__pydantic_extra__"].__set__,
        "SET_PRIVATE": slots["__pydantic_private__"].__set__,
    }


def build_lines(values: str, fields_set: str) -> list[str]:
    """Source lines (one level of indentation) that return the model holding ``values``, a
    copy of ``TEMPLATE`` with the values stored in it, and ``fields_set``."""
    return ["    m = new(MODEL)",
            f"    SET_DICT(m, {values})",
            f"    SET_FIELDS(m, {fields_set})",
            "    SET_EXTRA(m, None)",
            "    SET_PRIVATE(m, None)",
            "    return m"]


def define(src: list[str], ns: dict[str, Any], name: str) -> Callable:
    """The function ``name`` defined by ``src`` in the namespace ``ns``."""
    exec("\n".join(src), ns)  # the source is built from layout and model data only
    return ns[name]


def constructor(model: type) -> Callable[[dict[str, Any]], Any] | None:
    """``build(values) -> model``: an instance holding ``values`` (canonical field -> value)
    without pydantic's validation; None when the model cannot be built so. For callers whose
    values are already what validation would keep, and nothing else.

    >>> from utrex_sdk.models import MODELS
    >>> build = constructor(MODELS["SC"])
    >>> sc = build({"school_number": "104"})
    >>> sc.school_number, sc.lea_number, sorted(sc.model_fields_set)
    ('104', None, ['school_number'])
    """
    if not constructible(model):
        return None
    src = ["def build(values):",
           "    d = TEMPLATE.copy()",
           "    d.update(values)",
           *build_lines("d", "set(values)")]
    return define(src, build_namespace(model), "build")


class Unbuilt(NamedTuple):
    """A record left unbuilt: its type and the values of its fields set, a dict of its own, as
    `constructor`'s ``build`` would store them (``build(values)`` makes its model).

    Why: the validator's first pass over a large SIF document keeps each record as those very
    values (`validation.held_items`) and needs the models of a few record types only (those its
    index keeps whole: an S1 is reduced to some of its values); for the others (the AM of three
    records in four, the S1) building the model in the reader, then taking its values back out
    to keep them, cost about 2 us a record. The SIF reader gives the record types its caller
    names so (`sif.halves.Keeper.unbuilt`)."""

    record_type: str
    values: dict[str, Any]


def unbuilt(rt: str) -> Callable[[dict[str, Any]], Unbuilt]:
    """``build(values)``: the `Unbuilt` record of type ``rt`` holding ``values``, in the place
    of `constructor`'s for a caller that builds it later."""
    new, of = tuple.__new__, Unbuilt

    def build(values: dict[str, Any]) -> Unbuilt:
        return new(of, (rt, values))

    return build
