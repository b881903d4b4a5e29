"""The one place that cleans text coming in and makes stored text safe going out."""

from __future__ import annotations

import unicodedata

from .errors import UseCaseError

MAX_TITLE = 1000
MAX_TEXT = 100_000


def clean_line(text: str, what: str, limit: int = MAX_TITLE) -> str:
    """A one-line text field: trimmed, no control characters, bounded."""
    value = text.strip()
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            raise UseCaseError(f"{what} contains a control character ({ch!r}): {_short(value)}")
    if len(value) > limit:
        raise UseCaseError(f"{what} is too long ({len(value)} characters; at most {limit})")
    return value


def clean_text(text: str, what: str) -> str:
    """A multi-line text field: newlines and tabs allowed, other control characters not."""
    value = text.replace("\r\n", "\n").rstrip()
    for ch in value:
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            raise UseCaseError(f"{what} contains a control character ({ch!r})")
    if len(value) > MAX_TEXT:
        raise UseCaseError(f"{what} is too long ({len(value)} characters; at most {MAX_TEXT})")
    return value


def _short(text: str, n: int = 40) -> str:
    shown = "".join(ch if unicodedata.category(ch) != "Cc" else repr(ch)[1:-1] for ch in text)
    return repr(shown if len(shown) <= n else shown[: n - 1] + "…")


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def display(text: str) -> str:
    """Text safe for a terminal: control characters (and bidi overrides, which reorder the
    rest of the line) shown as escapes, never executed.  Joiners and other format
    characters stay, so emoji sequences print as they are."""
    if text.isprintable():
        return text
    return "".join(
        repr(ch)[1:-1]
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch != " ")
        else ch
        for ch in text
    )
