"""Card commands: init, add, ls, show, edit, move, rm, restore."""

from __future__ import annotations

from .. import EXIT_OK, UsageError
from . import Command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from ..session import Session


def _use_error(msg: str) -> Exception:
    from ...core.errors import UseCaseError

    return UseCaseError(msg)


# --------------------------------------------------------------------------- init
def init_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--project", dest="init_project", metavar="KEY", default=None)
    s.add_argument("--name", metavar="NAME")
    s.add_argument("--template", choices=["scrum", "kanban"], default="scrum")
    s.add_argument("--demo", action="store_true", help="fill the project with sample data")


def cmd_init(env: Session) -> int:
    from ...core.board import Board
    from ..output import out

    args = env.args
    key = args.init_project or env.project or "PMO"
    store = env.store(seed=False)
    board = Board(store, env.user, key, hours_per_day=env.cfg.hours_per_day)
    existed = store.exists()
    keys = [p.key for p in board.projects()]
    if key.upper() in keys and not args.demo:
        raise _use_error(f"project {key.upper()} already exists in {env.path}")
    planned = ""
    if key.upper() not in keys:
        from ...core.usecases.projects import create_project

        made = create_project(
            board.session, key, args.name, args.template, work_days=env.cfg.work_days
        )
        sprint = next((p.after for p in made.patches if p.table == "sprints"), None)
        if sprint and not args.demo:
            planned = (
                f"; planned {sprint['name']} from {sprint['start']} "
                f"(pmo sprint show {sprint['id']})"
            )
    if args.demo:
        from ...core.demo import fill_demo

        if board.card_docs(archived=True):
            raise _use_error(f"project {key.upper()} already has cards; --demo needs an empty one")
        n = fill_demo(board)
        out(
            f"{'added' if existed else 'created'} {env.path} with demo project "
            f"{key.upper()} ({n} cards)"
        )
    else:
        out(
            f"{'added project ' + key.upper() + ' to' if existed else 'created'} {env.path}"
            + planned
        )
    return EXIT_OK


# ---------------------------------------------------------------------- add, edit
def card_options(s: argparse.ArgumentParser, edit: bool) -> None:
    s.add_argument("-p", "--points", metavar="N")
    s.add_argument("-e", "--estimate", metavar="DUR")
    tag_help = (
        "+TAG adds one tag, -TAG removes one, a bare TAG replaces the list (repeatable; "
        "bare and +/- cannot be mixed)"
        if edit
        else "a tag (repeatable)"
    )
    s.add_argument("-t", "--tag", action="append", dest="tags", metavar="TAG", help=tag_help)
    s.add_argument("-a", "--assignee", metavar="USER")
    s.add_argument("--priority", metavar="P", help="none|low|medium|high|urgent")
    s.add_argument("--due", metavar="DATE")
    s.add_argument("--status", metavar="COL")
    s.add_argument("--sprint", metavar="ID|active")
    if edit:
        s.add_argument("--title", metavar="T")
    s.add_argument("--description", "-d", metavar="D")


def add_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("title")
    card_options(s, edit=False)


def add_tags(values: list[str]) -> list[str]:
    """`-t` values of `pmo add`: `+tag` is the tag; `-tag` has nothing to remove."""
    for value in values:
        if value.startswith("-"):
            raise UsageError(f"cannot remove tag {value!r} from a new card (use -t {value[1:]})")
    return [v[1:] if v.startswith("+") else v for v in values]


def cmd_add(env: Session) -> int:
    from ..output import report

    a = env.args
    change = env.board.add_card(
        a.title,
        status=a.status,
        points=a.points,
        estimate=a.estimate,
        tags=add_tags(a.tags or []),
        assignee=a.assignee,
        priority=a.priority or "none",
        due=a.due,
        sprint=a.sprint,
        description=a.description or "",
    )
    report(change.notes, change.key)
    return EXIT_OK


def edit_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("key")
    card_options(s, edit=True)


def split_tags(values: list[str]) -> tuple[list[str] | None, list[str], list[str]]:
    """`-t` values of `pmo edit`: (replacing list or None, tags to add, tags to remove).

    ``+tag`` adds one tag and ``-tag`` removes one (Taskwarrior's convention); bare tags
    replace the whole list (``-t none`` clears it).  Mixing the two in one command is
    refused: it is unclear whether the bare tags should replace before or after.
    """
    bare = [v for v in values if not v.startswith(("+", "-"))]
    signed = [v for v in values if v.startswith(("+", "-"))]
    if bare and signed:
        raise UsageError(
            f"cannot mix replacing tags ({bare[0]!r}) with +tag/-tag ({signed[0]!r}) in one "
            "edit: either list the tags (replaces them) or add/remove with +tag/-tag"
        )
    if bare:
        return [t for t in bare if t.strip().lower() not in ("none", "")], [], []
    add = [v[1:] for v in signed if v.startswith("+")]
    remove = [v[1:] for v in signed if v.startswith("-")]
    for tag in (*add, *remove):
        if not tag.strip():
            raise UsageError("a +/- tag needs a name, e.g. -t +urgent or -t -perf")
    return None, add, remove


