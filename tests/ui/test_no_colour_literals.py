"""No colour literal in pmo's styling (issue 11): every colour comes from a theme variable,
so every shipped theme (and a user's) decides it, and the contrast test covers it.

Scanned: every `pmo_tui/**/*.tcss` (declarations, comments removed) and every string literal
in `pmo_tui/**/*.py`: a hex colour, `rgb(...)`/`hsl(...)`, a colour name in TCSS, or a Rich
style string naming a colour ("white", "bold red", "on blue").
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest
from rich.color import ColorType
from rich.errors import StyleSyntaxError
from rich.style import Style
from textual._color_constants import COLOR_NAME_TO_RGB

PACKAGE = Path(__file__).resolve().parents[2] / "pmo_tui"

# Files whose colours are data, not styling:
ALLOWED = {
    # The pmo-* variables' fallback values (pmo-dark's and pmo-light's, for a theme that
    # does not set them) and the contrast helpers: the theme data itself.
    "ui/theme_files.py",
    # The charts' palette: defaults used when a chart is drawn outside the app (the CLI's
    # `pmo burndown`), where there is no Textual theme; in the app the theme's
    # pmo-chart-* variables replace them.
    "charts/palette.py",
}

HEX = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\b")
FUNC = re.compile(r"\b(?:rgba?|hsla?)\s*\(", re.IGNORECASE)
NAMES = {name.lower() for name in COLOR_NAME_TO_RGB}


def _python_files() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() not in ALLOWED
    )


def _strings(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
    for tok in tokens:
        if tok.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(tok.string)
        except (ValueError, SyntaxError):
            continue  # an f-string: its literal parts are checked by the regexes below
        if isinstance(value, str):
            out.append((tok.start[0], value))
    return out


def _style_colour(text: str) -> bool:
    """Whether ``text`` is a Rich style string that names a colour."""
    if not text.strip() or len(text) > 40 or "\n" in text:
        return False
    try:
        style = Style.parse(text)
    except (StyleSyntaxError, ValueError):
        return False
    return any(c is not None and c.type != ColorType.DEFAULT for c in (style.color, style.bgcolor))


def python_problems(path: Path) -> list[str]:
    problems = []
    for line, value in _strings(path):
        if HEX.search(value) or FUNC.search(value) or _style_colour(value):
            problems.append(f"{path.relative_to(PACKAGE)}:{line}: colour literal {value[:60]!r}")
    return problems


def tcss_problems(path: Path) -> list[str]:
    return _tcss_text_problems(path.read_text("utf-8"), path)


def test_no_colour_literal_in_tcss() -> None:
    files = sorted(PACKAGE.rglob("*.tcss"))
    assert files, "no TCSS found"
    problems = [p for f in files for p in tcss_problems(f)]
    assert not problems, "\n".join(problems)


def test_no_colour_literal_in_python_styling() -> None:
    problems = [p for f in _python_files() for p in python_problems(f)]
    assert not problems, "\n".join(problems)


def test_default_css_in_widgets_uses_variables_only() -> None:
    """DEFAULT_CSS strings are TCSS inside Python: the TCSS rules apply to them too."""
    problems = []
    for path in _python_files():
        for line, value in _strings(path):
            if "{" in value and "}" in value and ":" in value:
                problems += [f"{p} (line {line})" for p in _tcss_text_problems(value, path)]
    assert not problems, "\n".join(problems)


def _tcss_text_problems(text: str, where: Path) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    out = []
    for match in re.finditer(r"([\w-]+)\s*:\s*([^;{}]+);", text):
        value = match.group(2)
        words = {w.lower() for w in re.findall(r"(?<![$\w-])[a-zA-Z_]+\b", value)}
        if HEX.search(value) or FUNC.search(value) or words & NAMES:
            out.append(f"{where}: {match.group(0).strip()}")
    return out


@pytest.mark.parametrize(
    ("snippet", "bad"),
    [
        ("color: white;", True),
        ("background: #ff0000 50%;", True),
        ("color: rgb(1, 2, 3);", True),
        ("color: $pmo-muted;", False),
        ("border: round $primary;", False),
        ("text-style: bold underline;", False),
    ],
)
def test_the_tcss_check_catches_literals(snippet: str, bad: bool) -> None:
    assert bool(_tcss_text_problems(f"A {{ {snippet} }}", Path("x.tcss"))) is bad


@pytest.mark.parametrize(
    ("value", "bad"),
    [("white", True), ("bold red", True), ("on blue", True), ("bold", False), ("done", False)],
)
def test_the_style_check_catches_literals(value: str, bad: bool) -> None:
    assert _style_colour(value) is bad
