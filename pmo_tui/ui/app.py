"""PmoApp: modes, global keys, the write queue, undo/redo and live reload."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from ..core.board import Board
from ..core.change import Change
from ..core.config import Config
from ..core.errors import NothingToDo, StoreError, UseCaseError
from ..core.model import Doc, utcnow
from ..core.storage.jsonfile.store import Signature, Store, file_signature
from .screens.board import BoardScreen
from .themes import load_themes
from .writer import Job, Writer

UNDO_DEPTH = 500
Local = list[tuple[str, Doc]]  # (card key, fields) laid over the snapshot until written


def _commands() -> type[Any]:
    """The palette's provider, imported when the palette first opens."""
    from .commands import PmoCommands

    return PmoCommands


class PmoApp(App[None]):
    CSS_PATH = str(Path(__file__).with_name("pmo.tcss"))  # absolute: subclasses work too
    TITLE = "pmo"
    MODES = {"board": BoardScreen}
    DEFAULT_MODE = "board"
    COMMANDS = App.COMMANDS | {_commands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(
            "1", "switch_mode('board')", "Board", id="app.board", show=False, tooltip="The board"
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
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.user = user
        self.config = config
        self.hours_per_day = config.hours_per_day if config else 8.0
        self._clock = clock
        self.poll_interval = poll_interval
        self.store = Store(self.db_path, auto_refresh=False)
        self.board = Board(
            self.store, user, project, clock=self.now, hours_per_day=self.hours_per_day
        )
        self.board.project()  # fail early (StoreError / UseCaseError) before the UI starts
        self.pending: list[Job] = []
        self.local: dict[int, Local] = {}
        self.undo_stack: list[Job] = []
        self.redo_stack: list[Job] = []
        self._unreadable: Signature | None = None  # a file version that failed
        self.writer = Writer(self._job_done)
        self._reloading = False
        self._theme_name = theme or (config.theme if config else None)
        self._bad_theme: str | None = None
        self._choose_theme()

    # ------------------------------------------------------------------ set-up
    def now(self) -> datetime:
        return self._clock() if self._clock else utcnow()

    def _choose_theme(self) -> None:
        # Before the first frame: changing the theme later re-applies every style.
        for theme in load_themes():
            self.register_theme(theme)
        wanted = self._theme_name or "pmo-dark"
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self._bad_theme = self._theme_name

    def on_mount(self) -> None:
        if self._bad_theme:
            self.notify(f"No theme {self._bad_theme!r}; using {self.theme}", severity="warning")
        if self.config and self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.poll_interval > 0:
            self.set_interval(self.poll_interval, self._poll)

    # -------------------------------------------------------------- data views
    def view_cards(self) -> list[Doc]:
        """Open cards of the project, with the not-yet-written changes laid over them."""
        docs = self.board.card_docs()
        if not self.local:
            return docs
        overlay: dict[str, Doc] = {}
        for job in self.pending:
            for key, fields in self.local.get(job.id, []):
                overlay.setdefault(key, {}).update(fields)
        if not overlay:
            return docs
        out = []
        for doc in docs:
            over = overlay.get(doc["key"])
            if over:
                doc = {**doc, **over}
                if doc.get("archived"):
                    continue
            out.append(doc)
        if any("rank" in f for f in overlay.values()):
            out.sort(key=lambda d: float(d.get("rank") or 0))
        return out

    def redraw(self) -> None:
        """Redraw every screen that shows data, also under a modal (help, a form)."""
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_view"):
                screen.refresh_view()

    # ----------------------------------------------------------------- writing
    def submit(
        self,
        label: str,
        run: Callable[[], Change],
        *,
        local: Local | None = None,
        kind: str = "do",
        focus: bool = False,
        undo_of: Job | None = None,
    ) -> Job:
        """Queue a use case; lay its expected effect over the view and redraw now."""
        job = Job(label, run, kind)
        job.focus = focus  # type: ignore[attr-defined]
        job.undo_of = undo_of  # type: ignore[attr-defined]
        self.pending.append(job)
        if local:
            self.local[job.id] = local
        if kind == "do":
            self.undo_stack.append(job)
            del self.undo_stack[:-UNDO_DEPTH]
            self.redo_stack.clear()
        self.writer.submit(job)
        if local:
            self.redraw()
        return job

    def _job_done(self, job: Job) -> None:
        """On the writer thread: hand the result to the UI thread."""
        self.call_from_thread(self._after_job, job)

    def _after_job(self, job: Job) -> None:
        if job in self.pending:
            self.pending.remove(job)
        self.local.pop(job.id, None)
        if job.error is not None:
            if job in self.undo_stack:
                self.undo_stack.remove(job)
            self._explain(job.error)
        else:
            change: Change = job.result
            if job.kind == "undo":
                self.notify(f"Undid: {change.label}", timeout=3)
            elif job.kind == "redo":
                self.notify(f"Redid: {change.label}", timeout=3)
            for note in change.notes:
                warn = note.startswith("WIP")
                self.notify(note, severity="warning" if warn else "information", timeout=4)
            if getattr(job, "focus", False) and change.key:
                screen = self.screen
                if hasattr(screen, "focus_card"):
                    screen.focus_card(change.key)
        self.redraw()

    def _explain(self, error: BaseException) -> None:
        if isinstance(error, UseCaseError | NothingToDo):
            self.notify(str(error), severity="warning", timeout=4)
        elif isinstance(error, StoreError):
            self.notify(f"Not saved: {error.reason}", severity="error", timeout=8)
        else:
            self.notify(f"Not saved: {type(error).__name__}: {error}", severity="error", timeout=8)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo", timeout=2)
            return
        job = self.undo_stack.pop()

        def run() -> Change:
            if job.error is not None or job.result is None:
                raise UseCaseError(f"cannot undo {job.label}: it was not saved")
            return self.board.apply(job.result.inverse())

        undo = self.submit(
            job.label, run, kind="undo", undo_of=job, local=self._local_for(job, inverse=True)
        )
        self.redo_stack.append(undo)

    def action_redo(self) -> None:
        if not self.redo_stack:
            self.notify("Nothing to redo", timeout=2)
            return
        undo = self.redo_stack.pop()
        original: Job = undo.undo_of  # type: ignore[attr-defined]

        def run() -> Change:
            if undo.error is not None or original.result is None:
                raise UseCaseError(f"cannot redo {original.label}")
            return self.board.apply(original.result)

        redo = self.submit(
            original.label, run, kind="redo", local=self._local_for(original, inverse=False)
        )
        self.undo_stack.append(redo)  # its result is the original change: undo works again

    def _local_for(self, job: Job, *, inverse: bool) -> Local:
        """The card fields an undo (or redo) will set, if the original is already written."""
        change = job.result if isinstance(job.result, Change) else None
        if change is None:
            return []
        if inverse:
            change = change.inverse()
        out: Local = []
        for patch in change.patches:
            if patch.table != "cards":
                continue
            if patch.after is None:
                out.append((patch.key, {"archived": True}))
            else:
                fields = dict(patch.after)
                if patch.before is None:
                    fields["archived"] = False
                out.append((patch.key, fields))
        return out

    # -------------------------------------------------------------- live reload
    def _poll(self) -> None:
        if self._reloading or self.writer.busy or not self.store.changed_on_disk():
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
            data["cards"], data["time_entries"]  # and parses what the board shows
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
        """The screen whose actions the palette offers (not the palette itself)."""
        stack = self.screen_stack
        for candidate in reversed(stack):
            if hasattr(candidate, "refresh_view"):
                return candidate
        return screen

    def goto_card(self, key: str) -> None:
        screen: Any = self.screen_for_commands(self.screen)
        if hasattr(screen, "focus_card"):
            if hasattr(screen, "filter") and screen.filter.text:
                screen.action_clear_filter()
            screen.focus_card(key)

    def switch_project(self, key: str) -> None:
        self.board.project_key = key
        self.undo_stack.clear()
        self.redo_stack.clear()
        screen: Any = self.screen_for_commands(self.screen)
        if hasattr(screen, "rebuild_columns"):
            screen.cursor_key = None
            screen.rebuild_columns()
        self.notify(f"Project {key}", timeout=2)

    async def action_quit(self) -> None:
        if self.writer.busy:
            self.notify("Saving…", timeout=2)
            await asyncio.to_thread(self.writer.drain)
        self.exit()
