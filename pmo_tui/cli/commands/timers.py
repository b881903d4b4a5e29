"""Timer commands: start, stop, cancel, status, log."""

from __future__ import annotations

from .. import EXIT_OK, UsageError
from . import Command, no_arguments

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ..session import Session


def _time(env: Session, text: str | None) -> Any:
    if text is None:
        return None
    from ...core import parse

    return env.parsed(parse.parse_time, text)


def start_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument(
        "key", nargs="?", help="the card (default: the card of your last entry, resumed)"
    )
    s.add_argument("--at", metavar="TIME")
    s.add_argument("--note", metavar="N")


def stop_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--at", metavar="TIME")
    s.add_argument("--note", metavar="N")


def cmd_start(env: Session) -> int:
    from ..output import out, report

    a = env.args
    if a.key is None:  # Watson's `restart`: the card of my last entry
        from ...core.usecases import timers

        change = timers.resume_timer(env.board.session, at=_time(env, a.at), note=a.note)
    else:
        change = env.board.start_timer(a.key, at=_time(env, a.at), note=a.note)
    report(change.notes)
    out(f"started timer on {change.key}")
    return EXIT_OK


def _no_file_no_timer(env: Session) -> None:
    """`stop`/`cancel` on a missing data file: no timer can run, and nothing (not even the
    lock file beside it) is created to say so."""
    if not env.path.exists():
        if not env.path.parent.is_dir():
            env.require_file()  # a typo in the folder: exit 3 naming it
        from ...core.errors import NothingToDo

        raise NothingToDo("no timer running")


def cmd_stop(env: Session) -> int:
    _no_file_no_timer(env)
    from ..output import report

    change = env.board.stop_timer(at=_time(env, env.args.at), note=env.args.note)
    report(change.notes)
    return EXIT_OK


def cmd_cancel(env: Session) -> int:
    _no_file_no_timer(env)
    from ..output import report

    report(env.board.cancel_timer().notes)
    return EXIT_OK


def status_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--short", action="store_true", help="e.g. `PMO-12 0:42`, for a prompt")
    s.add_argument("--json", action="store_true")


def cmd_status(env: Session) -> int:
    """The full path, when the status file could not answer (see :mod:`..fast_status`)."""
    from ...core.storage.jsonfile.store import running_timers, write_status_file
    from ..fast_status import print_status

    board = env.board
    tables = board.store.read()
    running = running_timers(board.store, tables)  # (from the entries' index)
    if board.store.signature is not None:  # refresh the prompt cache for next time
        write_status_file(board.store, tables)
    return print_status(running.get(env.user), env.args.short, env.args.json, env.user)


def log_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("key")
    s.add_argument("duration", nargs="?")
    s.add_argument("--date", metavar="DATE")
    s.add_argument("--from", dest="from_", metavar="TIME")
    s.add_argument("--to", metavar="TIME")
    s.add_argument("--note", metavar="N")


def cmd_log(env: Session) -> int:
    from ...core import parse
    from ..output import report

    a = env.args
    if a.from_ or a.to:
        if a.duration or a.date:
            raise UsageError("give either DURATION [--date] or --from/--to, not both")
        change = env.board.log_time(
            a.key, start=_time(env, a.from_), end=_time(env, a.to), note=a.note
        )
    else:
        if not a.duration:
            raise UsageError("give a duration (e.g. 45m) or --from TIME --to TIME")
        minutes = env.parsed(parse.parse_duration, a.duration, env.cfg.hours_per_day)
        # A weekday name means the most recent one for a log (SPEC 3), not the next one.
        day = env.parsed(lambda t: parse.parse_date(t, past=True), a.date) if a.date else None
        change = env.board.log_time(a.key, minutes, on=day, note=a.note)
    report(change.notes)
    return EXIT_OK


COMMANDS = [
    Command(
        "start",
        "start a timer on a card, or resume your last one (stops your running one)",
        start_arguments,
        cmd_start,
    ),
    Command("stop", "stop your running timer", stop_arguments, cmd_stop),
    Command("cancel", "discard your running timer", no_arguments, cmd_cancel),
    Command("status", "your running timer (exit 1 when none)", status_arguments, cmd_status, True),
    Command("log", "log time on a card: a duration, or --from/--to", log_arguments, cmd_log),
]
