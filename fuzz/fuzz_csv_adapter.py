"""Fuzz target: the mapping-driven CSV adapter and `convert` on arbitrary export bytes.

    python fuzz/fuzz_csv_adapter.py -runs=100000

Each input is written as ``students.csv`` and converted with the corpus mapping
(``tests/corpus/csv/ok/mapping.toml``: a constant SC record and one S1 record per row). Nothing
may raise but the SDK's own `UtrexError` (an unusable file, with its one-line message); and when
the conversion runs, every row is accounted for: per file and record type, rows read = written +
rejected, and the UTREx file holds exactly the records counted as written.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import atheris
from _common import ROOT, argv

with atheris.instrument_imports(include=["utrex_sdk", "utrex_csv"]):
    from utrex_csv import CsvAdapter

    from utrex_sdk.conversion import convert
    from utrex_sdk.errors import UtrexError

MAPPING = ROOT / "tests" / "corpus" / "csv" / "ok" / "mapping.toml"
_shm = Path("/dev/shm")
WORK = Path(tempfile.mkdtemp(prefix="utrex-fuzz-", dir=_shm if _shm.is_dir() else None))
EXPORT = WORK / "export"
EXPORT.mkdir()
shutil.copy(MAPPING, WORK / "mapping.toml")


def check(data: bytes) -> None:
    (EXPORT / "students.csv").write_bytes(data)
    output = WORK / "out.txt"
    try:
        adapter = CsvAdapter(EXPORT, mapping=WORK / "mapping.toml")
        result = convert(adapter, output, rejects=WORK / "rejects.csv")
    except UtrexError as err:
        assert "\n" not in str(err), f"a multi-line message: {err!r}"
        return
    for account in result.accounts:
        rejected = sum(account.rejected.values())
        assert account.read == account.written + rejected, account.to_dict()
    in_file = Counter(line[:2] for line in output.read_text("ascii").splitlines())
    assert in_file == result.written, (in_file, result.written)
    rejects = (WORK / "rejects.csv").read_bytes().count(b"\r\n") - 1
    assert rejects == sum(result.rejected.values()), (rejects, result.rejected)


def main() -> None:
    seeds = [ROOT / "tests" / "corpus" / "csv", ROOT / "examples" / "district-csv"]
    atheris.Setup(argv("csv_adapter", seeds), check)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.exit(main())
