"""Whether the CLI should colour a chart: on a terminal, unless NO_COLOR (no-color.org)
is set to anything non-empty or TERM is ``dumb``; FORCE_COLOR forces it (tests, `less -R`)."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def use_color(stream: TextIO | None = None) -> bool:
    env = os.environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    out = sys.stdout if stream is None else stream
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and env.get("TERM") != "dumb"
