"""The Burndown screen (`5`) driven as a person does: the demo's active sprint shows its
real history (the numbers are the core's), `[ ]` pages through the sprints, `m` changes
the unit, `b` shows velocity, empty states say why, a resize redraws the chart."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import NOW, USER, build_small_board, wait_for

from pmo_tui.charts.burndown import num
from pmo_tui.core.board import Board
from pmo_tui.core.reports.burndown import Burndown, Unit, burndown_of
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import sprints
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.screens.burndown import BurndownScreen
from pmo_tui.ui.widgets.chart import BurndownLegend, BurndownPlot, VelocityChart

UNIT = {"points": "pts", "hours": "h", "cards": "cards"}


async def open_burndown(pilot: Pilot[Any]) -> BurndownScreen:
    await pilot.press("5")
    await pilot.pause()
    return await settled(pilot)


async def settled(pilot: Pilot[Any]) -> BurndownScreen:
    """The figures computed in the worker are on screen."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BurndownScreen)
    return screen


def panel(screen: BurndownScreen) -> str:
    """The numbers panel as text, whitespace squeezed."""
    static = screen.query_one("#bd-numbers", Static)
    console = Console(width=40, file=io.StringIO(), record=True, color_system=None)
    console.print(static.content)
    return " ".join(console.export_text().split())


def plot_text(screen: BurndownScreen) -> str:
    drawn = screen.query_one(BurndownPlot).render()
    assert isinstance(drawn, Text)
    return drawn.plain


def expected(db: Path, sprint_id: int, by: Unit = "points") -> Burndown:
    board = Board(Store(db), USER, clock=lambda: NOW)
    s = board.session
    sprint = next(sp for sp in s.sprints() if sp.id == sprint_id)
    return burndown_of(s, sprint, by=by)


def figures_of(b: Burndown) -> list[str]:
    unit = UNIT[b.by]
    out = [f"committed {num(b.committed)} {unit}"]
    assert b.remaining is not None and b.completed is not None
    out.append(f"completed {num(b.completed)} {unit}")
    out.append(f"remaining {num(b.remaining)} {unit}")
    return out


