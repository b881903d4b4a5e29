"""Makes stored text safe going out (cleaning text coming in is usecases/validate.py)."""

from __future__ import annotations

from .chars import BIDI_CONTROLS
from .chars import quote as _short


def display(text: str) -> str:
    """Text safe for a terminal: control characters (and bidi overrides, which reorder the
    rest of the line) shown as escapes, never executed.  Joiners and other format
    characters stay, so emoji sequences print as they are."""
    if text.isprintable():
        return text
    import unicodedata  # (here: printable text, nearly all of it, never needs it)

    return "".join(
        repr(ch)[1:-1]
        if ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch != " ")
        else ch
        for ch in text
    )


__all__ = [
    "BIDI_CONTROLS",
    "_short",
    "display",
]
