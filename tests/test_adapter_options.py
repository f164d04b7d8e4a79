"""What `utrex convert` hands an adapter besides the input folder, and how it labels an adapter's
rejects: the reference-data folder reaches every adapter that takes it (an older one is built
without it), and a reject reason is labelled by the finding type an adapter registered."""

from collections.abc import Iterator

import pytest
from helpers import ROOT

from utrex_sdk.adapters import Adapter, Item, Mapped, Origin, Rejected, open_adapter
from utrex_sdk.conversion import convert
from utrex_sdk.errors import UtrexError
from utrex_sdk.findings import FindingType, Level, register_finding_types
from utrex_sdk.mapping.problems import reject_reason
from utrex_sdk.models import DistrictRecord

register_finding_types(
    FindingType("kit-test.no-lea", Level.ERROR, "Row without an LEA", "{problem}"),
    FindingType("kit-test.soep", Level.WARNING, "SOEP row skipped", "{problem}"))


class Forwarding(Adapter):
    """Written as docs/writing-an-adapter.md asks: keywords passed on to the base class."""

    name = "forwarding"

    def __init__(self, input_dir, **options):
        super().__init__(input_dir, **options)

    def items(self) -> Iterator[Item]:
        yield Mapped(DistrictRecord(lea_number="52", school_year=2024, which_month="DEC",
                                    sis_as_of="2023-12-01T16:30:00"), Origin("d.csv", 2))
        yield Rejected(Origin("d.csv", 3), "SC", "kit-test.no-lea", "no LEA")
        yield Rejected(Origin("d.csv", 4), "SC", "kit-test.soep", "SOEP")
        yield Rejected(Origin("d.csv", 5), "SC", "kit-test.unregistered", "?")


class Older(Adapter):
    """Written before the reference keyword existed: its constructor names only ``mapping``."""

    name = "older"

    def __init__(self, input_dir, *, mapping=None):
        super().__init__(input_dir, mapping=mapping)

    def items(self) -> Iterator[Item]:
        return iter(())


def test_the_reference_folder_reaches_an_adapter_that_takes_it(tmp_path):
    adapter = open_adapter(Forwarding, tmp_path, reference=tmp_path)
    assert adapter.reference_dir == tmp_path
    assert open_adapter(Forwarding, tmp_path).reference_dir is None


def test_an_adapter_written_before_the_keyword_is_built_without_it(tmp_path):
    adapter = open_adapter(Older, tmp_path, reference=tmp_path)
    assert isinstance(adapter, Older) and adapter.reference_dir is None


def test_a_reference_folder_that_does_not_exist_is_refused_for_any_adapter(tmp_path):
    for cls in (Forwarding, Older):
        with pytest.raises(UtrexError, match=r"reference data folder .*nowhere does not exist"):
            open_adapter(cls, tmp_path, reference=tmp_path / "nowhere")


def test_the_csv_adapter_takes_the_reference_folder_and_ignores_it(tmp_path):
    from utrex_csv import CsvAdapter

    example = ROOT / "examples" / "district-csv"
    adapter = open_adapter(CsvAdapter, example, mapping=example / "mapping.toml",
                           reference=tmp_path)
    assert adapter.reference_dir == tmp_path


def test_reject_reasons_are_labelled_by_the_registered_finding_types_title(tmp_path):
    result = convert(open_adapter(Forwarding, tmp_path), tmp_path / "out.txt")
    assert result.summary()["rejected"] == {
        "kit-test.no-lea": {"count": 1, "reason": "row without an LEA"},
        "kit-test.soep": {"count": 1, "reason": "SOEP row skipped"},  # an acronym keeps caps
        "kit-test.unregistered": {"count": 1, "reason": "kit-test.unregistered"},
    }


def test_the_sdks_own_labels_come_first_and_adapters_types_label_theirs():
    import utrex_aspire  # noqa: F401 - registers the aspire.* types

    assert reject_reason("map.excluded") == "excluded by the mapping's `where`"
    assert reject_reason("aspire.duplicate-course") == "course code not unique"
    assert reject_reason("aspire.soep-no-provider") == "SOEP section without a provider school"
