"""The measured steps of the benchmark, each a function of the district file it works on.

Every step returns the number of UTREx records it handled, so the harness can check that all
steps saw the same records. The two baselines are what a user would write instead of the SDK:

- ``slice``: a bare Python loop reading the file in text mode and slicing each line into strings
  with the layout's column specs (``utrex_sdk.layouts.edition_layout``). No types, no checks: the
  floor for pure Python.
- ``pandas``: ``pandas.read_fwf`` with the same column specs. Widths differ by record type, so,
  as a data person would, the lines are first grouped by their first three characters and each
  group is read as its own fixed-width table (``dtype=str``, ``header=None``, the layout's field
  names as column names). The grouping is part of the timed work.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from pathlib import Path

from utrex_sdk import edition_layout, read_file, write_file

Step = Callable[[Path, Path], int]


def column_specs() -> dict[str, list[tuple[int, int]]]:
    """``{"S1=": [(0, 3), (3, 13), ...]}``: each field's 0-based, end-exclusive slice."""
    return {
        f"{rt}=": [(f.start - 1, f.end) for f in layout.fields]
        for rt, layout in edition_layout().records.items()
    }


def slice_loop(path: Path, _work: Path) -> int:
    """Baseline: slice every line into a list of strings with the layout's column specs."""
    specs = column_specs()
    count = 0
    with path.open(encoding="ascii") as handle:
        for line in handle:
            cols = specs.get(line[:3])
            if cols is None:
                continue
            fields = [line[a:b] for a, b in cols]
            if fields:
                count += 1
    return count


def pandas_read_fwf(path: Path, _work: Path) -> int:
    """Baseline: group lines by record type, ``pandas.read_fwf`` each group as strings."""
    import pandas as pd

    layouts = edition_layout().records
    groups: dict[str, list[str]] = {}
    with path.open(encoding="ascii") as handle:
        for line in handle:
            groups.setdefault(line[:2], []).append(line)
    count = 0
    for rt, lines in groups.items():
        layout = layouts[rt]
        frame = pd.read_fwf(
            io.StringIO("".join(lines)),
            colspecs=[(f.start - 1, f.end) for f in layout.fields],
            names=[f.name for f in layout.fields],
            dtype=str,
            header=None,
        )
        count += len(frame)
    return count


def parse(path: Path, _work: Path) -> int:
    """The SDK: stream the file into canonical models with ``read_file``."""
    count = 0
    for item in read_file(path):
        if item.record is None or item.findings:
            raise AssertionError(f"line {item.line} did not parse cleanly: {item.findings}")
        count += 1
    return count


def parse_and_serialize(path: Path, work: Path) -> int:
    """Parse, then ``write_file`` the models to a new file, which must equal the input.

    The harness reports serialize as this step's time minus ``parse``'s: the models have to come
    from somewhere, and streaming them from the parser keeps a million of them out of memory.
    """
    out = work / "rewritten.txt"
    report = write_file((item.record for item in read_file(path)), out)
    if report.findings:
        raise AssertionError(f"write_file reported findings: {report.findings[:3]}")
    if out.read_bytes() != path.read_bytes():
        raise AssertionError("the rewritten file differs from the district file")
    out.unlink()
    return sum(report.written.values())


def validate(path: Path, _work: Path) -> int:
    """The validator (issue 3): file -> findings."""
    from utrex_sdk.validation import ValidationOptions, validate_file

    validate_file(path, ValidationOptions())
    return sum(1 for _ in path.open("rb"))


def convert(path: Path, work: Path) -> int:
    """``utrex convert`` as the command line runs it: the district's CSV export (written next to
    the district file by the harness, `utrex_sdk.synth_export`) through the CSV adapter and its
    mapping into a UTREx file, every row accounted for, then the validator on the written file.
    The output must equal the district file byte for byte: the export and the file describe the
    same district, so the step checks the whole conversion on every run."""
    export = export_folder(path)
    return _convert(export, export / "mapping.toml", path, work)


TRANSFORMED = {"phone_number": "digits = true", **{
    f"race_{r}": 'split = ";", contains = "Y"'
    for r in ("american_indian", "asian", "black", "pacific_islander", "white")}}
"""The S1 fields the ``convert+transforms`` step cleans with value transforms on every row."""


