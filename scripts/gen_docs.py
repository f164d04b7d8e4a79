"""Regenerate the docs that are generated from code: docs/rules.md, docs/reference-data.md.

    python scripts/gen_docs.py
"""

from pathlib import Path

from utrex_sdk.atomic import atomic_write
from utrex_sdk.validation.catalogue_view import render_rules_md
from utrex_sdk.validation.reference import render_reference_md

DOCS = Path(__file__).resolve().parents[1] / "docs"

if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    for name, text in (("rules.md", render_rules_md()),
                       ("reference-data.md", render_reference_md())):
        with atomic_write(DOCS / name) as handle:
            handle.write(text.encode("utf-8"))
    print("wrote docs/rules.md and docs/reference-data.md")
