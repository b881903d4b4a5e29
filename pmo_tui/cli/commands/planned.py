"""Commands of the SPEC that are not built yet: listed, and each says so plainly (exit 2).

They move to their own modules (sprints.py, reports.py, config.py) when their issues land.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import Command

if TYPE_CHECKING:
    from ..session import Session

EXIT_NOT_BUILT = 2
PLANNED = {
    "sprint": "plan and run sprints",
    "burndown": "sprint burndown chart",
}


def not_built(name: str) -> int:
    sys.stderr.write(f"pmo {name}: not built yet (planned; see README)\n")
    return EXIT_NOT_BUILT


def _any_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def _run(name: str) -> Callable[[Session], int]:
    def run(env: Session) -> int:
        return not_built(name)

    return run


COMMANDS = [
    Command(name, f"{text} (planned: not built yet)", _any_arguments, _run(name))
    for name, text in PLANNED.items()
]
