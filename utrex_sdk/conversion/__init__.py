"""Conversion: an adapter's records -> a UTREx file, with every input row accounted for.

`convert` (`run`) streams an adapter's items into the writer. Each record is serialized first,
so a record the codec cannot write (a value too wide, a character with no ASCII equivalent) is
rejected with the file and row it came from rather than reported by the writer without them.
Each record goes to the writer tagged with its origin; the records the submission's structure
leaves out — a school with no SC record, a second SC for a school, a second DI — come back from
the writer with that tag and are rejected the same way, and the writer's own counts are checked
against the tally (`accounting`).

So for every input file and record type, *rows read = records written + rows rejected*, and each
rejected row is a line of the rejects CSV (`rejects`): file, row, record type, reason.
"""

from .accounting import ConversionResult, FileAccount
from .run import convert

__all__ = ["ConversionResult", "FileAccount", "convert"]
