"""The worked examples of mappings/README.md's value transforms run as documented.

Each ```toml block of the "Value transforms" section is a set of field rules; the table after it
has columns of the export (the cells) and columns named after the block's fields (the value each
gets, "(blank)" for none). Every row is converted by the engine and compared, so the README
cannot drift from what the SDK does.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import ROOT
from test_mapping_transforms import BASE, COLUMNS, HEAD

from utrex_sdk.adapters import Mapped
from utrex_sdk.mapping import FieldRule, MappingEngine, MappingError, load_mapping

README = ROOT / "mappings" / "README.md"


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"### {title}\n")
    end = text.find("\n### ", start + 1)
    return text[start:end]


def examples() -> list[tuple[str, list[str], list[list[str]]]]:
    """(toml block, table header, table rows) for each worked example."""
    found = []
    for m in re.finditer(r"```toml\n(.*?)```\n\n((?:\|[^\n]*\|\n)+)", section("Value transforms"),
                         re.S):
        lines = [line for line in m[2].splitlines() if not re.fullmatch(r"\|[-|]+\|", line)]
        rows = [[c.strip().strip("`") for c in line.strip("|").split("|")] for line in lines]
        found.append((m[1], rows[0], rows[1:]))
    return found


def test_the_readme_has_a_worked_example_for_each_transform():
    text = "".join(block for block, _, _ in examples())
    for key in ("digits", "replace", "trim", "slice", "split", "contains", "part", "when"):
        assert re.search(rf"\b{key} = ", text), key


@pytest.mark.parametrize("block, header, rows", examples(),
                         ids=[b.split(" =")[0] for b, _, _ in examples()])
def test_a_worked_example_gives_the_values_it_shows(tmp_path, block, header, rows):
    rules = tomllib.loads(block)
    cells_at = [i for i, h in enumerate(header) if h not in rules]
    fields_at = [i for i, h in enumerate(header) if h in rules]
    assert fields_at, "the table names no field of the example"
    own = [header[i] for i in cells_at]
    base = [(c, v) for c, v in zip(COLUMNS, BASE, strict=True) if c not in own]
    lines = [",".join([*(c for c, _ in base), *own])]
    for n, row in enumerate(rows):
        cells = ["" if row[i] == "(blank)" else row[i] for i in cells_at]
        first = [str(5000 + n) if c == "ID" else v for c, v in base]
        lines.append(",".join([*first, *(f'"{c}"' for c in cells)]))
    (tmp_path / "kids.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    (tmp_path / "schools.csv").write_text("School,Days,Last,Year,Day\r\n104,180,5/31/2024,S,E\r\n")
    head = "\n".join(line for line in HEAD.splitlines()
                     if line.split(" = ")[0] not in rules or "[records" in line)
    (tmp_path / "m.toml").write_text(head + "\n" + block, encoding="utf-8")
    engine = MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)
    items = [i for i in engine.items() if i.origin.file == "kids.csv"]
    assert all(isinstance(i, Mapped) for i in items), [getattr(i, "reason", "") for i in items]
    for item, row in zip(items, rows, strict=True):
        for i in fields_at:
            value = getattr(item.record, header[i])
            assert ("(blank)" if value is None else str(value)) == row[i], (header[i], row)


def test_the_readme_says_what_a_regex_that_does_not_compile_reports(tmp_path):
    documented = re.search(r"``(records\[1\] \(S1\)\.fields\.zip_code\.\n?replace\[0\]: .*?)"
                           r" \.\.\.``", section("Value transforms"), re.S)[1].replace("\n", "")
    (tmp_path / "kids.csv").write_text(",".join(COLUMNS) + "\r\n" + ",".join(BASE) + "\r\n")
    (tmp_path / "m.toml").write_text(HEAD.replace('zip_code = "Zip"', "zip_code = { column = "
                                                  "\"Zip\", replace = [{ pattern = '(\\d' }] }"))
    with pytest.raises(MappingError) as err:
        load_mapping(tmp_path / "m.toml")
    assert documented in str(err.value)


def test_the_tenths_of_days_snippet_is_a_valid_rule():
    block = re.search(r"```toml\n(\[records\.fields\.number_of_days\].*?)```",
                      section("Days in tenths"), re.S)[1]
    rule = FieldRule.model_validate(tomllib.loads(block)["records"]["fields"]["number_of_days"])
    assert rule.compute == "tenths-of-days" and rule.days.column == "Days Suspended"
