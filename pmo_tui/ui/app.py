"""PmoApp: modes, global keys, the write queue, undo/redo and live reload."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from ..core.board import Board
from ..core.change import Change
from ..core.config import DEFAULT_THEME, Config
from ..core.errors import StoreError
from ..core.model import Doc, TimeEntry, utcnow
from ..core.storage.jsonfile.store import Signature, Store, file_signature
from ..core.text import display
from .messages import DataChanged
from .screens.board import BoardScreen
from .session import Local, UiSession
from .stylesheet import PmoStylesheet
from .theme_files import app_variable_defaults, load_themes
from .writer import Job


# Screens 2-5 are imported when their key is first pressed: the first frame paints the
# board only, and importing the others (forms, grids, plotext) would delay it.
def _backlog_screen() -> Screen[Any]:
    from .screens.backlog import BacklogScreen

    return BacklogScreen()


def _sprint_screen() -> Screen[Any]:
    from .screens.sprint import SprintScreen

    return SprintScreen()


def _timesheet_screen() -> Screen[Any]:
    from .screens.timesheet import TimesheetScreen

    return TimesheetScreen()


def _burndown_screen() -> Screen[Any]:
    from .screens.burndown import BurndownScreen

    return BurndownScreen()


def _commands() -> type[Any]:
    """The palette's provider, imported when the palette first opens."""
    from .commands import PmoCommands

    return PmoCommands


