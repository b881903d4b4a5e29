"""The command palette offers the actions of the screen it is opened on (its bindings) and
the global ones, and runs them on that screen: not the board's actions everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandList
from ui_helpers import fast_keys, settle, wait_for

from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.modals.card_form import CardForm
from pmo_tui.ui.modals.sprint_form import SprintForm
from pmo_tui.ui.screens.backlog import BacklogScreen
from pmo_tui.ui.screens.card_detail import CardDetailScreen
from pmo_tui.ui.screens.sprint import SprintScreen

MakeApp = Callable[..., PmoApp]


def _prompts(app: PmoApp) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


async def palette_offers(pilot: Any) -> list[str]:
    """Open the palette on the current screen and read what it lists (then close it)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 5, what="list")
    await pilot.pause()
    prompts = _prompts(app)
    await pilot.press("escape")
    await pilot.pause()
    return prompts


async def run_command(pilot: Any, text: str) -> None:
    """Open the palette, type ``text`` and run the hit that reads exactly ``text``."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await fast_keys(pilot, *text)

    def found() -> bool:
        return text in _prompts(app)

    await wait_for(pilot, found, what=f"hit {text!r}")
    options = app.screen.query_one(CommandList)
    options.highlighted = _prompts(app).index(text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.id != "--command-palette", what="palette closed")
    await pilot.pause()


async def test_palette_on_the_sprint_screen_offers_and_runs_its_actions(
    demo_db: Path, make_app: MakeApp
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, SprintScreen)
        offered = await palette_offers(pilot)
        for own in ("Start", "Close", "New", "Edit"):
            assert own in offered, offered
        for global_ in ("Board", "Backlog", "Help", "Undo"):
            assert global_ in offered, offered
        assert "Move →" not in offered and "Assign me" not in offered, offered  # the board's
        await run_command(pilot, "New")
        assert isinstance(app.screen, SprintForm)  # the sprint form, not the card form
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SprintScreen)


async def test_palette_on_the_backlog_runs_its_own_select(demo_db: Path, make_app: MakeApp) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        offered = await palette_offers(pilot)
        assert "Select" in offered and "To sprint" in offered, offered
        assert "Move →" not in offered, offered
        card = screen.current_card()
        assert card is not None
        await run_command(pilot, "Select")
        assert screen.selected == {card["key"]}
        # Global actions from the palette still work from here.
        await run_command(pilot, "Sprints")
        assert isinstance(app.screen, SprintScreen)


async def test_palette_over_a_card_detail_acts_on_that_card(
    demo_db: Path, make_app: MakeApp
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CardDetailScreen)
        offered = await palette_offers(pilot)
        assert "Back" in offered, offered
        assert "Move →" not in offered and "Archive" not in offered, offered  # the board's
        await run_command(pilot, "Edit")
        assert isinstance(app.screen, CardForm)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
