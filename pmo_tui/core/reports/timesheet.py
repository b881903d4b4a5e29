"""The timesheet (SPEC sections 3 and 5): a grid of cards by days for a period and a set of
users, with totals, the target per work day, the balance, and spent time against estimates.

Everything here is a pure function of its inputs (entries, card docs, a period, the users,
config values, ``now`` and a zone), except :func:`timesheet_for`, which gathers those inputs
from a :class:`~pmo_tui.core.usecases.session.Session`.

Decisions (the README's timesheet notes repeat them):

- **Whole minutes, additive everywhere.**  Each instant is floored to its whole UTC minute
  before anything is measured, so an entry's minutes are ``end_minute - start_minute``.
  Local midnights are whole-minute instants, so the pieces of an entry split at midnight
  are whole minutes too and add up to the entry exactly.  Hence a cell is the exact sum of
  its pieces, a row total the sum of its cells, a day total the sum of its column, the
  period total the sum of everything, and the CSV's ``minutes`` column sums to the same
  totals: no rounding step anywhere, so the grid, the JSON and a spreadsheet over the CSV
  show the same numbers.  (Against the floor of each entry's duration this differs by at
  most one minute per entry and is not biased downwards.)
- **Real elapsed time.**  Everything is computed on UTC instants against the period's local
  day bounds (from :func:`calendar.day_bounds`), so a 25-hour October Sunday can hold 25
  hours and a 23-hour March Sunday at most 23.
- **Running entries** count up to ``now``.  Only the part of an entry inside the period
  counts.
- **Spent** is per card over every entry (any date, any user), with the rule the rest of
  pmo uses for ``spent`` (``Session.spent``: each entry's duration floored to minutes), so
  ``pmo ls --json`` and ``pmo timesheet --json`` agree on it.
- **percent_of_estimate** is floored (``spent * 100 // estimate``): 100 means the estimate
  is reached, never "almost"; null without an estimate (or a zero one).  ``over_estimate``
  is ``spent > estimate``.
- **Target**: ``target_hours_per_day`` on each work day, 0 on other days, times the number
  of users the report covers (everyone = every user who ever logged time).  ``balance`` is
  ``total - target``.
- **CSV**: one row per entry (SPEC 3) that overlaps the period, with its real start and end
  in local time (ISO-8601 with the offset, unambiguous across DST), ``minutes`` = the part
  inside the period (so the column sums to the grid's total), ``date`` = the local day of
  the first counted minute (an entry across midnight is not split: its minutes all go on
  that date).  A running entry has an empty ``end``.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import calendar
from ..model import Doc, TimeEntry, card_number, iso, parse_iso
from ..parse import ParseError, parse_date

if TYPE_CHECKING:
    from ..usecases.session import Session

MAX_DAYS = 366  # a --from/--to period longer than this is refused (a grid nobody reads)
CSV_COLUMNS = ("date", "user", "card", "title", "start", "end", "minutes", "note")


# ===================================================================== periods
@dataclass(frozen=True)
class Period:
    """The days from ``first`` to ``last``, both included (local calendar days)."""

    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return calendar.days(self.first, self.last)


def week_period(day: date) -> Period:
    """The Monday..Sunday week holding ``day``."""
    return Period(*calendar.week(day))


def month_period(day: date) -> Period:
    """The calendar month holding ``day``."""
    return Period(*calendar.month(day))


def shift_week(period: Period, weeks: int) -> Period:
    """The week ``weeks`` after (negative: before) the one holding ``period.first``
    (the screen's ``[`` and ``]``)."""
    return week_period(period.first + timedelta(weeks=weeks))


def range_period(first: date, last: date) -> Period:
    if last < first:
        raise ParseError(f"--to {last.isoformat()} is before --from {first.isoformat()}")
    if (last - first).days + 1 > MAX_DAYS:
        raise ParseError(f"period {first.isoformat()}..{last.isoformat()} is over {MAX_DAYS} days")
    return Period(first, last)


def parse_period(
    *,
    week: str | None = None,
    month: str | None = None,
    start: str | None = None,
    end: str | None = None,
    today: date,
) -> Period:
    """The period of ``pmo timesheet``'s options (SPEC 3).

    ``week``/``month`` hold the option's date text (``"today"`` when the option is given
    bare: argparse ``nargs="?", const="today"``), None when absent; ``start``/``end`` are
    ``--from``/``--to``.  Dates take every SPEC form, weekday names meaning the most recent
    one.  Nothing given: this week.  ``--from`` alone runs to today; ``--to`` alone, or two
    kinds of period at once, is a usage error (:class:`ParseError`, exit 2).
    """
    given = [name for name, v in (("--week", week), ("--month", month)) if v is not None]
    if start is not None or end is not None:
        given.append("--from/--to")
    if len(given) > 1:
        raise ParseError(f"choose one period: {' or '.join(given)}")
    if week is not None:
        return week_period(parse_date(week, today, past=True))
    if month is not None:
        return month_period(parse_date(month, today, past=True))
    if end is not None and start is None:
        raise ParseError("--to needs --from")
    if start is not None:
        first = parse_date(start, today, past=True)
        last = today if end is None else parse_date(end, today, past=True)
        return range_period(first, last)
    return week_period(today)


def select_users(me: str, user: str | None = None, everyone: bool = False) -> frozenset[str] | None:
    """The users of a report: me (default), one user, or everyone (None)."""
    if user is not None and everyone:
        raise ParseError("choose one of --user and --everyone")
    if everyone:
        return None
    name = (user if user is not None else me).strip()
    if not name:
        raise ParseError("--user needs a name")
    return frozenset({name})


# ===================================================================== the grid
@dataclass(frozen=True)
class Day:
    date: date
    work_day: bool
    minutes: int
    target: int


@dataclass(frozen=True)
class Row:
    card: str
    title: str
    minutes: dict[date, int]  # every day of the period, 0 included
    total: int
    estimate: int | None
    spent: int
    percent_of_estimate: int | None
    over_estimate: bool


@dataclass(frozen=True)
class Timesheet:
    period: Period
    users: list[str]
    days: list[Day]
    rows: list[Row]
    total: int
    target: int
    balance: int


# (card, user, start minute, end minute or None while running, the entry)
_Span = tuple[str, str, int, int | None, "TimeEntry | Doc"]


def _minute(text: str) -> int:
    """The whole UTC minute (since the epoch) of a stored time."""
    if len(text) == 20 and text[-1] == "Z":  # the canonical form: no astimezone needed
        return int(datetime.fromisoformat(text).timestamp()) // 60
    return int(parse_iso(text).timestamp()) // 60


def _epoch_minute(dt: datetime) -> int:
    return int(dt.timestamp()) // 60


def _spans(
    entries: Iterable[TimeEntry | Doc],
    users: Collection[str] | None,
    lo: str,
    hi: str,
    seen: set[str] | None = None,
    by_card: dict[str, list[TimeEntry | Doc]] | None = None,
) -> list[_Span]:
    """The entries of ``users`` that may overlap ``[lo, hi)`` (canonical ISO strings),
    reduced to whole UTC minutes.  Canonical stored times compare as text, so entries far
    from the period are dropped without parsing them.  In the same pass (one loop over
    30k entries is most of a report's time), fills ``seen`` with every user and
    ``by_card`` with every entry by card, when they are given."""
    out: list[_Span] = []
    append = out.append
    for e in entries:
        if isinstance(e, TimeEntry):
            card, user = e.card, e.user
            if seen is not None:
                seen.add(user)
            if by_card is not None:
                by_card.setdefault(card, []).append(e)
            if users is not None and user not in users:
                continue
            end_m = None if e.end is None else _epoch_minute(e.end)
            append((card, user, _epoch_minute(e.start), end_m, e))
            continue
        user = e["user"]
        if seen is not None:
            seen.add(user)
        if by_card is not None:
            by_card.setdefault(e["card"], []).append(e)
        if users is not None and user not in users:
            continue
        start = e["start"]
        end = e.get("end") or None
        canonical = len(start) == 20 and (end is None or len(end) == 20)
        if canonical and (start >= hi or (end is not None and end <= lo)):
            continue  # canonical stored times compare as text
        append(
            (str(e["card"]), str(user), _minute(str(start)),
             None if end is None else _minute(str(end)), e)
        )  # fmt: skip
    return out


def _spent_of(
    entries: Iterable[TimeEntry | Doc], keys: Collection[str], now: datetime
) -> dict[str, int]:
    """Session.spent's minutes of the cards ``keys``, from every entry of theirs (one pass
    that only looks at each entry's card: grouping all 30,000 entries by card cost more)."""
    wanted = set(keys)
    by_card: dict[str, list[TimeEntry | Doc]] = {}
    for e in entries:
        card = e.card if isinstance(e, TimeEntry) else e["card"]
        if card in wanted:
            by_card.setdefault(card, []).append(e)
    return {key: sum(_entry_spent(e, now) for e in by_card.get(key, ())) for key in keys}


def _bounds(period: Period, tz: str | None) -> list[int]:
    """The UTC minutes of each local midnight of the period, and of the day after."""
    days = period.days
    out = [_epoch_minute(calendar.day_bounds(d, tz)[0]) for d in days]
    out.append(_epoch_minute(calendar.day_bounds(days[-1], tz)[1]))
    return out


def _overlaps(start: int, stop: int, bounds: Sequence[int]) -> bool:
    """Whether an entry belongs to the period: it starts inside it (even a timer started
    this minute, worth 0 so far), or it started before and runs into it."""
    return start < bounds[-1] and (start >= bounds[0] or stop > bounds[0])


def _pieces(start: int, end: int, bounds: Sequence[int]) -> Iterable[tuple[int, int]]:
    """(day index, minutes) of ``[start, end)`` clipped to the period, split at midnights."""
    start = max(start, bounds[0])
    end = min(end, bounds[-1])
    if end <= start:
        return
    i = bisect_right(bounds, start) - 1
    while start < end:
        stop = min(end, bounds[i + 1])
        yield i, stop - start
        start = stop
        i += 1


def _entry_spent(e: TimeEntry | Doc, now: datetime) -> int:
    """Session.spent's rule: the entry's duration floored to minutes (running: to now)."""
    if isinstance(e, TimeEntry):
        return e.minutes(now)
    start = parse_iso(e["start"])
    end = parse_iso(e["end"]) if e.get("end") else now
    return max(0, int((end - start).total_seconds() // 60))


def _card_order(key: str) -> tuple[str, int, str]:
    return (key.rsplit("-", 1)[0], card_number(key), key)


def _int_or_none(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def timesheet(
    entries: Iterable[TimeEntry | Doc],
    cards: Mapping[str, Doc] | Callable[[list[str]], Mapping[str, Doc]],
    period: Period,
    users: Collection[str] | None,
    *,
    now: datetime,
    tz: str | None = None,
    target_hours_per_day: float = 8.0,
    work_days: Iterable[int] = calendar.WORK_DAYS,
    spent: Mapping[str, int] | None = None,
    all_users: Collection[str] | None = None,
) -> Timesheet:
    """The grid of ``period`` for ``users`` (None: everyone).

    ``entries`` are time entries (records or docs); for ``spent`` and for "everyone" they
    must be all of them (any date, any user), unless ``spent`` (minutes per card, as
    ``Session.spent`` gives) and ``all_users`` are passed.  ``cards`` maps keys to card
    docs (title, estimate), or is a function giving that map for the keys of the rows
    (only those are read).  See the module docstring for the rules.
    """
    bounds = _bounds(period, tz)
    lo = iso(datetime.fromtimestamp(bounds[0] * 60, UTC))
    hi = iso(datetime.fromtimestamp(bounds[-1] * 60, UTC))
    now_m = _epoch_minute(now)
    days = period.days
    n = len(days)

    if not isinstance(entries, list):
        entries = list(entries)  # (read twice: the grid and everyone, then spent)
    seen: set[str] | None = set() if users is None and all_users is None else None
    cells: dict[str, list[int]] = {}
    for card, _user, start, end, _e in _spans(entries, users, lo, hi, seen):
        stop = now_m if end is None else end
        row = cells.get(card)
        if row is None:
            if not _overlaps(start, stop, bounds):
                continue
            row = cells[card] = [0] * n  # a card with an overlapping entry gets a row
        for i, minutes in _pieces(start, stop, bounds):
            row[i] += minutes

    if spent is None:
        spent = _spent_of(entries, list(cells), now)
    if callable(cards):
        cards = cards(sorted(cells))

    rows: list[Row] = []
    for key in sorted(cells, key=_card_order):
        doc = cards.get(key) or {}
        estimate = _int_or_none(doc.get("estimate"))
        card_spent = int(spent.get(key, 0))
        percent = card_spent * 100 // estimate if estimate else None
        row_cells = cells[key]
        rows.append(
            Row(
                card=key,
                title=str(doc.get("title") or ""),
                minutes=dict(zip(days, row_cells, strict=True)),
                total=sum(row_cells),
                estimate=estimate,
                spent=card_spent,
                percent_of_estimate=percent,
                over_estimate=estimate is not None and card_spent > estimate,
            )
        )

    if users is None:
        names = sorted(str(u) for u in (all_users if all_users is not None else seen or ()))
    else:
        names = sorted(users)
    per_day = round(target_hours_per_day * 60) * len(names)
    working = set(work_days)
    columns = [
        Day(
            date=d,
            work_day=d.weekday() in working,
            minutes=sum(r[i] for r in cells.values()),
            target=per_day if d.weekday() in working else 0,
        )
        for i, d in enumerate(days)
    ]
    total = sum(r.total for r in rows)
    target = sum(d.target for d in columns)
    return Timesheet(period, names, columns, rows, total, target, total - target)


def cell_entries(
    entries: Iterable[TimeEntry | Doc],
    period: Period,
    users: Collection[str] | None,
    card: str,
    day: date,
    *,
    now: datetime,
    tz: str | None = None,
) -> list[tuple[TimeEntry | Doc, int]]:
    """The entries behind one cell (the screen lists them under the grid), by start, each
    with the minutes it puts in that cell: they add up to the cell."""
    if not period.first <= day <= period.last:
        return []
    bounds = _bounds(Period(day, day), tz)
    lo = iso(datetime.fromtimestamp(bounds[0] * 60, UTC))
    hi = iso(datetime.fromtimestamp(bounds[-1] * 60, UTC))
    now_m = _epoch_minute(now)
    found: list[tuple[int, TimeEntry | Doc, int]] = []
    for key, _user, start, end, e in _spans(entries, users, lo, hi):
        stop = now_m if end is None else end
        if key == card and _overlaps(start, stop, bounds):
            found.append((start, e, sum(m for _, m in _pieces(start, stop, bounds))))
    found.sort(key=lambda t: t[0])
    return [(e, minutes) for _, e, minutes in found]


# ===================================================================== JSON
def to_json(sheet: Timesheet) -> dict[str, Any]:
    """SPEC 3's ``pmo timesheet --json`` document (``over_estimate`` is not in it: it is
    ``spent > estimate``)."""
    return {
        "from": sheet.period.first.isoformat(),
        "to": sheet.period.last.isoformat(),
        "users": list(sheet.users),
        "days": [
            {
                "date": d.date.isoformat(),
                "work_day": d.work_day,
                "minutes": d.minutes,
                "target": d.target,
            }
            for d in sheet.days
        ],
        "rows": [
            {
                "card": r.card,
                "title": r.title,
                "minutes": {d.isoformat(): m for d, m in r.minutes.items()},
                "total": r.total,
                "estimate": r.estimate,
                "spent": r.spent,
                "percent_of_estimate": r.percent_of_estimate,
            }
            for r in sheet.rows
        ],
        "total": sheet.total,
        "target": sheet.target,
        "balance": sheet.balance,
    }


# ===================================================================== CSV
def csv_rows(
    entries: Iterable[TimeEntry | Doc],
    cards: Mapping[str, Doc] | Callable[[list[str]], Mapping[str, Doc]],
    period: Period,
    users: Collection[str] | None,
    *,
    now: datetime,
    tz: str | None = None,
) -> list[dict[str, str | int]]:
    """One row per entry of ``users`` overlapping ``period`` (see the module docstring),
    in the order of their start, then user and card.  Values are not neutralised yet:
    :func:`render_csv` does that."""
    bounds = _bounds(period, tz)
    lo = iso(datetime.fromtimestamp(bounds[0] * 60, UTC))
    hi = iso(datetime.fromtimestamp(bounds[-1] * 60, UTC))
    now_m = _epoch_minute(now)
    days = period.days
    local = calendar.zone(tz)
    found: list[tuple[int, str, str, dict[str, str | int]]] = []
    for card, user, start, end, e in _spans(entries, users, lo, hi):
        stop = now_m if end is None else end
        if not _overlaps(start, stop, bounds):
            continue
        pieces = list(_pieces(start, stop, bounds))
        if isinstance(e, TimeEntry):
            start_dt, end_dt, note = e.start, e.end, e.note
        else:
            start_dt = parse_iso(e["start"])
            end_dt = parse_iso(e["end"]) if e.get("end") else None
            note = str(e.get("note") or "")
        first_day = days[pieces[0][0]] if pieces else days[bisect_right(bounds, start) - 1]
        row: dict[str, str | int] = {
            "date": first_day.isoformat(),
            "user": user,
            "card": card,
            "title": "",  # below, once the cards of the rows are known
            "start": start_dt.astimezone(local).isoformat(),
            "end": "" if end_dt is None else end_dt.astimezone(local).isoformat(),
            "minutes": sum(m for _, m in pieces),
            "note": note,
        }
        found.append((start, user, card, row))
    found.sort(key=lambda t: t[:3])
    if callable(cards):
        cards = cards(sorted({card for _, _, card, _ in found}))
    for _, _, card, row in found:
        row["title"] = str((cards.get(card) or {}).get("title") or "")
    return [row for *_, row in found]


def render_csv(rows: Iterable[Mapping[str, str | int]]) -> str:
    """The CSV text: a header, then the rows, every cell a spreadsheet would run as a
    formula (leading ``= + - @``, tab, CR) prefixed with an apostrophe."""
    # exchange's neutraliser is the one the card CSV uses (and its import undoes); imported
    # here, not at the top, because exchange pulls in the legacy Board facade.
    from ..exchange import neutralise

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(str(row.get(name, ""))) for name in CSV_COLUMNS])
    return out.getvalue()


# ===================================================================== gathering
def timesheet_for(
    session: Session,
    period: Period,
    users: Collection[str] | None,
    *,
    tz: str | None = None,
    target_hours_per_day: float = 8.0,
    work_days: Iterable[int] = calendar.WORK_DAYS,
) -> Timesheet:
    """:func:`timesheet` over a session's storage (all projects' cards), at its clock.

    Spent is computed here from the entries of the report's cards only, with
    ``Session.spent``'s rule, rather than taken from ``Session.spent()``, which parses
    every entry of the file (a one-shot CLI run would pay for all of them)."""
    storage = session.storage
    return timesheet(
        storage.entries(),
        lambda keys: _cards_by_key(session, keys),
        period,
        users,
        now=session.clock(),
        tz=tz,
        target_hours_per_day=target_hours_per_day,
        work_days=work_days,
    )


def csv_for(
    session: Session, period: Period, users: Collection[str] | None, *, tz: str | None = None
) -> str:
    """The timesheet CSV of a session's storage, rendered."""
    storage = session.storage
    one = next(iter(users)) if users is not None and len(users) == 1 else None
    entries = storage.entries(user=one)
    rows = csv_rows(
        entries,
        lambda keys: _cards_by_key(session, keys),
        period,
        users,
        now=session.clock(),
        tz=tz,
    )
    return render_csv(rows)


def _cards_by_key(session: Session, keys: list[str]) -> dict[str, Doc]:
    """The cards of a report's rows by key, as ``{str(key): doc}`` over every card would
    give them (the last of two cards with one key), reading only those cards."""
    return {str(d.get("key")): d for d in session.storage.cards_named(keys)}
