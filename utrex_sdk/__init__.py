"""utrex-sdk: Utah UTREx submissions, byte-exact to the spec, checked before the state does.

The public API:

- models: ``utrex_sdk.models`` (one pydantic model per record type, e.g. ``StudentRecord``);
- one line: ``parse(line)`` and ``serialize(record)`` (``utrex_sdk.fixedwidth.codec``);
- whole files: ``read_file(path)`` streams ``ParsedLine`` items; ``write_file(records, path)``
  assembles a submission in a deterministic order and writes it atomically;
- layouts and the field catalogue as data: ``edition_layout("2012-13")``, ``catalogue()``;
- SIF 2.x objects: ``write_sif(records, path)``; ``read_file`` reads a SIF document too
  (detected by content, ``utrex_sdk.sif.is_sif``).
"""

from .catalogue import catalogue
from .errors import UnusableInputError, UtrexError
from .findings import Finding, Level
from .fixedwidth.codec import Encoded, Parsed, parse, serialize
from .fixedwidth.reader import ParsedLine, read_file
from .fixedwidth.writer import WriteReport, assemble, write_file
from .layouts import DEFAULT_EDITION, edition_layout
from .models import MODELS, UtrexRecord, model_for

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_EDITION",
    "MODELS",
    "Encoded",
    "Finding",
    "Level",
    "Parsed",
    "ParsedLine",
    "UnusableInputError",
    "UtrexError",
    "UtrexRecord",
    "WriteReport",
    "assemble",
    "catalogue",
    "edition_layout",
    "model_for",
    "parse",
    "read_file",
    "serialize",
    "write_file",
    "write_sif",
]


def __getattr__(name: str):
    """``write_sif`` is imported on first use: lxml loads only for SIF work."""
    if name == "write_sif":
        from .sif.writer import write_sif

        return write_sif
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
