"""Shim: the read-side helpers moved to :mod:`pmo_tui.core.reports.queries` (remove after
the CLI imports them from there)."""

from .reports.queries import *  # noqa: F403
from .reports.queries import __all__  # noqa: F401
