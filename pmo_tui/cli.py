"""The `pmo` command: argument parsing and output only; the work is in pmo_tui.core.

Nothing here imports Textual except the no-argument path, which opens the app.
`pmo status` is answered from the derived status file when it can be, before anything heavy
is imported, because it runs on every shell prompt.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from .core.board import Board
    from .core.change import Change
    from .core.storage.jsonfile.store import Store

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_FILE = 0, 1, 2, 3


class UsageError(Exception):
    """Bad usage or input (exit 2)."""


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"pmo: {text}\n")


# ------------------------------------------------------------------------- fast status
def _fast_status(argv: list[str]) -> int | None:
    """Answer `pmo [--db P] status [--short|--json]` from the status file; None: can't."""
    db = None
    rest = list(argv)
    while rest and rest[0].startswith("--") and rest[0] != "--":
        opt = rest.pop(0)
        if opt in ("--db", "--project") and rest:
            value = rest.pop(0)
            if opt == "--db":
                db = value
        elif opt.startswith("--db="):
            db = opt[5:]
        elif opt.startswith("--project="):
            pass
        else:
            return None
    if not rest or rest[0] != "status" or not set(rest[1:]) <= {"--short", "--json"}:
        return None
    from .core import config
    from .core.storage.jsonfile import status

    try:
        cfg = config.load_config()
    except config.ConfigError:
        return None
    path = config.resolve_db(db, cfg)
    running = status.read_fast(path)
    if running is None:
        return None
    return _print_status(
        running.get(config.resolve_user(cfg)),
        "--short" in rest,
        "--json" in rest,
        config.resolve_user(cfg),
    )


