"""Parsing and formatting of user input: durations, dates, times, keys, points, tags.

Every ``parse_*`` function either returns a value or raises :class:`ParseError`, whose
message is a single line naming the offending value (sanitised for display). No other
exception escapes them, whatever the input string.

Only the standard library is imported here so that importing this module stays cheap.
The local time zone is the process one (``datetime.astimezone()``), which honours ``TZ``.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from .model import PRIORITIES, iso, parse_iso

__all__ = [
    "KEY_RE",
    "MAX_MINUTES",
    "PRIORITIES",
    "ParseError",
    "format_clock",
    "format_date",
    "format_duration",
    "format_time",
    "from_iso",
    "parse_card_key",
    "parse_date",
    "parse_duration",
    "parse_points",
    "parse_priority",
    "parse_project_key",
    "parse_tag",
    "parse_time",
    "to_iso",
]

UTC = _dt.UTC

#: Upper bound for a duration: 100 years of minutes.
MAX_MINUTES = 100 * 365 * 24 * 60
MIN_YEAR = 1970
MAX_YEAR = 9999


class _Pattern:
    """A regular expression compiled on first use (by re's own cache): compiling all of
    this module's at import cost ~1 ms of every command's start, which needs one or two."""

    __slots__ = ("flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def fullmatch(self, s: str) -> re.Match[str] | None:
        return re.fullmatch(self.pattern, s, self.flags)


#: Project key: a letter then 1..9 letters/digits, upper-case ASCII.
_KEY_RE = _Pattern(r"^[A-Z][A-Z0-9]{1,9}\Z")

TYPE_CHECKING = False
if TYPE_CHECKING:
    KEY_RE: re.Pattern[str]


def __getattr__(name: str) -> object:
    """``KEY_RE``, the compiled pattern, for whoever asks for it."""
    if name == "KEY_RE":
        return re.compile(_KEY_RE.pattern, _KEY_RE.flags)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SHOW_MAX = 40

_DURATION_HINT = "use forms like 90m, 1h30m, 1.5h, 1:30, 2d"
_DATE_HINT = "use forms like 2026-11-30, today, tomorrow, fri, +3d, -2w"
_TIME_HINT = "use forms like 09:30, 2026-11-26 09:30, -15m, now"


class ParseError(ValueError):
    """Bad user input; ``str(error)`` is a one-line message naming the value."""


class _OutOfRange(ParseError):
    """A well-formed date outside MIN_YEAR..MAX_YEAR (internal)."""


class _NoSuchDay(ParseError):
    """A well-formed ISO date that does not exist, e.g. 2026-02-30 (internal)."""


def _show(text: str) -> str:
    """Quote ``text`` for a message: single line, control characters escaped, truncated."""
    out: list[str] = []
    size = 0
    for ch in text:
        piece = ch if ch.isprintable() else repr(ch)[1:-1]
        if size + len(piece) > _SHOW_MAX:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "'" + "".join(out) + "'"


# --------------------------------------------------------------------------- durations

_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
_DURATION_RE = _Pattern(
    rf"""
    (?:(?P<d>{_NUM})\s*(?:days?|d)\s*)?
    (?:(?P<h>{_NUM})\s*(?:hours?|hrs?|h)\s*)?
    (?:(?P<m>{_NUM})\s*(?P<mu>minutes?|mins?|m)?)?
    """,
    re.ASCII | re.VERBOSE,
)
_CLOCK_DURATION_RE = _Pattern(r"(\d+):([0-5]\d)", re.ASCII)

# Integer parts longer than this are certainly above MAX_MINUTES; checking the length
# first keeps int() away from huge strings (and its digit-count limit).
_MAX_INT_DIGITS = 12
_MAX_FRAC_DIGITS = 30


_Ratio = tuple[int, int]  # numerator, denominator (> 0); keeps arithmetic exact


def _number(token: str, shown: str) -> _Ratio:
    whole, _, frac = token.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > _MAX_INT_DIGITS:
        raise ParseError(f"duration {shown} is too large (at most 100 years)")
    frac = frac[:_MAX_FRAC_DIGITS]
    scale = 10 ** len(frac)
    return int(whole or "0") * scale + int(frac or "0"), scale


def _add(total: _Ratio, value: _Ratio, factor: _Ratio) -> _Ratio:
    """``total + value * factor``."""
    num, den = value[0] * factor[0], value[1] * factor[1]
    return total[0] * den + num * total[1], total[1] * den


def _check_hours_per_day(hours_per_day: float) -> _Ratio:
    if (
        isinstance(hours_per_day, bool)
        or not isinstance(hours_per_day, int | float)
        or not math.isfinite(hours_per_day)
        or not 0 < hours_per_day <= 24
    ):
        raise ParseError(f"invalid hours_per_day {hours_per_day!r}: use a number in (0, 24]")
    return hours_per_day.as_integer_ratio()


def parse_duration(text: str, hours_per_day: float = 8.0) -> int:
    """Parse a duration to whole minutes (>= 0).

    Forms: ``90m``, ``1h30m``, ``1h 30m``, ``1h30``, ``1.5h``, ``1:30`` (h:mm), ``2d``
    (a day is ``hours_per_day`` hours), ``45`` (minutes), ``1d2h30m``; long unit names
    (``min``, ``hours``, ``days``...) are accepted too. Rounded to the nearest minute
    (halves up).
    """
    day = _check_hours_per_day(hours_per_day)
    raw = text.strip()
    s = raw.lower()
    shown = _show(raw)
    if s.startswith("-"):
        raise ParseError(f"invalid duration {shown}: must not be negative")
    num, den = _duration_ratio(s, day, shown)
    minutes = (2 * num + den) // (2 * den)
    if minutes > MAX_MINUTES:
        raise ParseError(f"duration {shown} is too large (at most 100 years)")
    return minutes


def _duration_ratio(s: str, day: _Ratio, shown: str) -> _Ratio:
    """Minutes as an exact ratio."""
    invalid = ParseError(f"invalid duration {shown}: {_DURATION_HINT}")
    if not s or not s.isascii():
        raise invalid
    total: _Ratio = (0, 1)
    clock = _CLOCK_DURATION_RE.fullmatch(s)
    if clock:
        total = _add(total, _number(clock.group(1), shown), (60, 1))
        return _add(total, (int(clock.group(2)), 1), (1, 1))
    m = _DURATION_RE.fullmatch(s)
    if m is None:
        raise invalid
    d, h, mins, unit = m.group("d", "h", "m", "mu")
    if mins is not None and unit is None and ("." in mins or (d is not None and h is None)):
        # A bare number is plain minutes ('45') or the minutes after hours ('1h30').
        raise invalid
    if d is not None:
        total = _add(total, _number(d, shown), (day[0] * 60, day[1]))
    if h is not None:
        total = _add(total, _number(h, shown), (60, 1))
    if mins is not None:
        total = _add(total, _number(mins, shown), (1, 1))
    return total


def format_duration(minutes: int) -> str:
    """Canonical short form: ``0m``, ``45m``, ``1h``, ``1h30m``, ``25h`` (never days)."""
    if minutes < 0:
        raise ValueError(f"negative duration: {minutes}")
    hours, mins = divmod(int(minutes), 60)
    if hours == 0:
        return f"{mins}m"
    if mins == 0:
        return f"{hours}h"
    return f"{hours}h{mins}m"


def format_clock(minutes: int) -> str:
    """``h:mm`` for prompts: 42 -> ``0:42``, 605 -> ``10:05``."""
    if minutes < 0:
        raise ValueError(f"negative duration: {minutes}")
    hours, mins = divmod(int(minutes), 60)
    return f"{hours}:{mins:02d}"


# --------------------------------------------------------------------------- dates

_ISO_DATE_RE = _Pattern(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_REL_DATE_RE = _Pattern(r"([+-])\s*(\d+)\s*(days?|d|weeks?|wks?|w)", re.ASCII)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def _local_today() -> _dt.date:
    return _dt.datetime.now().astimezone().date()


def _weekday(s: str) -> int | None:
    if len(s) < 3:
        return None
    for index, name in enumerate(_WEEKDAYS):
        if name.startswith(s):
            return index
    return None


def parse_date(text: str, today: _dt.date | None = None, *, past: bool = False) -> _dt.date:
    """Parse a date.

    Forms: ``2026-11-30``, ``today``, ``tomorrow``, ``yesterday``, a weekday name (full,
    3 letters or any longer prefix; the next such day strictly after ``today``, or with
    ``past`` (logs and reports, SPEC 3) the most recent one, ``today`` included), and
    ``+3d``, ``-1d``, ``+2w``, ``-2w``. ``today`` defaults to the local date.
    """
    raw = text.strip()
    s = raw.lower()
    shown = _show(raw)
    out_of_range = _OutOfRange(f"date {shown} is out of range (years {MIN_YEAR}-{MAX_YEAR})")
    if not s.isascii():
        raise ParseError(f"invalid date {shown}: {_DATE_HINT}")
    iso = _ISO_DATE_RE.fullmatch(s)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise out_of_range
        try:
            return _dt.date(year, month, day)
        except ValueError:
            raise _NoSuchDay(f"invalid date {shown}: no such day") from None
    base = _local_today() if today is None else today
    try:
        result = _relative_date(s, base, past=past)
    except (OverflowError, ValueError):
        raise out_of_range from None
    if result is None:
        raise ParseError(f"invalid date {shown}: {_DATE_HINT}")
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise out_of_range
    return result


def _relative_date(s: str, base: _dt.date, *, past: bool = False) -> _dt.date | None:
    """The date for a form relative to ``base``, or None when ``s`` is no such form."""
    if s in _NAMED_DAYS:
        return base + _dt.timedelta(days=_NAMED_DAYS[s])
    weekday = _weekday(s)
    if weekday is not None and past:
        return base - _dt.timedelta(days=(base.weekday() - weekday) % 7)
    if weekday is not None:
        return base + _dt.timedelta(days=(weekday - base.weekday() - 1) % 7 + 1)
    rel = _REL_DATE_RE.fullmatch(s)
    if rel is None:
        return None
    sign, digits, unit = rel.groups()
    digits = digits.lstrip("0") or "0"
    if len(digits) > 7:
        raise OverflowError
    days = int(digits) * (7 if unit.startswith("w") else 1)
    return base + _dt.timedelta(days=days if sign == "+" else -days)


def format_date(d: _dt.date) -> str:
    """ISO ``YYYY-MM-DD``."""
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


# --------------------------------------------------------------------------- times

_CLOCK_RE = _Pattern(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_DATE_CLOCK_RE = _Pattern(
    r"(?P<date>.+?)(?:\s+|(?<=\d)t)(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)", re.ASCII
)


def _utc(dt: _dt.datetime) -> _dt.datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _clock(s: str) -> tuple[int, int] | None:
    m = _CLOCK_RE.fullmatch(s)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    second = int(m.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute


def parse_time(text: str, now: _dt.datetime | None = None) -> _dt.datetime:
    """Parse a moment; returns an aware UTC datetime truncated to the minute.

    Forms: ``09:30`` / ``9:30`` (today, local time), ``2026-11-26 09:30`` and
    ``2026-11-26T09:30`` (local time), more generally ``<date> <hh:mm>`` with any
    :func:`parse_date` form (``yesterday 17:00``), ``-15m`` / ``-1h30m`` (that long
    before ``now``, any duration form), and ``now``. ``now`` defaults to the current time;
    a naive ``now`` is taken as local time. The local zone honours ``TZ``.
    """
    raw = text.strip()
    s = raw.lower()
    shown = _show(raw)
    if not s.isascii():
        raise ParseError(f"invalid time {shown}: {_TIME_HINT}")
    current = _dt.datetime.now(UTC) if now is None else now.astimezone(UTC)
    out_of_range = ParseError(f"time {shown} is out of range (years {MIN_YEAR}-{MAX_YEAR})")
    try:
        result = _time_of(s, current, shown)
        local_year = result.astimezone().year
    except (OverflowError, ValueError, OSError) as exc:
        if isinstance(exc, ParseError):
            raise
        raise out_of_range from None
    if not MIN_YEAR <= local_year <= MAX_YEAR:
        raise out_of_range
    return result.replace(second=0, microsecond=0)


def _time_of(s: str, now: _dt.datetime, shown: str) -> _dt.datetime:
    """The UTC moment for ``s``.

    Raises ParseError, or OverflowError/ValueError/OSError for moments out of range.
    """
    invalid = ParseError(f"invalid time {shown}: {_TIME_HINT}")
    bad_clock = ParseError(f"invalid time {shown}: hours must be 0-23 and minutes 0-59")
    if s == "now":
        return now
    if s.startswith("-"):
        try:
            minutes = parse_duration(s[1:])
        except ParseError:
            raise invalid from None
        return now - _dt.timedelta(minutes=minutes)
    today = now.astimezone().date()
    if _CLOCK_RE.fullmatch(s):
        clock = _clock(s)
        if clock is None:
            raise bad_clock
        return _local_to_utc(today, clock)
    m = _DATE_CLOCK_RE.fullmatch(s)
    if m is None:
        raise invalid
    clock = _clock(m.group("clock"))
    if clock is None:
        raise bad_clock
    try:
        day = parse_date(m.group("date"), today=today)
    except _OutOfRange:
        raise OverflowError from None
    except _NoSuchDay:
        raise ParseError(f"invalid time {shown}: no such day") from None
    except ParseError:
        raise invalid from None
    return _local_to_utc(day, clock)


def _local_to_utc(day: _dt.date, clock: tuple[int, int]) -> _dt.datetime:
    """The UTC moment of a local wall-clock time (process zone, so ``TZ`` is honoured).

    An ambiguous time (DST fold) is its first occurrence; a time in a DST gap is moved
    forward by the gap (02:30 -> 03:30 when clocks jump from 02:00 to 03:00).
    """
    naive = _dt.datetime.combine(day, _dt.time(clock[0], clock[1]))
    try:
        return _wall_to_utc(naive)
    except (OverflowError, ValueError):
        # CPython probes a day around the value, which fails on 9999-12-31.
        return _wall_to_utc(naive - _ONE_DAY) + _ONE_DAY


_ONE_DAY = _dt.timedelta(days=1)


def _wall_to_utc(naive: _dt.datetime) -> _dt.datetime:
    first = naive.astimezone(UTC)  # naive astimezone() reads it in the local zone
    if first.astimezone().replace(tzinfo=None) == naive:
        return first
    return max(first, naive.replace(fold=1).astimezone(UTC))


def format_time(dt: _dt.datetime) -> str:
    """Local ``YYYY-MM-DD HH:MM`` (a naive ``dt`` is taken to be UTC)."""
    local = _utc(dt).astimezone()
    return f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}"


def to_iso(dt: _dt.datetime) -> str:
    """Storage form ``YYYY-MM-DDTHH:MM:SSZ`` in UTC (seconds kept, microseconds dropped).

    A naive ``dt`` is taken to be UTC.
    """
    return iso(_utc(dt))  # the one storage form (model.iso)


def from_iso(text: str) -> _dt.datetime:
    """Inverse of :func:`to_iso`: aware UTC. Accepts ``Z`` or any offset; naive means UTC."""
    s = text.strip()
    if not s.isascii():
        raise ParseError(f"invalid timestamp {_show(s)}: use YYYY-MM-DDTHH:MM:SSZ")
    try:
        return parse_iso(s)  # the one storage reader (model.parse_iso)
    except (OverflowError, ValueError):
        raise ParseError(f"invalid timestamp {_show(s)}: use YYYY-MM-DDTHH:MM:SSZ") from None


# --------------------------------------------------------------------------- keys etc.

_CARD_KEY_RE = _Pattern(r"(?:([a-z][a-z0-9]{1,9})-)?(\d{1,9})", re.ASCII)


def parse_project_key(text: str) -> str:
    """A project key (``PMO``); case-insensitive, returned upper-case."""
    raw = text.strip()
    key = raw.upper() if raw.isascii() else raw
    if not _KEY_RE.fullmatch(key):
        raise ParseError(
            f"invalid project key {_show(raw)}: use 2-10 letters or digits "
            "starting with a letter, e.g. PMO"
        )
    return key


def parse_card_key(text: str, project: str) -> str:
    """``PMO-12``, ``pmo-12`` or ``12`` (in ``project``) -> ``PMO-12``."""
    raw = text.strip()
    s = raw.lower()
    m = _CARD_KEY_RE.fullmatch(s) if s.isascii() else None
    number = int(m.group(2)) if m else 0
    if m is None or number <= 0:
        raise ParseError(f"invalid card key {_show(raw)}: use PMO-12 or 12")
    prefix = m.group(1)
    if prefix is None:
        key = project.strip().upper() if project.isascii() else project
        if not _KEY_RE.fullmatch(key):
            raise ParseError(f"invalid project key {_show(project)} for card {_show(raw)}")
        return f"{key}-{number}"
    return f"{prefix.upper()}-{number}"


_POINTS_RE = _Pattern(r"0*(\d{1,3})", re.ASCII)


def parse_points(text: str) -> int:
    """Story points: a whole number 0..999."""
    raw = text.strip()
    m = _POINTS_RE.fullmatch(raw) if raw.isascii() else None
    if m is None:
        raise ParseError(f"invalid points {_show(raw)}: use a whole number 0-999")
    return int(m.group(1))


def parse_priority(text: str) -> str:
    """One of :data:`PRIORITIES`, case-insensitive; unique prefixes accepted (``med``)."""
    raw = text.strip()
    s = raw.lower()
    if s in PRIORITIES:
        return s
    matches = [p for p in PRIORITIES if s and p.startswith(s)]
    if len(matches) == 1 and s.isascii():
        return matches[0]
    raise ParseError(f"invalid priority {_show(raw)}: choose one of {', '.join(PRIORITIES)}")


_TAG_MAX = 40


def parse_tag(text: str) -> str:
    """A tag: stripped, one leading ``#`` dropped, lower-cased; 1..40 characters with no
    whitespace, commas or control characters."""
    raw = text.strip()
    tag = (raw[1:] if raw.startswith("#") else raw).lower()
    if not tag:
        raise ParseError(f"invalid tag {_show(raw)}: must not be empty")
    if len(tag) > _TAG_MAX:
        raise ParseError(f"invalid tag {_show(raw)}: at most {_TAG_MAX} characters")
    if "," in tag or any(ch.isspace() or not ch.isprintable() for ch in tag):
        raise ParseError(
            f"invalid tag {_show(raw)}: no spaces, commas or control characters allowed"
        )
    return tag
