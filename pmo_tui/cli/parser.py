"""The argument parser, built from the command modules.

Every command is listed (so ``pmo --help`` shows them all), but only the subparsers of
the commands named in argv get their arguments: building all of them costs more than a
timer command itself.  argparse is imported here, never on the prompt path.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import UsageError
from .commands import MODULES, all_commands, commands_named

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GLOBAL_VALUE_OPTIONS = ("--db", "--project", "--theme")
# Options whose value may start with "-": `--at -15m` (15 minutes ago), `-t -perf` (remove
# a tag).  argparse would take those values for options.
_NEGATIVE_TIME_OPTIONS = ("--at", "--from", "--to", "--date", "--due", "--week", "--month")
_TAG_OPTIONS = ("-t", "--tag")


def command_of(argv: list[str]) -> str | None:
    """The command word of argv (after the global options), or None."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_VALUE_OPTIONS:
            i += 2
            continue
        if arg == "--":
            return argv[i + 1] if i + 1 < len(argv) else None
        if not arg.startswith("-"):
            return arg
        i += 1
    return None


def glue_negative_values(argv: list[str]) -> list[str]:
    """Join `--at -15m` into `--at=-15m` and `-t -perf` into `--tag=-perf`."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if arg == "--":
            out.extend(argv[i:])
            break
        if arg in _NEGATIVE_TIME_OPTIONS and len(nxt) > 1 and nxt[0] == "-" and nxt[1].isdigit():
            out.append(f"{arg}={nxt}")
            i += 2
            continue
        if arg in _TAG_OPTIONS and len(nxt) > 1 and nxt[0] == "-" and nxt[1] != "-":
            out.append(f"--tag={nxt}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


_WIDTH: list[int] = []


def terminal_width() -> int:
    """The terminal's columns (COLUMNS first; 80 when not a terminal; at least 40), asked
    once: argparse asks for every parser and argument, and shutil.get_terminal_size would
    import shutil (and bz2, lzma...) on a command's path."""
    if not _WIDTH:
        _WIDTH.append(_measure_width())
    return _WIDTH[0]


def _measure_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            columns = 80
    return max(40, columns)


def _skip_gettext_when_untranslatable() -> None:
    """argparse passes each of its own messages through gettext, which imports locale and
    looks for a catalogue per language on disk, every time (~1.5 ms a command).  Its
    catalogues live in one folder (gettext's default: ``<Python prefix>/share/locale``);
    when that folder does not exist nothing can be found and every message stays as it is,
    so argparse gets the identity functions instead.  Otherwise nothing changes."""
    import gettext

    if os.path.isdir(getattr(gettext, "_default_localedir", "")) or gettext.textdomain() != (
        "messages"
    ):
        return
    if getattr(gettext, "_localedirs", None):  # bindtextdomain was called: leave it be
        return
    names = vars(argparse)
    if names.get("_") is gettext.gettext and names.get("ngettext") is gettext.ngettext:
        names["_"] = _untranslated
        names["ngettext"] = _untranslated_plural


def _untranslated(message: str) -> str:
    return message


def _untranslated_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_skip_gettext_when_untranslatable()


class _Formatter(argparse.HelpFormatter):
    # argparse makes a formatter for every add_argument and would import shutil (and
    # bz2, lzma...) each time to ask the terminal width; ask it ourselves, cheaply.
    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("width", terminal_width() - 2)
        super().__init__(prog, **kwargs)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:
        # One line, naming the bad value, instead of argparse's usage block.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the commands it names get their arguments."""
    p = Parser(
        prog="pmo",
        description="pmo: a keyboard-first sprint board and timer. "
        "Run without a command to open the board.",
    )
    p.add_argument(
        "--db",
        metavar="PATH",
        help="data file (default: $PMO_DB, config, or ~/.local/share/pmo/pmo.json)",
    )
    p.add_argument("--project", metavar="KEY", help="project key (default: the first)")
    p.add_argument("--theme", metavar="NAME", help="app theme")
    p.add_argument("--version", action="store_true", help="print the version")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    command = None if argv is None else command_of(argv)
    if command in MODULES and not {"-h", "--help"} & set(argv or ()):
        commands = [commands_named({command})[command]]  # the one command argv runs
    else:  # help, no command or an unknown one (argparse then lists them): all of them
        commands = all_commands()
    for c in commands:
        c.arguments(sub.add_parser(c.name, help=c.help, description=c.help))
    return p
