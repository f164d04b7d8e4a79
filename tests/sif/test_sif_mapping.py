"""The SIF mapping as data: every field with a spec XPath has a row, every correction of the
spec's XPath is explained, and the spec's known typos are resolved."""

import re

from utrex_sdk import catalogue
from utrex_sdk.sif import sif_spec
from utrex_sdk.sif.paths import plain
from utrex_sdk.sif.spec import _read

ROWS = _read("fields.toml")["fields"]


def normal(xpath: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", xpath.split(" ** ")[0]).strip()


def test_every_catalogue_field_with_a_sif_xpath_has_a_mapping_row():
    rows = {(r["record"], r["field"]) for r in ROWS}
    for rt, rec in catalogue().records.items():
        for f in rec.fields:
            if f.sif_xpath:
                assert (rt, f.name) in rows, (rt, f.name)


def test_a_path_that_differs_from_the_spec_xpath_says_why():
    for row in ROWS:
        if row.get("carried", True) is False:
            assert row["reason"]
            continue
        spec = catalogue().records[row["record"]].field(row["field"])
        spec_path = normal(spec.sif_xpath or "")
        ours = normal(f"{row['object']}/{row['path']}")
        if ours != spec_path and not row.get("key") and not row.get("presence"):
            assert row.get("note") or ours.replace("/#", "") in spec_path, row


def test_the_spec_typos_are_resolved():
    carried = [fm for rs in sif_spec().records.values() for fm in rs.fields]
    texts = " ".join(fm.text for fm in carried)
    for typo in ("UTEExtensions", "Birthdate", "[@CodeSet=", "NCESid", "StudentAcademicRecod",
                 "SubTestCategory", "StudentContactSummary"):
        assert typo not in texts
    assert "MESAProgram" in texts and "HighSchlCompStatus" in texts  # the spec's spellings


def test_every_record_type_is_written_or_its_fields_are_reported():
    spec = sif_spec()
    for rt, rec in catalogue().records.items():
        rs = spec.records[rt]
        carried = {fm.field for fm in rs.fields}
        assert carried | set(rs.not_carried) == {f.name for f in rec.fields}, rt


def test_every_mapped_path_is_in_its_object_element_order():
    spec = sif_spec()
    for rs in spec.records.values():
        for fm in rs.fields:
            assert plain(fm.path) in spec.objects[fm.object].order, (fm.record, fm.field)


def test_carriers_say_which_inputs_hold_what_a_rule_needs():
    import doctest

    from utrex_sdk.sif import commands

    assert doctest.testmod(commands).failed == 0
    assert commands.carriers("S1", ["hispanic_or_latino"]) == ("fixed-width",)
    assert commands.carriers("S4", ["autism"]) == ("sif",)
