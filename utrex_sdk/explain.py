"""`utrex explain ID`: what an id in a report means and what to do about it.

An id is either one of this tool's own finding types (``fmt.too-wide``, ``map.not-a-code``, a
plugin's ``aspire.no-cactus-id``; `findings.all_finding_types`) or a state rule's Error ID or rule
id (``S1.320``, ``001:S1.last_name``; the validator's registry). Ids are matched without regard to
case, since users type them from a report or a letter: ``s1.320`` and ``FMT.TOO-WIDE`` work. The
validator is imported only for a spec id, so explaining a tool id stays quick.
"""

from __future__ import annotations

from .errors import UtrexError
from .findings import FindingType, RejectReason, all_finding_types


def explain(error_id: str) -> str:
    """The explanation of ``error_id``, a few lines of text; `UtrexError` if nothing has it.

    >>> for line in explain("FMT.BLANK-LINE").splitlines(): line
    'fmt.blank-line  Warn  Blank line'
    '  message:     blank line skipped'
    '  what to do:  Nothing to do: the line is skipped.'
    '  defined in:  utrex_sdk/spec/findings.toml'
    """
    wanted = error_id.strip()
    kinds = {k.casefold(): v for k, v in all_finding_types().items()}
    kind = kinds.get(wanted.casefold())
    if kind is not None:
        return _finding_detail(kind)
    from .validation.catalogue_view import rule_detail
    from .validation.rulebook import all_rules

    key = wanted.replace(" ", "").casefold()
    for rule in all_rules().values():
        if rule.id.casefold() == wanted.casefold():
            return rule_detail(rule.id)
        if rule.error_id and rule.error_id.casefold() == key:
            return rule_detail(rule.error_id)
    raise UtrexError(f"no rule or finding type with id {error_id!r}; see `utrex rules` for the "
                     "spec's Error IDs")


def _finding_detail(kind: FindingType | RejectReason) -> str:
    if isinstance(kind, RejectReason):
        lines = [f"{kind.id}  {kind.title}",
                 f"  convert:     rejects the row, counted as {kind.reject!r}"]
    else:
        lines = [f"{kind.id}  {kind.level}  {kind.title}",
                 f"  message:     {kind.template}"]
        if kind.reject is not None:
            lines.append(f"  convert:     rejects the row, counted as {kind.reject!r}")
    if kind.hint:
        lines.append(f"  what to do:  {kind.hint}")
    lines.append(f"  defined in:  {kind.origin or 'code'}")
    return "\n".join(lines)
