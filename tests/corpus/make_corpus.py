"""Writes the bad-input corpus (tests/corpus/README.md lists each file and what it tests).

    python tests/corpus/make_corpus.py          # rewrites the committed files, byte for byte

The files are committed; this script says exactly how each was made (a byte-level file such as
UTF-16 without a byte order mark is easier to review as the code that made it). The 10 MB field
is not committed: `ten_mb_field` writes it where a test asks (its tmp_path).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UTREX = HERE / "utrex"
CSV = HERE / "csv"
MAPPING = CSV / "ok" / "mapping.toml"  # the one mapping, copied into every CSV case folder

# --- UTREx-side: lines of a small valid submission, then broken on purpose --------------------

SAMPLE = HERE.parent.parent / "examples" / "sample" / "submission.txt"
_SAMPLE = SAMPLE.read_text("ascii").splitlines()
DI, SC, AC, S1, AM = (_SAMPLE[i] for i in (0, 1, 3, 5, 6))  # school 104, student 1001

HEADER = "Student ID,Last Name,First Name,Middle Name,Birth Date,Grade"


def _put(line: str, start: int, end: int, value: str) -> str:
    """``line`` with columns ``start``-``end`` (1-based, as the spec numbers them) = ``value``."""
    return line[:start - 1] + value.ljust(end - start + 1) + line[end:]


def _lines(*lines: str, end: str = "\r\n") -> bytes:
    return "".join(line + end for line in lines).encode("ascii")


def utrex_files() -> dict[str, bytes]:
    s1_line = _lines(S1)
    return {
        "empty.txt": b"",
        "nul-bytes.txt": _lines(DI, SC) + s1_line[:40] + b"\x00" + s1_line[41:],
        "utf16-no-bom.txt": _lines(DI, SC).decode("ascii").encode("utf-16-le"),
        "cp1252-name.txt": _lines(DI, SC) + s1_line.replace(b"Nunez", b"Nu\xf1ez"),
        "mixed-line-endings.txt": (DI + "\r\n" + SC + "\n" + AC + "\r" + S1 + "\r\n").encode(),
        "cut-short.txt": _lines(DI, SC, S1[:100]),
        "unknown-record.txt": _lines(DI, SC, "ZZ=1234", S1),
        "no-district.txt": _lines(SC, S1),
        "district-not-first.txt": _lines(SC, DI, S1),
        "no-school.txt": _lines(DI, S1, AM),
        "other-school.txt": _lines(DI, SC, _put(S1, 215, 217, "105")),  # School Number
        # S1 Last Name cols 23-42, First Name 43-58, Middle Name 59-74, Student Number 4-13
        "formula-like.txt": _lines(
            DI, SC,
            _put(_put(_put(S1, 23, 42, '=HYPERLINK("x","y")'), 43, 58, "+1"), 59, 74, "-2"),
            _put(_put(S1, 4, 13, "1002"), 23, 42, "@SUM(A1)")),
        # an S1 record split in two by a stray line break inside First Name ("Jo" / "se")
        "split-line.txt": _lines(DI, SC, S1[:44], S1[44:]),
    }


# --- CSV-side: students.csv of the corpus mapping, one folder per case ------------------------


def _csv(*rows: str, end: str = "\r\n") -> bytes:
    return "".join(row + end for row in rows).encode("ascii")


def csv_files() -> dict[str, dict[str, bytes]]:
    ok_rows = ("1001,Nunez,Jose,,03/14/2006,1", "1002,Smith,Anna,Lee,2005-07-01,2")
    cp1252 = (HEADER + "\r\n").encode("ascii") + "1001,Nuñez,José,,03/14/2006,1\r\n".encode(
        "cp1252")
    mis_declared = MAPPING.read_bytes().replace(
        b'file = "students.csv"', b'file = "students.csv"\nencoding = "utf-8"')
    return {
        "ok": {"students.csv": _csv(HEADER, *ok_rows)},
        "empty": {"students.csv": b""},
        "header-only": {"students.csv": _csv(HEADER)},
        "ragged-rows": {"students.csv": _csv(HEADER, ok_rows[0], "1002,Smith,Anna",
                                             ok_rows[1] + ",extra")},
        "nul-bytes": {"students.csv": _csv(HEADER, ok_rows[0]) + b"1002,Smi\x00th,Anna,Lee,"
                      b"2005-07-01,2\r\n"},
        "utf16-no-bom": {"students.csv": (HEADER + "\r\n1001,Nuñez,José,,03/14/2006,1\r\n")
                         .encode("utf-16-le")},
        "cp1252-declared-utf8": {"students.csv": cp1252, "mapping.toml": mis_declared},
        "mixed-line-endings": {"students.csv": (HEADER + "\r\n" + ok_rows[0] + "\n"
                                                + "1003,Lee,Kim,,2006-01-02,1\r"
                                                + ok_rows[1] + "\r\n").encode("ascii")},
        "duplicate-headers": {"students.csv": _csv(
            "Student ID,Last Name,Last Name,First Name,Middle Name,Birth Date,Grade",
            "1001,Nunez,Garcia,Jose,,03/14/2006,1")},
        "formula-like": {"students.csv": _csv(
            HEADER,
            '1001,"=HYPERLINK(""x"",""y"")",+1,-2,03/14/2006,1',
            "1002,@SUM(A1),Anna,,2005-07-01,2",
            "1003,Lee,Kim,,=1+2,1")},
        # Japanese names in Shift-JIS, no encoding in the mapping: not UTF-8, so read as
        # Windows-1252, which it cannot be (utrex_sdk/windows_1252.py)
        "shift-jis": {"students.csv": (HEADER + "\r\n1001,山田,太郎,,03/14/2006,1\r\n"
                                       "1002,Smith,Anna,Lee,2005-07-01,2\r\n"
                                       "1003,佐藤,花子,,2005-07-01,2\r\n").encode("shift_jis")},
        # half-width katakana (single Shift-JIS bytes, none undefined in Windows-1252)
        "shift-jis-katakana": {"students.csv": (
            HEADER + "\r\n1001,ﾀﾅｶ,ｹﾝ,,03/14/2006,1\r\n1002,ﾔﾏﾀﾞ,ﾊﾅｺ,,2005-07-01,2\r\n"
            "1003,ｽｽﾞｷ,ｲﾁﾛｳ,,2005-07-01,2\r\n").encode("shift_jis")},
        # a codec that is no text encoding named in the mapping
        "not-a-text-encoding": {"students.csv": _csv(HEADER, *ok_rows),
                                "mapping.toml": MAPPING.read_bytes().replace(
                                    b'file = "students.csv"',
                                    b'file = "students.csv"\nencoding = "base64"')},
    }


def ten_mb_field(folder: Path) -> Path:
    """A students.csv whose second row's Last Name is 10 MB of letters; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(MAPPING, folder / "mapping.toml")
    path = folder / "students.csv"
    with path.open("wb") as out:
        out.write(_csv(HEADER, "1001,Nunez,Jose,,03/14/2006,1"))
        out.write(b"1002," + b"A" * (10 * 1024 * 1024) + b",Anna,Lee,2005-07-01,2\r\n")
        out.write(_csv("1003,Lee,Kim,,2006-01-02,1"))
    return path


def main() -> None:
    UTREX.mkdir(parents=True, exist_ok=True)
    for name, data in utrex_files().items():
        (UTREX / name).write_bytes(data)
    for case, files in csv_files().items():
        folder = CSV / case
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        if "mapping.toml" not in files and case != "ok":
            shutil.copy(MAPPING, folder / "mapping.toml")


if __name__ == "__main__":
    sys.exit(main())
