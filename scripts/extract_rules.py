"""Extract the 2020-21 spec's "Errors" tables into rule data (one TOML file per record type).

Why a script: the rule catalogue is several hundred rows of the spec. Copying them by hand would
invite typos; this reads the tab-separated PDF extraction row by row, carries the Record and Field
columns down as the printed tables do, and records the spec line of every row so each rule can be
traced back. Run it once to draft `utrex_sdk/spec/rules/*.toml`; the files are then curated by
hand (canonical field names, how a rule is checked, why one cannot be).
`tests/test_rule_catalogue.py` re-reads the spec and checks every row is still there, verbatim.

    python scripts/extract_rules.py ../shared/spec/utrex-file-spec-2020-21.txt --draft DIR
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

HEADING = re.compile(r"^(?P<title>.+?)\s*\((?P<record>[A-Z0-9]{2})\):\s*Errors\s*$")
LEVELS = {"Err", "Warn"}
SKIP_RULES = {"Blank OK", "Identifying Fields", ""}
# The I2 table prints its record type as "12" on a few rows (digit one for letter I).
RECORD_TYPOS = {"12": "I2"}


@dataclass
class SpecRule:
    line: int
    record: str
    field: str
    condition: str
    rule: str
    error_id: str
    level: str
    message: str
    description: str
    notes: str
    identifying: list[str] = field(default_factory=list)


def normalise_id(raw: str) -> str:
    """`S1.304 w` and `S1.304w` are the same ID printed two ways; keep the compact spelling."""
    return re.sub(r"\s+w$", "w", raw.strip())


def spec_rules(text: str) -> tuple[list[SpecRule], dict[str, list[str]]]:
    """Every rule row of every Errors table, and each record's identifying fields."""
    rules: list[SpecRule] = []
    identifying: dict[str, list[str]] = {}
    section = record = fld = None
    condition = ""
    for number, line in enumerate(text.split("\n"), 1):
        heading = HEADING.match(line)
        if heading:
            section = heading["record"]
            record, fld, condition = section, None, ""
            continue
        if section is None:
            continue
        if "\t" not in line:
            if line.strip() and not line.startswith("Record"):
                section = None  # the table ended: a new heading or prose
            continue
        cells = [c.strip() for c in line.split("\t")] + [""] * 8
        if cells[0] == "Record" and cells[1] == "Field":
            continue
        if cells[0]:
            record = RECORD_TYPOS.get(cells[0], cells[0])
        if cells[1].lower() in ("if present:", "if present"):
            condition = "if present"
        elif cells[1]:
            fld, condition = cells[1], ""
        if cells[2] == "Identifying Fields":
            identifying[section] = [f.strip() for f in cells[6].split(",") if f.strip()]
            continue
        error_id, level = normalise_id(cells[3]), cells[4]
        if cells[2] in SKIP_RULES and not error_id:
            continue
        if not error_id and level not in LEVELS and not cells[2]:
            continue
        rules.append(SpecRule(number, record or section, fld or "", condition, cells[2],
                              error_id, level, cells[5], cells[6], cells[7]))
    return rules, identifying


