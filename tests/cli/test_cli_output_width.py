"""The ASCII fast path of the table widths measures and cuts as the per-character path."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pmo_tui.cli.output import clip, width


def slow_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def slow_clip(text: str, cells: int) -> str:
    if slow_width(text) <= cells:
        return text
    kept, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > cells - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + "…"


@given(st.text(max_size=80), st.integers(min_value=1, max_value=60))
def test_width_and_clip_agree_with_the_per_character_rule(text: str, cells: int) -> None:
    assert width(text) == slow_width(text)
    assert clip(text, cells) == slow_clip(text, cells)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80), st.integers(1, 60))
def test_ascii_cells(text: str, cells: int) -> None:
    assert width(text) == len(text)
    assert clip(text, cells) == slow_clip(text, cells)
