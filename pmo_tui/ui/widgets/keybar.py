"""The footer: the current screen's keys, read from its bindings (never kept by hand).

One line of text rather than Textual's Footer (a widget per key): it costs the first frame
almost nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--label"}
    _shown: Text | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.show_keys()  # in the first frame (the app's width: not laid out yet)
        self.call_after_refresh(self.show_keys)  # again, once focus settled the bindings

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: object) -> None:
        self.show_keys()

    def on_resize(self) -> None:
        self.show_keys()

    # Kept whatever the width: without them a newcomer is stuck.
    ESSENTIAL = ("help", "quit")

    def show_keys(self) -> None:
        """One line of keys; when it is too long the screen's later keys are dropped first,
        then `^p commands`; `? Help` and `q Quit` always stay (help lists the rest)."""
        app = self.app
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        label_style = self.get_component_rich_style("keybar--label", partial=True)
        # Declaration order (the screen's keys, then the app's), whatever a remap did to
        # the order of the active bindings: it decides what is shown and dropped first.
        declared = [
            b.id
            for node in (type(self.screen), type(app))
            for b in node.BINDINGS
            if isinstance(b, Binding) and b.id
        ]
        rank = {bid: i for i, bid in enumerate(declared)}
        found: list[tuple[int, Binding]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            found.append((rank.get(binding.id or "", len(rank)), binding))
        found.sort(key=lambda item: item[0])
        items: list[tuple[int, str, str]] = []  # (keep: higher stays longer, key, label)
        for position, binding in found:
            keep = 1000 if binding.action in self.ESSENTIAL else 500 - position
            items.append((keep, app.get_key_display(binding), binding.description))
        items.append((100, "^p", "commands"))
        width = self.size.width or app.size.width
        while len(items) > 1 and sum(len(k) + len(d) + 3 for _, k, d in items) > width:
            items.remove(min(items, key=lambda item: item[0]))
        text = Text(no_wrap=True, overflow="ellipsis")
        for _, key, label in items:
            text.append(f" {key} ", key_style)
            text.append(f"{label} ", label_style)
        if text == self._shown:
            return  # the same keys (mount, the first resize, bindings updated): no repaint
        self._shown = text
        self.update(text)
