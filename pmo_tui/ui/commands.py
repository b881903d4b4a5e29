"""Command palette: the current screen's actions, "Go to card KEY", "Switch project", then
Textual's own commands (Keys, Screenshot, Theme...) after pmo's.

One provider yields both, so the order is ours: with an empty query the palette lists hits
in the order they arrive (all score 0), and with a query Textual's commands score lower on
a tie."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from ..core.text import display

if TYPE_CHECKING:
    from .app import PmoApp

SYSTEM_WEIGHT = 0.5  # Textual's commands rank below pmo's for the same match


class PmoCommands(Provider):
    def _commands(self) -> list[tuple[str, Any, str]]:
        app: PmoApp = self.app  # type: ignore[assignment]
        screen = self.screen
        target = app.screen_for_commands(screen)
        out: list[tuple[str, Any, str]] = []
        seen: set[str] = set()
        for active in target.active_bindings.values():
            b = active.binding
            if not b.description or b.description in seen or b.action == "command_palette":
                continue
            if not b.id:  # ours all have ids; Textual's own come from its commands below
                continue
            seen.add(b.description)
            node = active.node
            out.append(
                (
                    b.description,
                    partial(app.call_later, node.run_action, b.action),
                    b.tooltip or f"key: {app.get_key_display(b)}",
                )
            )
        for card in app.board.card_docs():
            text = f"Go to card {card['key']}: {display(str(card.get('title', '')))}"
            out.append((text, partial(app.goto_card, card["key"]), "move the cursor to it"))
        for project in app.board.projects():
            out.append(
                (
                    f"Switch project: {display(project.key)} {display(project.name)}",
                    partial(app.switch_project, project.key),
                    "show this project",
                )
            )
        return out

    def _system(self) -> list[tuple[str, Any, str]]:
        return [
            (command.title, command.callback, command.help)
            for command in self.app.get_system_commands(self.screen)
        ]

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            if text.startswith("Go to card"):
                continue
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)
        for text, command, help_text in self._system():
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for weight, commands in ((1.0, self._commands()), (SYSTEM_WEIGHT, self._system())):
            for text, command, help_text in commands:
                score = matcher.match(text) * weight
                if weight < 1 and text.lower().startswith(query.strip().lower()):
                    # "theme" finds Textual's "Theme" before a card titled "Dark theme…".
                    score *= 4 / weight
                if score > 0:
                    # highlight() reads markup: escape the text so stored text stays literal.
                    shown = matcher.highlight(escape(text))
                    yield Hit(score, shown, command, text=text, help=help_text)


def palette_class() -> type[Any]:
    """Textual's palette, hardened: page up/down on a list that is not laid out yet raises
    KeyError inside Textual (OptionList._move_page), which a fast typist can reach."""
    from textual.command import CommandPalette

    from .modals.base import closed_already

    class PmoCommandPalette(CommandPalette):
        def _action_command_list(self, action: str) -> None:
            # The list is being rebuilt: the key is dropped.
            with contextlib.suppress(KeyError, IndexError):
                super()._action_command_list(action)

        def dismiss(self, result: Any = None) -> Any:
            # A second `enter` of a burst reaches the palette after it closed.
            if closed_already(self):
                return None
            return super().dismiss(result)

    return PmoCommandPalette
