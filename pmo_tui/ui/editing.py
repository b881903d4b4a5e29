"""Editing a card with the card form, from any screen (the board, the card detail), and
asking for a card's points (the board, the backlog)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core import parse
from ..core.errors import UseCaseError
from ..core.model import Card
from ..core.usecases import preview as previews
from ..core.usecases.session import Session

if TYPE_CHECKING:
    from .modals.card_form import CardFormResult


def edit_card(app: Any, session: Session, key: str) -> None:
    """Open the card form on ``key`` (as the app shows it, pending changes included).  On
    save, the edit's preview is drawn at once and the writer commits it; if a teammate saved
    the card since the form opened (its version moved), ask before saving over theirs."""
    doc = next((d for d in app.view_cards() if d.get("key") == key), None)
    if doc is None:
        app.notify(f"{key} is archived or gone", severity="warning")
        return
    opened_at = session.card_version(key)

    def save(result: CardFormResult) -> None:
        fields = dict(result.fields)
        try:
            preview = previews.preview_edit_card(session, doc, clear=result.clear, **fields)
        except UseCaseError as exc:
            app.notify(str(exc), severity="warning")
            return
        app.submit(
            preview.label,
            lambda: app.board.edit_card(key, clear=result.clear, **fields),
            local=preview.local(),
        )

    def done(result: CardFormResult | None) -> None:
        if result is None:
            return
        if session.changed_since(key, opened_at):
            from .modals.confirm import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes:
                    save(result)
                else:
                    app.notify(f"Not saved: {key} was left as the other change made it")

            app.push_screen(
                ConfirmScreen(
                    f"{key} was changed by someone else while you edited it. "
                    "Save your version over theirs?"
                ),
                answer,
            )
            return
        save(result)

    from .modals.card_form import CardForm

    columns = list(session.project(doc.get("project")).columns)
    app.push_screen(
        CardForm(columns, card=Card.from_doc(doc), hours_per_day=app.hours_per_day), done
    )


def ask_points(app: Any, key: str, card: Any, done: Callable[[int | None], None]) -> None:
    """Prompt for ``key``'s points (0-999, empty clears), starting from ``card``'s; on
    enter, ``done`` gets the points (None: cleared); escape calls nothing."""

    def check(text: str) -> tuple[str, int | None]:
        if not text.strip():
            return ("set", None)
        try:
            return ("set", parse.parse_points(text))
        except parse.ParseError as exc:
            raise ValueError(str(exc)) from None

    def answered(result: tuple[str, int | None] | None) -> None:
        if result is not None:
            done(result[1])

    current = "" if card.get("points") is None else str(card["points"])
    from .modals.prompt import PromptScreen

    app.push_screen(
        PromptScreen(
            f"Points for {key}",
            current,
            check,
            "a whole number 0-999; empty clears   enter: save   escape: cancel",
        ),
        answered,
    )
