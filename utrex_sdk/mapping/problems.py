"""The summary's label for a reject reason: what the rejects are counted by.

The reasons are finding ids (``map.not-a-date``, ``fmt.too-wide``, a plugin's
``aspire.duplicate-course``) or reasons that are no finding (``map.excluded``); their labels are
data, in the finding types' files (``spec/findings.toml``: ``reject``, else the title).
"""

from __future__ import annotations

from ..findings import reject_reason_type


def reject_reason(reason_id: str) -> str:
    """The summary's label for a reject reason id: the registered type's ``reject`` label, else
    its title — so an adapter that registers its types (e.g. ``beehive.not-enrolled``) gets
    readable reasons without the SDK knowing its ids — else the id itself."""
    kind = reject_reason_type(reason_id)
    if kind is None:
        return reason_id
    if kind.reject is not None:
        return kind.reject
    first = kind.title.split(" ", 1)[0]
    keep = len(first) > 1 and first.isupper()  # an acronym (SOEP) keeps its capitals
    return kind.title if keep else kind.title[:1].lower() + kind.title[1:]
