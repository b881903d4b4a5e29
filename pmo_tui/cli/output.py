"""What the CLI prints: messages, tables, card details and JSON.

Every stored string that reaches the terminal goes through :func:`shown` (the one display
function, :func:`pmo_tui.core.text.display`): control characters, C1 codes and bidi
overrides are printed as escapes (``\\x1b``), never executed.  :func:`out` and :func:`err`
apply it once more to whole lines as a safety net (it is idempotent).  JSON is data: it
is written with JSON's own escaping (orjson escapes every C0 control character).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from ..core.text import display

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..core.model import Doc


def shown(value: Any) -> str:
    """Any stored value as terminal-safe text."""
    return display(value if isinstance(value, str) else str(value))


def _safe_lines(text: str) -> str:
    # (a table of 10,000 lines: one check of the whole text, not one per line)
    if text.isprintable() or text.replace("\n", " ").isprintable():
        return text
    return "\n".join(display(line) for line in text.split("\n"))


def out(text: str = "") -> None:
    sys.stdout.write(_safe_lines(text) + "\n")


def err(text: str) -> None:
    sys.stderr.write("pmo: " + _safe_lines(text) + "\n")


def json_out(value: Any) -> None:
    import orjson

    sys.stdout.flush()
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


def report(notes: Iterable[str], first: str | None = None) -> None:
    """A command's result line and the notes of its change (WIP warnings on stderr)."""
    if first is not None:
        out(first)
    for note in notes:
        err(note) if note.startswith("WIP") else out(note)


# ------------------------------------------------------------------------- width
def width(text: str) -> int:
    """Terminal cell width (East Asian wide characters take two cells)."""
    if text.isascii():  # nearly every cell: one C-level check instead of a call per char
        return len(text)
    import unicodedata  # (here: a command that prints ASCII never loads it)

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, cells: int) -> str:
    """Cut text to at most ``cells`` terminal cells, with an ellipsis when cut."""
    if width(text) <= cells:
        return text
    if text.isascii():
        return text[: max(0, cells - 1)] + "…"
    import unicodedata

    kept, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > cells - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + "…"


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


# ------------------------------------------------------------------------- tables
PRIORITY_SHORT = {"urgent": "urg", "high": "high", "medium": "med", "low": "low", "none": ""}
MIN_TITLE = 20


def format_table(
    columns: dict[str, str], docs: list[Doc], spent: dict[str, int], cols: int = 80
) -> str:
    """`pmo ls`: one line per card; ``columns`` maps column ids to names.  Fits ``cols``
    terminal cells: the title (then the tags) takes what the other columns leave, cut by
    display width (a wide character takes two cells), never less than 20 cells.  A due
    date before today on a card not done is marked with ``!``; this year's dates show as
    MM-DD.

    Built column by column (10,000 cards at a time): a column of ASCII text, nearly every
    one, is measured and fitted with C-level string methods, not a call per cell."""
    if not docs:
        return "no cards"
    from datetime import datetime

    from ..core import parse

    today = datetime.now().astimezone().date().isoformat()
    year = today[:5]
    fields, whole = _fields(docs)
    key, status, pts, who, pri, due, done, title, archived, tag = fields
    # one list per column, the heading first; a stored value at a time only where it
    # is not plain printable text (see _shown_all)
    keys = ["KEY", *_shown_all(list(key))]
    names = {s: shown(columns.get(s, s)) for s in {s for s in status if isinstance(s, str)}}
    statuses = ["STATUS", *[names[s] if isinstance(s, str) else shown(s) for s in status]]
    points = ["PTS"]
    points += ["" if p is None else str(p) if p.__class__ is int else shown(p) for p in pts]
    if whole:
        minutes = [spent.get(k if k.__class__ is str else str(k)) for k in key]
    else:  # (a card without a key: its minutes are those of "None", as always)
        minutes = [spent.get(str(d.get("key"))) for d in docs]
    durations = {m: parse.format_duration(m) for m in set(minutes) if m}  # (int() of m)
    spents = ["SPENT", *[durations[m] if m else "" for m in minutes]]
    whos = ["WHO", *_shown_all([a or "" for a in who])]
    pris = ["PRI"]
    pris += [
        PRIORITY_SHORT[p] if p in PRIORITY_SHORT else shown(p)
        for p in [str(p or "none") for p in pri]
    ]
    dues = ["DUE"]
    for day, ended in zip(_shown_all([d or "" for d in due]), done, strict=True):
        if day:
            late = day < today and not ended
            if day[:5] == year:  # this year's dates as MM-DD: five cells for the title
                day = day[5:]
            dues.append(day + "!" if late else day)
        else:
            dues.append(day)
    titles = ["TITLE"]
    titles += [
        t + "  (archived)" if a else t
        for t, a in zip(_shown_all(list(title)), archived, strict=True)
    ]
    tags = ["TAGS", *[_tags(t) if t else "" for t in tag]]
    fixed = [keys, statuses, points, spents, whos, pris, dues]
    cells, spec, used = [], [], 0
    for column in fixed:
        plain = "".join(column).isascii()
        widest = max(map(len, column)) if plain else max(map(width, column))
        cells_wide = min(widest, 24)
        used += cells_wide
        if plain and widest <= cells_wide:  # padded by the line's format, nothing cut
            cells.append(column)
            spec.append(f"{{:<{cells_wide}}}")
        else:
            cells.append(_fitted(column, cells_wide))
            spec.append("{}")
    room = max(MIN_TITLE, cols - used - 2 * len(fixed) - 1)
    line = "  ".join([*spec, "{}"]).format
    rest = _titles(titles, tags, room)
    return "\n".join([line(*r).rstrip() for r in zip(*cells, rest, strict=True)])


