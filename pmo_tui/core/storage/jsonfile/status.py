"""The derived status file beside the data file, for ``pmo status --short``.

A shell prompt runs ``pmo status --short`` every time it draws, so it must not parse a data
file of many megabytes.  Every transaction writes ``<data file>.status``: the running timers
per user, stamped with the data file's identity (inode, size, mtime) right after the write.
A reader trusts it only while the data file still has that identity; otherwise it falls back
to the data file and rewrites it.  Only the standard library is imported here.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from itertools import compress, repeat
from operator import is_, methodcaller

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any
else:  # the runtime value of the aliases below (typing costs ~3 ms to import)
    Any = object

Doc = dict[str, Any]


def status_path(db: str | os.PathLike[str]) -> Path:
    """Beside the real data file (a linked data file has one status file, not one per link)."""
    from pathlib import Path

    return Path(status_text(db))


def status_text(db: str | os.PathLike[str]) -> str:
    """``str(status_path(db))``: the prompt's path does not import pathlib (~3 ms)."""
    return os.path.realpath(db) + ".status"


def running_by_user(
    tables: dict[str, dict[str, Doc]], card: Callable[[str], Doc | None] | None = None
) -> dict[str, Doc]:
    """Each user's running entry, with the card title, from the full tables (``card`` looks
    one card up by key; without it the cards table is scanned)."""
    out: dict[str, Doc] = {}
    entries = list(tables.get("time_entries", {}).values())
    # Find the open entries in C (map/compress): there may be tens of thousands.
    ends = map(methodcaller("get", "end"), entries)
    for doc in compress(entries, map(is_, ends, repeat(None))):
        if doc.get("user") is not None:
            out[str(doc["user"])] = {
                "card": doc.get("card"),
                "title": "",
                "start": doc.get("start"),
                "id": doc.get("id"),
            }
    if out and card is not None:
        for entry in out.values():
            found = card(str(entry["card"]))
            entry["title"] = (found or {}).get("title", "")
    elif out:
        titles = {str(e["card"]): "" for e in out.values()}
        for doc in tables.get("cards", {}).values():
            if doc.get("key") in titles:
                titles[doc["key"]] = doc.get("title", "")
        for entry in out.values():
            entry["title"] = titles[str(entry["card"])]
    return out


def render(sig: tuple[int, int, int], running: dict[str, Doc]) -> bytes:
    return json.dumps({"sig": list(sig), "running": running}).encode()


def read_running(db: str | os.PathLike[str], sig: tuple[int, int, int]) -> dict[str, Doc] | None:
    """Running timers by user from the status file if it was written for ``sig``."""
    try:
        # Never through a link, never waiting on a FIFO a teammate put there.
        fd = os.open(status_text(db), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    if not isinstance(data, dict) or data.get("sig") != list(sig):
        return None
    running = data.get("running")
    if not isinstance(running, dict) or not all(isinstance(v, dict) for v in running.values()):
        return None
    return running


def read_fast(db: str | os.PathLike[str]) -> dict[str, Doc] | None:
    """Running timers by user from the status file, or None if it cannot be trusted."""
    try:
        st = os.stat(db)
    except OSError:
        return None
    return read_running(db, (st.st_ino, st.st_size, st.st_mtime_ns))
