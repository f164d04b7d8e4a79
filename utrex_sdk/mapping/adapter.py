"""`MappingAdapter`: an adapter whose whole knowledge of an export is a mapping file.

The generic CSV adapter is this class with a name; a vendor adapter (Aspire) subclasses it with a
default mapping shipped in its package and, where a format needs rules no mapping can state,
overrides `items` to check or amend what the engine yields.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from ..adapters import Adapter, Item
from ..errors import UtrexError
from ..findings import Finding
from .engine import MappingEngine
from .load import LoadedMapping, MappingError, load_mapping


class MappingAdapter(Adapter):
    """Converts an input folder by a mapping file (``--mapping``, else ``default_mapping``)."""

    default_mapping: ClassVar[Path | None] = None
    options_model: ClassVar[type[BaseModel] | None] = None
    """The pydantic model of the mapping's ``[adapter]`` table; None: the adapter takes none."""

    def __init__(self, input_dir: str | os.PathLike[str], *,
                 mapping: str | os.PathLike[str] | None = None,
                 reference: str | os.PathLike[str] | None = None):
        super().__init__(input_dir, mapping=mapping, reference=reference)
        path = self.mapping_path or self.default_mapping
        if path is None:
            raise UtrexError(f"the {self.name} adapter needs a mapping file: --mapping FILE")
        self.mapping: LoadedMapping = load_mapping(path)
        self.options: Any = self._options()
        self.engine = MappingEngine(self.mapping, self.input_dir)

    def _options(self) -> BaseModel | None:
        """The mapping's ``[adapter]`` table, checked by `options_model`; each mistake is named
        by its key (``adapter.KEY``), as the loader names the mapping's other mistakes."""
        raw = self.mapping.mapping.adapter
        if self.options_model is None:
            if raw:
                raise MappingError(self.mapping.path, [
                    f"adapter: the {self.name} adapter takes no settings (found "
                    f"{', '.join(sorted(raw))}); remove the [adapter] table"])
            return None
        try:
            return self.options_model.model_validate(raw)
        except ValidationError as err:
            raise MappingError(self.mapping.path, [
                "adapter." + ".".join(str(p) for p in e["loc"]) + ": "
                + ("unknown setting; allowed: " + ", ".join(sorted(self.options_model.model_fields))
                   if e["type"] == "extra_forbidden" else e["msg"])
                for e in err.errors()]) from None

    @property
    def edition(self) -> str:
        return self.mapping.edition

    def items(self) -> Iterator[Item]:
        return self.engine.items()

    def findings(self) -> list[Finding]:
        return self.engine.findings()

    def blank_rows(self) -> Mapping[str, int]:
        return self.engine.blank_rows()

    def lookup_files(self) -> list[dict[str, int | str]]:
        return self.engine.lookup_accounts()

    def input_files(self) -> list[Path]:
        """The mapping and every file its sources opened."""
        files = [self.mapping.path]
        for source in self.engine.sources.values():
            files += [self.input_dir / shown for shown, _ in source.files]
        return files
