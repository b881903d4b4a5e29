"""The `pmo` command: argument parsing and output only; the work is in pmo_tui.core.

Modules: :mod:`.fast_status` answers the shell prompt's ``pmo status --short`` with the
standard library only; :mod:`.parser` builds argparse from the command modules (fully only
for the command used); :mod:`.output` prints tables, JSON and messages, every stored string
through the one display function; :mod:`.session` resolves config, data file, user and
project for a command; :mod:`.commands` holds one module per command group.

Exit codes (SPEC 3): 0 done, 1 nothing to report, 2 bad usage or input, 3 the data file
cannot be used, 70 an internal error (a bug in pmo, never blamed on the data file),
130 interrupted.  Nothing here imports Textual except :func:`.commands.app.open_app`.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_FILE = 0, 1, 2, 3
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: "an internal software error"

__all__ = ["EXIT_INTERNAL", "UsageError", "build_parser", "main"]


class UsageError(Exception):
    """Bad usage or input (exit 2)."""


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser (every command fully built unless ``argv`` names the one used)."""
    from .parser import build_parser as build

    return build(argv)


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # a real `pmo` process, not a test calling main([...])
        import gc

        gc.disable()  # a short-lived process: the cyclic GC only adds pauses
        return _exit_fast(_main(sys.argv[1:]))
    return _main(argv)


def _exit_fast(code: int) -> int:
    """End the process without tearing down the loaded data: a CLI command holds hundreds
    of thousands of small objects and freeing them one by one costs more than the command.
    Nothing is left to write: every change was committed (and fsynced) already."""
    if "pmo_tui.ui.app" in sys.modules:  # the app ran: leave the normal way
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


def _main(argv: list[str]) -> int:
    try:
        if "status" in argv:  # the prompt's command: answered from the status file if it can
            from .fast_status import try_fast_status

            try:
                code = try_fast_status(argv)
            except Exception:  # a damaged status file: the full path below answers instead
                code = None
            if code is not None:
                return code
        return _run(argv)
    except KeyboardInterrupt:
        sys.stderr.write("pmo: interrupted\n")
        return 130
    except BrokenPipeError:  # `pmo ls | head`
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK


def _run(argv: list[str]) -> int:
    from ..core.errors import NothingToDo, StoreError, UseCaseError
    from .parser import glue_negative_values

    try:
        argv = glue_negative_values(argv)
        args = build_parser(argv).parse_args(argv)
        if args.version:
            from importlib.metadata import version

            sys.stdout.write(f"pmo {version('pmo-tui')}\n")
            return EXIT_OK
        if args.command is None:
            from .commands.app import open_app

            return open_app(args)
        return _dispatch(args)
    except (UsageError, UseCaseError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except NothingToDo as exc:
        _err(str(exc))
        return EXIT_NOTHING
    except StoreError as exc:
        _err(f"cannot use data file {exc.path}: {exc.reason}")
        return EXIT_FILE
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # a bug in pmo: never a traceback for a user, never "your file"
        if os.environ.get("PMO_DEBUG"):
            import traceback

            traceback.print_exc()
        _err(
            f"internal error ({type(exc).__name__}: {str(exc)[:200]}) — this is a bug in pmo, "
            "not in your data file; please report it with `PMO_DEBUG=1 pmo ...` output"
        )
        return EXIT_INTERNAL


def _err(text: str) -> None:
    from .output import err  # every message through the one display function

    err(text)


def _dispatch(args: Any) -> int:
    from .commands import run_command
    from .session import Session

    if args.command == "config":  # no Session: it must work on a broken config file
        from .commands.config import run_config

        return run_config(args)

    return run_command(args.command, Session(args))
