"""Which characters may not reach a terminal raw, and quoting a value for a message.
Standard library only; imported by :mod:`.text` (output) and the validator (input)."""

from __future__ import annotations

# Bidi embeddings, overrides and isolates: they reorder the rest of a line on screen.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_control(ch: str) -> bool:
    """C0, DEL, C1 (ESC and CSI included) or a bidi control."""
    if ch.isprintable():  # (printable: no control character, and no bidi control either)
        return False
    import unicodedata

    return ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc"


def quote(text: str, n: int = 40) -> str:
    """A value quoted for a message: control characters and bidi overrides escaped."""
    shown = "".join(repr(ch)[1:-1] if is_control(ch) else ch for ch in text)
    return repr(shown if len(shown) <= n else shown[: n - 1] + "…")
