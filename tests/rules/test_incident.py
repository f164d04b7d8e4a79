"""Incident (I1) and Incident Association (I2) rules: the I1/I2 pairing, Number of Days with
Discipline Method, the code lists, and the curated generic rows (051/052 pairs, the LEA/School
rows printed under 'I1' at the end of the I2 table)."""

from __future__ import annotations

from decimal import Decimal

from .helpers import base, change, fires, nth, quiet, run

# the sample's incident 1207 at school 708 has one I2 (student 2001): suspended 2 days


def _without(records, record_type, n=0):
    target = nth(records, record_type, n)
    return [r for r in records if r is not target]


def test_incident_with_association():
    quiet("I1.1001", base())


def test_incident_without_association():
    records = _without(base(), "I2")
    found = fires("I1.1001", records)
    i1_line = records.index(nth(records, "I1")) + 1
    assert [(f.record, f.line, f.value) for f in found] == [("I1", i1_line, "1207")]
    assert found[0].keys["incident_id"] == "1207" and found[0].keys["school_number"] == "708"
    assert found[0].message == "No matching 'I2' records - Incident Record"


def test_incident_association_in_another_school_does_not_count():
    fires("I1.1001", change(base(), "I2", school_number="104"))


def test_incident_id_unique_within_lea():
    records = base()
    quiet("004:I1.incident_id", records)
    records.append(nth(records, "I1").model_copy(update={"school_number": "104"}))
    fires("004:I1.incident_id", records)


def test_gang_related_yes_no():
    quiet("009:I1.gang_related", base())
    quiet("009:I1.gang_related", change(base(), "I1", gang_related="Y"))


def test_gang_related_unknown_is_2020_21_error():
    assert fires("009:I1.gang_related", change(base(), "I1", gang_related="U"))[0].value == "U"


def test_gang_related_unknown_allowed_in_2012_13():
    quiet("009:I1.gang_related", change(base(), "I1", gang_related="U"), edition="2012-13")


def test_association_matches_incident():
    quiet("I2.1101", base())


def test_association_without_incident():
    found = fires("I2.1101", change(base(), "I2", incident_id=1208))
    assert found[0].message == "Incident ID mismatch - Incident Association Record"


def test_association_incident_in_another_school():
    fires("I2.1101", change(base(), "I2", school_number="104"))


def test_infraction_types():
    records = change(base(), "I2", primary_infraction_type="29", secondary1_infraction_type="24",
                     secondary1_weapon="9", secondary1_role="O")
    quiet("009:I2.primary_infraction_type", records)
    quiet("009:I2.secondary1_infraction_type", records)
    quiet("009:I2.primary_infraction_type", change(base(), "I2", primary_infraction_type="15"))


def test_withdrawn_infraction_types():
    found = fires("009:I2.primary_infraction_type",
                  change(base(), "I2", primary_infraction_type="16"))
    assert (found[0].field, found[0].value) == ("primary_infraction_type", "16")
    records = change(base(), "I2", secondary1_infraction_type="04", secondary1_weapon="9",
                     secondary1_role="O", secondary2_infraction_type="23",
                     secondary2_weapon="9", secondary2_role="O")
    fires("009:I2.secondary2_infraction_type", records)
    quiet("009:I2.secondary1_infraction_type", records)
    # 16-23 are printed in the 2012-13 table but withdrawn since SY2012: errors there too
    fires("009:I2.secondary1_infraction_type",
          change(base(), "I2", secondary1_infraction_type="20", secondary1_weapon="5",
                 secondary1_role="O"), edition="2012-13")


def test_secondary_infraction_3_and_4():
    records = change(base(), "I2", secondary1_infraction_type="04", secondary1_weapon="9",
                     secondary1_role="O", secondary2_infraction_type="05",
                     secondary2_weapon="9", secondary2_role="O",
                     secondary3_infraction_type="25", secondary3_weapon="9",
                     secondary3_role="O", secondary4_infraction_type="26",
                     secondary4_weapon="9", secondary4_role="O")
    quiet("009:I2.secondary2_infraction_type", records)
    quiet("009:I2.secondary3_infraction_type", records)
    quiet("009:I2.secondary4_infraction_type", records)
    fires("009:I2.secondary3_infraction_type",
          change(records, "I2", secondary3_infraction_type="17"))
    fires("009:I2.secondary4_infraction_type",
          change(records, "I2", secondary4_infraction_type="18"))
    for n in (1, 2, 3, 4):
        quiet(f"051:I2.secondary{n}_weapon", records)
        quiet(f"052:I2.secondary{n}_role", records)


