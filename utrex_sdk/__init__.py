"""utrex-sdk: Utah UTREx submissions, byte-exact to the spec, checked before the state does.

The public API:

- models: ``utrex_sdk.models`` (one pydantic model per record type, e.g. ``StudentRecord``);
- one line: ``parse(line)`` and ``serialize(record)`` (``utrex_sdk.fixedwidth.codec``);
- whole files: ``read_file(path)`` streams ``ParsedLine`` items; ``write_file(records, path)``
  assembles a submission in a deterministic order and writes it atomically;
- layouts and the field catalogue as data: ``edition_layout("2012-13")``, ``catalogue()``;
- SIF 2.x objects: ``write_sif(records, path)``; ``read_file`` reads a SIF document too
  (detected by content, ``utrex_sdk.sif.is_sif``);
- an export through an adapter: ``convert(adapter, output, to="fixed-width" | "sif")``
  (``utrex_sdk.conversion``), every row written or rejected.

The names are imported on first use (PEP 562 ``__getattr__``), not with the package: building
every record model takes a few tenths of a second, which ``utrex --help`` and a program that
needs only ``utrex_sdk.errors`` should not pay.
"""

from importlib import import_module
from typing import Any

# Imported now, not on first use: the function has its module's name, and a lazy look-up would
# find the module ``utrex_sdk.catalogue`` once anything had imported it.
from .catalogue import catalogue as catalogue

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "UnusableInputError": "errors",
    "UtrexError": "errors",
    "Finding": "findings",
    "Level": "findings",
    "Encoded": "fixedwidth.codec",
    "Parsed": "fixedwidth.codec",
    "parse": "fixedwidth.codec",
    "serialize": "fixedwidth.codec",
    "ParsedLine": "fixedwidth.reader",
    "read_file": "fixedwidth.reader",
    "WriteReport": "fixedwidth.writer",
    "assemble": "fixedwidth.writer",
    "write_file": "fixedwidth.writer",
    "DEFAULT_EDITION": "layouts",
    "edition_layout": "layouts",
    "MODELS": "models",
    "UtrexRecord": "models",
    "model_for": "models",
    "write_sif": "sif.writer",  # lxml loads only for SIF work
    "convert": "conversion.run",
}
"""Each public name and the module (under ``utrex_sdk``) that defines it."""

__all__ = sorted([*_EXPORTS, "catalogue"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next look-up is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
