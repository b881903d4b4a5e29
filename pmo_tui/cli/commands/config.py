"""`pmo config path|show|set KEY VALUE` (SPEC sections 1 and 3).

These run without a :class:`~pmo_tui.cli.session.Session` (see :func:`run_config`): the
config command is how a broken config file gets fixed, so ``path`` and ``set`` must work
when every other command refuses the file.  ``show`` validates it and names what is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import EXIT_OK, UsageError
from . import Command

if TYPE_CHECKING:
    import argparse

    from ..session import Session


def config_arguments(s: argparse.ArgumentParser) -> None:
    actions = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("path", help="print where the config file is")
    show = actions.add_parser("show", help="every setting in force and where it comes from")
    show.add_argument("--json", action="store_true")
    set_ = actions.add_parser("set", help="change one setting, keeping the file's comments")
    set_.add_argument("key", metavar="KEY", help="a setting, or keymap.<binding id>")
    set_.add_argument("value", metavar="VALUE")


def run_config(args: argparse.Namespace) -> int:
    from ...core import config

    try:
        if args.action == "path":
            from ..output import out

            out(str(config.config_path()))
            return EXIT_OK
        if args.action == "show":
            return _show(args)
        return _set(args)
    except config.ConfigError as exc:
        raise UsageError(str(exc)) from None


def _show(args: argparse.Namespace) -> int:
    from ...core import config, config_edit
    from ..output import json_out, out

    cfg = config.load_config()  # a broken file: ConfigError naming the file and the key
    given = {"cli_db": args.db, "cli_project": args.project, "cli_theme": args.theme}
    if args.json:
        settings = config_edit.config_in_force(cfg, **given)
        json_out(
            {
                "path": str(cfg.path),
                "exists": cfg.path.exists(),
                "settings": {s.key: {"value": s.value, "source": s.source} for s in settings},
            }
        )
        return EXIT_OK
    out(config_edit.show_config(cfg, **given))
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    from ...core import config, config_edit
    from ...core.theme_names import known_theme_names
    from ..output import out, shown

    path = config.config_path()
    known = known_theme_names() if args.key == "theme" else None
    config_edit.set_config_value(path, args.key, args.value, known_themes=known)
    out(f"{shown(args.key)} = {shown(args.value)} in {path}")
    return EXIT_OK


def _run(env: Session) -> int:  # through a Session only if called as a plain command
    return run_config(env.args)


COMMANDS = [
    Command(
        "config",
        "the config file: `path`, `show [--json]`, `set KEY VALUE` (comments kept)",
        config_arguments,
        _run,
    ),
]
