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
    from datetime import UTC, datetime

    if entry is None:
        if as_json:
            import json

            _out(json.dumps({"running": False, "user": user}))
        elif not short:
            _out("no timer running")
        return EXIT_NOTHING
    start = datetime.fromisoformat(str(entry["start"]).replace("Z", "+00:00"))
    minutes = max(0, int((datetime.now(UTC) - start).total_seconds() // 60))
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
        local = start.astimezone().strftime("%H:%M")
        _out(f"{card} {display(str(entry.get('title', '')))}: {clock} since {local}")
        if long:
            _out("warning: this timer has been running for over 10 hours - forgot to stop it?")
    return EXIT_OK
