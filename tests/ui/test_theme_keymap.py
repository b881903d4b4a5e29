"""Issue 11 in the app: themes from files (a broken one is reported, the app still starts),
a theme picked in the palette is kept in the config, the config's key remaps are checked
and shown from the first frame, and the board fits 80x24."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import (
    SmallBoard,
    card_in_file,
    column_header,
    notes,
    screen_text,
    settle,
    wait_for,
)

from pmo_tui.core.config import Config
from pmo_tui.core.theme_names import known_theme_names
from pmo_tui.ui.app import PmoApp
from pmo_tui.ui.widgets.keybar import KeyBar

MakeApp = Callable[..., PmoApp]
SHIPPED = ("pmo-dark", "pmo-light", "pmo-high-contrast", "nord", "gruvbox")


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config file and the user's theme folder live in tmp_path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "config.toml"
    monkeypatch.setenv("PMO_CONFIG", str(config))
    return config


def keybar_text(app: PmoApp) -> str:
    return str(app.screen.query_one(KeyBar).content)


def run(app: PmoApp, size: tuple[int, int] = (80, 24)) -> Any:
    return app.run_test(size=size, notifications=True)


def first_hit(app: PmoApp) -> str | None:
    """The first entry the open command palette lists (None: no palette, or no hits)."""
    lines = screen_text(app).splitlines()
    for i, line in enumerate(lines):
        if "🔎" in line:
            for after in lines[i + 1 :]:
                if after.strip():
                    return after.strip()
    return None


# ------------------------------------------------------------------------------- themes
def test_every_shipped_theme_is_known() -> None:
    assert set(SHIPPED) <= set(known_theme_names())


@pytest.mark.parametrize("theme", SHIPPED)
async def test_each_theme_draws_the_board(small: SmallBoard, make_app: MakeApp, theme: str) -> None:
    app = make_app(small.path, theme=theme)
    async with run(app) as pilot:
        await pilot.pause()
        assert app.theme == theme
        text = screen_text(app)
        for name in ("To Do", "In Progress", "Review", "Done"):
            assert name in text
        assert not [n for n in notes(app) if "theme" in n.lower()]


async def test_only_pmo_themes_are_offered(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        assert app.theme == "pmo-dark"
        assert set(app.available_themes) == set(known_theme_names())
        assert "pmo-priority-urgent" in app.get_theme_variable_defaults()


async def test_a_broken_theme_file_is_named_and_the_app_starts(
    small: SmallBoard, make_app: MakeApp, tmp_path: Path
) -> None:
    themes = tmp_path / "xdg" / "pmo" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.toml").write_text(
        'name = "mine"\nprimary = "#123456"\nbackground = "blurple"\n'
    )
    (themes / "ok.toml").write_text('name = "mine-ok"\nprimary = "#5fafff"\n')
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        said = [n for n in notes(app) if "mine.toml" in n]
        assert said and "background" in said[0], notes(app)
        assert "To Do" in screen_text(app)
        assert "mine-ok" in app.available_themes  # the good file still loads


async def test_a_theme_picked_in_the_palette_is_saved(
    demo_db: Path, make_app: MakeApp, own_config: Path
) -> None:
    """On the demo board, where a card is titled "Dark theme contrast fixes": typing
    "theme" must still reach the Theme command first."""
    own_config.write_text("# my settings\nuser = 'alice'\n")
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await wait_for(pilot, lambda: first_hit(app) == "Theme", what="Theme listed first")
        await pilot.press("enter")
        await wait_for(pilot, lambda: first_hit(app) is not None, what="the theme list")
        await pilot.press(*"nord")
        await wait_for(pilot, lambda: first_hit(app) == "nord", what="nord listed first")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "nord", what="theme nord")
        await wait_for(
            pilot,
            lambda: "nord" in own_config.read_text(),
            what="config written",
        )
    text = own_config.read_text()
    assert "# my settings" in text  # the file keeps its comments
    assert tomllib.loads(text)["theme"] == "nord"


async def test_theme_from_the_command_line_is_not_saved(
    small: SmallBoard, make_app: MakeApp, own_config: Path
) -> None:
    app = make_app(small.path, theme="gruvbox")
    async with run(app) as pilot:
        await pilot.pause(0.2)
        assert app.theme == "gruvbox"
    assert not own_config.exists()


# ------------------------------------------------------------------------------- keymap
async def test_a_remapped_key_works_and_shows_everywhere(
    small: SmallBoard, make_app: MakeApp, own_config: Path
) -> None:
    cfg = Config(own_config, keymap={"board.archive": "d"})
    app = make_app(small.path, config=cfg)
    async with run(app) as pilot:
        # From the first frame: no pause before looking at the footer.
        assert " d Archive" in keybar_text(app)
        assert " x Archive" not in keybar_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert card_in_file(small.path, "PMO-1")["archived"]
        await pilot.press("x")  # the old key does nothing now
        await settle(pilot)
        assert not card_in_file(small.path, "PMO-2").get("archived")
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = screen_text(app)
        assert any(
            line.split("│")[1].split()[:2] == ["d", "Archive"]
            for line in help_text.splitlines()
            if line.count("│") >= 2 and "Archive" in line
        ), help_text
        assert not [n for n in notes(app) if "keymap" in n]  # a good keymap: no complaint


async def test_keymap_problems_are_reported(
    small: SmallBoard, make_app: MakeApp, own_config: Path
) -> None:
    cfg = Config(own_config, keymap={"board.new": "j", "board.archivee": "d"})
    app = make_app(small.path, config=cfg)
    async with run(app) as pilot:
        await pilot.pause()
        said = "\n".join(notes(app))
        assert "unknown binding id 'board.archivee'" in said
        assert "board.archive" in said  # the nearest id is suggested
        assert "board.new" in said and "board.down" in said  # takes j from Down


# ----------------------------------------------------------------------------- 80 x 24
async def test_board_fits_80x24(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.pause()
        text = screen_text(app)
        lines = text.splitlines()
        for name in ("To Do", "In Progress", "Review", "Done"):
            assert name in lines[1], lines[1]
        assert "? Help" in lines[-1] and "q Quit" in lines[-1], lines[-1]
        # headers keep their spaces: "To Do 3", not "To Do3"
        assert column_header(app, "todo").startswith("To Do 3")
        for key in ("PMO-1", "PMO-4", "PMO-6", "PMO-7"):
            assert key in text
        assert "▁" not in text and "▇" not in text  # no scrollbar pieces on the board
        # compact cards have no due line: an overdue card says so on its key line
        assert any("PMO-2" in line and "late" in line for line in lines), text


async def test_footer_keeps_help_and_quit_when_narrow(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app, size=(40, 24)) as pilot:
        await pilot.pause()
        bar = keybar_text(app)
        assert "? Help" in bar and "q Quit" in bar, bar
        assert len(bar) <= 40


async def test_header_drops_whole_parts(demo_db: Path, make_app: MakeApp) -> None:
    app = make_app(demo_db)
    async with run(app, size=(50, 24)) as pilot:
        await pilot.pause()
        top = screen_text(app).splitlines()[0]
        assert "pmo PMO" in top
        assert "Sprint 3" in top  # the sprint's name stays whole; less useful parts went
        assert "…" not in top


async def test_five_columns_scroll_sideways_with_cues(db: Path, make_app: MakeApp) -> None:
    from pmo_tui.cli import main

    assert main(["--db", str(db), "init", "--template", "kanban"]) == 0
    assert main(["--db", str(db), "add", "A card in the backlog"]) == 0
    app = make_app(db)
    async with run(app) as pilot:
        await pilot.pause()
        first = screen_text(app).splitlines()[1]
        assert "1 more ▶" in first, first
        assert "Backlog" in first and "Done" not in first
        for _ in range(4):
            await pilot.press("l")
        await pilot.pause()
        first = screen_text(app).splitlines()[1]
        assert "◀ 1 more" in first, first
        assert "more ▶" not in first
        assert "Done" in first and "Backlog" not in first  # scrolled, not just relabelled


async def test_help_scrolls_and_says_there_is_more(small: SmallBoard, make_app: MakeApp) -> None:
    app = make_app(small.path)
    async with run(app) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert "▼ more below" in screen_text(app)
        before = screen_text(app)
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert screen_text(app) != before
        for _ in range(40):
            await pilot.press("j")
        await pilot.pause()
        text = screen_text(app)
        assert "▼ more below" not in text and "▲ more above" in text
