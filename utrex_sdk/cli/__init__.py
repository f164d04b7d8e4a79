"""The ``utrex`` command line: `app` (the typer application) and `main` (the console script).

Commands print data to stdout and problems to stderr. Exit status: 0 success, 1 an Err finding
(`validate`, `convert`), 2 unusable input or usage (a one-line message, never a traceback).

The package is layered, and nothing imports upwards: `app` builds the application from the
modules in `commands/`, one per command group; those use the shared helpers `console`
(the one console configuration), `errors` (one-line errors) and `options` (options several
commands take). `commands/` never imports `app`, and a command imports the SDK's heavy parts
(the validator, the codec's record models) only when it runs, so that ``utrex --help`` starts
fast (`tests/test_cli_imports.py`).
"""

from .app import app, main

__all__ = ["app", "main"]
