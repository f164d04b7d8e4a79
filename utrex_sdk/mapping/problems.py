"""The findings of reading and mapping an export: ids in the ``map.`` and ``src.`` namespaces.

They are this SDK's checks on the *input*, not the state's rules: each names the export file and
row (``Finding.source`` and ``Finding.line``), the canonical field, and the source column in the
message, so a clerk can find the cell to fix.
"""

from __future__ import annotations

from ..findings import FINDING_TYPES, FindingType, Level, register_finding_types

E, W = Level.ERROR, Level.WARNING

MAPPING_FINDINGS: tuple[FindingType, ...] = (
    FindingType("src.empty", W, "Empty file",
                "{file} is empty (no header, no rows): nothing is converted from it"),
    FindingType("src.no-rows", W, "File with a header and no rows",
                "{file} has a header but no data rows: nothing is converted from it"),
    FindingType("src.ragged", E, "Row with the wrong number of cells",
                "row has {cells} cells but the header has {columns}; its values cannot be "
                "matched to columns"),
    FindingType("map.not-a-date", E, "Not a date",
                "{field} from {origin}: {value!r} is not {expected}"),
    FindingType("map.not-a-number", E, "Not a number",
                "{field} from {origin}: {value!r} is not {expected}"),
    FindingType("map.unknown-value", E, "Value not in the crosswalk",
                "{field} from {origin}: {value!r} is not in crosswalk {crosswalk} (it lists "
                "{listed}; case and spacing are ignored)"),
    FindingType("map.not-a-code", E, "Not a valid code",
                "{field} from {origin}: {value!r} is not {expected}; add a crosswalk to "
                "translate it"),
    FindingType("map.invalid", E, "Value the field cannot hold",
                "{field} from {origin}: {value!r} is not valid: {expected}"),
    FindingType("map.no-match", E, "No matching row in another file",
                "{what}: no row of {lookup} has {match} = {value!r}"),
    FindingType("map.bad-compute", E, "Computed value has bad inputs",
                "{field} = ROUND(days * 180 / session days) from {origin}: needs {expected}; "
                "got {value!r}"),
    FindingType("map.not-tenths", E, "Days not in one-tenth increments",
                "{field} from {origin}: {value!r} is not {expected} (2020-21 I2 Number of "
                "Days; never rounded)"),
    FindingType("map.blanked", W, "Value left blank",
                "{field} left blank: {problem}"),
    FindingType("map.duplicate-key", W, "Key repeated in a lookup file",
                "{lookup} has more than one row with {match} = {value!r} (rows {rows}); "
                "the first is used"),
    FindingType("map.unused-rows", W, "Rows no record used",
                "{count} of {total} rows of {file} were not used by any record (e.g. rows "
                "{rows}): {why}"),
    FindingType("map.accounting", E, "Conversion count mismatch",
                "the writer wrote {written} {record} records but the conversion counted "
                "{counted}; please report this"),
)

register_finding_types(*MAPPING_FINDINGS)

REJECT_REASONS: dict[str, str] = {
    "map.excluded": "excluded by the mapping's `where`",
    "src.ragged": "wrong number of cells",
    "map.not-a-date": "not a date",
    "map.not-a-number": "not a number",
    "map.unknown-value": "value not in the crosswalk",
    "map.not-a-code": "not a valid code",
    "map.invalid": "value the field cannot hold",
    "map.no-match": "no matching row in another file",
    "map.bad-compute": "computed value has bad inputs",
    "map.not-tenths": "days not in one-tenth increments",
    "fmt.too-wide": "value too wide for its column",
    "fmt.too-many-decimals": "more decimals than the column holds",
    "fmt.negative": "negative value",
    "fmt.bad-value": "value of the wrong kind",
    "fmt.non-ascii": "character with no ASCII equivalent",
    "fmt.no-layout": "record type without a layout",
    "fmt.no-school": "school has no SC record",
    "fmt.duplicate-school": "school record repeated",
    "fmt.extra-district": "more than one district record",
}
"""Why a row can be rejected, by the id that says so: the summary counts rejects by these."""


def reject_reason(reason_id: str) -> str:
    """The summary's label for a reject reason id: the SDK's own (`REJECT_REASONS`), else the
    title of the finding type registered under that id — so an adapter that registers its
    types (`register_finding_types`, e.g. ``beehive.not-enrolled``) gets readable reasons
    without the SDK knowing its ids — else the id itself."""
    label = REJECT_REASONS.get(reason_id)
    if label is not None:
        return label
    kind = FINDING_TYPES.get(reason_id)
    if kind is None:
        return reason_id
    first = kind.title.split(" ", 1)[0]
    keep = len(first) > 1 and first.isupper()  # an acronym (SOEP) keeps its capitals
    return kind.title if keep else kind.title[:1].lower() + kind.title[1:]
