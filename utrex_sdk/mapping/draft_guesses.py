"""What `utrex init-mapping` infers from an export's *values*, not its column names.

A name misleads: a "Teacher" column holds names while "CACTUS #" holds the IDs, a title row sits
above a workbook's header, one Race column holds "White; Asian". These functions look at a sample
of the values instead. Each is a guess a draft marks "check"; none is applied silently, and the
identifier shapes below come from the spec, cited.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from ..catalogue import FieldSpec, catalogue
from ..sources import SourceTable
from .synonyms import WORD_SYNONYMS
from .values import to_text

ID_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    # 2020-21 AC field table: TEACHER 1/2/3 ID "numeric 9.0 - Output as string"; 2012-13 AC
    # layout: 9 columns, "CACTUS ID of 'teacher of record'".
    "teacher1_id": (re.compile(r"\d{1,9}"), "CACTUS IDs (numbers of up to 9 digits)"),
    "teacher2_id": (re.compile(r"\d{1,9}"), "CACTUS IDs (numbers of up to 9 digits)"),
    "teacher3_id": (re.compile(r"\d{1,9}"), "CACTUS IDs (numbers of up to 9 digits)"),
    # 2020-21 S1 Statewide Student ID: "MUST be a NUMERIC value greater than 1,000,000";
    # 10 columns in both editions' layouts.
    "statewide_student_id": (re.compile(r"\d{7,10}"), "SSIDs (numbers above 1,000,000)"),
}
"""Identifier fields whose values have a shape the spec states: a column is chosen for one of
them only when its values have that shape."""

ID_WORDS = ("cactus", "id", "ssid", "state", "number", "no", "num", "educator", "staff")
"""Words in a column name that make it a candidate identifier when its values fit a shape."""

SEPARATORS = (";", ",", "/", "|")
"""What an export puts between the values of a multi-value cell ("White; Asian")."""

TITLE_ROWS = 15
"""How far down a file a header row below a title row is looked for."""


def header_row(path: Path, sheet: str | None = None) -> int:
    """The row holding the column names: the first of the file's first rows that is filled
    across (at least 80% of the widest row, two cells or more) with distinct names that do not
    look like data. 1 when no row looks more like a header than the first."""
    table = SourceTable(path, sheet=sheet)
    rows = [(1, table.info.header)] + [(r.number, r.cells) for r in islice(table.rows(),
                                                                          TITLE_ROWS)]
    filled = [[t for c in cells if (t := to_text(c)) is not None] for _, cells in rows]
    width = max((len(f) for f in filled), default=0)
    for (number, _), names in zip(rows, filled, strict=True):
        if len(names) >= max(2, 0.8 * width) and len(set(names)) == len(names) and \
                not any(_looks_like_data(n) for n in names):
            return number
    return 1


def _looks_like_data(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,:/+-]+", text))


def fits_id(name: str, values: Sequence[Any]) -> bool | None:
    """Whether every sampled value fits the identifier shape of field ``name``; None when the
    field has no stated shape or there is no value to judge."""
    shape = ID_SHAPES.get(name)
    texts = [t for v in values if (t := to_text(v)) is not None]
    if shape is None or not texts:
        return None
    return all(shape[0].fullmatch(t) for t in texts)


def id_candidate(name: str, header: Sequence[str], columns: Sequence[str],
                 samples: dict[int, list[Any]], taken: set[int]) -> int | None:
    """The column whose values fit field ``name``'s identifier shape and whose name says it is
    an identifier ("CACTUS #", "Teacher ID"); None when there is not exactly one."""
    found = [i for i, column in enumerate(columns)
             if i not in taken and any(w in column.split() for w in ID_WORDS)
             and fits_id(name, samples.get(i, ()))]
    return found[0] if len(found) == 1 else None


def repeats(values: Sequence[Any]) -> bool:
    """Whether a key column has many rows per value (a roster: several classes a student)."""
    texts = [t for v in values if (t := to_text(v)) is not None]
    return len(texts) >= 4 and len(set(texts)) <= len(texts) / 1.5


def split_values(values: Sequence[Any]) -> tuple[list[str], list[str]] | None:
    """A multi-value column: the separators its cells use and their distinct parts, when some
    cells hold two or more parts that also recur ("White; Asian", "White, Black", "White")."""
    texts = [t for v in values if (t := to_text(v)) is not None]
    used = [s for s in SEPARATORS if any(s in t for t in texts)
            and not (s == "," and any(re.search(r"\d,\d", t) for t in texts))]
    if not used:
        return None
    cut = re.compile("|".join(re.escape(s) for s in used))
    parts = Counter(p.strip() for t in texts for p in cut.split(t) if p.strip())
    if len(parts) <= 12 and any(n > 1 for n in parts.values()) and \
            any(len([p for p in cut.split(t) if p.strip()]) > 1 for t in texts):
        return used, sorted(parts, key=lambda p: (-parts[p], p))
    return None


def _words(text: str) -> set[str]:
    words = set(re.findall(r"[a-z0-9]+", text.casefold()))
    return {WORD_SYNONYMS.get(w, w) for w in words}


def code_by_meaning(spec: FieldSpec, value: str) -> tuple[str, str] | None:
    """The code of ``spec``'s table whose meaning names ``value`` ("Navajo" -> N, "Free" -> F
    'Eligible for Free Lunch', "Full Year" -> 4 'Class held all year'), as (code, meaning);
    None when no meaning or more than one does."""
    if not spec.codes:
        return None
    wanted = _words(value)
    if not wanted:
        return None
    table = catalogue().codes[spec.codes]
    found = [(v.code, v.meaning) for v in table.values if wanted <= _words(v.meaning)]
    return found[0] if len(found) == 1 else None
