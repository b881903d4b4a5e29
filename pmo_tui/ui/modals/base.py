"""The base of pmo's modals: dismissed once, whatever a fast typist sends.

Two `enter`s (or `y y`) typed faster than a screen closes deliver the second key's message
to a screen that has already gone; Textual would pop the screen under it (the board), or
raise ScreenStackError.  A screen that is no longer on top ignores a second dismiss."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

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
