"""The one place that cleans text coming in and makes stored text safe going out."""

from __future__ import annotations

import unicodedata

from .chars import BIDI_CONTROLS
from .chars import quote as _short
from .usecases.validate import MAX_TEXT, MAX_TITLE, clean_line, clean_text


def display(text: str) -> str:
    """Text safe for a terminal: control characters (and bidi overrides, which reorder the
    rest of the line) shown as escapes, never executed.  Joiners and other format
    characters stay, so emoji sequences print as they are."""
    if text.isprintable():
        return text
    return "".join(
        repr(ch)[1:-1]
        if ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch != " ")
        else ch
        for ch in text
    )


# clean_line/clean_text are re-exported for the app's forms (they live in the validator).
__all__ = [
    "BIDI_CONTROLS",
    "MAX_TEXT",
    "MAX_TITLE",
    "_short",
    "clean_line",
    "clean_text",
    "display",
]
