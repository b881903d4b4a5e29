"""The board draws a change from its use case's preview, and the writer commits the use
case, which decides again under the lock: the two agree, and where the data changed in
between, the commit wins and the screen shows what was saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui_helpers import (
    USER,
    SmallBoard,
    card_in_file,
    column_lines,
    column_order,
    notes,
    settle,
    shown,
)

from pmo_tui.core.board import Board
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.writer import Job

MakeApp = Callable[..., PmoApp]


def hold_writes(app: PmoApp) -> tuple[list[Job], Callable[[], None]]:
    """Keep the jobs the screen submits from the writer until ``release()``: the screen
    shows the preview alone meanwhile."""
    writer = app.session.writer
    real = writer.submit
    held: list[Job] = []
    writer.submit = held.append  # type: ignore[method-assign,assignment]

    def release() -> None:
        writer.submit = real  # type: ignore[method-assign]
        for job in held:
            real(job)

    return held, release


def card_shown(app: PmoApp, key: str) -> dict[str, Any]:
    return next(d for d in app.view_cards() if d["key"] == key)


async def test_what_is_drawn_before_the_save_is_what_is_saved(
    small: SmallBoard, make_app: MakeApp
) -> None:
    app = make_app(small.path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        held, release = hold_writes(app)
        await pilot.press("j", "a", "J", "L")  # PMO-2 (bob's): take it, rank down, move on
        await pilot.pause()
        assert len(held) == 3
        drawn = card_shown(app, "PMO-2")
        assert drawn["assignee"] == USER and drawn["status"] == "doing"
        drawn_doing = shown(app)["doing"]
        assert "PMO-2" in drawn_doing and shown(app)["todo"] == ["PMO-1", "PMO-3"]
        assert card_in_file(small.path, "PMO-2")["assignee"] == "bob"  # not saved yet
        release()
        await settle(pilot)
        saved = card_in_file(small.path, "PMO-2")
        for field in ("assignee", "status", "rank"):
            assert saved[field] == drawn[field], field
        assert column_order(small.path, "todo") == ["PMO-1", "PMO-3"]
        assert column_order(small.path, "doing") == drawn_doing == shown(app)["doing"]
        assert "Assigned PMO-2 to you (was bob; u undoes)" in notes(app)
        assert "PMO-2 was assigned to bob" not in notes(app)  # said once, not twice


async def test_the_commit_wins_when_the_card_changed_after_the_preview(
    small: SmallBoard, make_app: MakeApp, clock: Any
) -> None:
    """PMO-1 is mine: `a` previews 'unassign'.  Before the writer saves it, bob takes the
    card in another process; the use case decides again on the card as it is then (mine
    again, taken from bob), and the board shows that, saying so."""
    app = make_app(small.path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        held, release = hold_writes(app)
        assert not held
        await pilot.press("a")
        await pilot.pause()
        assert card_shown(app, "PMO-1")["assignee"] is None  # the preview
        assert not any("@" + USER in line for line in column_lines(app, "todo")[:4])
        Board(Store(small.path), "bob", clock=clock).edit_card("PMO-1", assignee="bob")
        release()
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["assignee"] == USER  # the commit's decision
        assert card_shown(app, "PMO-1")["assignee"] == USER
        assert any("@" + USER in line for line in column_lines(app, "todo")[:4])
        said = [n for n in notes(app) if n.startswith("Saved as the card was by then")]
        assert said and "assign PMO-1 to ann" in said[0] and "bob" in said[0], notes(app)
        assert "Unassigned PMO-1 (u undoes)" not in notes(app)