def _print_status(entry: dict[str, Any] | None, short: bool, as_json: bool, user: str) -> int:
    from datetime import UTC, datetime

    if entry is None:
        if as_json:
            import json

            _out(json.dumps({"running": False, "user": user}))
        elif not short:
            _out("no timer running")
        return EXIT_NOTHING
    start = datetime.fromisoformat(str(entry["start"]).replace("Z", "+00:00"))
    minutes = max(0, int((datetime.now(UTC) - start).total_seconds() // 60))
    long = minutes > 600
    clock = f"{minutes // 60}:{minutes % 60:02d}"
    if as_json:
        import json

        _out(
            json.dumps(
                {
                    "running": True,
                    "user": user,
                    "card": entry.get("card"),
                    "title": entry.get("title", ""),
                    "start": entry.get("start"),
                    "minutes": minutes,
                    "long": long,
                }
            )
        )
    elif short:
        _out(f"{entry.get('card')} {clock}{'!' if long else ''}")
    else:
        from .core.text import display

        local = start.astimezone().strftime("%H:%M")
        _out(f"{entry.get('card')} {display(str(entry.get('title', '')))}: {clock} since {local}")
        if long:
            _out("warning: this timer has been running for over 10 hours - forgot to stop it?")
    return EXIT_OK


# ----------------------------------------------------------------------------- parser
def _terminal_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            columns = 80
    return max(40, columns) - 2


def build_parser() -> argparse.ArgumentParser:
    import argparse  # here, not at the top: `pmo status --short` must not pay for it

    class _Formatter(argparse.HelpFormatter):
        # argparse makes a formatter for every add_argument and would import shutil (and
        # bz2, lzma...) each time to ask the terminal width; ask it ourselves, cheaply.
        def __init__(self, prog: str, **kwargs: Any) -> None:
            kwargs.setdefault("width", _terminal_width())
            super().__init__(prog, **kwargs)

    class _Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", _Formatter)
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> Any:
            # One line, naming the bad value, instead of argparse's usage block.
            raise UsageError(f"{message} (see `{self.prog} --help`)")

    p = _Parser(
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
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help)

    s = cmd("init", "create the data file and/or a project")
    s.add_argument("--project", dest="init_project", metavar="KEY", default=None)
    s.add_argument("--name", metavar="NAME")
    s.add_argument("--template", choices=["scrum", "kanban"], default="scrum")
    s.add_argument("--demo", action="store_true", help="fill the project with sample data")

    def card_options(s: argparse.ArgumentParser, edit: bool) -> None:
        s.add_argument("-p", "--points", metavar="N")
        s.add_argument("-e", "--estimate", metavar="DUR")
        s.add_argument("-t", "--tag", action="append", dest="tags", metavar="TAG")
        s.add_argument("-a", "--assignee", metavar="USER")
        s.add_argument("--priority", metavar="P", help="none|low|medium|high|urgent")
        s.add_argument("--due", metavar="DATE")
        s.add_argument("--status", metavar="COL")
        s.add_argument("--sprint", metavar="ID|active")
        if edit:
            s.add_argument("--title", metavar="T")
            s.add_argument("--description", "-d", metavar="D")
        else:
            s.add_argument("--description", "-d", metavar="D")

    s = cmd("add", "add a card; prints its key")
    s.add_argument("title")
    card_options(s, edit=False)

    s = cmd("ls", "list cards")
    s.add_argument("--status", metavar="COL")
    s.add_argument("--sprint", metavar="ID|active|backlog")
    s.add_argument("--tag", metavar="T")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--assignee", metavar="U")
    g.add_argument("--mine", action="store_true")
    s.add_argument("--all", action="store_true", help="include archived cards")
    s.add_argument("--json", action="store_true")

    s = cmd("show", "one card with its time entries and history")
    s.add_argument("key")
    s.add_argument("--json", action="store_true")

    s = cmd("edit", "change a card's fields ('none' clears a field)")
    s.add_argument("key")
    card_options(s, edit=True)

    s = cmd("move", "move a card to a column (id or name)")
    s.add_argument("key")
    s.add_argument("column")

    s = cmd("rm", "archive a card (undo with `pmo restore`)")
    s.add_argument("key")
    s = cmd("restore", "unarchive a card")
    s.add_argument("key")

    s = cmd("start", "start a timer on a card (stops your running one)")
    s.add_argument("key")
    s.add_argument("--at", metavar="TIME")
    s.add_argument("--note", metavar="N")
    s = cmd("stop", "stop your running timer")
    s.add_argument("--at", metavar="TIME")
    s.add_argument("--note", metavar="N")
    cmd("cancel", "discard your running timer")
    s = cmd("status", "your running timer (exit 1 when none)")
    s.add_argument("--short", action="store_true", help="e.g. `PMO-12 0:42`, for a prompt")
    s.add_argument("--json", action="store_true")
    s = cmd("log", "log time on a card: a duration, or --from/--to")
    s.add_argument("key")
    s.add_argument("duration", nargs="?")
    s.add_argument("--date", metavar="DATE")
    s.add_argument("--from", dest="from_", metavar="TIME")
    s.add_argument("--to", metavar="TIME")
    s.add_argument("--note", metavar="N")

    s = cmd("export", "write all data as JSON or CSV")
    s.add_argument("--format", choices=["json", "csv"], default="json")
    s.add_argument("-o", "--output", metavar="FILE")
    s = cmd("import", "read a pmo JSON export (or CSV) into the data file")
    s.add_argument("file")
    s.add_argument("--format", choices=["json", "csv"], default=None)
    s.add_argument("--merge", action="store_true", help="overwrite records with the same key")
    return p


# --------------------------------------------------------------------------- commands
class Env:
    """What every command needs: config, the store and the use cases."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .core import config

        self.args = args
        try:
            self.cfg = config.load_config()
        except config.ConfigError as exc:
            raise UsageError(str(exc)) from None
        self.path = config.resolve_db(args.db, self.cfg)
        self.user = config.resolve_user(self.cfg)
        self.project = config.resolve_project(args.project, self.cfg)
        self._board: Board | None = None

    def store(self, seed: bool = True) -> Store:
        from .core.storage.jsonfile.store import Store

        return Store(self.path, seed=seed)

    @property
    def board(self) -> Board:
        if self._board is None:
            from .core.board import Board

            self._board = Board(
                self.store(), self.user, self.project, hours_per_day=self.cfg.hours_per_day
            )
        return self._board


def _report(change: Change, first: str | None = None) -> None:
    if first is not None:
        _out(first)
    for note in change.notes:
        _err(note) if note.startswith("WIP") else _out(note)


def _parse(fn: Any, *a: Any) -> Any:
    from .core import parse
    from .core.errors import UseCaseError

    try:
        return fn(*a)
    except parse.ParseError as exc:
        raise UseCaseError(str(exc)) from None


def cmd_init(env: Env) -> int:
    from .core.board import Board

    args = env.args
    key = args.init_project or env.project or "PMO"
    store = env.store(seed=False)
    board = Board(store, env.user, key, hours_per_day=env.cfg.hours_per_day)
    existed = store.exists()
    keys = [p.key for p in board.projects()]
    if key.upper() in keys and not args.demo:
        raise _use_error(f"project {key.upper()} already exists in {env.path}")
    if key.upper() not in keys:
        board.create_project(key, args.name, args.template)
    if args.demo:
        from .core.demo import fill_demo

        if board.card_docs(archived=True):
            raise _use_error(f"project {key.upper()} already has cards; --demo needs an empty one")
        n = fill_demo(board)
        _out(
            f"{'added' if existed else 'created'} {env.path} with demo project "
            f"{key.upper()} ({n} cards)"
        )
    else:
        _out(f"{'added project ' + key.upper() + ' to' if existed else 'created'} {env.path}")
    return EXIT_OK


def _use_error(msg: str) -> Exception:
    from .core.errors import UseCaseError

    return UseCaseError(msg)


def cmd_add(env: Env) -> int:
    a = env.args
    change = env.board.add_card(
        a.title,
        status=a.status,
        points=a.points,
        estimate=a.estimate,
        tags=a.tags or (),
        assignee=a.assignee,
        priority=a.priority or "none",
        due=a.due,
        sprint=a.sprint,
        description=a.description or "",
    )
    _report(change, change.key)
    return EXIT_OK


def cmd_edit(env: Env) -> int:
    a = env.args
    clear = set()
    given: dict[str, Any] = {}
    for name in ("points", "estimate", "assignee", "due", "sprint"):
        value = getattr(a, name)
        if value is not None and value.strip().lower() in ("none", "-", ""):
            clear.add(name)
        elif value is not None:
            given[name] = value
    for name in ("title", "description", "priority", "status"):
        value = getattr(a, name)
        if value is not None:
            given[name] = value
    if a.tags is not None:
        given["tags"] = [t for t in a.tags if t.strip().lower() not in ("none", "")]
    if not given and not clear:
        raise UsageError("nothing to change: give at least one option (see `pmo edit --help`)")
    change = env.board.edit_card(a.key, clear=clear, **given)
    _report(
        change, f"{change.key} updated" if change.patches[0].after else f"{change.key} unchanged"
    )
    return EXIT_OK


def cmd_move(env: Env) -> int:
    change = env.board.move_card(env.args.key, env.args.column)
    _report(change, change.label.replace("move", "moved", 1) if change.patches else None)
    return EXIT_OK


def cmd_rm(env: Env) -> int:
    change = env.board.archive(env.args.key)
    _report(change, f"archived {change.key} (undo: pmo restore {change.key})")
    return EXIT_OK


def cmd_restore(env: Env) -> int:
    change = env.board.restore(env.args.key)
    _report(change, f"restored {change.key}")
    return EXIT_OK


def _time(text: str | None) -> Any:
    if text is None:
        return None
    from .core import parse

    return _parse(parse.parse_time, text)


def cmd_start(env: Env) -> int:
    change = env.board.start_timer(env.args.key, at=_time(env.args.at), note=env.args.note)
    _report(change)
    _out(f"started timer on {change.key}")
    return EXIT_OK


def cmd_stop(env: Env) -> int:
    change = env.board.stop_timer(at=_time(env.args.at), note=env.args.note)
    _report(change)
    return EXIT_OK


def cmd_cancel(env: Env) -> int:
    _report(env.board.cancel_timer())
    return EXIT_OK


def cmd_status(env: Env) -> int:
    from .core.storage.jsonfile import status

    board = env.board
    tables = board.store.read()
    running = status.running_by_user(tables)
    if board.store.signature is not None:  # refresh the prompt cache for next time
        from .core.storage.jsonfile.store import write_status_file

        write_status_file(board.store, tables)
    return _print_status(running.get(env.user), env.args.short, env.args.json, env.user)


def cmd_log(env: Env) -> int:
    from .core import parse

    a = env.args
    if a.from_ or a.to:
        if a.duration or a.date:
            raise UsageError("give either DURATION [--date] or --from/--to, not both")
        change = env.board.log_time(a.key, start=_time(a.from_), end=_time(a.to), note=a.note)
    else:
        if not a.duration:
            raise UsageError("give a duration (e.g. 45m) or --from TIME --to TIME")
        minutes = _parse(parse.parse_duration, a.duration, env.cfg.hours_per_day)
        day = _parse(parse.parse_date, a.date) if a.date else None
        change = env.board.log_time(a.key, minutes, on=day, note=a.note)
    _report(change)
    return EXIT_OK


def cmd_ls(env: Env) -> int:
    from .core import queries

    a = env.args
    board = env.board
    rows = queries.list_cards(
        board,
        status=a.status,
        sprint=a.sprint,
        tag=a.tag,
        assignee=env.user if a.mine else a.assignee,
        include_archived=a.all,
    )
    spent = board.spent()
    if a.json:
        from .core.model import card_doc_to_json

        _json([card_doc_to_json(d, spent.get(d["key"], 0)) for d in rows])
        return EXIT_OK
    _out(queries.format_table(board, rows, spent))
    return EXIT_OK


def cmd_show(env: Env) -> int:
    from .core import queries

    board = env.board
    key = board.resolve_key(env.args.key)
    detail = queries.card_detail(board, key)
    if env.args.json:
        _json(detail)
    else:
        _out(queries.format_detail(board, detail))
    return EXIT_OK


def cmd_export(env: Env) -> int:
    from .core import exchange

    board = env.board
    if env.args.format == "csv":
        payload = exchange.export_csv(board).encode("utf-8")
    else:
        payload = exchange.export_json(board.store)
    if env.args.output and env.args.output != "-":
        try:
            with open(env.args.output, "wb") as fh:
                fh.write(payload)
        except OSError as exc:
            raise UsageError(f"cannot write {env.args.output!r}: {exc.strerror}") from None
        _out(f"exported to {env.args.output}")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload if payload.endswith(b"\n") else payload + b"\n")
    return EXIT_OK


def cmd_import(env: Env) -> int:
    from .core import exchange

    fmt = env.args.format or ("csv" if env.args.file.lower().endswith(".csv") else "json")
    try:
        with open(env.args.file, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {env.args.file!r}: {exc.strerror}") from None
    store = env.store(seed=False)
    summary = exchange.import_data(
        store, raw, fmt, merge=env.args.merge, user=env.user, project=env.project
    )
    _out(summary)
    return EXIT_OK


def _json(value: Any) -> None:
    import orjson

    sys.stdout.flush()
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


COMMANDS = {
    "init": cmd_init,
    "add": cmd_add,
    "ls": cmd_ls,
    "show": cmd_show,
    "edit": cmd_edit,
    "move": cmd_move,
    "rm": cmd_rm,
    "restore": cmd_restore,
    "start": cmd_start,
    "stop": cmd_stop,
    "cancel": cmd_cancel,
    "status": cmd_status,
    "log": cmd_log,
    "export": cmd_export,
    "import": cmd_import,
}


def open_app(args: argparse.Namespace) -> int:
    """`pmo` with no command: the app (its own module imports Textual)."""
    try:
        from .ui.run import run_app
    except ImportError:  # the app has not landed in this build
        build_parser().print_help()
        return EXIT_OK
    return run_app(args)


_TIME_OPTIONS = ("--at", "--from", "--to", "--date", "--due")


def _glue_negative_times(argv: list[str]) -> list[str]:
    """`--at -15m` means 15 minutes ago; argparse would take `-15m` for an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if arg in _TIME_OPTIONS and len(nxt) > 1 and nxt[0] == "-" and nxt[1].isdigit():
            out.append(f"{arg}={nxt}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # a real `pmo` process, not a test calling main([...])
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
    import gc

    gc.disable()  # a short-lived process: the cyclic GC only adds pauses
    argv = _glue_negative_times(argv)
    try:
        try:
            code = _fast_status(argv)
        except Exception:  # a damaged status file: the full path below answers instead
            code = None
        if code is not None:
            return code
        return _run(argv)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:  # `pmo ls | head`
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_OK


def _run(argv: list[str]) -> int:
    from .core.errors import NothingToDo, StoreError, UseCaseError

    parser = build_parser()
    env: Env | None = None
    try:
        args = parser.parse_args(argv)
        if args.version:
            from importlib.metadata import version

            _out(f"pmo {version('pmo-tui')}")
            return EXIT_OK
        if args.command is None:
            return open_app(args)
        env = Env(args)
        return COMMANDS[args.command](env)
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
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Values in the file that the code cannot use: somebody edited it by hand.
        if os.environ.get("PMO_DEBUG"):
            raise
        path = env.path if env is not None else "the data file"
        _err(
            f"cannot use data file {path}: damaged or unexpected value "
            f"({type(exc).__name__}: {str(exc)[:120]})"
        )
        return EXIT_FILE
    except Exception as exc:  # never a traceback for a user
        if os.environ.get("PMO_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set PMO_DEBUG=1 for details)")
        return 70


if __name__ == "__main__":
    sys.exit(main())