GENERIC = {
    # error id -> check kind; the parameter (a length, a bound) is read from the rule text
    "001": "present", "S1.001": "present", "SL.001": "present", "ST.001": "present",
    "002": "numeric", "002w": "numeric", "003": "date", "ST.003": "date",
    "004": "unique", "005": "max_length", "006": "exact_length", "009": "valid_value",
    "011": "pattern", "012": "number_range", "020": "no_spaces", "021": "alphanumeric",
    "022": "name_chars", "S1.022": "name_chars", "024": "not_all_zeros", "030": "not_future",
    "ST.030": "not_future", "031": "current_school_year", "032w": "in_school_year",
    "S1.032": "in_school_year", "S1.032w": "in_school_year", "040": "matches_di_lea",
    "041": "matches_sc_school", "042": "matches_s1_student", "051": "present_if",
    "052": "blank_if", "Dep": "dependency",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _field_index(record: str) -> dict[str, str]:
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from utrex_sdk.catalogue import catalogue

    spec = catalogue().records.get("S1" if record == "SL" else record)
    index: dict[str, str] = {}
    for f in spec.fields if spec else ():
        for label in (f.name, f.spec_name or "", f.description):
            index.setdefault(_norm(label), f.name)
    return index


def canonical_fields(record: str, label: str, index: dict[str, str]) -> list[str]:
    """The canonical fields a Field column names ("Exit Date, Entry Date (2)" -> two)."""
    label = re.sub(r"^Multi-field:?", "", label)
    names = []
    for part in re.split(r",", label):
        part = re.sub(r"\(\d\)", "", part).strip()
        if _norm(part) in index and index[_norm(part)] not in names:
            names.append(index[_norm(part)])
    return names


def check_args(kind: str, rule: str) -> dict[str, object]:
    """The parameter a generic check reads from its rule text, e.g. `Max length = 10`."""
    number = re.search(r"=\s*(\d+)", rule)
    if kind in ("max_length", "exact_length") and number:
        return {"n": int(number.group(1))}
    if kind == "valid_value":
        listed = re.findall(r"'([^']*)'", rule)
        return {"values": listed} if listed else {}
    if kind == "number_range":
        args: dict[str, object] = {}
        text = rule.replace(",", "")
        if m := re.search(r"(?:<=|less than or equal to)\s*'?([\d.]+)", text):
            args["max"] = m.group(1)
        if m := re.search(r"(?:>=|greater than or equal to)\s*([\d.]+)", text):
            args["min"] = m.group(1)
        if "greater than zero" in text:
            args["min_exclusive"] = "0"
        return args
    if kind in ("present_if", "blank_if"):
        m = re.search(r"if (.+?) is (?:present|blank)", rule)
        return {"other": m.group(1)} if m else {}
    return {}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft(rules: list[SpecRule], identifying: dict[str, list[str]], out: Path) -> None:
    by_record: dict[str, list[SpecRule]] = {}
    for r in rules:
        by_record.setdefault(r.record, []).append(r)
    out.mkdir(parents=True, exist_ok=True)
    for record, rows in by_record.items():
        index = _field_index(record)
        parts = [f"[record]\ntype = {_q(record)}\nidentifying = "
                 f"[{', '.join(_q(f) for f in identifying.get(record, []))}]\n"]
        for r in rows:
            parts.append(
                "\n[[rules]]\n"
                f"spec_line = {r.line}\nerror_id = {_q(r.error_id)}\nlevel = {_q(r.level)}\n"
                f"field = {_q(r.field)}\n"
                + (f"condition = {_q(r.condition)}\n" if r.condition else "")
                + f"rule = {_q(r.rule)}\n"
                + (f"message = {_q(r.message)}\n" if r.message else "")
                + (f"description = {_q(r.description)}\n" if r.description else "")
                + (f"notes = {_q(r.notes)}\n" if r.notes else "")
                + _curation(record, r, index)
            )
        (out / f"{record}.toml").write_text("".join(parts), encoding="utf-8")


def _curation(record: str, r: SpecRule, index: dict[str, str]) -> str:
    fields = canonical_fields(record, r.field, index)
    text = f"fields = [{', '.join(_q(f) for f in fields)}]\n"
    kind = GENERIC.get(r.error_id)
    if kind:
        args = check_args(kind, r.rule)
        text += f"check = {_q(kind)}\n"
        if args:
            inner = ", ".join(
                f"{k} = [{', '.join(_q(v) for v in a)}]" if isinstance(a, list)
                else f"{k} = {a}" if isinstance(a, int) else f"{k} = {_q(str(a))}"
                for k, a in args.items())
            text += f"args = {{ {inner} }}\n"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--draft", type=Path, required=True)
    args = parser.parse_args()
    rules, identifying = spec_rules(args.spec.read_text(encoding="utf-8"))
    draft(rules, identifying, args.draft)
    print(f"{len(rules)} rule rows, {len({r.record for r in rules})} record types")


if __name__ == "__main__":
    main()
