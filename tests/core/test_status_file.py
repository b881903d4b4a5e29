"""The status file's format (core/storage/jsonfile/status.py): what Python reads back, and
what the shell part of each line may carry."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pmo_tui.core.storage.jsonfile import status

SIG = (12, 3456, 1_796_000_000_123_456_789)
SHOWN = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-?")

values = st.one_of(st.none(), st.integers(), st.text(), st.booleans())
entries = st.fixed_dictionaries(
    {
        "card": st.one_of(st.text(), st.from_regex(r"[A-Z]{2,5}-[0-9]{1,5}", fullmatch=True)),
        "title": st.text(),
        "start": st.one_of(st.text(), st.just("2026-11-30T12:00:00Z"), values),
        "id": values,
    }
)


def _entry(card: Any = "PMO-1", start: Any = "2026-11-30T12:00:00Z") -> dict[str, Any]:
    return {"card": card, "title": "a title", "start": start, "id": 7}


@given(st.dictionaries(st.text(), entries, max_size=5))
def test_render_then_parse_gives_back_the_running_timers(running: dict[str, Any]) -> None:
    data = status.render(SIG, running)
    assert status.parse(data) == (SIG, running)
    head, *lines, last = data.split(b"\n")
    assert last == b"" and len(lines) == len(running)
    fields = head.split(b" ")
    assert fields[:2] == [b"pmo-status", b"2"] and fields[5] in (b"shell", b"pmo")
    for line in lines:
        user, card, start, payload = line.split(b"\t")
        payload.decode("ascii")  # JSON with ensure_ascii: no tab, no newline, no control
        # what the shell may print: a safe key or "?" (ask pmo), digits or "?"
        assert set(card.decode()) <= SHOWN
        assert start == b"?" or (start.isdigit() and not start.startswith(b"0"))
        if fields[5] == b"shell":
            text = user.decode("utf-8")
            assert text and text.isprintable() and "\t" not in text


def test_a_line_per_user_with_epoch_seconds() -> None:
    data = status.render(SIG, {"alice": _entry(), "bob": _entry("OPS-12", "2026-11-30T13:00:00")})
    assert data.split(b"\n")[:3] == [
        b"pmo-status 2 12 3456 1796000000123456789 shell",
        b'alice\tPMO-1\t1796040000\t["alice","PMO-1","2026-11-30T12:00:00Z",7,"a title"]',
        b'bob\tOPS-12\t1796043600\t["bob","OPS-12","2026-11-30T13:00:00",7,"a title"]',
    ]
    assert status.render(SIG, {}) == b"pmo-status 2 12 3456 1796000000123456789 shell\n"


def test_what_a_shell_line_cannot_carry() -> None:
    # a user: the whole file says "ask pmo" (no line could be matched safely)
    for user in ("", "bob\tx", "bob\nx", "\x1b[31m", "\u202eevil", "\ud800"):
        data = status.render(SIG, {user: _entry(), "alice": _entry()})
        assert data.split(b"\n")[0].endswith(b" pmo"), repr(user)
        assert status.parse(data) == (SIG, {user: _entry(), "alice": _entry()})
    # a card key or a start: that line says "?" (ask pmo); the others stay usable
    for card in ("PMO-1$(x)", "PMO 1", "-PMO", "PMO-1\x1b", "", None, 12, "É-1", "A" * 65):
        line = status.render(SIG, {"alice": _entry(card)}).split(b"\n")[1]
        assert line.split(b"\t")[1] == b"?", repr(card)
    for start in ("garbage", None, 0, "1960-01-01T00:00:00Z", "2026-13-01T00:00:00Z"):
        data = status.render(SIG, {"alice": _entry(start=start)})
        assert data.split(b"\n")[1].split(b"\t")[2] == b"?", repr(start)
        assert data.split(b"\n")[0].endswith(b" shell")


def test_anything_else_is_not_trusted() -> None:
    good = status.render(SIG, {"alice": _entry()})
    assert status.parse(good) is not None
    head, _, body = good.partition(b"\n")
    bad = [
        json.dumps({"sig": list(SIG), "running": {"alice": _entry()}}).encode(),  # version 1
        b"",
        good[:-1],  # cut short
        good + b"extra",
        head.replace(b"shell", b"maybe") + b"\n" + body,
        head.replace(b" 2 ", b" 3 ") + b"\n" + body,
        head + b" more\n" + body,
        head.replace(b"12", b"x") + b"\n" + body,
        head + b"\n" + body.replace(b"\t", b" ", 1),
        head + b"\n" + body.replace(b'["alice"', b'{"alice"', 1),
        head + b"\n" + body.replace(b',"a title"]', b"]"),
        head + b"\n" + body.replace(b'["alice"', b"[1", 1),
    ]
    for data in bad:
        assert status.parse(data) is None, data


def test_read_running_checks_the_signature_and_the_age(tmp_path: Path) -> None:
    db = tmp_path / "pmo.json"
    db.write_text("{}")
    st_db = os.stat(db)
    sig = (st_db.st_ino, st_db.st_size, st_db.st_mtime_ns)
    side = status.status_path(db)
    side.write_bytes(status.render(sig, {"alice": _entry()}))
    assert status.read_fast(db) == {"alice": _entry()}
    assert status.read_running(db, (sig[0], sig[1] + 1, sig[2])) is None
    # older than the data file: the shell would ask pmo at every prompt; so must Python
    os.utime(side, ns=(sig[2], sig[2] - 1))
    assert status.read_fast(db) is None
