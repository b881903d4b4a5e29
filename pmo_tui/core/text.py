"""The one place that cleans text coming in and makes stored text safe going out."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from .chars import BIDI_CONTROLS
from .chars import quote as _short

if TYPE_CHECKING:
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


# Shim: clean_line/clean_text live in the one validator (usecases/validate.py); the app's
# forms still import them from here.  Loaded on first use, so that output paths (the
# status line) importing display() do not load the validator and the parser.
def __getattr__(name: str) -> Any:
    if name in ("MAX_TEXT", "MAX_TITLE", "clean_line", "clean_text"):
        from .usecases import validate

        return getattr(validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BIDI_CONTROLS",
    "MAX_TEXT",
    "MAX_TITLE",
    "_short",
    "clean_line",
    "clean_text",
    "display",
]
