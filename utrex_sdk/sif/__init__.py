"""SIF 2.x objects: the 2020-21 submission as the state collects it.

The 2020-21 spec maps every field to a SIF XPath; since February 2016 a district's data reaches
UTREx as SIF objects the state's Data Collector pulls from the district's SIF agent. This
package writes canonical records as those objects and reads them back — it is not a SIF agent
and does not talk to a zone. See docs/sif.md.

- `write_sif(records, path)` -> `SifWriteReport` (atomic, like `write_file`);
- `read_sif(path)` streams `ParsedLine` items, as the fixed-width reader does
  (`utrex_sdk.read_file` picks it by content: `is_sif`);
- `extensions_schema()`: the XSD of Utah's UTExtensions content, from the mapping;
- `sif_spec()`: the mapping as data (``utrex_sdk/spec/sif/*.toml``);
- `commands`: what the CLI's ``utrex sif``, ``convert --to sif`` and ``--xsd`` call.
"""

from .detect import is_sif
from .extensions_schema import extensions_schema
from .reader import parse_sif, read_sif
from .spec import sif_spec
from .writer import SifWriteReport, sif_bytes, write_sif

__all__ = ["SifWriteReport", "extensions_schema", "is_sif", "parse_sif", "read_sif",
           "sif_bytes", "sif_spec", "write_sif"]
