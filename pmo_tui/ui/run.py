"""Open the app from the CLI's parsed arguments."""

from __future__ import annotations

import argparse
import gc
import os
import sys


def run_app(args: argparse.Namespace) -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    # No cycle collection while Textual and the app are imported either (~15 ms of it):
    # PmoApp.run pauses it on from there to the first frame (see there).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_app(args, was_enabled)
    finally:
        if was_enabled:
            gc.enable()


def _run_app(args: argparse.Namespace, gc_enabled: bool) -> int:
    from ..core import config
    from ..core.errors import StoreError, UseCaseError
    from .app import PmoApp

    try:
        cfg = config.load_config()
    except config.ConfigError as exc:
        sys.stderr.write(f"pmo: {exc}\n")
        return 2
    path = config.resolve_db(args.db, cfg)
    try:
        app = PmoApp(
            path,
            user=config.resolve_user(cfg),
            project=config.resolve_project(args.project, cfg),
            theme=args.theme,
            config=cfg,
        )
        if not app.store.exists():  # first use: create the file with the default project
            with app.store.transaction():
                pass
    except StoreError as exc:
        sys.stderr.write(f"pmo: cannot use data file {exc.path}: {exc.reason}\n")
        return 3
    except UseCaseError as exc:
        sys.stderr.write(f"pmo: {exc}\n")
        return 2
    if gc_enabled:
        gc.enable()  # run() pauses it again, until the first frame
    app.run()
    return 0
