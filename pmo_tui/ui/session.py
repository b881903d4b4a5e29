"""The app's session of changes: the write queue, the overlay of changes not yet written,
and the undo/redo stacks, in one object the app owns.

A screen hands a use case (and the card fields it is expected to change) to ``submit``; the
view laid over the committed snapshot shows that effect at once while the writer thread
saves it.  When a job is done, ``finish`` says what to announce; the app does the talking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.notifications import SeverityLevel

from ..core.board import Board
from ..core.change import Change
from ..core.errors import NothingToDo, StoreError, UseCaseError
from ..core.model import Doc
from .writer import Job, Writer

UNDO_DEPTH = 500
Local = list[tuple[str, Doc]]  # (card key, fields) laid over the snapshot until written


@dataclass
class Outcome:
    """What the app says and does once a job is finished."""

    notices: list[tuple[str, SeverityLevel]] = field(default_factory=list)
    focus: str | None = None  # card to put the cursor on


def with_notes(text: str, notes: list[str]) -> str:
    """'Undid: move PMO-12 — status left as is: changed by bob since'."""
    return text + (" — " + "; ".join(notes) if notes else "")


class UiSession:
    def __init__(
        self, board: Board, on_done: Callable[[Job], None], *, paint_first: float | None = None
    ) -> None:
        self.board = board
        self.pending: list[Job] = []
        self.local: dict[int, Local] = {}
        self.undo_stack: list[Job] = []
        self.redo_stack: list[Job] = []
        self.writer = Writer(on_done, paint_first=paint_first)

    # ----------------------------------------------------------------- the view
    @property
    def busy(self) -> bool:
        return self.writer.busy or bool(self.pending)

    def overlay(self, docs: list[Doc]) -> list[Doc]:
        """``docs`` with the not-yet-written changes laid over them."""
        if not self.local:
            return docs
        over: dict[str, Doc] = {}
        for job in self.pending:
            for key, fields in self.local.get(job.id, []):
                over.setdefault(key, {}).update(fields)
        if not over:
            return docs
        out = []
        for doc in docs:
            changed = over.get(doc["key"])
            if changed:
                doc = {**doc, **changed}
                if doc.get("archived"):
                    continue
            out.append(doc)
        if any("rank" in f for f in over.values()):
            out.sort(key=lambda d: float(d.get("rank") or 0))
        return out

    # ------------------------------------------------------------------ writing
    def submit(
        self,
        label: str,
        run: Callable[[], Change],
        *,
        local: Local | None = None,
        kind: str = "do",
        focus: bool = False,
        undo_of: Job | None = None,
        announce: str | None = None,
        covered: tuple[str, ...] = (),
    ) -> Job:
        """Queue a use case; its expected effect (``local``) is in the view from now on.
        ``announce`` is said once it is saved, instead of the change's notes in ``covered``
        (the announcement says them already)."""
        job = Job(
            label, run, kind, focus=focus, undo_of=undo_of, announce=announce, covered=covered
        )
        self.pending.append(job)
        if local:
            self.local[job.id] = local
        if kind == "do":
            self.undo_stack.append(job)
            del self.undo_stack[:-UNDO_DEPTH]
            self.redo_stack.clear()
        self.writer.submit(job)
        return job

    def finish(self, job: Job) -> Outcome:
        """On the UI thread, once the writer is done with ``job``."""
        if job in self.pending:
            self.pending.remove(job)
        expected = self.local.pop(job.id, None)
        out = Outcome()
        if job.error is not None:
            if job in self.undo_stack:
                self.undo_stack.remove(job)
            out.notices.append(explain(job.error))
            return out
        change: Change = job.result
        notes = list(change.notes)
        if job.kind == "undo":
            out.notices.append((with_notes(f"Undid: {change.label}", notes), "information"))
        elif job.kind == "redo":
            out.notices.append((with_notes(f"Redid: {change.label}", notes), "information"))
        else:
            if job.announce and expected and not agrees(change, expected):
                # The data changed between the preview and the commit: the use case decided
                # again under the lock, and what it saved is what is said (and shown).
                text = with_notes(f"Saved as the card was by then: {change.label}", notes)
                out.notices.append((text, "information"))
                notes = []
            elif job.announce:
                out.notices.append((job.announce, "information"))
                notes = [n for n in notes if n not in job.covered]
            for note in notes:
                out.notices.append((note, "warning" if note.startswith("WIP") else "information"))
        if job.focus and change.key:
            out.focus = change.key
        return out

    # ---------------------------------------------------------------- undo/redo
    def undo(self) -> Job | None:
        if not self.undo_stack:
            return None
        job = self.undo_stack.pop()

        def run() -> Change:
            if job.error is not None or job.result is None:
                raise UseCaseError(f"cannot undo {job.label}: it was not saved")
            return self.board.apply(job.result.inverse())

        undo = self.submit(
            job.label, run, kind="undo", undo_of=job, local=self._local_for(job, inverse=True)
        )
        self.redo_stack.append(undo)
        return undo

    def redo(self) -> Job | None:
        if not self.redo_stack:
            return None
        undo = self.redo_stack.pop()
        original = undo.undo_of
        assert original is not None

        def run() -> Change:
            if undo.error is not None or original.result is None:
                raise UseCaseError(f"cannot redo {original.label}")
            return self.board.apply(original.result)

        redo = self.submit(
            original.label, run, kind="redo", local=self._local_for(original, inverse=False)
        )
        self.undo_stack.append(redo)  # its result is the original change: undo works again
        return redo

    def forget_history(self) -> None:
        """Another project: its undo stack would act on cards no longer shown."""
        self.undo_stack.clear()
        self.redo_stack.clear()

    @staticmethod
    def _local_for(job: Job, *, inverse: bool) -> Local:
        """The card fields an undo (or redo) will set, if the original is already written."""
        change = job.result if isinstance(job.result, Change) else None
        if change is None:
            return []
        return (change.inverse() if inverse else change).card_fields()

    def stop(self) -> None:
        """Save what is queued and end the writer thread (when the app exits)."""
        self.writer.stop()


STAMPS = ("started", "done", "updated")  # times: a preview's differ from the commit's


def agrees(change: Change, expected: Local) -> bool:
    """Whether a committed change wrote the card fields its preview expected."""
    written: dict[str, Doc] = {}
    for patch in change.patches:
        if patch.table == "cards" and patch.after is not None:
            written.setdefault(patch.key, {}).update(patch.after)
    for key, fields in expected:
        got = written.get(key, {})
        for name, value in fields.items():
            if name not in STAMPS and got.get(name, value) != value:
                return False
    return True


def explain(error: BaseException) -> tuple[str, SeverityLevel]:
    if isinstance(error, UseCaseError | NothingToDo):
        return (str(error), "warning")
    if isinstance(error, StoreError):
        return (f"Not saved: {error.reason}", "error")
    return (f"Not saved: {type(error).__name__}: {error}", "error")
