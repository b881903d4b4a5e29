"""Theme files (issue 11): every shipped theme loads into a Textual Theme, reads well
(WCAG AA for every text/background pair the app draws) and broken user files are reported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import pytest
from textual.app import App, ComposeResult
from textual.theme import Theme
from textual.widgets import Static

from pmo_tui.ui import theme_files
from pmo_tui.ui.theme_files import (
    APP_VARIABLES,
    BASE_COLOURS,
    CONTRAST_PAIRS,
    app_variable_defaults,
    known_theme_names,
    load_themes,
    pair_contrast,
    required_ratio,
    shipped_theme_dir,
)

SHIPPED = sorted(shipped_theme_dir().glob("*.toml"))
EXPECTED = {"pmo-dark", "pmo-light", "pmo-high-contrast", "nord", "gruvbox"}
# The 16 colours as Rich (and so Textual) rounds to them with TEXTUAL_COLOR_SYSTEM=standard.
ANSI16 = {
    "#000000", "#aa0000", "#00aa00", "#aa5500", "#0000aa", "#aa00aa", "#00aaaa", "#aaaaaa",
    "#555555", "#ff5555", "#55ff55", "#ffff55", "#5555ff", "#ff55ff", "#55ffff", "#ffffff",
}  # fmt: skip


@pytest.fixture
def no_user_themes(tmp_path: Path) -> Path:
    folder = tmp_path / "user-themes"
    folder.mkdir()
    return folder


def data_of(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------- loading
def test_shipped_themes_load_into_textual_themes(no_user_themes: Path) -> None:
    themes, problems = load_themes(no_user_themes)
    assert problems == []
    by_name = {t.name: t for t in themes}
    assert set(by_name) >= EXPECTED
    for theme in themes:
        assert isinstance(theme, Theme)
        assert set(theme.variables) >= set(APP_VARIABLES), theme.name
    assert by_name["pmo-light"].dark is False
    assert by_name["pmo-dark"].dark is True
    assert known_theme_names(no_user_themes) == sorted(by_name)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_theme_sets_every_colour_itself(path: Path) -> None:
    # Contrast is checked on what the file says, so no value may come from a fallback.
    data = data_of(path)
    assert data["name"] == path.stem
    missing = [f for f in BASE_COLOURS if f not in data]
    missing += [v for v in APP_VARIABLES if v not in data["variables"]]  # type: ignore[operator]
    assert not missing, f"{path.name} does not set {missing}"


def test_high_contrast_theme_uses_only_the_16_colours() -> None:
    data = data_of(shipped_theme_dir() / "pmo-high-contrast.toml")
    colours = {str(data[f]).lower()[:7] for f in BASE_COLOURS}
    colours |= {str(v).lower() for v in data["variables"].values()}  # type: ignore[attr-defined]
    assert colours <= ANSI16, colours - ANSI16


def test_defaults_cover_every_app_variable() -> None:
    assert set(app_variable_defaults()) == set(APP_VARIABLES)


def test_every_theme_variable_works_in_textual_css(no_user_themes: Path) -> None:
    themes, _ = load_themes(no_user_themes)
    rules = "\n".join(
        f"#v{i} {{ color: ${name}; background: ${name}; }}" for i, name in enumerate(APP_VARIABLES)
    )

    class Probe(App[None]):
        CSS = rules

        def get_theme_variable_defaults(self) -> dict[str, str]:
            return app_variable_defaults()

        def compose(self) -> ComposeResult:
            for i in range(len(APP_VARIABLES)):
                yield Static("x", id=f"v{i}")

    async def run() -> None:
        app = Probe()
        for theme in themes:
            app.register_theme(theme)
        async with app.run_test(size=(40, 20)) as pilot:
            for theme in themes:
                app.theme = theme.name
                await pilot.pause()
                overdue = list(APP_VARIABLES).index("pmo-overdue")
                colour = app.screen.query_one(f"#v{overdue}").styles.color
                assert colour.hex.lower() == theme.variables["pmo-overdue"].lower()

    import asyncio

    asyncio.run(run())


# ------------------------------------------------------------------------------- broken
P = 'primary = "#ff0000"\n'
BROKEN = {
    "bad-toml.toml": ('name = "x\n', None, "not valid TOML"),
    "no-name.toml": (P, "name", "missing"),
    "bad-colour.toml": (
        f'name = "c"\n{P}surface = "blurple"\n',
        "surface",
        "'blurple' is not a colour",
    ),
    "unknown-field.toml": (f'name = "u"\n{P}backgroud = "#000"\n', "backgroud", "unknown field"),
    "bad-variable.toml": (
        f'name = "v"\n{P}[variables]\npmo-overdue = "reddish"\n',
        "variables.pmo-overdue",
        "'reddish' is not a colour",
    ),
    "unknown-variable.toml": (
        f'name = "w"\n{P}[variables]\npmo-overdew = "#ff0000"\n',
        "variables.pmo-overdew",
        "unknown variable",
    ),
    "no-primary.toml": ('name = "p"\n', "primary", "missing"),
    "bad-dark.toml": (f'name = "d"\ndark = "yes"\n{P}', "dark", "true or false"),
}


def test_broken_user_theme_files_are_reported_and_others_load(tmp_path: Path) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    for name, (text, _field, _what) in BROKEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "mine.toml").write_text(
        'name = "mine"\ndark = false\nprimary = "#005fd7"\n', encoding="utf-8"
    )
    themes, problems = load_themes(folder)
    names = {t.name for t in themes}
    assert names >= EXPECTED | {"mine"}
    assert len(problems) == len(BROKEN)
    for name, (_text, field, what) in BROKEN.items():
        (line,) = [p for p in problems if str(folder / name) in p]
        prefix = f"theme file {folder / name}" + (f": {field}: " if field else ": ")
        assert line.startswith(prefix), line
        assert what in line, line
        assert "\n" not in line
    # a light user theme without pmo variables gets the light ones, not white on white
    mine = next(t for t in themes if t.name == "mine")
    assert mine.variables["pmo-cursor-fg"] == "#000000"


def test_a_user_theme_replaces_a_shipped_one_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "dark.toml").write_text(
        'name = "pmo-dark"\nprimary = "#ff0000"\n', encoding="utf-8"
    )
    themes, problems = load_themes(tmp_path)
    assert problems == []
    assert next(t for t in themes if t.name == "pmo-dark").primary == "#ff0000"


def test_user_theme_dir_is_under_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert theme_files.user_theme_dir() == tmp_path / "pmo" / "themes"
    (tmp_path / "pmo" / "themes").mkdir(parents=True)
    (tmp_path / "pmo" / "themes" / "x.toml").write_text(
        'name = "from-user-dir"\nprimary = "#123456"\n', encoding="utf-8"
    )
    assert "from-user-dir" in known_theme_names()


def test_theme_names_without_textual() -> None:
    # `pmo config set theme` lists the known themes and must not import Textual.
    code = (
        "import sys; from pmo_tui.ui.theme_files import known_theme_names; "
        "names = known_theme_names(); "
        "print(names and 'textual' not in sys.modules and 'pmo-dark' in names)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stderr


# ------------------------------------------------------------------------------ contrast
def test_pairs_name_known_colours() -> None:
    known = set(BASE_COLOURS) | set(APP_VARIABLES)
    for pair in CONTRAST_PAIRS:
        assert pair.text in known, pair
        assert set(pair.background.split("+")) <= known, pair


def _systems(path: Path) -> list[tuple[Path, str]]:
    # Every theme in truecolour and in 256 colours (tmux, many SSH terminals); the
    # high-contrast theme in 16 colours too.
    systems = ["truecolor", "256"] + (["16"] if path.stem == "pmo-high-contrast" else [])
    return [(path, s) for s in systems]


@pytest.mark.parametrize(
    ("path", "colours"),
    [case for path in SHIPPED for case in _systems(path)],
    ids=lambda v: v.stem if isinstance(v, Path) else v,
)
def test_every_pair_meets_wcag_aa(path: Path, colours: str) -> None:
    data = data_of(path)
    failures = [
        f"{data['name']} ({colours}): {p.text} on {p.background} ({p.where}) is "
        f"{pair_contrast(data, p, colours):.2f}:1, needs {required_ratio(p)}:1"
        for p in CONTRAST_PAIRS
        if pair_contrast(data, p, colours) < required_ratio(p)
    ]
    assert not failures, "\n".join(failures)


def test_rich_palette_is_what_the_16_colour_check_assumes() -> None:
    from rich._palettes import STANDARD_PALETTE

    assert {"#{:02x}{:02x}{:02x}".format(*STANDARD_PALETTE[i]) for i in range(16)} == ANSI16


def test_contrast_ratio_matches_wcag_examples() -> None:
    white = {"background": "#ffffff", "foreground": "#000000", "surface": "#777777"}
    pair = theme_files.Pair("foreground", "background", False, "")
    assert round(pair_contrast(white, pair), 2) == 21.0
    grey = theme_files.Pair("surface", "background", False, "")
    assert round(pair_contrast(white, grey), 2) == 4.48  # #777 on white: the classic near miss


def test_stylesheet_uses_only_known_pmo_variables() -> None:
    tcss = (Path(theme_files.__file__).parent / "pmo.tcss").read_text(encoding="utf-8")
    used = set(re.findall(r"\$(pmo-[a-z0-9-]+)", tcss))
    assert used <= set(APP_VARIABLES), used - set(APP_VARIABLES)


def test_fallbacks_are_the_pmo_dark_and_light_files() -> None:
    # Kept in code for Textual's own themes and for user themes without [variables];
    # they must not drift from the files the contrast test checks.
    dark = data_of(shipped_theme_dir() / "pmo-dark.toml")["variables"]
    light = data_of(shipped_theme_dir() / "pmo-light.toml")["variables"]
    assert app_variable_defaults() == dark
    assert light == theme_files._LIGHT_DEFAULTS


def test_textual_builtin_themes_get_variables_by_darkness() -> None:
    from textual.theme import BUILTIN_THEMES

    light = theme_files.with_app_variables(BUILTIN_THEMES["textual-light"])
    dark = theme_files.with_app_variables(BUILTIN_THEMES["textual-dark"])
    assert light.variables["pmo-cursor-fg"] == "#000000"
    assert dark.variables["pmo-cursor-fg"] == "#ffffff"
    assert (light.name, light.primary) == ("textual-light", BUILTIN_THEMES["textual-light"].primary)
    assert "pmo-cursor-fg" not in BUILTIN_THEMES["textual-light"].variables  # not mutated
