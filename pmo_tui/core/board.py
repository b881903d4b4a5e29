"""Compatibility facade: ``Board(store, user, project)`` with the method names the CLI and
the app call today.  Every method delegates to a use case in :mod:`pmo_tui.core.usecases`;
no rule lives here.  New code should build a :class:`Session` and call the use cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from .change import Change
from .model import LONG_TIMER, Card, Doc, Project, Sprint, TimeEntry, long_running, utcnow
from .storage.jsonfile.backend import JsonFileStorage
from .usecases import cards, timers
from .usecases.session import Session

# projects (with sprints and calendar), undo and validate are imported by the methods that
# use them: a CLI command runs one use case and should not pay for the others' imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .storage.jsonfile.store import Store

__all__ = ["LONG_TIMER", "Board", "long_running"]


class Board:
    """The use cases over one store, for one user and one current project."""

    def __init__(
        self,
        store: Store,
        user: str,
        project: str | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        hours_per_day: float = 8.0,
    ) -> None:
        self.store = store
        self.session = Session(
            JsonFileStorage(store), user, project, clock=clock, hours_per_day=hours_per_day
        )

    # The session's state, readable and settable as before (the demo replays as others).
    @property
    def user(self) -> str:
        return self.session.user

    @user.setter
    def user(self, value: str) -> None:
        self.session.user = value

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.session.clock

    @clock.setter
    def clock(self, value: Callable[[], datetime]) -> None:
        self.session.clock = value

    @property
    def project_key(self) -> str | None:
        return self.session.project_key

    @project_key.setter
    def project_key(self, value: str | None) -> None:
        self.session.project_key = value

    @property
    def hours_per_day(self) -> float:
        return self.session.hours_per_day

    # ------------------------------------------------------------------ reads
    def projects(self) -> list[Project]:
        return self.session.projects()

    def project(self, key: str | None = None) -> Project:
        return self.session.project(key)

    def card_docs(self, *, archived: bool = False, project: str | None = None) -> list[Doc]:
        return self.session.card_docs(archived=archived, project=project)

    def cards(self, *, archived: bool = False) -> list[Card]:
        return [Card.from_doc(d) for d in self.card_docs(archived=archived)]

    def resolve_key(self, text: str) -> str:
        return self.session.resolve_key(text)

    def card(self, text: str) -> Card:
        return Card.from_doc(self.session.card_doc(text))

    def entries(self, card: str | None = None, user: str | None = None) -> list[TimeEntry]:
        return self.session.entries(card, user)

    def events(self, card: str | None = None) -> list[Doc]:
        return self.session.storage.events(card)

    def spent(self) -> dict[str, int]:
        return self.session.spent()

    def running(self, user: str | None = None) -> TimeEntry | None:
        return self.session.running(user)

    def sprints(self) -> list[Sprint]:
        return self.session.sprints()

    def active_sprint(self) -> Sprint | None:
        return self.session.active_sprint()

    def resolve_sprint(self, text: str) -> Sprint:
        return self.session.resolve_sprint(text)

    def _card_fields(self, **given: Any) -> Doc:
        """Shim for core/exchange.py (validates CSV rows): use usecases.validate.card_fields."""
        from .usecases import validate

        return validate.card_fields(self.hours_per_day, **given)

    # ------------------------------------------------------------------ writes
    def apply(self, change: Change) -> Change:
        from .usecases import undo

        return undo.apply_change(self.session, change)

    def create_project(self, key: str, name: str | None = None, template: str = "scrum") -> Change:
        from .usecases import projects

        return projects.create_project(self.session, key, name, template)

    def add_card(
        self,
        title: str,
        *,
        status: str | None = None,
        points: int | str | None = None,
        estimate: int | str | None = None,
        tags: Iterable[str] = (),
        assignee: str | None = None,
        priority: str = "none",
        due: date | str | None = None,
        sprint: str | int | None = None,
        description: str = "",
        after: str | None = None,
    ) -> Change:
        return cards.add_card(
            self.session,
            title,
            status=status,
            points=points,
            estimate=estimate,
            tags=tags,
            assignee=assignee,
            priority=priority,
            due=due,
            sprint=sprint,
            description=description,
            after=after,
        )

    def edit_card(self, text: str, **given: Any) -> Change:
        return cards.edit_card(self.session, text, **given)

    def move_card(self, text: str, column: str) -> Change:
        return cards.move_card(self.session, text, column)

    def move_card_by(self, text: str, step: int) -> Change:
        return cards.move_card_by(self.session, text, step)

    def reorder(self, text: str, step: int) -> Change:
        return cards.reorder(self.session, text, step)

    def reorder_in(self, text: str, keys: list[str], step: int) -> Change:
        return cards.reorder_in(self.session, text, keys, step)

    def archive(self, text: str) -> Change:
        return cards.archive(self.session, text)

    def restore(self, text: str) -> Change:
        return cards.restore(self.session, text)

    def toggle_assign(self, text: str) -> Change:
        return cards.toggle_assign(self.session, text)

    def set_points(self, text: str, points: int | None) -> Change:
        return cards.set_points(self.session, text, points)

    def toggle_sprint(self, text: str) -> Change:
        return cards.toggle_sprint(self.session, text)

    def start_timer(
        self, text: str, *, at: datetime | None = None, note: str | None = None
    ) -> Change:
        return timers.start_timer(self.session, text, at=at, note=note)

    def stop_timer(self, *, at: datetime | None = None, note: str | None = None) -> Change:
        return timers.stop_timer(self.session, at=at, note=note)

    def cancel_timer(self) -> Change:
        return timers.cancel_timer(self.session)

    def toggle_timer(self, text: str) -> Change:
        return timers.toggle_timer(self.session, text)

    def log_time(
        self,
        text: str,
        minutes: int | None = None,
        *,
        on: date | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        note: str | None = None,
    ) -> Change:
        return timers.log_time(self.session, text, minutes, on=on, start=start, end=end, note=note)
