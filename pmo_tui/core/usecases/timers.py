"""Timer use cases: start, stop, cancel, toggle, and log a finished entry.

Rules (SPEC 5): a user has at most one running entry; a user's entries never overlap
(touching at a boundary is not an overlap); nothing starts or ends in the future.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .. import parse
from ..change import Change, Patch
from ..errors import NothingToDo, UseCaseError
from ..model import Doc, iso, parse_iso
from . import validate
from .records import update_row
from .session import Session


def _check_not_future(s: Session, at: datetime, what: str) -> None:
    if at > s.clock() + timedelta(minutes=1):
        raise UseCaseError(f"{what} {parse.format_time(at)} is in the future")


def _span(doc: Doc, now: datetime) -> tuple[datetime, datetime]:
    start = parse_iso(doc["start"])
    return start, parse_iso(doc["end"]) if doc.get("end") else max(now, start)


_MINUTE = timedelta(minutes=1)


def check_overlap(
    s: Session,
    start: datetime,
    end: datetime | None,
    *,
    ignore: frozenset[int] | set[int] = frozenset(),
    entries: list[Doc] | None = None,
) -> None:
    """Refuse an entry [start, end) that overlaps one of the user's entries, saying whether
    it starts inside an earlier entry or would run into a later one."""
    now = s.clock()
    for doc in s.storage.entries(user=s.user) if entries is None else entries:
        if doc.get("id") in ignore:
            continue
        s0, e0 = _span(doc, now)
        if (end is None or s0 < end) and start < e0:
            span = f"({parse.format_time(s0)} - {parse.format_time(e0)})"
            if s0 <= start:
                raise UseCaseError(
                    f"{parse.format_time(start)} falls inside your entry on {doc['card']} {span}"
                )
            raise UseCaseError(f"this entry would overlap your entry on {doc['card']} {span}")


def start_timer(
    s: Session, text: str, *, at: datetime | None = None, note: str | None = None
) -> Change:
    note_text = validate.note(note)
    with s.storage.transaction():
        key = s.resolve_key(text)
        card = s.storage.card(key) or {}
        if card.get("archived"):
            raise UseCaseError(f"{key} is archived: restore it first")
        now = s.clock()
        start = (at or now).replace(second=0 if at else now.second, microsecond=0)
        _check_not_future(s, start, "start")
        patches: list[Patch] = []
        notes: list[str] = []
        # The running entries and the latest end come from the storage's index: a timer
        # started now after every finished entry of mine ended cannot overlap one, so the
        # entries themselves are read only for an earlier start (or `--at`).
        running = s.storage.running(s.user)
        last = s.storage.last_end(s.user)
        mine: list[Doc] | None = None
        if at is not None or (last is not None and last > start.timestamp()):
            mine = s.storage.entries(user=s.user)
        for doc in running:
            began = parse_iso(doc["start"])
            if start < began:
                raise UseCaseError(
                    f"start {parse.format_time(start)} is before your running timer on "
                    f"{doc['card']} began ({parse.format_time(began)})"
                )
            if doc["card"] == key and at is None:
                raise UseCaseError(f"a timer is already running on {key}")
        if mine is not None:
            if at is not None:
                # `--at` is given to the minute (`now`, `10:58`): an entry that ended within
                # that same minute is touched, not overlapped: the timer starts where it ended.
                for doc in mine:
                    if doc.get("end") and start < parse_iso(doc["end"]) < start + _MINUTE:
                        start = parse_iso(doc["end"])
            # Check before changing anything.
            check_overlap(s, start, None, ignore={d["id"] for d in running}, entries=mine)
        for doc in running:
            began = parse_iso(doc["start"])
            patches.append(_set_fields(s, doc, {"end": iso(start)}))
            spent = int((start - began).total_seconds() // 60)
            notes.append(f"stopped timer on {doc['card']} ({parse.format_clock(spent)})")
        entry = {
            "id": s.storage.reserve_id("time_entries"),
            "card": key,
            "user": s.user,
            "start": iso(start),
            "end": None,
            "note": note_text,
        }
        s.storage.insert("time_entries", entry)
        patches.append(Patch("time_entries", str(entry["id"]), None, dict(entry)))
    return Change(f"start timer on {key}", patches, notes, key)


def last_card(s: Session) -> str | None:
    """The card of the user's most recent entry, for `pmo start` without a card (Watson's
    `restart`): the latest start wins; on equal starts a running entry, then the later end,
    then the later id.  None when the user has no entry."""
    best: tuple[datetime, bool, datetime, int] | None = None
    card: str | None = None
    for doc in s.storage.entries(user=s.user):
        start = parse_iso(doc["start"])
        end = parse_iso(doc["end"]) if doc.get("end") else None
        ident = doc.get("id")
        rank = (start, end is None, end or start, ident if isinstance(ident, int) else 0)
        if best is None or rank > best:
            best, card = rank, str(doc["card"])
    return card


def resume_timer(s: Session, *, at: datetime | None = None, note: str | None = None) -> Change:
    """Start a timer on the card of the user's last entry (:func:`last_card`); the rules
    (archived card, overlaps, a timer already running there) are :func:`start_timer`'s."""
    with s.storage.transaction():
        key = last_card(s)
        if key is None:
            raise UseCaseError("no previous entry to resume; give a card")
        return start_timer(s, key, at=at, note=note)


