"""Where rule implementations register, and the small types they use.

A *single-record* rule is a function of one record (and the run's context) that returns what it
found: `None`, one `Hit`, or several. A *cross-record* rule is a `CrossCheck` subclass: it sees
every record of the types it names and reports at the end, keeping only the state it needs
(frictionless-py's `validate_row` / `validate_end` split). The engine, not the rule, loops, builds
the finding (Error ID, level, message filled from the spec's template, identifying keys) and
honours reference-data needs. Implementations live in `validation/rules/<record>.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import TYPE_CHECKING, Any, ClassVar

from .rulebook import all_rules

if TYPE_CHECKING:
    from ..models import UtrexRecord
    from .context import Context


@dataclass(slots=True)
class Hit:
    """What a rule found. `field`/`value` fill [ColumnName]/[ColumnData]; `data` fills the rest
    of the template (`ColumnData2`, `ColumnName2`, ...). Cross-record hits also say where:
    `line`, `record` (the record type) and `keys` (identifying fields) of the record at fault.
    `rule` picks one rule when a function is registered for several."""

    field: str | None = None
    value: Any = None
    data: dict[str, Any] = dc_field(default_factory=dict)
    line: int | None = None
    record: str | None = None
    keys: dict[str, Any] | None = None
    rule: str | None = None
    source: str | None = None


Found = Hit | Iterable[Hit] | None
SingleRule = Callable[["UtrexRecord", "Context"], Found]


@dataclass(frozen=True, slots=True)
class SingleRegistration:
    rule_ids: tuple[str, ...]
    record: str
    func: SingleRule
    unless: tuple[str, Any] | None = None
    """(field, value): the rule does not apply to a record whose field holds the value. The
    engine tests it once per record for all the rules that share it, instead of each rule."""


SINGLE: dict[str, list[SingleRegistration]] = {}
"""record type -> single-record rule functions"""

CROSS: list[type[CrossCheck]] = []
IMPLEMENTED: set[str] = set()


def _known(rule_ids: tuple[str, ...]) -> None:
    rules = all_rules()
    for rid in rule_ids:
        if rid not in rules:
            raise KeyError(f"no rule {rid!r} in the rule catalogue (utrex_sdk/spec/rules)")
        if rid in IMPLEMENTED:
            raise ValueError(f"rule {rid!r} has two implementations")


def rule(*rule_ids: str, unless: tuple[str, Any] | None = None
         ) -> Callable[[SingleRule], SingleRule]:
    """Register a single-record rule for the given rule ids (all of one record type); with
    ``unless=(field, value)`` it is not run on records whose ``field`` holds ``value``."""

    def register(func: SingleRule) -> SingleRule:
        _known(rule_ids)
        records = {all_rules()[r].record for r in rule_ids}
        if len(records) != 1:
            raise ValueError(f"{func.__name__}: rules of several record types {records}")
        record = all_rules()[rule_ids[0]].record_type
        SINGLE.setdefault(record, []).append(
            SingleRegistration(rule_ids, record, func, unless))
        IMPLEMENTED.update(rule_ids)
        return func

    return register


class CrossCheck:
    """A rule over several records. Subclass, name `rules` and `records`, and implement
    `check` (called for every record of those types, in file order, in the second pass — the
    shared `context.index` is complete by then) and/or `finish` (called once at the end)."""

    rules: ClassVar[tuple[str, ...]] = ()
    records: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: Context):
        self.context = context

    def check(self, record: UtrexRecord, line: int | None) -> Found:
        return None

    def finish(self) -> Found:
        return None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.rules:
            _known(cls.rules)
            CROSS.append(cls)
            IMPLEMENTED.update(cls.rules)


def reads_records(check: CrossCheck) -> bool:
    """Whether ``check`` is given records in the second pass (`CrossCheck.check`); if not, its
    `finish` reads only the context (the first pass's index, the options, the reference
    tables), so either process of a split run may run it (`parallel.Finishes`)."""
    return type(check).check is not CrossCheck.check


def end_hits(check: CrossCheck) -> list[Hit]:
    """``check``'s end-of-file hits (its `finish`), wherever it runs: in the one process, or
    in either of a split run's (`parallel.Finishes`)."""
    return list(hits(check.finish()))


def hits(found: Found) -> Iterator[Hit]:
    if found is None:
        return
    if isinstance(found, Hit):
        yield found
    else:
        yield from found