def convert_transforms(path: Path, work: Path) -> int:
    """``convert`` with a mapping that runs value transforms on every S1 row (issue 13: at most
    15% slower than ``convert``): ``digits`` on the phone number and ``split``/``contains`` on
    the five race flags. The export's values are already clean, so the output must still equal
    the district file byte for byte."""
    export = export_folder(path)
    lines = []
    for line in (export / "mapping.toml").read_text(encoding="utf-8").splitlines():
        name, _, column = line.partition(" = ")
        if name in TRANSFORMED:
            line = f"{name} = {{ column = {column}, {TRANSFORMED[name]} }}"
        lines.append(line)
    mapping = work / "transforms.toml"
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return _convert(export, mapping, path, work)


def _convert(export: Path, mapping: Path, path: Path, work: Path) -> int:
    from utrex_sdk.adapters import load_adapter
    from utrex_sdk.conversion import convert as run_conversion
    from utrex_sdk.validation import ValidationOptions, validate_file

    out = work / "converted.txt"
    adapter = load_adapter("csv")(export, mapping=mapping)
    result = run_conversion(adapter, out)
    validate_file(out, ValidationOptions(edition=result.edition))  # what it finds is not ours
    if result.rejected or result.findings:
        raise AssertionError(f"convert: rejects {dict(result.rejected)}, findings "
                             f"{result.findings[:3]}")
    if out.read_bytes() != path.read_bytes():
        raise AssertionError("the converted file differs from the district file")
    out.unlink()
    return sum(result.written.values())


def sif_path(work: Path) -> Path:
    """Where ``parse+sif`` leaves the district as SIF for ``sif-read`` and ``sif-validate``."""
    return work / "district.sif.xml"


def parse_and_write_sif(path: Path, work: Path) -> int:
    """Parse, then ``write_sif`` the models (issue 14): every record must be written. The
    harness reports ``sif-write`` as this step's time minus ``parse``'s, as for serialize."""
    from utrex_sdk.sif import write_sif

    report = write_sif((item.record for item in read_file(path)), sif_path(work))
    unexpected = [f for f in report.errors if f.error_id != "sif.not-carried"]
    if unexpected:  # 2012-13 fields with no XPath (Ethnicity, ...) are reported, as they must
        raise AssertionError(f"write_sif reported errors: {unexpected[:3]}")
    SIF_WRITTEN[sif_path(work)] = sum(report.written.values())
    return SIF_WRITTEN[sif_path(work)]


def sif_read(_path: Path, work: Path) -> int:
    """Read the SIF document back into canonical records (``read_file`` detects SIF)."""
    count = 0
    for item in read_file(sif_path(work)):
        if item.record is None or item.findings:
            raise AssertionError(f"line {item.line} did not read cleanly: {item.findings}")
        count += 1
    return count


def sif_validate(_path: Path, work: Path) -> int:
    """The validator on the SIF document (to compare with ``validate`` on the fixed-width)."""
    from utrex_sdk.validation import ValidationOptions, validate_file

    validate_file(sif_path(work), ValidationOptions())
    return SIF_WRITTEN[sif_path(work)]


SIF_WRITTEN: dict[Path, int] = {}
"""Records in each SIF document ``parse+sif`` wrote (the validator does not count them)."""


def export_folder(path: Path) -> Path:
    """Where the harness writes the CSV export of the district file ``path``."""
    return path.with_suffix(".export")


def warm_up(step: str) -> None:
    """Import what a step needs before it is timed: an import is not a per-file cost."""
    if step == "pandas":
        import pandas  # noqa: F401
    elif step in ("parse+sif", "sif-read", "sif-validate"):
        import utrex_sdk.sif
        import utrex_sdk.validation
    elif step in ("validate", "convert", "convert+transforms"):
        import utrex_sdk.conversion
        import utrex_sdk.mapping
        import utrex_sdk.validation  # noqa: F401


def missing(step: str) -> str | None:
    """Why ``step`` cannot run in this checkout, or None when it can."""
    if step == "pandas" and importlib.util.find_spec("pandas") is None:
        return "pandas is not installed (pip install -e '.[bench]')"
    return None


STEPS: dict[str, Step] = {
    "slice": slice_loop,
    "parse": parse,
    "parse+serialize": parse_and_serialize,
    "validate": validate,
    "convert": convert,
    "parse+sif": parse_and_write_sif,
    "sif-read": sif_read,
    "sif-validate": sif_validate,
    "convert+transforms": convert_transforms,
    "pandas": pandas_read_fwf,
}
"""The steps in the order they run. pandas runs last: the memory it frees is not all returned
to the OS, and would inflate the resident set of the steps after it."""