_FIELDS = (
    "key",
    "status",
    "points",
    "assignee",
    "priority",
    "due",
    "done",
    "title",
    "archived",
    "tags",
)


def _fields(docs: list[Doc]) -> tuple[list[tuple[Any, ...]], bool]:
    """The fields `ls` shows, one tuple per field over ``docs``, and whether every card
    has them all (a card pmo wrote does: they are taken in C).  A missing key, status or
    title reads as "", any other field as None."""
    from operator import itemgetter  # (loaded already: collections imports it)

    try:
        return list(zip(*map(itemgetter(*_FIELDS), docs), strict=True)), True
    except KeyError:  # a card written by hand or another tool
        text = ("key", "status", "title")
        return [tuple([d.get(f, "" if f in text else None) for d in docs]) for f in _FIELDS], False


def _shown_all(values: list[Any]) -> list[str]:
    """``[shown(v) for v in values]``: the list itself when all is printable text (one
    check of the joined text: nearly always)."""
    try:
        if "".join(values).isprintable():
            return values
    except TypeError:  # not all text
        pass
    return [shown(v) for v in values]


def _tags(values: Any) -> str:
    """The tags as ``#a #b``."""
    try:
        if "".join(values).isprintable():
            return "#" + " #".join(values)
    except TypeError:
        pass
    return " ".join(["#" + shown(t) for t in values])


def _fitted(column: list[str], cells: int) -> list[str]:
    """Each text cut to ``cells`` (ellipsis when cut) and padded to exactly ``cells``
    (``pad(clip(text, cells), cells)``)."""
    if "".join(column).isascii():
        cut = max(0, cells - 1)
        return [t.ljust(cells) if len(t) <= cells else t[:cut] + "…" for t in column]
    return [_fit(t, cells)[0].ljust(cells) if t.isascii() else _pad_fit(t, cells) for t in column]


def _pad_fit(text: str, cells: int) -> str:
    fit, used = _fit(text, cells)
    return fit + " " * max(0, cells - used)


def _fit(text: str, cells: int) -> tuple[str, int]:
    """``clip(text, cells)`` and its width, measuring the text once."""
    if text.isascii():
        if len(text) <= cells:
            return text, len(text)
        return text[: max(0, cells - 1)] + "…", max(0, cells - 1) + 1
    import unicodedata

    widths = [2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text]
    total = sum(widths)
    if total <= cells:
        return text, total
    used = n = 0
    for w in widths:
        if used + w > cells - 1:
            break
        used += w
        n += 1
    return text[:n] + "…", used + 1


def _titles(titles: list[str], tags: list[str], room: int) -> list[str]:
    """Each title cut to ``room`` cells, with its tags in what is left (>= 4 cells)."""
    if not ("".join(titles) + "".join(tags)).isascii():
        return [_title_and_tags(t, g, room) for t, g in zip(titles, tags, strict=True)]
    out = []
    for title, tag in zip(titles, tags, strict=True):  # ASCII: one cell a character
        if len(title) > room:
            title = title[: room - 1] + "…"
        rest = room - len(title) - 2
        if tag and rest >= 4:
            title += "  " + (tag if len(tag) <= rest else tag[: rest - 1] + "…")
        out.append(title)
    return out


def _title_and_tags(title: str, tags: str, room: int) -> str:
    """The title cut to ``room`` cells, and the tags after it in what is left (>= 4)."""
    title, used = _fit(title, room)
    rest = room - used - 2
    if tags and rest >= 4:
        return title + "  " + _fit(tags, rest)[0]
    return title


def _when(value: Any) -> str:
    from ..core import parse
    from ..core.model import parse_iso

    if not value:
        return "-"
    try:
        return parse.format_time(parse_iso(str(value)))
    except (ValueError, OverflowError):
        return shown(value)


