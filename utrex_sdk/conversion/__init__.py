"""Conversion: an adapter's records -> a UTREx file, with every input row accounted for.

`convert` (`run`) streams an adapter's items into the writer of the output format (`targets`:
the 2012-13 fixed-width file, or one SIF 2.x document). For fixed-width each record is
serialized first, so a record the codec cannot write (a value too wide, a character with no
ASCII equivalent, a record type with no layout) is rejected with the file and row it came from
rather than reported by the writer without them. Each record goes to the writer tagged with its
origin; the records the writer leaves out — a school with no SC record, a second SC for a
school, a second DI; for SIF also a record type no object holds, an AM with no AC — come back
with that tag and are rejected the same way, the SIF writer's other findings about a record
are placed at its row, and the writer's own counts are checked against the tally
(`accounting`).

So for every input file and record type, *rows read = records written + rows rejected*, and each
rejected row is a line of the rejects CSV (`rejects`): file, row, record type, reason.
"""

from .accounting import ConversionResult, FileAccount
from .run import convert

__all__ = ["ConversionResult", "FileAccount", "convert"]
