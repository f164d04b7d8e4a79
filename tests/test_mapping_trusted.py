"""The mapping engine builds records from its converted values without validating them again
(`mapping.fields.trusted`, `construct.constructor`): that must give exactly the records, rejects
and findings that validating them with pydantic gives, on any cell values."""

import csv
import io
from pathlib import Path

import pytest
from helpers.properties import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utrex_sdk.adapters import Mapped
from utrex_sdk.mapping import compiler as mapping_compiler
from utrex_sdk.mapping.engine import MappingEngine
from utrex_sdk.synth_export import (
    EXPORT_FILES,
    columns,
    export_rows,
    mapping_text,
    write_export,
)

ROOT = Path(__file__).resolve().parent.parent


def _items(mapping: Path, folder: Path, trusted: bool, monkeypatch) -> list:
    """The engine's items, its records built without validation where the compiler allows it
    (``trusted``) or, with the compiler given no constructor, every record validated."""
    with monkeypatch.context() as patch:
        if not trusted:
            patch.setattr(mapping_compiler, "constructor", lambda model: None)
        engine = MappingEngine.from_files(mapping, folder)
    built = [any(c.build for c in b.files) for b in engine._blocks]
    assert trusted or not any(built)
    out = []
    for item in engine.items():
        if isinstance(item, Mapped):
            record = item.record
            out.append(("mapped", item.origin, type(record).__name__, record.__dict__,
                        record.model_fields_set, [f.to_dict() for f in item.findings]))
        else:
            out.append(("rejected", item.origin, item.record_type, item.reason_id, item.reason))
    return out, built


def _same_both_ways(mapping: Path, folder: Path, monkeypatch) -> list[bool]:
    trusted, built = _items(mapping, folder, True, monkeypatch)
    validated, _ = _items(mapping, folder, False, monkeypatch)
    assert trusted == validated
    return built


@pytest.mark.parametrize("example", ["district-csv", "aspire"])
def test_the_examples_map_to_the_same_records_either_way(example, monkeypatch):
    folder = ROOT / "examples" / example
    mapping = folder / "mapping.toml"
    if not mapping.exists():
        mapping = ROOT / "mappings" / "aspire" / "aspire.toml"
    _same_both_ways(mapping, folder, monkeypatch)


def test_the_synthetic_export_maps_to_the_same_records_and_skips_validation(tmp_path,
                                                                              monkeypatch):
    write_export(tmp_path, 150, seed=3)
    built = _same_both_ways(tmp_path / "mapping.toml", tmp_path, monkeypatch)
    # the fast path is the one run, but for AC: its Cycle has a pattern `_text` leaves to
    # pydantic (a 1-character letter or digit)
    assert built == [True, True, True, True, False, True, True, True]  # DI SC S1 S2 AC AM I1 I2


CELLS = {  # per layout kind: values a messy export holds, good and bad
    "text": ["", " ", "SMITH", "O'NEIL  ", "Zoë", "=HYPERLINK(\"x\")", "12345678901234567890",
             "a\tb", "100001", "14"],
    "code": ["", "Y", "N", "y", "F", "M", "X", "01", "1", "PK", "SPA", "ZZZ", " Y "],
    "number": ["", "0", "180", "181", "-1", "3.0", "3.5", "1,200", "PVT", "n/a", "00042"],
    "decimal": ["", "0", "1.0", "1.00", "4.5", "-2", "NaN", "inf", "1e3", "NGPA", "x"],
    "date": ["", "08/22/2012", "8/2/2012", "2012-08-22", "02/30/2012", "13/01/2012", "0",
             "20120822"],
    "mmdd": ["", "06/05/2013", "0605", "6/5", "1332", "02/29/2012", "x"],
    "datetime": ["", "2012-10-01 17:30:00", "10/01/2012"],
}


def _base_rows() -> dict[str, list[list[str]]]:
    """Good rows of every export file (a small synthetic district), to mutate."""
    rows: dict[str, list[list[str]]] = {}
    for rt, cells in export_rows(40, seed=9):
        rows.setdefault(EXPORT_FILES[rt], []).append(cells)
    return rows


BASE = _base_rows()


@st.composite
def exports(draw):
    """A small export of every record type: good rows with a few cells replaced by values a
    messy export holds, drawn by the column's kind."""
    files = {}
    for rt, name in EXPORT_FILES.items():
        cols = columns(rt)
        rows = []
        for row in draw(st.lists(st.sampled_from(BASE[name]), max_size=3)):
            row = list(row)
            for i, junk in draw(st.lists(st.tuples(
                    st.integers(0, len(cols) - 1), st.integers(0, 99)), max_size=2)):
                pool = CELLS[cols[i][2]]
                row[i] = pool[junk % len(pool)]
            rows.append(row)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([column for _n, column, _k in cols])
        writer.writerows(rows)
        files[name] = text.getvalue()
    return files


@settings(max_examples=examples(80), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=exports())
def test_any_cells_map_to_the_same_records_either_way(files, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("export")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "mapping.toml").write_text(mapping_text(), encoding="utf-8")
    _same_both_ways(folder / "mapping.toml", folder, monkeypatch)
