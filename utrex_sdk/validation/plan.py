"""Which rules run in this validation, and why the others don't.

A rule is left out of a run — and listed as "not checked" with the reason — when the data says
it is not applicable, when it needs reference tables the user did not supply, when it needs the
school year or the SIS as-of date and neither the options nor the DI record give one, or when it
is about a field the input cannot carry (a 2020-21-only field read from a 2012-13 fixed-width
file), or needs one to find a record valid (`uses`: S1.395 needs S2 Is One Percent). A rule
with no implementation is listed too: nothing is passed silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import Context
from .reference import TABLES
from .registry import IMPLEMENTED
from .rulebook import RuleSpec

CONTEXT_NEEDS = {
    "school_year": "the school year (give --school-year or a DI record)",
    "as_of": "the SIS as-of date (give --as-of or a DI record)",
    "school_year_option": "--school-year (without it the DI record's year is taken as current)",
}


@dataclass(frozen=True)
class NotChecked:
    error_id: str
    rule: str
    record: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"error_id": self.error_id, "rule": self.rule, "record": self.record,
                "reason": self.reason}


def why_not(rule: RuleSpec, ctx: Context, generic_ok: bool) -> str | None:
    """None when the rule can run in this context; otherwise the reason it cannot."""
    if rule.status == "not-applicable":
        return f"not applicable: {rule.reason}"
    layout_reason = _layout_reason(rule, ctx)
    if layout_reason is not None:
        return layout_reason
    if not (generic_ok or rule.id in IMPLEMENTED):
        return "not implemented"
    for need in rule.needs:
        if need in TABLES:
            if ctx.reference is None or not ctx.reference.has(need):
                return (f"needs reference data {TABLES[need].filename} "
                        f"({TABLES[need].title}); not supplied")
        elif (need == "school_year" and ctx.school_year is None) \
                or (need == "as_of" and ctx.as_of is None) \
                or (need == "school_year_option" and ctx.options.school_year is None):
            return f"needs {CONTEXT_NEEDS[need]}"
    return None


def _layout_reason(rule: RuleSpec, ctx: Context) -> str | None:
    """Why the input cannot carry what the rule is about, if it cannot."""
    if ctx.laid_out is not None:
        record = rule.record_type
        carried = ctx.laid_out.get(record)
        sif = ctx.input_kind == "sif"
        if carried is None and record != "L2":
            return (f"{record} records cannot be carried by this input: " + (
                "the SIF mapping (spec/sif) has no object for them" if sif else
                f"edition {ctx.options.edition} has no fixed-width layout for them"))
        carried = carried or frozenset()
        absent = [f for f in rule.fields if f not in carried]
        absent += [used for used in rule.uses
                   if used.partition(".")[2] not in ctx.laid_out.get(used.partition(".")[0], ())]
        if absent:
            return (f"field {', '.join(absent)} has " + (
                "no place in the SIF mapping (spec/sif)" if sif else
                f"no column in edition {ctx.options.edition or 'of this file'}")
                + "; the input cannot carry it")
    return None


def status(rule: RuleSpec, generic_ok: bool) -> str:
    """The registry status `utrex rules` shows."""
    if rule.status == "not-applicable":
        return "not-applicable"
    if not (generic_ok or rule.id in IMPLEMENTED):
        return "not-implemented"
    if any(n in TABLES for n in rule.needs):
        return "needs-reference-data"
    return "implemented"
