"""Regenerate the docs that are generated from code: docs/rules.md, docs/reference-data.md.

    python scripts/gen_docs.py
"""

from pathlib import Path

from utrex_sdk.validation.catalogue_view import render_rules_md
from utrex_sdk.validation.reference import render_reference_md

DOCS = Path(__file__).resolve().parents[1] / "docs"

if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    (DOCS / "rules.md").write_text(render_rules_md(), encoding="utf-8")
    (DOCS / "reference-data.md").write_text(render_reference_md(), encoding="utf-8")
    print("wrote docs/rules.md and docs/reference-data.md")
