"""Declarative mappings: describe an export's columns once, get canonical records.

- `load_mapping(path)` reads and checks a mapping file (`Mapping`, the pydantic model, is also
  what `utrex mapping schema` prints as JSON Schema);
- `MappingEngine(loaded, input_dir).items()` streams `Mapped` / `Rejected` items;
- `MappingAdapter` is an `Adapter` driven by a mapping (the CSV adapter is one);
- `draft_mapping(paths)` writes a first mapping from an export's headers (`utrex init-mapping`).

The format is documented in ``mappings/README.md``.
"""

from .adapter import MappingAdapter
from .crosswalks import BUILTIN as BUILTIN_CROSSWALKS
from .draft import draft_mapping
from .engine import MappingEngine
from .load import LoadedMapping, MappingError, load_mapping
from .model import FieldRule, Join, Mapping, RecordBlock, SourceSpec, Where
from .values import day_equivalent_180, excel_serial

__all__ = [
    "BUILTIN_CROSSWALKS",
    "FieldRule",
    "Join",
    "LoadedMapping",
    "Mapping",
    "MappingAdapter",
    "MappingEngine",
    "MappingError",
    "RecordBlock",
    "SourceSpec",
    "Where",
    "day_equivalent_180",
    "draft_mapping",
    "excel_serial",
    "load_mapping",
]
