"""The footer: the current screen's keys, read from its bindings (never kept by hand).

One line of text rather than Textual's Footer (a widget per key): it costs the first frame
almost nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--label"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: object) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        app = self.app
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        label_style = self.get_component_rich_style("keybar--label", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            text.append(f" {app.get_key_display(binding)} ", key_style)
            text.append(f"{binding.description} ", label_style)
        text.append(" ^p ", key_style)
        text.append("commands ", label_style)
        self.update(text)
