"""What the app tells its screens: the data they show may have changed.

Screens subscribe to ``PmoApp.data_changed`` (a Textual ``Signal``) when mounted, and learn
about new data from it: a write saved, an undo, another process's write read back, a project
switched; the app never pokes at their methods.  It is delivered at once (not queued behind
the keys already typed), so the next key of a burst acts on what the screen now shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataChanged:
    """``focus``: a card the cursor should go to (a card just added), if any;
    ``project_switched``: the workflow (the columns) may be another one."""

    focus: str | None = None
    project_switched: bool = False
