"""The prompt path: ``pmo [--db P] status [--short|--json]`` from the status file.

A shell prompt runs ``pmo status --short`` every time it draws, so this module imports the
standard library only (and pmo's config and status-file readers, which do the same).  It
does not import :mod:`pmo_tui.core.text`: that pulls in ``typing`` (~9 ms).  The display
rule is replicated in :func:`display` and a test keeps the two equal.
"""

from __future__ import annotations

import sys

EXIT_OK, EXIT_NOTHING = 0, 1
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def display(text: str) -> str:
    """Same as :func:`pmo_tui.core.text.display` (control and bidi characters escaped)."""
    if text.isprintable():
        return text
    import unicodedata

    return "".join(
        repr(ch)[1:-1]
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch != " ")
        else ch
        for ch in text
    )


def epoch_seconds(text: str) -> int | None:
    """Seconds since 1970 of a time in pmo's stored form (``2026-11-30T09:15:00Z``), as
    ``datetime.fromisoformat`` reads it; None for any other form (then ask datetime).
    The prompt's path does not import datetime (~1.2 ms) for it."""
    if len(text) != 20 or text[4] != "-" or text[7] != "-" or text[10] != "T":
        return None
    if text[13] != ":" or text[16] != ":" or text[19] != "Z":
        return None
    digits = text[0:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19]
    if not (digits.isascii() and digits.isdigit()):
        return None
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in_month = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= days_in_month[month - 1]):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    # Days from 1970-01-01 to the date (H. Hinnant's days_from_civil).
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return days * 86400 + hour * 3600 + minute * 60 + second


def minutes_since(start: str) -> int:
    """Whole minutes from ``start`` (stored ISO 8601) to now, at least 0."""
    epoch = epoch_seconds(start)
    if epoch is None:
        from datetime import UTC, datetime

        began = datetime.fromisoformat(start.replace("Z", "+00:00"))
        return max(0, int((datetime.now(UTC) - began).total_seconds() // 60))
    import time

    return max(0, int((time.time() - epoch) // 60))


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def try_fast_status(argv: list[str]) -> int | None:
    """Answer from the status file; None: this is not that command, or it can't be
    trusted (then the full path answers)."""
    db = None
    rest = list(argv)
    while rest and rest[0].startswith("--") and rest[0] != "--":
        opt = rest.pop(0)
        if opt in ("--db", "--project") and rest:
            value = rest.pop(0)
            if opt == "--db":
                db = value
        elif opt.startswith("--db="):
            db = opt[5:]
        elif opt.startswith("--project="):
            pass
        else:
            return None
    if not rest or rest[0] != "status" or not set(rest[1:]) <= {"--short", "--json"}:
        return None
    from ..core import config
    from ..core.storage.jsonfile import status

    config_file = config.config_file_text()  # (text: pathlib is not imported here)
    if config_file is None:
        return None
    try:
        cfg = config.load_config(config_file)
    except config.ConfigError:
        return None
    path = config.db_text(db, cfg)
    if path is None:
        return None
    running = status.read_fast(path)
    if running is None:
        return None
    user = config.resolve_user(cfg)
    return print_status(running.get(user), "--short" in rest, "--json" in rest, user)


def print_status(entry: dict[str, object] | None, short: bool, as_json: bool, user: str) -> int:
    """Print a user's running timer (or its absence); every stored string displayed."""
    if entry is None:
        if as_json:
            import json

            _out(json.dumps({"running": False, "user": user}))
        elif not short:
            _out("no timer running")
        return EXIT_NOTHING
    minutes = minutes_since(str(entry["start"]))
    long = minutes > 600
    clock = f"{minutes // 60}:{minutes % 60:02d}"
    card = display(str(entry.get("card")))
    if as_json:
        import json  # ensure_ascii: every control, C1 and bidi character is \u-escaped

        _out(
            json.dumps(
                {
                    "running": True,
                    "user": user,
                    "card": entry.get("card"),
                    "title": entry.get("title", ""),
                    "start": entry.get("start"),
                    "minutes": minutes,
                    "long": long,
                }
            )
        )
    elif short:
        _out(f"{card} {clock}{'!' if long else ''}")
    else:
        from datetime import datetime

        start = datetime.fromisoformat(str(entry["start"]).replace("Z", "+00:00"))
        local = start.astimezone().strftime("%H:%M")
        _out(f"{card} {display(str(entry.get('title', '')))}: {clock} since {local}")
        if long:
            _out("warning: this timer has been running for over 10 hours - forgot to stop it?")
    return EXIT_OK
