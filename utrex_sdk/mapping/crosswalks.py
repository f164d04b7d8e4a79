"""Crosswalks: tables that translate an export's own codes into the spec's codes.

A crosswalk matches ignoring case and surrounding or repeated spaces ("male", " Male ", "MALE"
are one key). A value mapped to ``""`` becomes a blank. Four crosswalks are built in, for the
spellings every SIS has; their targets are the codes of the field catalogue's tables
(``utrex_sdk/spec/fields``: ``yes_no``, ``yes_blank``, ``gender``, ``grade_level``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import UtrexError
from ..input_files import MIB, read_limited

CROSSWALK_LIMIT = 16 * MIB  # a code list, even a district's whole course catalogue, is far less
_YES = ("y", "yes", "true", "t", "1", "x")
_NO = ("n", "no", "false", "f", "0")
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def _grades() -> dict[str, str]:
    table = {k: "PK" for k in ("pk", "p", "pre-k", "prek", "pre k", "preschool",
                                "pre-kindergarten", "prekindergarten", "pre-school")}
    table |= {k: "00" for k in ("k", "kg", "kindergarten", "kinder", "0", "00", "k5")}
    for grade in range(1, 13):
        code = f"{grade:02d}"
        ordinal = _ORDINAL.get(grade, f"{grade}th")
        for key in (str(grade), code, ordinal, f"grade {grade}", f"{ordinal} grade"):
            table[key] = code
    table["-1"] = "-1"
    return table


BUILTIN: dict[str, dict[str, str]] = {
    # catalogue table yes_no: Y, N
    "yes-no": {k: "Y" for k in _YES} | {k: "N" for k in _NO},
    # catalogue table yes_blank: Y, or blank for "no"
    "yes-blank": {k: "Y" for k in _YES} | {k: "" for k in _NO},
    # catalogue table gender: M, F (2012-13)
    "gender": {"m": "M", "male": "M", "f": "F", "female": "F"},
    # catalogue table grade_level: PK, -1, 00 (kindergarten), 01-12
    "grade-level": _grades(),
}
"""The built-in crosswalks, by the name a mapping uses (``crosswalk = "gender"``)."""


def crosswalk_key(value: str) -> str:
    """How a value is matched against a crosswalk: case and spacing do not matter."""
    return " ".join(value.split()).casefold()


def compile_table(table: dict[str, str]) -> dict[str, str | None]:
    """A crosswalk ready for lookups: keys normalised, ``""`` targets as blanks (None)."""
    return {crosswalk_key(k): (v.strip() or None) for k, v in table.items()}


def read_crosswalk_file(path: Path) -> dict[str, str]:
    """A crosswalk kept as a two-column CSV file (from, to; a header row is expected)."""
    try:
        text = read_limited(path, CROSSWALK_LIMIT, "a crosswalk file").decode("utf-8-sig")
    except FileNotFoundError:
        raise UtrexError(f"{path}: no such crosswalk file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UtrexError(f"{path}: cannot be read as a UTF-8 crosswalk file ({err})") from None
    rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    table: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise UtrexError(f"{path}: row {number} has {len(row)} cells; a crosswalk file has "
                             "two columns (from, to)")
        table[row[0]] = row[1]
    return table