class PmoApp(App[None]):
    CSS_PATH = str(Path(__file__).with_name("pmo.tcss"))  # absolute: subclasses work too
    TITLE = "pmo"
    MODES = {
        "board": BoardScreen,
        "backlog": _backlog_screen,
        "sprint": _sprint_screen,
        "timesheet": _timesheet_screen,
        "burndown": _burndown_screen,
    }
    DEFAULT_MODE = "board"
    COMMANDS = {_commands}  # pmo's provider also lists Textual's commands, after its own
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(
            "1", "switch_mode('board')", "Board", id="app.board", show=False, tooltip="The board"
        ),
        Binding(
            "2",
            "switch_mode('backlog')",
            "Backlog",
            id="app.backlog",
            show=False,
            tooltip="The backlog: planned sprints and unplanned cards",
        ),
        Binding(
            "3",
            "switch_mode('sprint')",
            "Sprints",
            id="app.sprints",
            show=False,
            tooltip="The sprints: plan, start, close",
        ),
        Binding(
            "4",
            "switch_mode('timesheet')",
            "Timesheet",
            id="app.timesheet",
            show=False,
            tooltip="The timesheet: a week of time by card and day",
        ),
        Binding(
            "5",
            "switch_mode('burndown')",
            "Burndown",
            id="app.burndown",
            show=False,
            tooltip="Burndown, velocity and plan against actual",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="All keys"),
        Binding("u", "undo", "Undo", id="app.undo", tooltip="Undo the last change"),
        Binding(
            "ctrl+r", "redo", "Redo", id="app.redo", show=False, tooltip="Redo what was undone"
        ),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (waits for saves)"),
    ]

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        *,
        user: str = "me",
        project: str | None = None,
        theme: str | None = None,
        config: Config | None = None,
        clock: Callable[[], datetime] | None = None,
        poll_interval: float = 0.5,
        tick_interval: float = 1.0,
        paint_first: float | None = None,
    ) -> None:
        """``clock``, ``poll_interval`` (another process's writes), ``tick_interval`` (the
        header's clock) and ``paint_first`` (the writer's delay) are injected by tests so
        they never wait on wall time; 0 turns polling and ticking off."""
        super().__init__()
        self.stylesheet = PmoStylesheet(variables=self.get_css_variables())
        self.db_path = Path(db_path)
        self.user = user
        self.config = config
        self.hours_per_day = config.hours_per_day if config else 8.0
        self._clock = clock
        self.poll_interval = poll_interval
        self.tick_interval = tick_interval
        self.store = Store(self.db_path, auto_refresh=False)
        self.board = Board(
            self.store, user, project, clock=self.now, hours_per_day=self.hours_per_day
        )
        self.board.project()  # fail early (StoreError / UseCaseError) before the UI starts
        self.session = UiSession(self.board, self._job_done, paint_first=paint_first)
        self._unreadable: Signature | None = None  # a file version that failed
        self._reloading = False
        self._quitting = False  # quitting: keys are dropped, results no longer shown
        self._loop: asyncio.AbstractEventLoop | None = None
        self.data_changed: Signal[DataChanged] = Signal(self, "data-changed")
        self._theme_name = theme or (config.theme if config else None)
        self._bad_theme: str | None = None
        self._theme_problems: list[str] = []
        self._keymap_problems: list[str] = []
        self._choose_theme()
        self._apply_keymap()
        # My running timer, looked up off the UI thread: (data generation it was found in,
        # the entry).  Generation -1: not looked up yet (the first frame shows no timer).
        self._timer: tuple[int, TimeEntry | None] = (-1, None)
        self._timer_lookup = False  # a lookup is under way
        self._painted = False  # the first frame is on the screen: lookups may start
        self._gc_paused = False  # run(): no cyclic garbage collection until the first frame

    # ------------------------------------------------------------------ set-up
    def now(self) -> datetime:
        return self._clock() if self._clock else utcnow()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return app_variable_defaults()

    def _choose_theme(self) -> None:
        """pmo's themes only (the shipped files and the user's): Textual's own are hidden,
        since nothing checks that their colours read well with pmo's (CONTRAST_PAIRS).
        Chosen before the first frame: changing the theme later re-applies every style."""
        themes, self._theme_problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        wanted = self._theme_name or DEFAULT_THEME
        if wanted in self.available_themes:
            self._set_first_theme(wanted)
        else:
            self._bad_theme = self._theme_name
            if DEFAULT_THEME in self.available_themes:
                self._set_first_theme(DEFAULT_THEME)
        ours = {theme.name for theme in themes}
        for name in list(self.available_themes):
            if name not in ours and name != self.theme:
                self.unregister_theme(name)

    def _set_first_theme(self, name: str) -> None:
        """The theme before the app runs, without Textual's watcher: it queues a re-parse of
        every stylesheet (pmo.tcss is ~10 ms a parse, and the re-parse made the next screen
        parse it again) for variables that nothing was parsed with yet.  What the
        watcher does besides is done here: the theme's classes, the ANSI colour filter and
        the variables the first parse uses."""
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes[f"-theme-{name}"] = True
        classes["-dark-mode"] = dark
        classes["-light-mode"] = not dark
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def bindings_by_screen(self) -> dict[str, list[tuple[str, str]]]:
        """Every binding with an id, as (id, default keys), per screen (modals included)."""
        from .modals.card_form import CardForm
        from .modals.confirm import ConfirmScreen
        from .modals.help import HelpScreen
        from .modals.prompt import PromptScreen

        def ids(node: type[Any]) -> list[tuple[str, str]]:
            return [
                (b.id, b.key) for b in node.BINDINGS if isinstance(b, Binding) and b.id is not None
            ]

        screens: dict[str, list[tuple[str, str]]] = {"app": ids(type(self))}
        for name, screen in (
            ("board", BoardScreen),
            ("card_form", CardForm),
            ("confirm", ConfirmScreen),
            ("help", HelpScreen),
            ("prompt", PromptScreen),
        ):
            screens[name] = ids(screen)
        return screens

    def _apply_keymap(self) -> None:
        """The config's remaps, checked and applied before the first frame, so the footer
        and help show the remapped keys at once."""
        from ..core.keymap import check_keymap

        keymap = dict(self.config.keymap) if self.config else {}
        if not keymap:
            return
        self._keymap_problems = check_keymap(keymap, self.bindings_by_screen())
        self.set_keymap(keymap)

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._bad_theme:
            self.notify(f"No theme {self._bad_theme!r}; using {self.theme}", severity="warning")
        for problem in self._theme_problems + self._keymap_problems:
            self.notify(problem, severity="warning", timeout=12)
        self._started_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.poll_interval > 0:
            self.set_interval(self.poll_interval, self._poll)
        self.call_after_refresh(self._first_frame_painted)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the app, with Python's cycle collector paused until the first frame.

        Start-up allocates some 10^5 objects (Textual's modules, rules and widgets, the
        cards) that live as long as the app, and the collector traverses them again and again
        (~40 ms of CPU before the first frame, a bare Textual app pays ~14).  At the first
        frame they are frozen (:func:`gc.freeze`: moved where the collector never looks, as
        CPython advises for long-lived start-up state) and collection resumes.  Only for a
        real run: tests (``run_test``) start many apps in one process and keep collecting.
        """
        self._gc_paused = gc.isenabled()
        gc.disable()
        try:
            return super().run(*args, **kwargs)
        finally:
            self._resume_gc(freeze=False)

    def _resume_gc(self, *, freeze: bool) -> None:
        if self._gc_paused:
            self._gc_paused = False
            if freeze:
                gc.freeze()
            gc.enable()

    def _first_frame_painted(self) -> None:
        self._painted = True
        self._resume_gc(freeze=True)
        self.running_timer()  # start looking it up

    def _theme_changed(self, theme: Any) -> None:
        """A theme picked in the palette is kept in the config file (not `--theme`)."""
        name = str(theme.name)
        if name == self._started_theme:
            return
        self._started_theme = name
        self.run_worker(
            lambda: self._save_theme(name), thread=True, group="save-theme", exclusive=True
        )

    def _save_theme(self, name: str) -> None:
        from ..core.config import ConfigError, config_path
        from ..core.config_edit import set_config_value
        from ..core.theme_names import known_theme_names

        path = config_path()
        try:
            set_config_value(path, "theme", name, known_themes=known_theme_names())
        except ConfigError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
        except OSError as exc:
            self.call_from_thread(
                self.notify, f"Cannot save the theme to {path}: {exc}", severity="error"
            )
        else:
            if self.config is not None:
                self.config.theme = name
            self.call_from_thread(self.notify, f"Theme {name} saved to {path}", timeout=3)

    def on_unmount(self) -> None:
        """The app is closing: the writer saves what is queued, then its thread ends."""
        self._quitting = True
        self.session.stop()

    async def on_event(self, event: events.Event) -> None:
        # Keys typed after `q` would open forms on a closing app: drop them.
        if self._quitting and isinstance(event, events.Key):
            return
        await super().on_event(event)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: they quote stored text (titles, names, keys),
        which must never be read as markup (widgets pass markup=True by default)."""
        super().notify(
            display(message), title=display(title), severity=severity, timeout=timeout, markup=False
        )

    # -------------------------------------------------------------- data views
    def view_cards(self) -> list[Doc]:
        """Open cards of the project, with the not-yet-written changes laid over them."""
        return self.session.overlay(self.board.card_docs())

    def redraw(self, focus: str | None = None, *, project_switched: bool = False) -> None:
        """Tell every screen that shows data (also under a modal) to redraw."""
        if self._quitting:
            return
        self.data_changed.publish(DataChanged(focus, project_switched))

    @property
    def generation(self) -> int:
        """Bumped whenever the data the app shows changes: what off-thread lookups (my
        timer, a card's history) are kept for."""
        return self.store.generation

    # -------------------------------------------------------- my running timer
    def running_timer(self) -> TimeEntry | None:
        """My running timer (the header, the board's ⏱, the backlog), as last looked up.

        Finding it scans every time entry of the file (30,000 at 10k cards: ~40 ms to
        parse them), so it never happens on the UI thread: a worker looks it up after the
        first frame and whenever the data changed (the writer thread and the reload worker
        look it up before they hand back, so a saved change shows its timer at once).
        Until a lookup is done the last one found is shown, and the screens redraw when
        it differs.  (An index of running timers kept with the entries makes the lookup
        a read of one record; the worker stays, so the UI thread never waits on disk.)
        """
        generation, entry = self._timer
        if generation != self.store.generation and self._painted and not self._timer_lookup:
            self._timer_lookup = True
            self.run_worker(self._look_up_timer, thread=True, group="timer", exit_on_error=False)
        return entry

    def _find_timer(self) -> tuple[int, TimeEntry | None]:
        """Off the UI thread: my running timer in the committed data, and its generation."""
        generation = self.store.generation  # first: newer data is looked up again
        return generation, self.board.running()

    def _look_up_timer(self) -> None:
        try:
            found = self._find_timer()
        except Exception:  # a broken file: the reload explains it; keep what was shown
            found = None
        if not self._quitting:
            self.call_from_thread(self._timer_found, found)

    def _timer_found(self, found: tuple[int, TimeEntry | None] | None) -> None:
        self._timer_lookup = False
        if found is None:
            return
        before = self._timer[1]
        if found[0] >= self._timer[0]:
            self._timer = found
        if found[1] != before:
            self.redraw()

    def _warm_timer(self) -> None:
        """On the writer thread or the reload worker, before the UI redraws: the lookup
        for the data just written or read."""
        try:
            found = self._find_timer()
        except Exception:
            return
        if found[0] >= self._timer[0]:
            self._timer = found

    # ----------------------------------------------------------------- writing
    def submit(
        self,
        label: str,
        run: Callable[[], Change],
        *,
        local: Local | None = None,
        focus: bool = False,
        announce: str | None = None,
        covered: tuple[str, ...] = (),
    ) -> Job:
        """Queue a use case; lay its expected effect over the view and redraw now."""
        job = self.session.submit(
            label, run, local=local, focus=focus, announce=announce, covered=covered
        )
        if local:
            self.redraw()
        return job

    def _job_done(self, job: Job) -> None:
        """On the writer thread: hand the result to the UI thread (never waits for it, so
        the app can stop the writer while it closes)."""
        loop = self._loop
        if loop is not None and not self._quitting and not loop.is_closed():
            if job.error is None:
                self._warm_timer()
            loop.call_soon_threadsafe(self._after_job, job)

    def _after_job(self, job: Job) -> None:
        if self._quitting:
            return
        outcome = self.session.finish(job)
        for text, severity in outcome.notices:
            self.notify(
                text, severity=severity, timeout=8 if severity == "error" else 4, markup=False
            )
        self.redraw(outcome.focus)

    def action_undo(self) -> None:
        job = self.session.undo()
        if job is None:
            self.notify("Nothing to undo", timeout=2)
        elif self.session.local.get(job.id):
            self.redraw()

    def action_redo(self) -> None:
        job = self.session.redo()
        if job is None:
            self.notify("Nothing to redo", timeout=2)
        elif self.session.local.get(job.id):
            self.redraw()

    # -------------------------------------------------------------- live reload
    def _poll(self) -> None:
        if self._reloading or self.session.writer.busy or not self.store.changed_on_disk():
            return
        try:
            seen: Signature | None = file_signature(os.stat(self.db_path))
        except OSError:
            seen = None
        if seen is not None and seen == self._unreadable:
            return  # already said that this version of the file cannot be read
        self._reloading = True
        self.run_worker(lambda: self._reload(seen), thread=True, group="reload", exclusive=True)

    def _reload(self, seen: Signature | None) -> None:
        try:
            data = self.store.reload()  # re-reads the file on this thread, not the UI's
            data["cards"]  # and parses what the board shows
            self._warm_timer()  # and looks up my timer (parsing the entries)
            self._unreadable = None
        except StoreError as exc:
            self._unreadable = seen
            self.call_from_thread(
                self.notify,
                f"Cannot read the file: {exc.reason}. Showing what was last read; "
                "changes are not saved until the file is readable again.",
                severity="error",
                timeout=10,
            )
        finally:
            self.call_from_thread(self._reloaded)

    def _reloaded(self) -> None:
        self._reloading = False
        self.redraw()

    # ----------------------------------------------------------------- actions
    def action_help(self) -> None:
        from .modals.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = getattr(screen, "HELP_TITLE", "pmo")
        self.push_screen(HelpScreen(screen, title))

    def screen_for_commands(self, screen: Screen[Any]) -> Any:
        """The screen whose actions the palette offers: the one it was opened from (the
        sprint screen's own on the sprint screen, a card detail's own over the board), or
        under a modal (help) the first full screen below it."""
        from textual.screen import ModalScreen

        if not isinstance(screen, ModalScreen):
            return screen
        for candidate in reversed(self.screen_stack):
            if not isinstance(candidate, ModalScreen):
                return candidate
        return screen

    def goto_card(self, key: str) -> None:
        from .screens.backlog import BacklogScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, BoardScreen | BacklogScreen):
                screen.go_to_card(key)
                return

    def open_card(self, key: str) -> None:
        """Show a card's detail over the current screen (any mode)."""
        from .screens.card_detail import CardDetailScreen

        self.push_screen(CardDetailScreen(key))

    def switch_project(self, key: str) -> None:
        self.board.project_key = key
        self.session.forget_history()
        self.redraw(project_switched=True)
        self.notify(f"Project {display(key)}", timeout=2, markup=False)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        # The palette's "Screenshot" runs after the palette closes; if `q` came first
        # there is no screen left to draw (Textual raised ScreenStackError).
        if self._quitting or not self.screen_stack:
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from .commands import palette_class

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(palette_class()(id="--command-palette"))

    async def action_quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True  # keys typed from now on are dropped
        if self.session.writer.busy:
            self.notify("Saving…", timeout=2)
            await asyncio.to_thread(self.session.writer.drain)
        self.exit()
