"""CLI commands beyond the core ones, one module per command group; `cli.py` registers them."""