def cmd_edit(env: Session) -> int:
    from ..output import report

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
        replace, add, remove = split_tags(a.tags)
        if replace is not None:
            given["tags"] = replace
        else:
            given.update(add_tags=add, remove_tags=remove)
    if not given and not clear:
        raise UsageError("nothing to change: give at least one option (see `pmo edit --help`)")
    change = env.board.edit_card(a.key, clear=clear, **given)
    first = f"{change.key} updated" if change.patches[0].after else f"{change.key} unchanged"
    report(change.notes, first)
    return EXIT_OK


# ------------------------------------------------------------ move, rm, restore
def move_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("key")
    s.add_argument("column")


def key_argument(s: argparse.ArgumentParser) -> None:
    s.add_argument("key")


def cmd_move(env: Session) -> int:
    from ..output import report

    change = env.board.move_card(env.args.key, env.args.column)
    report(change.notes, change.label.replace("move", "moved", 1) if change.patches else None)
    return EXIT_OK


def cmd_rm(env: Session) -> int:
    from ..output import report

    change = env.board.archive(env.args.key)
    report(change.notes, f"archived {change.key} (undo: pmo restore {change.key})")
    return EXIT_OK


def cmd_restore(env: Session) -> int:
    from ..output import report

    change = env.board.restore(env.args.key)
    report(change.notes, f"restored {change.key}")
    return EXIT_OK


# ----------------------------------------------------------------------- ls, show
def ls_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--status", metavar="COL")
    s.add_argument("--sprint", metavar="ID|active|backlog")
    s.add_argument("--tag", metavar="T")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--assignee", metavar="U")
    g.add_argument("--mine", action="store_true")
    s.add_argument("--search", metavar="TEXT", help="in key, title, description and tags")
    s.add_argument("--overdue", action="store_true", help="due before today and not done")
    s.add_argument("--sort", choices=["rank", "priority", "due", "updated"], default="rank")
    s.add_argument("--all", action="store_true", help="include archived cards")
    s.add_argument("--json", action="store_true")


def _today(env: Session) -> Any:
    # the local day (TZ) with the standard library: pendulum costs tens of ms to import
    return env.board.session.clock().astimezone().date()


def _column_names(env: Session, project: str | None = None) -> dict[str, str]:
    return {c.id: c.name for c in env.board.project(project).columns}


def cmd_ls(env: Session) -> int:
    from ...core.reports import queries
    from ..output import format_table, json_out, out

    a = env.args
    board = env.board
    rows = queries.list_cards(
        board,
        status=a.status,
        sprint=a.sprint,
        tag=a.tag,
        assignee=env.user if a.mine else a.assignee,
        include_archived=a.all,
        search=a.search,
        overdue=_today(env) if a.overdue else None,
        sort=a.sort,
    )
    spent = board.spent()
    if a.json:
        from ...core.model import card_doc_to_json

        json_out([card_doc_to_json(d, spent.get(d["key"], 0)) for d in rows])
        return EXIT_OK
    from ..parser import terminal_width

    out(format_table(_column_names(env), rows, spent, terminal_width()))
    return EXIT_OK


def show_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("key")
    s.add_argument("--json", action="store_true")


def cmd_show(env: Session) -> int:
    from ...core.reports import queries
    from ..output import format_detail, json_out, out

    board = env.board
    key = board.resolve_key(env.args.key)
    detail = queries.card_detail(board, key)
    if env.args.json:
        json_out(detail)
    else:
        out(format_detail(_column_names(env, detail.get("project")), detail))
    return EXIT_OK


COMMANDS = [
    Command("init", "create the data file and/or a project", init_arguments, cmd_init),
    Command("add", "add a card; prints its key", add_arguments, cmd_add),
    Command("ls", "list cards", ls_arguments, cmd_ls, reads_only=True),
    Command("show", "one card with its time entries and history", show_arguments, cmd_show, True),
    Command(
        "edit",
        "change a card's fields ('none' clears a field; -t +TAG / -t -TAG add or remove one)",
        edit_arguments,
        cmd_edit,
    ),
    Command("move", "move a card to a column (id or name)", move_arguments, cmd_move),
    Command("rm", "archive a card (undo with `pmo restore`)", key_argument, cmd_rm),
    Command("restore", "unarchive a card", key_argument, cmd_restore),
]
