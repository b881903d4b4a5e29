"""One module per command group; each lists its commands as :class:`Command` values.

:data:`MODULES` says which module holds each command, so a command imports only its own
module; the parser registers the other commands by name (all of them in full only for
``--help``).  Command modules import the core lazily, inside the commands.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from ..session import Session


class Command:
    """One command (a plain class: typing.NamedTuple would import typing on every run)."""

    __slots__ = ("arguments", "help", "name", "reads_only", "run")

    def __init__(
        self,
        name: str,
        help: str,
        arguments: Callable[[argparse.ArgumentParser], None],
        run: Callable[[Session], int],
        reads_only: bool = False,  # a read command: the data file must exist, nothing is created
    ) -> None:
        self.name = name
        self.help = help
        self.arguments = arguments
        self.run = run
        self.reads_only = reads_only

    def __repr__(self) -> str:
        return f"Command({self.name!r})"


def no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


# Which module holds each command, in the order `pmo --help` lists them: a command imports
# only its own module (the others are listed by name, and fully only for --help).
MODULES: dict[str, str] = {
    "init": "cards",
    "add": "cards",
    "ls": "cards",
    "show": "cards",
    "edit": "cards",
    "move": "cards",
    "rm": "cards",
    "restore": "cards",
    "start": "timers",
    "stop": "timers",
    "cancel": "timers",
    "status": "timers",
    "log": "timers",
    "export": "exchange",
    "import": "exchange",
    "sprint": "sprints",
    "timesheet": "timesheet",
    "burndown": "burndown",
    "config": "config",
    "prompt": "prompt",
}


def _module_commands(module: str) -> list[Command]:
    # Plain import statements (not importlib.import_module): `python -X importtime`, which
    # the speed checks and the no-Textual test read, only reports those.
    if module == "cards":
        from . import cards as found
    elif module == "timers":
        from . import timers as found  # type: ignore[no-redef]
    elif module == "exchange":
        from . import exchange as found  # type: ignore[no-redef]
    elif module == "sprints":
        from . import sprints as found  # type: ignore[no-redef]
    elif module == "timesheet":
        from . import timesheet as found  # type: ignore[no-redef]
    elif module == "burndown":
        from . import burndown as found  # type: ignore[no-redef]
    elif module == "prompt":
        from . import prompt as found  # type: ignore[no-redef]
    else:
        from . import config as found  # type: ignore[no-redef]
    commands: list[Command] = found.COMMANDS
    return commands


def all_commands() -> list[Command]:
    """Every command, fully (for `pmo --help` and tests)."""
    by_name = {c.name: c for m in dict.fromkeys(MODULES.values()) for c in _module_commands(m)}
    return [by_name[name] for name in MODULES]


def commands_named(names: set[str]) -> dict[str, Command]:
    """The commands among ``names`` (argv's words), importing only their modules."""
    modules = dict.fromkeys(MODULES[n] for n in MODULES if n in names)
    return {c.name: c for m in modules for c in _module_commands(m) if c.name in names}


def run_command(name: str, session: Session) -> int:
    command = commands_named({name})[name]
    if command.reads_only:
        session.require_file()
    return command.run(session)
