"""`MappingAdapter`: an adapter whose whole knowledge of an export is a mapping file.

The generic CSV adapter is this class with a name; a vendor adapter (Aspire) subclasses it with a
default mapping shipped in its package and, where a format needs rules no mapping can state,
overrides `items` to check or amend what the engine yields.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from ..adapters import Adapter, Item
from ..errors import UtrexError
from ..findings import Finding
from .engine import MappingEngine
from .load import LoadedMapping, load_mapping


class MappingAdapter(Adapter):
    """Converts an input folder by a mapping file (``--mapping``, else ``default_mapping``)."""

    default_mapping: ClassVar[Path | None] = None

    def __init__(self, input_dir: str | os.PathLike[str], *,
                 mapping: str | os.PathLike[str] | None = None):
        super().__init__(input_dir, mapping=mapping)
        path = self.mapping_path or self.default_mapping
        if path is None:
            raise UtrexError(f"the {self.name} adapter needs a mapping file: --mapping FILE")
        self.mapping: LoadedMapping = load_mapping(path)
        self.engine = MappingEngine(self.mapping, self.input_dir)

    @property
    def edition(self) -> str:
        return self.mapping.edition

    def items(self) -> Iterator[Item]:
        return self.engine.items()

    def findings(self) -> list[Finding]:
        return self.engine.findings()

    def blank_rows(self) -> Mapping[str, int]:
        return self.engine.blank_rows()
