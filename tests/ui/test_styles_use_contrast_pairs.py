"""Issue 11 on every screen: pmo's styling (pmo.tcss and every widget's DEFAULT_CSS) names
only the text colours and backgrounds that CONTRAST_PAIRS lists, so the contrast test of
the theme files covers what the screens draw.  No translucent backgrounds (`$primary 35%`)
and no Textual text variables (`$text`, `$text-muted`): their colour on a given background
is not one the themes are checked for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_no_colour_literals import PACKAGE, _python_files, _strings

from pmo_tui.ui.theme_files import CONTRAST_PAIRS

TEXTS = {p.text for p in CONTRAST_PAIRS}
BACKGROUNDS = {layer for p in CONTRAST_PAIRS for layer in p.background.split("+")}
# The one translucent background: the dimmed screen under a dialog (nothing is read there).
ALLOWED_TRANSLUCENT = {("ModalScreen", "$background 60%")}

RULE = re.compile(r"([^{}]+)\{([^{}]*)\}", re.DOTALL)
DECL = re.compile(r"(?<![\w-])(color|background)\s*:\s*([^;]+);")


def _sources() -> list[tuple[str, str]]:
    out = [(str(p.relative_to(PACKAGE)), p.read_text("utf-8")) for p in PACKAGE.rglob("*.tcss")]
    for path in _python_files():
        for line, value in _strings(path):
            if "{" in value and "}" in value and ":" in value:
                out.append((f"{path.relative_to(PACKAGE)}:{line}", value))
    return out


def problems(text: str, where: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    out = []
    for selector, body in RULE.findall(text):
        for prop, value in DECL.findall(body):
            value = value.strip()
            parts = value.split()
            name = parts[0].lstrip("$") if parts and parts[0].startswith("$") else None
            allowed = TEXTS if prop == "color" else BACKGROUNDS
            if (selector.strip(), value) in ALLOWED_TRANSLUCENT:
                continue
            if name is None or name not in allowed:
                rule = f"{selector.strip()} {{ {prop}: {value} }}"
                out.append(f"{where}: {rule} not in CONTRAST_PAIRS")
            elif len(parts) > 1:
                out.append(f"{where}: {selector.strip()} {{ {prop}: {value} }} is translucent")
    return out


def test_styling_names_only_checked_pairs() -> None:
    found = [p for where, text in _sources() for p in problems(text, where)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("css", "bad"),
    [
        ("A > .x { background: $primary 35%; color: $text; }", True),
        ("A { color: $text-muted; }", True),
        ("A { color: $pmo-muted; background: $surface; }", False),
        ("A { background: $pmo-cursor-bg; color: $pmo-cursor-fg; }", False),
        ("A { border: round $primary; scrollbar-color: $pmo-muted; }", False),
    ],
)
def test_the_check_catches_unchecked_colours(css: str, bad: bool) -> None:
    assert bool(problems(css, "x")) is bad


def test_the_check_sees_the_new_screens() -> None:
    wheres = {where for where, _ in _sources()}
    assert any(w.startswith("ui/screens/burndown.py") for w in wheres)
    assert Path(PACKAGE / "ui/pmo.tcss").exists()


DIM_OR_REVERSE = re.compile(r"^(?:[a-z]+ )*(?:dim|reverse)(?: [a-z]+)*$")


def test_no_dim_or_reverse_text_in_the_screens() -> None:
    """Rich's "dim" blends the text towards its background and "reverse" swaps the pair:
    either way a colour pair no theme is checked for (use pmo-muted, pmo-wip-breach...)."""
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {value!r}"
        for path in _python_files()
        if path.relative_to(PACKAGE).parts[0] == "ui"
        for line, value in _strings(path)
        if DIM_OR_REVERSE.match(value)
    ]
    assert not found, "\n".join(found)