def test_days_with_discipline_method():
    quiet("12.1103", base())
    quiet("12.1103", change(base(), "I2", discipline_method=None, number_of_days=Decimal(0)))


def test_discipline_method_without_days():
    found = fires("12.1103", change(base(), "I2", number_of_days=Decimal(0)))
    assert found[0].message == \
        "Required if Discipline Method is present - Number of Days on Incident Association Record"
    fires("12.1103", change(base(), "I2", number_of_days=None))


def test_days_without_discipline_method():
    found = fires("I2.1104", change(base(), "I2", discipline_method=None))
    assert (found[0].field, found[0].message) == \
        ("discipline_method", "Discipline Method must be present")


def test_no_days_no_discipline_method():
    quiet("I2.1104", base())
    quiet("I2.1104", change(base(), "I2", discipline_method=None, number_of_days=Decimal(0)))


def test_days_in_tenths():
    quiet("I2.1105", change(base(), "I2", number_of_days=Decimal("2.5")))
    quiet("I2.1105", base())


def test_days_in_hundredths():
    assert fires("I2.1105", change(base(), "I2", number_of_days=Decimal("2.55")))[0].value \
        == "2.55"


def test_days_range():
    quiet("012:I2.number_of_days", change(base(), "I2", number_of_days=Decimal(180)))
    fires("012:I2.number_of_days", change(base(), "I2", number_of_days=Decimal("180.1")))
    fires("012:I2.number_of_days", change(base(), "I2", number_of_days=Decimal(-1)))


def test_secondary_weapon_and_role_follow_infraction_type():
    records = change(base(), "I2", secondary1_infraction_type="04")
    fires("051:I2.secondary1_weapon", records)
    fires("051:I2.secondary1_role", records)
    records = change(base(), "I2", secondary1_weapon="9", secondary1_role="O")
    fires("052:I2.secondary1_weapon", records)
    fires("052:I2.secondary1_role", records)
    fires("052:I2.secondary2_infraction_type",
          change(base(), "I2", secondary2_infraction_type="04"))


def test_alternative_placement_present():
    quiet("001:I2.alternative_placement", base())
    fires("001:I2.alternative_placement", change(base(), "I2", alternative_placement=None))


def test_association_lea_and_school():
    records = base()
    for rule_id in ("001:I2.lea_number", "040:I2.lea_number", "001:I2.school_number",
                    "041:I2.school_number"):
        quiet(rule_id, records)
    fires("040:I2.lea_number", change(records, "I2", lea_number="15"))
    fires("041:I2.school_number", change(records, "I2", school_number="999"))
    found = fires("001:I2.school_number", change(records, "I2", school_number=None))
    assert found[0].message == "Must be present - School Number on Incident Association Record"


def test_duplicate_school_number_row_reported_once():
    result = run(change(base(), "I2", school_number=None))
    blank = [f for f in result.findings if f.record == "I2" and f.error_id == "001"]
    assert len(blank) == 1
    assert any(n.rule == "001:I2.school_number#2" for n in result.not_checked)


def test_incident_without_association_in_a_file(tmp_path):
    """From a fixed-width file the finding points at the I1 line (found at the end of the run)."""
    from utrex_sdk import write_file
    from utrex_sdk.validation import validate_file

    from .helpers import OPTIONS

    path = tmp_path / "submission.txt"
    write_file([r for r in base() if r.record_type not in ("I2", "ST", "TA", "TC", "TG")], path)
    i1_line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                   if text.startswith("I1="))
    found = [f for f in validate_file(path, OPTIONS).findings if f.rule == "I1.1001"]
    assert [(f.line, f.record, f.value) for f in found] == [(i1_line, "I1", "1207")]
