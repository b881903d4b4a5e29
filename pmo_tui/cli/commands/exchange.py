"""Exchange commands: export, import."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import EXIT_OK, UsageError
from . import Command

if TYPE_CHECKING:
    import argparse

    from ..session import Session


def export_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--format", choices=["json", "csv"], default="json")
    s.add_argument("-o", "--output", metavar="FILE")


def cmd_export(env: Session) -> int:
    from ...core import exchange
    from ..output import out

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
        out(f"exported to {env.args.output}")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload if payload.endswith(b"\n") else payload + b"\n")
    return EXIT_OK


def import_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("file")
    s.add_argument("--format", choices=["json", "csv"], default=None)
    s.add_argument("--merge", action="store_true", help="overwrite records with the same key")


def cmd_import(env: Session) -> int:
    from ...core import exchange
    from ..output import out

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
    out(summary)
    return EXIT_OK


COMMANDS = [
    Command("export", "write all data as JSON or CSV", export_arguments, cmd_export, True),
    Command(
        "import", "read a pmo JSON export (or CSV) into the data file", import_arguments, cmd_import
    ),
]