def _my_running(s: Session) -> Doc:
    running = s.storage.running(s.user)  # (from the index: the entries are not read)
    if not running:
        raise NothingToDo("no timer running")
    return running[0]


def _set_fields(s: Session, doc: Doc, fields: Doc) -> Patch:
    """Change fields of an entry known as ``doc`` (records.update_row without looking the
    entry up again: the running ones come from the index, not the entries)."""
    before = {k: doc.get(k) for k in fields}
    s.storage.update("time_entries", str(doc["id"]), fields)
    return Patch("time_entries", str(doc["id"]), before, dict(fields))


def stop_timer(s: Session, *, at: datetime | None = None, note: str | None = None) -> Change:
    note_text = validate.note(note)
    with s.storage.transaction():
        doc = _my_running(s)
        began = parse_iso(doc["start"])
        end = (at or s.clock()).replace(microsecond=0)
        _check_not_future(s, end, "stop")
        if end < began:
            raise UseCaseError(
                f"stop {parse.format_time(end)} is before the timer started "
                f"({parse.format_time(began)})"
            )
        fields: Doc = {"end": iso(end)}
        if note_text:
            fields["note"] = note_text
        patch = _set_fields(s, doc, fields)
        spent = int((end - began).total_seconds() // 60)
    return Change(
        f"stop timer on {doc['card']}",
        [patch],
        [f"stopped timer on {doc['card']} ({parse.format_clock(spent)})"],
        doc["card"],
    )


def cancel_timer(s: Session) -> Change:
    with s.storage.transaction():
        doc = _my_running(s)
        s.storage.remove("time_entries", str(doc["id"]))
    return Change(
        f"cancel timer on {doc['card']}",
        [Patch("time_entries", str(doc["id"]), dict(doc), None)],
        [f"discarded timer on {doc['card']}"],
        doc["card"],
    )


def toggle_timer(s: Session, text: str) -> Change:
    """The board's `t`: stop my timer if it runs on this card, else start one here."""
    with s.storage.transaction():
        key = s.resolve_key(text)
        running = s.running()
        if running is not None and running.card == key:
            return stop_timer(s)
        return start_timer(s, key)


def plan_log(
    s: Session,
    text: str,
    minutes: int | None = None,
    *,
    on: date | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[str, datetime, datetime]:
    """Where :func:`log_time` would put an entry, with every one of its checks, writing
    nothing (the timesheet screen's form calls it to say what is wrong at the field):
    (card key, start, end)."""
    key = s.resolve_key(text)
    now = s.clock()
    if start is not None or end is not None:
        if start is None or end is None:
            raise UseCaseError("give both --from and --to")
        if end <= start:
            raise UseCaseError(
                f"--to {parse.format_time(end)} is not after --from {parse.format_time(start)}"
            )
        _check_not_future(s, end, "end")
    else:
        if not minutes or minutes <= 0:
            raise UseCaseError("the duration must be more than 0 minutes")
        start, end = place(s, minutes, on or now.astimezone().date(), now)
    check_overlap(s, start, end)
    return key, start, end


def log_time(
    s: Session,
    text: str,
    minutes: int | None = None,
    *,
    on: date | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    note: str | None = None,
) -> Change:
    """A finished entry: a duration on a day, or an explicit start and end."""
    note_text = validate.note(note)
    with s.storage.transaction():
        key, start, end = plan_log(s, text, minutes, on=on, start=start, end=end)
        entry = {
            "id": s.storage.reserve_id("time_entries"),
            "card": key,
            "user": s.user,
            "start": iso(start),
            "end": iso(end),
            "note": note_text,
        }
        s.storage.insert("time_entries", entry)
        spent = int((end - start).total_seconds() // 60)
    return Change(
        f"log {parse.format_duration(spent)} on {key}",
        [Patch("time_entries", str(entry["id"]), None, dict(entry))],
        [
            f"logged {parse.format_duration(spent)} on {key} "
            f"({parse.format_time(start)} - {parse.format_time(end)})"
        ],
        key,
    )


def place(s: Session, minutes: int, day: date, now: datetime) -> tuple[datetime, datetime]:
    """Where a logged duration goes on a day: from 09:00 local, after the user's last entry
    that day.  On today, if that would end in the future, it ends now instead.  It never
    runs past midnight or starts the day before: a duration longer than the rest of the
    day is refused (log it on two days, or with --from/--to)."""
    if day > now.astimezone().date():
        raise UseCaseError(f"{day.isoformat()} is in the future")
    # Naive local times made aware by astimezone() get that day's own UTC offset (DST).
    midnight = datetime.combine(day, time(0, 0)).astimezone().astimezone(now.tzinfo)
    day_start = datetime.combine(day, time(9, 0)).astimezone().astimezone(now.tzinfo)
    day_end = datetime.combine(day + timedelta(days=1), time(0, 0)).astimezone()
    day_end = day_end.astimezone(now.tzinfo)
    start = day_start
    for doc in s.storage.entries(user=s.user):
        e = parse_iso(doc["end"]) if doc.get("end") else now
        b = parse_iso(doc["start"])
        if b < day_end and e > start and e <= day_end:
            start = max(start, e)
    length = timedelta(minutes=minutes)
    shown = parse.format_duration(minutes)
    if start + length > day_end:
        room = max(0, int((day_end - start).total_seconds() // 60))
        raise UseCaseError(
            f"{shown} is longer than the rest of the day {day.isoformat()} "
            f"({parse.format_duration(room)} from {parse.format_time(start)[-5:]}): "
            "log it over several days or with --from/--to"
        )
    if start + length > now:
        start = now.replace(second=0) - length
        if start < midnight:
            raise UseCaseError(
                f"{shown} is longer than the day so far ({day.isoformat()}): "
                "log it over several days or with --from/--to"
            )
    return start, start + length


def _own_entry(s: Session, entry_id: int | str) -> Doc:
    doc = s.storage.get("time_entries", str(entry_id))
    if doc is None:
        raise UseCaseError(f"no time entry {entry_id}")
    if doc.get("user") != s.user:
        raise UseCaseError(f"time entry {entry_id} is {doc.get('user')}'s: only they can change it")
    return doc


KEEP = object()  # edit_entry: leave the end as it is
_KEEP = KEEP


def plan_edit(
    s: Session,
    entry_id: int | str,
    *,
    start: datetime | None = None,
    end: datetime | object | None = _KEEP,
    note: str | None = None,
) -> tuple[Doc, Doc]:
    """What :func:`edit_entry` would write, with all its checks, writing nothing:
    (the entry, the fields that change)."""
    note_text = validate.note(note) if note is not None else None
    doc = _own_entry(s, entry_id)
    old_start = parse_iso(doc["start"])
    old_end = parse_iso(doc["end"]) if doc.get("end") else None
    new_start = old_start if start is None else start.replace(microsecond=0)
    if end is _KEEP:
        new_end = old_end
    else:
        assert end is None or isinstance(end, datetime)
        new_end = None if end is None else end.replace(microsecond=0)
        if new_end is None and old_end is not None:
            raise UseCaseError("a finished entry needs an end")
    _check_not_future(s, new_start, "start")
    if new_end is not None:
        _check_not_future(s, new_end, "end")
        if new_end <= new_start:
            raise UseCaseError(
                f"--to {parse.format_time(new_end)} is not after "
                f"--from {parse.format_time(new_start)}"
            )
    check_overlap(s, new_start, new_end, ignore={doc["id"]})
    fields: Doc = {}
    if new_start != old_start:
        fields["start"] = iso(new_start)
    if new_end != old_end:
        fields["end"] = None if new_end is None else iso(new_end)
    if note_text is not None and note_text != (doc.get("note") or ""):
        fields["note"] = note_text
    if not fields:
        raise NothingToDo(f"time entry {entry_id} is unchanged")
    return doc, fields


def edit_entry(
    s: Session,
    entry_id: int | str,
    *,
    start: datetime | None = None,
    end: datetime | object | None = _KEEP,
    note: str | None = None,
) -> Change:
    """Change one of my entries: its start, its end (a finished entry keeps one; a running
    one may stay running) and/or its note.  The rules are the timers': nothing in the
    future, the end after the start, no overlap with my other entries (the same messages
    as `pmo log`).  The change is a field patch, so undo is compare-and-set."""
    with s.storage.transaction():
        doc, fields = plan_edit(s, entry_id, start=start, end=end, note=note)
        patch = update_row(s, "time_entries", str(doc["id"]), fields)
    return Change(f"edit time entry on {doc['card']}", [patch], [], str(doc["card"]))


def delete_entry(s: Session, entry_id: int | str) -> Change:
    """Delete one of my entries (running or not); undo puts it back as it was."""
    with s.storage.transaction():
        doc = _own_entry(s, entry_id)
        s.storage.remove("time_entries", str(doc["id"]))
    minutes = _entry_minutes(doc, s.clock())
    return Change(
        f"delete time entry on {doc['card']}",
        [Patch("time_entries", str(doc["id"]), dict(doc), None)],
        [f"deleted {parse.format_duration(minutes)} on {doc['card']} (u undoes)"],
        str(doc["card"]),
    )


def _entry_minutes(doc: Doc, now: datetime) -> int:
    start, end = _span(doc, now)
    return max(0, int((end - start).total_seconds() // 60))
