"""What the CLI's SIF commands call, so each command body is a few lines.

- ``utrex sif FILE --output OUT.xml [--xsd PATH]``: `file_to_sif` (any input `read_file`
  reads: a fixed-width file or a SIF document), then `check_against_xsd` when ``--xsd`` given;
- ``utrex convert ... --to sif --output OUT.xml``: `writer.write_sif_tagged` on the records the
  conversion produced, with their origins (`utrex_sdk.conversion.targets`);
- ``utrex validate`` / ``utrex inspect``: nothing to call, `read_file` detects SIF by content;
- ``utrex rules``: `carriers(record_type, fields)` says which inputs carry what a rule needs.

Every function raises only `UnusableInputError` (a one-line message) for input it cannot use;
everything else is a finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..fixedwidth.reader import read_file
from ..models import UtrexRecord
from .writer import CONTAINER, SifWriteReport, write_sif


@dataclass
class SifRun:
    """A conversion to SIF: what reading the input found, and what writing did."""

    report: SifWriteReport
    read_findings: list[Finding] = field(default_factory=list)
    records_read: int = 0

    @property
    def findings(self) -> list[Finding]:
        return self.read_findings + self.report.findings


def file_to_sif(source: str | os.PathLike[str], output: str | os.PathLike[str]) -> SifRun:
    """Read ``source`` (fixed-width or SIF) and write its records to ``output`` as SIF."""
    found: list[Finding] = []
    count = [0]

    def records() -> Iterator[UtrexRecord]:
        for item in read_file(source):
            found.extend(item.findings)
            if item.record is not None:
                count[0] += 1
                yield item.record

    report = write_sif(records(), output)
    return SifRun(report, found, count[0])


def load_schema(xsd: str | os.PathLike[str]) -> etree.XMLSchema:
    """A user's XSD, parsed safely (no entities, no DTD, no network); one-line errors."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        return etree.XMLSchema(etree.parse(str(xsd), parser))
    except OSError:
        raise UnusableInputError(f"{xsd}: cannot be read") from None
    except etree.XMLSyntaxError as err:
        raise UnusableInputError(f"{xsd}: is not XML ({err.msg})") from None
    except etree.XMLSchemaParseError as err:
        raise UnusableInputError(f"{xsd}: is not a usable XML schema ({_first(err)})") from None


def check_against_xsd(document: str | os.PathLike[str], xsd: str | os.PathLike[str]
                      ) -> list[Finding]:
    """Validate each object of a SIF document against a user-supplied schema: one finding per
    schema error, with the object's line (the container itself is the SDK's, not SIF's)."""
    schema = load_schema(xsd)
    found: list[Finding] = []
    path = Path(document)
    try:
        events = etree.iterparse(str(path), events=("end",), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False)
        for _, elem in events:
            parent = elem.getparent()
            if parent is None or parent.getparent() is not None or parent.tag != CONTAINER:
                if parent is None and elem.tag != CONTAINER:
                    found += _check(schema, elem, str(path))
                continue
            found += _check(schema, elem, str(path))
            elem.clear()
    except OSError:
        raise UnusableInputError(f"{path}: cannot be read") from None
    except etree.XMLSyntaxError as err:
        found.append(make_finding("sif.malformed", line=err.lineno, source=str(path),
                                  problem=err.msg))
    return found


def _check(schema: etree.XMLSchema, elem: etree._Element, source: str) -> list[Finding]:
    if schema.validate(elem):
        return []
    name = etree.QName(elem).localname
    return [make_finding("sif.schema", line=e.line or elem.sourceline, source=source,
                         value=name, refid=elem.get("RefId", ""), problem=e.message)
            for e in schema.error_log]


def carriers(record_type: str, fields: Iterable[str]) -> tuple[str, ...]:
    """The inputs that can carry all of ``fields`` of ``record_type``: "fixed-width" (the
    2012-13 layout has the record and a column for each), "sif" (SIF objects hold the record
    and the mapping carries each field), both or none.

    >>> carriers("S1", ["entry_date"])
    ('fixed-width', 'sif')
    >>> carriers("TA", ["test_name"])
    ('sif',)
    >>> carriers("ES", [])
    ('fixed-width',)
    """
    wanted = set(fields)
    columns, sif = _held(record_type)
    return tuple(name for name, held in (("fixed-width", columns), ("sif", sif))
                 if held is not None and wanted <= held)


@cache
def _held(record_type: str) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The fields of a record type the 2012-13 layout and the SIF mapping carry (None: that
    input holds no such record)."""
    from ..layouts import edition_layout
    from .spec import sif_spec

    layout = edition_layout().records.get(record_type)
    rs = sif_spec().records.get(record_type)
    return (None if layout is None else frozenset(f.name for f in layout.fields),
            None if rs is None or not rs.objects else frozenset(fm.field for fm in rs.fields))


def _first(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
