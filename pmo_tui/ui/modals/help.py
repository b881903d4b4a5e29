"""Help: the keys of the current screen and the global ones, read from the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from .base import PmoModal


def binding_rows(screen: Screen[object]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(this screen's keys, global keys) as (key display, description) pairs."""
    app = screen.app
    local: dict[str, list[str]] = {}
    glob: dict[str, list[str]] = {}
    declared = [
        b.id
        for node in (type(screen), type(app))
        for b in node.BINDINGS
        if isinstance(b, Binding) and b.id
    ]
    rank = {bid: i for i, bid in enumerate(declared)}
    # In declaration order, whatever a remap did to the order of the active bindings.
    actives = sorted(
        screen.active_bindings.values(), key=lambda a: rank.get(a.binding.id or "", len(rank))
    )
    for active in actives:
        binding = active.binding
        if not binding.description or not binding.id:  # ours all have ids; skip Textual's
            continue
        target = glob if active.node is app else local
        label = binding.description + (f" - {binding.tooltip}" if binding.tooltip else "")
        target.setdefault(label, []).append(app.get_key_display(binding))
    glob.setdefault("Command palette - every action, go to card, switch project", ["ctrl+p"])
    return (
        [(" ".join(keys), label) for label, keys in local.items()],
        [(" ".join(keys), label) for label, keys in glob.items()],
    )


class HelpScreen(PmoModal[None]):
    BINDINGS = [
        Binding(
            "escape,q,question_mark", "close", "Close", id="help.close", tooltip="Close the help"
        ),
        Binding("j,down", "scroll(1)", "Down", id="help.down", show=False, tooltip="Scroll down"),
        Binding("k,up", "scroll(-1)", "Up", id="help.up", show=False, tooltip="Scroll up"),
        Binding(
            "pagedown,space",
            "scroll(10)",
            "Page down",
            id="help.page_down",
            show=False,
            tooltip="A page down",
        ),
        Binding(
            "pageup", "scroll(-10)", "Page up", id="help.page_up", show=False, tooltip="A page up"
        ),
    ]

    def __init__(self, screen: Screen[object], title: str) -> None:
        super().__init__()
        self.local, self.glob = binding_rows(screen)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(f"Keys: {self.title_text}", classes="dialog-title", markup=False)
            with VerticalScroll(can_focus=False):
                yield Static(self._table("This screen", self.local))
                yield Static(self._table("Everywhere", self.glob))
            yield Static("escape: close", id="help-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        scroller = self.query_one(VerticalScroll)
        self.watch(scroller, "scroll_y", self._show_hint, init=False)
        self.call_after_refresh(self._show_hint)

    def _show_hint(self, *_: object) -> None:
        """Says whether there is more below (or above), so a short terminal hides nothing
        without saying so."""
        scroller = self.query_one(VerticalScroll)
        below = scroller.scroll_y < scroller.max_scroll_y
        above = scroller.scroll_y > 0
        more = "▼ more below · " if below else ("▲ more above · " if above else "")
        keys = "j k scroll · " if (below or above) else ""
        self.query_one("#help-hint", Static).update(f"{more}{keys}escape close")

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def _table(self, heading: str, rows: list[tuple[str, str]]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text(heading, style="underline"), "")
        for keys, label in rows:
            table.add_row(Text(keys), Text(label))
        table.add_row("", "")
        return table

    def action_close(self) -> None:
        self.dismiss(None)
