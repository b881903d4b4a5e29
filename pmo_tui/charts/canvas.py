"""A grid of cells, each a character and a colour role: what our own charts draw into, and
how it becomes plain text, ANSI text (the CLI) or a Rich ``Text`` (the app, imported lazily
so the CLI path never loads it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .palette import ansi, merged

if TYPE_CHECKING:
    from rich.text import Text

Cell = tuple[str, str | None]  # (character, role or None for the default colour)


class Canvas:
    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[Cell]] = []

    def row(self) -> list[Cell]:
        cells: list[Cell] = [(" ", None)] * self.width
        self.rows.append(cells)
        return cells

    @staticmethod
    def put(cells: list[Cell], x: int, text: str, role: str | None = None) -> None:
        for i, ch in enumerate(text):
            if 0 <= x + i < len(cells):
                cells[x + i] = (ch, role)

    def plain(self) -> list[str]:
        return ["".join(ch for ch, _ in cells).rstrip() for cells in self.rows]

    def ansi(self, palette: Mapping[str, str] | None) -> list[str]:
        pal = merged(palette)
        out = []
        for cells in self.rows:
            line, current = "", None
            for ch, role in _trimmed(cells):
                if role != current:
                    line += "\x1b[0m" if current is not None else ""
                    line += ansi(pal[role]) if role is not None else ""
                    current = role
                line += ch
            out.append(line + ("\x1b[0m" if current is not None else ""))
        return out

    def text(self, palette: Mapping[str, str] | None) -> Text:
        """One Rich ``Text`` (lines joined by newlines), coloured from ``palette``."""
        from rich.text import Text

        pal = merged(palette)
        result = Text(no_wrap=True, overflow="crop")
        for n, cells in enumerate(self.rows):
            if n:
                result.append("\n")
            for ch, role in _trimmed(cells):
                result.append(ch, style=pal[role] if role is not None else "")
        return result


def _trimmed(cells: list[Cell]) -> list[Cell]:
    end = len(cells)
    while end and cells[end - 1][0] == " ":
        end -= 1
    return cells[:end]
