"""The base of pmo's modals: dismissed once, whatever a fast typist sends.

Two `enter`s (or `y y`) typed faster than a screen closes deliver the second key's message
to a screen that has already gone; Textual would pop the screen under it (the board), or
raise ScreenStackError.  A screen that is no longer on top ignores a second dismiss."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

T = TypeVar("T")


def closed_already(screen: Screen[Any]) -> bool:
    try:
        return screen.app.screen is not screen
    except Exception:  # no screen at all: the app is closing
        return True


class PmoModal(ModalScreen[T]):
    _dismissed = False

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        if self._dismissed or closed_already(self):
            return AwaitComplete(asyncio.sleep(0))
        self._dismissed = True
        return super().dismiss(result)


if TYPE_CHECKING:
    _FormBase = PmoModal[Any]
else:
    _FormBase = object


class FormActions(_FormBase):
    """Mixin for the card and sprint forms: save if valid, and escape asks before
    throwing away what was typed.  The form supplies `_values()` (compared with
    `self._opened`, taken when the form opened)."""

    if TYPE_CHECKING:

        def _values(self) -> object: ...

    def _save_form(self, result: object | None) -> None:
        if result is None:
            self.notify("Fix the fields marked in red", severity="warning", timeout=3)
            return
        self.dismiss(result)

    def _cancel_form(self, what: str) -> None:
        """Close at once if nothing changed since opening, else ask "Discard {what}?"."""
        if self._values() == getattr(self, "_opened", None):
            self.dismiss(None)
            return
        from .confirm import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(f"Discard {what}?"), answer)
