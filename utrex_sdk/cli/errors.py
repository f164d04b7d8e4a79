"""How the command line reports a mistake: one line on stderr, never a traceback or a box.

Two kinds of mistake reach the user. The SDK's own `UtrexError` (a file that cannot be read, an
option value the SDK refuses) is raised inside a command and turned into a line by
`user_errors`, and so is an `OSError` the SDK did not turn into one itself (an I/O error in the
middle of a file): both are the input's or the system's, not the SDK's. The usage mistakes
that typer finds before a command runs (an unknown option, ``--jobs 3``, a missing argument)
would be printed as typer's multi-line box; the application is built with `OneLineUsageErrors`,
which prints them as one line too. Both exit with status 2.
Anything else is a bug in the SDK: `OneLineUsageErrors` prints one line naming the exception's
type and where it was raised (not its message, which may quote a student's data) and exits with
status 3; with ``UTREX_DEBUG=1`` (or ``utrex --debug``) the traceback is printed instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from ..errors import UtrexError

try:  # typer carries its own copy of click from 0.2x on; before, click was its dependency
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer
    from click.exceptions import ClickException

PREFIX = "utrex: error: "


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the SDK's own errors into a one-line message and exit status 2, and Ctrl-C into a
    one-line message and exit status 130: every file is written atomically, so an interrupted
    run has replaced none it had not finished."""
    try:
        yield
    except UtrexError as err:
        typer.echo(f"{PREFIX}{err}", err=True)
        raise typer.Exit(code=2) from None
    except BrokenPipeError:
        raise
    except OSError as err:  # the system failed a read or write the SDK had no reason to expect
        typer.echo(f"{PREFIX}{os_error(err)}", err=True)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        typer.echo("utrex: interrupted; files not finished were left as they were", err=True)
        raise typer.Exit(code=130) from None


def os_error(err: OSError) -> str:
    """An error of the system (an I/O error, a file removed or made unreadable while it was
    read) as one line: the file and the system's reason, never the exception's other text."""
    reason = err.strerror or type(err).__name__
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{reason[0].lower()}{reason[1:]} (a system error while reading or writing)"


class OneLineUsageErrors(TyperGroup):
    """The application's top-level group: a usage mistake anywhere below it is one line on
    stderr (``utrex: error: ... (see 'utrex validate --help')``) and exit status 2.

    Typer handles the mistakes itself only in its "standalone" mode, with a box; this runs the
    group outside that mode and does the standalone part (exit statuses) here."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as err:
            _usage_error(err)
        except typer.Abort:  # end of input at a prompt
            typer.echo("utrex: aborted", err=True)
            sys.exit(1)
        except (SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as err:  # a bug: one line and status 3, the traceback on request
            if debugging():
                raise
            typer.echo(internal_error(err), err=True)
            sys.exit(INTERNAL_ERROR)
        sys.exit(status if isinstance(status, int) else 0)


def _usage_error(err: ClickException) -> NoReturn:
    # ``utrex`` or ``utrex mapping`` alone: the help text was printed while the error was made
    if type(err).__name__ != "NoArgsIsHelpError":
        typer.echo(one_line(err), err=True)
    sys.exit(err.exit_code)


def one_line(err: ClickException) -> str:
    """A click/typer usage error as the one line the command line prints."""
    message = " ".join(err.format_message().split())
    ctx = getattr(err, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return f"{PREFIX}{message}{hint}"


INTERNAL_ERROR = 3
"""Exit status of an unexpected error (a bug): 2 is unusable input or usage, 1 Err findings."""


def debugging() -> bool:
    """``UTREX_DEBUG`` set (``utrex --debug`` sets it): show tracebacks of internal errors."""
    import os

    return os.environ.get("UTREX_DEBUG", "") not in ("", "0")


def internal_error(err: BaseException) -> str:
    """One line for a bug: the exception's type and the SDK line that raised it — never its
    message, which may quote a value from the data."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if "utrex_sdk" in f.filename or "utrex_" in f.filename] or frames
    where = f" at {ours[-1].filename.rsplit('/', 1)[-1]}:{ours[-1].lineno}" if ours else ""
    return (f"utrex: internal error: {type(err).__name__}{where}; this is a bug in utrex-sdk: "
            f"please report it (run again with UTREX_DEBUG=1 or utrex --debug for the "
            f"traceback)")