async def test_the_active_sprint_shows_its_real_history(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        b = expected(demo_db, 3)
        text = panel(screen)
        assert text.startswith("Sprint 3 · active")
        for figure in figures_of(b):
            assert figure in text
        added = sum(d.scope_added for d in b.days)
        assert added > 0 and f"scope added +{num(added)} pts" in text
        assert b.plan.warning is not None and b.plan.warning in text
        assert f"work days gone {round(b.plan.elapsed * 100)}%" in text
        # The chart draws the same series: the demo's past days, today, nothing after.
        shown = screen.query_one(BurndownPlot).burndown
        assert shown is not None
        assert [d.remaining for d in shown.days] == [d.remaining for d in b.days]
        assert sum(d.remaining is not None for d in b.days) >= 6
        assert len({d.remaining for d in b.days if d.remaining is not None}) > 2
        lines = plot_text(screen).splitlines()
        assert lines[0].startswith("29") or any(line.startswith("29┤") for line in lines)
        legend = str(screen.query_one(BurndownLegend).render())
        assert "today 20 Nov" in legend and "scope +5" in legend
        assert "burndown by points" in screen.query_one("PmoHeader").left_text.plain


async def test_brackets_page_through_the_sprints_closed_ones_too(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_burndown(pilot)
        await pilot.press("left_square_bracket")
        screen = await settled(pilot)
        text = panel(screen)
        assert text.startswith("Sprint 2 · closed")
        for figure in figures_of(expected(demo_db, 2)):
            assert figure in text
        # As the close found it: 18 done, the 8 carried to Sprint 3 still remaining.
        assert "completed 18 pts" in text and "remaining 8 pts" in text
        await pilot.press("left_square_bracket")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 1 · closed")
        assert "remaining 5 pts" in panel(screen)
        await pilot.press("left_square_bracket")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 1")
        assert any("first sprint" in n.message for n in app._notifications)
        await pilot.press("right_square_bracket", "right_square_bracket")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 3 · active")
        await pilot.press("right_square_bracket")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 4 · planned")
        assert "Sprint 4 starts on 26 Nov 2026: nothing burnt yet" in plot_text(screen)


async def test_m_cycles_points_hours_cards(demo_db: Path, make_app: Callable[..., PmoApp]) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        for unit in ("hours", "cards", "points"):
            await pilot.press("m")
            screen = await settled(pilot)
            for figure in figures_of(expected(demo_db, 3, unit)):  # type: ignore[arg-type]
                assert figure in panel(screen)
            assert f"burndown by {unit}" in screen.query_one("PmoHeader").left_text.plain
            shown = screen.query_one(BurndownPlot).burndown
            assert shown is not None and shown.by == unit
            assert unit in plot_text(screen)  # the y axis names the unit


async def test_b_shows_velocity_and_back(demo_db: Path, make_app: Callable[..., PmoApp]) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        await pilot.press("b")
        await pilot.pause()
        bars = screen.query_one(VelocityChart)
        assert bars.display and not screen.query_one("#bd-chart").display
        drawn = bars.render()
        assert isinstance(drawn, Text)
        assert "velocity: the last 2 closed sprints" in drawn.plain
        assert "Sprint 1" in drawn.plain and "Sprint 2" in drawn.plain
        assert "mean of the last 2: 17.5" in drawn.plain
        assert "velocity" in screen.query_one("PmoHeader").left_text.plain
        await pilot.press("b")
        await pilot.pause()
        assert screen.query_one("#bd-chart").display and not bars.display


async def test_no_sprint_says_how_to_plan_one(db: Path, make_app: Callable[..., PmoApp]) -> None:
    build_small_board(db, lambda: NOW)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        message = screen.query_one("#bd-message", Static)
        assert message.display
        assert "No sprint yet" in str(message.render()) and "pmo sprint new" in str(
            message.render()
        )
        assert not screen.query_one("#bd-numbers-box").display
        await pilot.press("left_square_bracket", "m", "b")  # nothing to page or draw: no crash
        screen = await settled(pilot)
        assert "No sprint yet" in str(screen.query_one("#bd-message", Static).render())


def sprint_without_points(db: Path) -> None:
    """The small board's PMO-1 and PMO-2 (no points, no estimates) in a started sprint."""
    build_small_board(db, lambda: NOW)
    s = Board(Store(db), USER, clock=lambda: NOW).session
    sprints.new_sprint(s, "Bare", start=date(2026, 11, 16), end=date(2026, 11, 27))
    sprints.add_to_sprint(s, "1", ["PMO-1", "PMO-2"])
    sprints.start_sprint(s, "1")


async def test_a_sprint_without_points_suggests_m(
    db: Path, make_app: Callable[..., PmoApp]
) -> None:
    sprint_without_points(db)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        assert "Bare has no points to burn down (press m for cards or hours)" in plot_text(screen)
        await pilot.press("m")
        screen = await settled(pilot)
        assert "no hours to burn down (press m for points or cards)" in plot_text(screen)
        await pilot.press("m")
        screen = await settled(pilot)
        assert "committed 2 cards" in panel(screen)
        assert "┤" in plot_text(screen)  # a chart, with its axis


async def test_resize_from_120x40_to_80x24_redraws(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_burndown(pilot)
        plot = screen.query_one(BurndownPlot)
        big = plot_text(screen).splitlines()
        assert len(big) == plot.size.height
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        small = plot_text(screen).splitlines()
        assert len(small) == plot.size.height < len(big)
        assert max(len(line) for line in small) <= plot.size.width
        assert not screen.has_class("-narrow")
        await pilot.resize_terminal(60, 24)  # narrow: the numbers go under the chart
        await pilot.pause()
        assert screen.has_class("-narrow")
        box = screen.query_one("#bd-numbers-box")
        assert box.region.y > plot.region.y


async def test_redraws_when_the_data_changes(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    """Another process finishes a card of the sprint: the screen redraws by itself."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_burndown(pilot)
        before = expected(demo_db, 3)
        assert f"remaining {num(before.remaining or 0)} pts" in panel(screen)
        other = Board(Store(demo_db), "bob", clock=lambda: NOW)
        s = other.session
        done = {c.id for c in s.project().columns if c.role == "done"}
        card = next(
            d
            for d in s.card_docs()
            if d.get("sprint") == 3 and d.get("status") not in done and d.get("points")
        )
        other.move_card(card["key"], "done")
        after = expected(demo_db, 3)
        assert after.remaining is not None and after.remaining < (before.remaining or 0)
        want = f"remaining {num(after.remaining)} pts"
        await wait_for(pilot, lambda: want in panel(screen), what=want)


async def test_a_card_finished_on_the_board_burns_down_when_coming_back(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    """The data changed while the board was shown: `5` shows the new figures, and `u`
    (undo, from the burndown) puts them back."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_burndown(pilot)
        before = expected(demo_db, 3)
        assert f"remaining {num(before.remaining or 0)} pts" in panel(screen)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("l", "l", "L")  # the first Review card to Done
        await wait_for(pilot, lambda: not app.session.writer.busy, what="the move saved")
        after = expected(demo_db, 3)
        assert (after.remaining or 0) < (before.remaining or 0)
        screen = await open_burndown(pilot)
        assert f"remaining {num(after.remaining or 0)} pts" in panel(screen)
        await pilot.press("u")
        await wait_for(pilot, lambda: not app.session.writer.busy, what="the undo saved")
        screen = await settled(pilot)
        await wait_for(
            pilot,
            lambda: f"remaining {num(before.remaining or 0)} pts" in panel(screen),
            what="the undo shown",
        )
        assert expected(demo_db, 3).remaining == before.remaining


async def test_brackets_typed_fast_page_as_many_sprints(
    demo_db: Path, make_app: Callable[..., PmoApp]
) -> None:
    """`[ [` typed before the first sprint's figures are drawn goes two sprints back (each
    press counted from the sprint last asked for, not the one on screen)."""
    from ui_helpers import fast_keys

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_burndown(pilot)
        assert panel(screen).startswith("Sprint 3 · active")
        await fast_keys(pilot, "[", "[")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 1 · closed")
        await fast_keys(pilot, "]", "]", "]")
        screen = await settled(pilot)
        assert panel(screen).startswith("Sprint 4 · planned")
