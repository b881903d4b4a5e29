"""The derived status file beside the data file, for ``pmo status --short``.

A shell prompt runs ``pmo status --short`` every time it draws, so it must not parse a data
file of many megabytes.  Every transaction writes ``<data file>.status``: the running timers
per user, stamped with the data file's identity (inode, size, mtime) right after the write.
A reader trusts it only while the data file still has that identity; otherwise it falls back
to the data file and rewrites it.  The shell function of ``pmo prompt`` reads it too, with
builtins only (see the format below).  Only the standard library is imported here.
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


# The file, in a form a shell prompt reads with builtins alone (``read`` in a loop):
#
#   pmo-status 2 <inode> <size> <mtime_ns> shell|pmo
#   <user> TAB <card> TAB <start, epoch seconds> TAB <JSON [user, card, start, id, title]>
#
# One line per user with a running timer.  The first three fields are for the shell (see
# ``pmo prompt``); Python reads only the header and the JSON (ASCII: no tab, no newline).
# ``pmo`` in the header: some user cannot be carried safely on a shell line, so the shell
# must ask ``pmo status --short``; ``?`` in a card or start field says the same for one line.
MAGIC = b"pmo-status 2"


def shell_card(card: object) -> bool:
    """Whether the shell may print this card key: ASCII letters and digits, then also
    ``_ . -``, at most 64 (what the prompt function checks again before printing)."""
    return (
        isinstance(card, str)
        and 0 < len(card) <= 64
        and card.isascii()
        and card[0].isalnum()
        and card.replace("-", "a").replace("_", "a").replace(".", "a").isalnum()
    )


def _shell_user(user: str) -> bytes | None:
    """The user as the shell line carries it, or None if it cannot (tabs, newlines, control
    or format characters, nothing at all, or not encodable)."""
    if not user or not user.isprintable():
        return None
    try:
        return user.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _epoch(start: object) -> int | None:
    if not isinstance(start, str):
        return None
    from datetime import UTC, datetime  # (writers have it loaded; the prompt path never)

    try:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())  # whole seconds, as pmo stores them
    return seconds if 0 < seconds < 10**12 else None


def render(sig: tuple[int, int, int], running: dict[str, Doc]) -> bytes:
    """The status file's bytes for the data file of signature ``sig``."""
    lines = []
    shell_ok = True
    for user, entry in running.items():
        name = _shell_user(user)
        if name is None:
            shell_ok, name = False, b"?"
        card = entry.get("card")
        key = card.encode() if isinstance(card, str) and shell_card(card) else b"?"
        seconds = _epoch(entry.get("start"))
        start = str(seconds).encode() if seconds is not None else b"?"
        doc = [user, card, entry.get("start"), entry.get("id"), entry.get("title", "")]
        payload = json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode()
        lines.append(b"\t".join((name, key, start, payload)))
    head = b"%s %d %d %d %s" % (MAGIC, *sig, b"shell" if shell_ok else b"pmo")
    return b"\n".join([head, *lines, b""])


def parse(data: bytes) -> tuple[tuple[int, int, int], dict[str, Doc]] | None:
    """The signature and the running timers of a status file's bytes; None if it is not
    one this version wrote (an older format, damaged, or edited out of shape)."""
    head, _, body = data.partition(b"\n")
    fields = head.split(b" ")
    if len(fields) != 6 or b" ".join(fields[:2]) != MAGIC:
        return None
    if fields[5] not in (b"shell", b"pmo"):
        return None
    try:
        sig = (int(fields[2]), int(fields[3]), int(fields[4]))
    except ValueError:
        return None
    *lines, rest = body.split(b"\n")
    if rest:
        return None  # cut short
    running: dict[str, Doc] = {}
    for line in lines:
        parts = line.split(b"\t")
        if len(parts) != 4:
            return None
        try:
            doc = json.loads(parts[3])
        except ValueError:
            return None
        if not isinstance(doc, list) or len(doc) != 5 or not isinstance(doc[0], str):
            return None
        user, card, start, entry_id, title = doc
        running[user] = {"card": card, "title": title, "start": start, "id": entry_id}
    return sig, running


def read_running(db: str | os.PathLike[str], sig: tuple[int, int, int]) -> dict[str, Doc] | None:
    """Running timers by user from the status file if it was written for ``sig``."""
    try:
        # Never through a link, never waiting on a FIFO a teammate put there.
        fd = os.open(status_text(db), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        # Older than the data file: the shell function would ask pmo at every prompt, so
        # not trusted here either (the full path then rewrites it).
        if not stat.S_ISREG(st.st_mode) or st.st_mtime_ns < sig[2]:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    parsed = parse(data)
    if parsed is None or parsed[0] != tuple(sig):
        return None
    return parsed[1]


def read_fast(db: str | os.PathLike[str]) -> dict[str, Doc] | None:
    """Running timers by user from the status file, or None if it cannot be trusted."""
    try:
        st = os.stat(db)
    except OSError:
        return None
    return read_running(db, (st.st_ino, st.st_size, st.st_mtime_ns))
