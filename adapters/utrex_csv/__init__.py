"""The generic CSV adapter: a district's home-grown export, described by a mapping file.

It is a plugin like any other: registered under the entry-point group ``utrex_sdk.adapters`` in
``pyproject.toml`` (``csv = "utrex_csv:CsvAdapter"``), found by ``utrex adapters``, chosen with
``utrex convert --adapter csv``. All of its knowledge is in the mapping (``mappings/README.md``);
the reading, mapping and accounting machinery is the SDK's own (`utrex_sdk.mapping`), which is why
this file is short: an adapter for another export that a mapping can describe is as short.
"""

from __future__ import annotations

from utrex_sdk.mapping import MappingAdapter

__all__ = ["CsvAdapter"]


class CsvAdapter(MappingAdapter):
    """CSV, TSV, pipe-delimited and .xlsx exports, by a mapping file (``--mapping``)."""

    name = "csv"
    summary = ("Home-grown exports (CSV, TSV, pipe-delimited, .xlsx) described by a mapping "
               "file (--mapping)")
    needs_mapping = True
