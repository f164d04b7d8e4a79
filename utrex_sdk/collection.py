"""The collections a submission can be made for: the names ``--collection`` accepts.

The validator judges its year-end rules by the collection (`validation/context.py`); the names
live here, apart from it, so that the command line can list them in its help without importing
the validator.
"""

COLLECTIONS: tuple[str, ...] = ("oct1", "dec1", "year-end", "daily")
