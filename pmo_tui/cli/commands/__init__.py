"""One module per command group; each lists its commands as :class:`Command` values.

Importing a command module is cheap (argparse definitions and lazy imports of the core):
the parser needs every command's name and help, and only the used command's arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import argparse

    from ..session import Session


class Command(NamedTuple):
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Session], int]
    reads_only: bool = False  # a read command: the data file must exist, nothing is created


def no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def all_commands() -> list[Command]:
    from . import cards, exchange, planned, timers

    return [*cards.COMMANDS, *timers.COMMANDS, *exchange.COMMANDS, *planned.COMMANDS]


def run_command(name: str, session: Session) -> int:
    for command in all_commands():
        if command.name == name:
            if command.reads_only:
                session.require_file()
            return command.run(session)
    raise AssertionError(f"no command {name!r}")  # the parser only lets known names through
