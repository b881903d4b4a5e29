"""Command palette: the current screen's actions, "Go to card KEY", "Switch project"."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from ..core.text import display

if TYPE_CHECKING:
    from .app import PmoApp


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
                    f"Switch project: {project.key} {display(project.name)}",
                    partial(app.switch_project, project.key),
                    "show this project",
                )
            )
        return out

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            if text.startswith("Go to card"):
                continue
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                # highlight() reads markup: escape the card title so it stays literal text.
                shown = matcher.highlight(escape(text))
                yield Hit(score, shown, command, text=text, help=help_text)
