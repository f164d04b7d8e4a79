"""The mapping engine: a checked mapping plus an input folder -> a stream of records and rejects.

On construction the engine opens every source (`inputs`: encodings and delimiters detected) and
compiles each record block against each file's header (`compiler`): every column a rule names is
resolved to a position once, and a column that is not there is a `MappingError` naming the key,
the file and the columns it does have — before any row is read. `items` then streams each
block's rows through the compiled getters and converters (`rows`), one `Mapped` or `Rejected`
per row, so a million-row export is converted in constant memory (lookup files, which are small,
are held in memory). What a block compiles into is `plan`'s data.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from ..adapters import Item
from ..findings import Finding
from .compiler import BlockCompiler
from .inputs import open_sources
from .load import LoadedMapping, MappingError, load_mapping
from .rows import RowRunner


class MappingEngine:
    """Converts an input folder by a mapping. See the module doc."""

    def __init__(self, loaded: LoadedMapping, input_dir: str | Path):
        self.loaded = loaded
        self.input_dir = Path(input_dir)
        self._findings: list[Finding] = []
        no_rows: set[str] = set()  # files said to have no rows, by a block or a lookup
        self.sources = open_sources(loaded, self.input_dir, self._findings, no_rows)
        compiler = BlockCompiler(loaded, self.sources)
        self._blocks = [compiler.compile(where, block) for where, block in loaded.blocks]
        if compiler.problems:
            raise MappingError(loaded.path, compiler.problems)
        self._runner = RowRunner(self._findings, no_rows, loaded.mapping.on_invalid)

    @classmethod
    def from_files(cls, mapping: str | Path, input_dir: str | Path) -> MappingEngine:
        return cls(load_mapping(mapping), input_dir)

    def items(self, limit: int | None = None) -> Iterator[Item]:
        """Every block's rows, block by block, file by file, in file order; with ``limit``,
        only the first ``limit`` rows of each file (`check.check_mapping --sample`)."""
        for block in self._blocks:
            for compiled in block.files:
                yield from islice(self._runner.rows(block, compiled), limit)
        for source in self.sources.values():
            if not any(b.block.source == source.name for b in self._blocks):
                self._findings.extend(source.unused_findings())

    def findings(self) -> list[Finding]:
        return self._findings

    def blank_rows(self) -> dict[str, int]:
        """Blank rows skipped per file: the record blocks' files and the lookup files'."""
        blank = dict(self._runner.blank)
        for account in self.lookup_accounts():
            if account["blank"]:
                blank[account["file"]] = account["blank"]
        return blank

    def lookup_accounts(self) -> list[dict[str, int | str]]:
        """The rows of files no record block reads (joins and lookups only), so that they are
        counted too: read = used + unused + ragged (`LookupSource.accounts`)."""
        out: list[dict[str, int | str]] = []
        for source in self.sources.values():
            if not source.primary:
                out.extend(source.accounts())
        return out