def format_detail(columns: dict[str, str], d: Doc) -> str:
    """`pmo show`: one card with its time entries and history."""
    from datetime import date, datetime

    from ..core import parse

    lines = [f"{shown(d.get('key'))}  {shown(d.get('title', ''))}"]
    if d.get("archived"):
        lines.append("(archived)")

    def row(label: str, value: Any) -> None:
        lines.append(f"  {label:<10} {shown(value)}")

    status = d.get("status", "")
    row("status", columns.get(status, status) if isinstance(status, str) else status)
    row("points", "-" if d.get("points") is None else d["points"])
    estimate = d.get("estimate")
    spent = int(d.get("spent") or 0)
    est, pct = "-", ""
    if isinstance(estimate, int) and estimate > 0:
        est = parse.format_duration(estimate)
        pct = f" ({spent * 100 // estimate}% of estimate)"
    row("estimate", est)
    row("spent", parse.format_duration(spent) + pct)
    row("assignee", d.get("assignee") or "-")
    row("priority", d.get("priority") or "none")
    row("tags", " ".join("#" + shown(t) for t in d.get("tags") or []) or "-")
    row("sprint", d.get("sprint") if d.get("sprint") is not None else "-")
    due = d.get("due")
    if due:
        try:
            late = date.fromisoformat(str(due)) < datetime.now().astimezone().date()
        except ValueError:
            late = False
        row("due", f"{due}{'  OVERDUE' if late and not d.get('done') else ''}")
    row("created", _when(d.get("created")))
    if d.get("started"):
        row("started", _when(d.get("started")))
    if d.get("done"):
        row("done", _when(d.get("done")))
    if d.get("description"):
        lines.append("")
        lines.extend("  " + shown(line) for line in str(d["description"]).splitlines())
    entries = d.get("time_entries") or []
    if entries:
        lines.append("")
        lines.append("time entries:")
        for e in sorted(entries, key=lambda e: str(e.get("start"))):  # by time (ISO UTC)
            lines.append("  " + _entry_line(e))
    events = d.get("events") or []
    if events:
        lines.append("")
        lines.append("history:")
        for ev in events:
            lines.append(
                f"  {_when(ev.get('ts'))}  {shown(ev.get('user'))}  {_describe(columns, ev)}"
            )
    return "\n".join(lines)


def _entry_line(e: Doc) -> str:
    from datetime import datetime

    from ..core import parse
    from ..core.model import parse_iso

    try:
        start = parse_iso(str(e.get("start")))
        end = parse_iso(str(e["end"])) if e.get("end") else None
        minutes = int(((end or datetime.now(start.tzinfo)) - start).total_seconds() // 60)
    except (ValueError, OverflowError):
        return f"{shown(e.get('start'))} - {shown(e.get('end'))}  {shown(e.get('user'))}"
    began, ended = _when(e.get("start")), _when(e.get("end"))
    # the end's date only when it is another day than the start's (an entry across midnight)
    span = f"{began} - {(ended[-5:] if ended[:10] == began[:10] else ended) if end else 'running'}"
    note = f"  {shown(e['note'])}" if e.get("note") else ""
    return f"{span}  {parse.format_duration(max(0, minutes)):>7}  {shown(e.get('user'))}{note}"


def _describe(columns: dict[str, str], ev: Doc) -> str:
    kind = ev.get("type")

    def col(value: Any) -> str:
        return shown(columns.get(value, value) if isinstance(value, str) else value)

    if kind == "moved":
        return f"moved {col(ev.get('from'))} -> {col(ev.get('to'))}"
    to = ev.get("to")
    if kind == "created":
        return f"created in {col(to.get('status') if isinstance(to, dict) else to)}"
    if kind in ("edited", "estimated"):
        old = ev.get("from")
        before = old if isinstance(old, dict) else {}
        items = to.items() if isinstance(to, dict) else [("value", to)]
        changes = [_field_change(str(k), before.get(k), v) for k, v in items]
        changes = [c for c in changes if c]
        return clip(f"{kind} {', '.join(changes)}" if changes else str(kind), 80)
    if kind == "sprint_added":
        return f"added to sprint {shown(to)}"
    if kind == "sprint_removed":
        return f"removed from sprint {shown(ev.get('from'))}"
    return shown(kind)


def _field_change(name: str, old: Any, new: Any) -> str:
    """One field of an edit as a person writes it: `tags: +urgent -perf`, `estimate: 8h`,
    `title: New title` (not Python reprs with doubled escapes)."""
    from ..core import parse

    if name == "tags" and isinstance(new, list):
        was = old if isinstance(old, list) else []
        added = ["+" + shown(t) for t in new if t not in was]
        removed = ["-" + shown(t) for t in was if t not in new]
        return "tags: " + (" ".join(added + removed) or "reordered")
    if new is None or new == "":
        return f"{shown(name)}: cleared" if old not in (None, "") else ""
    if name == "estimate" and isinstance(new, int) and not isinstance(new, bool):
        return f"estimate: {parse.format_duration(new)}"
    if name == "description":
        return "description changed"
    return f"{shown(name)}: {clip(shown(new), 40)}"
