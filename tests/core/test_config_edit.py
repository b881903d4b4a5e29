"""`pmo config show` / `set` logic and the key map checks (SPEC sections 1, 3, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_tui.core.config import ConfigError, load_config
from pmo_tui.core.config_edit import config_in_force, set_config_value, show_config
from pmo_tui.core.keymap import check_keymap, normalise_key

ENV = ("PMO_DB", "PMO_USER", "PMO_PROJECT", "PMO_CONFIG", "XDG_DATA_HOME", "XDG_CONFIG_HOME")

COMMENTED = """\
# my pmo settings
user = "carol"   # the name my team knows
hours_per_day = 6

# Monday to Thursday
work_days = ["mon", "tue", "wed", "thu"]

[keymap]
# d for delete, like vim
"board.archive" = "d"

[keymap.backlog]
new = "N"  # capital: n is taken by my fingers
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return home


@pytest.fixture
def cfg_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    monkeypatch.setenv("PMO_CONFIG", str(path))
    return path


# ------------------------------------------------------------------------------ set
def test_set_keeps_comments_and_layout(cfg_file: Path) -> None:
    before = cfg_file.read_text(encoding="utf-8")
    set_config_value(cfg_file, "user", "dave")
    after = cfg_file.read_text(encoding="utf-8")
    assert after == before.replace('user = "carol"', 'user = "dave"')
    assert load_config().user == "dave"


def test_set_number_and_new_key_go_before_the_tables(cfg_file: Path) -> None:
    before = cfg_file.read_text(encoding="utf-8")
    set_config_value(cfg_file, "hours_per_day", "7.5")
    set_config_value(cfg_file, "theme", "nord", known_themes=["nord", "pmo-dark"])
    after = cfg_file.read_text(encoding="utf-8")
    assert "hours_per_day = 7.5\n" in after
    assert after.index('theme = "nord"') < after.index("[keymap]")
    for line in before.splitlines():
        if not line.startswith("hours_per_day"):
            assert line in after.splitlines()
    cfg = load_config()
    assert (cfg.hours_per_day, cfg.theme) == (7.5, "nord")


def test_set_work_days_from_command_line_text(cfg_file: Path) -> None:
    set_config_value(cfg_file, "work_days", "Monday, tue wed")
    assert 'work_days = ["mon", "tue", "wed"]' in cfg_file.read_text(encoding="utf-8")
    assert load_config().work_days == (0, 1, 2)
    assert "# Monday to Thursday" in cfg_file.read_text(encoding="utf-8")


def test_set_keymap_entries(cfg_file: Path) -> None:
    set_config_value(cfg_file, "keymap.board.archive", "delete")  # quoted spelling
    set_config_value(cfg_file, "keymap.backlog.new", "a")  # nested-table spelling
    set_config_value(cfg_file, "keymap.app.quit", "ctrl+q")  # new entry
    text = cfg_file.read_text(encoding="utf-8")
    assert '"board.archive" = "delete"' in text
    assert 'new = "a"  # capital: n is taken by my fingers' in text
    assert "# d for delete, like vim" in text
    assert load_config().keymap == {
        "board.archive": "delete",
        "backlog.new": "a",
        "app.quit": "ctrl+q",
    }


def test_set_creates_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new" / "pmo" / "config.toml"
    monkeypatch.setenv("PMO_CONFIG", str(path))
    set_config_value(path, "keymap.board.archive", "d")
    set_config_value(path, "project", "WEB")
    cfg = load_config()
    assert (cfg.project, cfg.keymap) == ("WEB", {"board.archive": "d"})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("colour", "blue", "colour: unknown setting (known: db, user, project, theme"),
        ("hours_per_day", "eight", "hours_per_day: must be a number of hours, not 'eight'"),
        ("hours_per_day", "30", "hours_per_day: must be more than 0 and at most 24 hours"),
        ("work_days", "mon,funday", "work_days: 'funday' is not a day name"),
        ("work_days", "", "work_days: needs at least one day"),
        ("user", "  ", "user: must not be empty"),
        ("keymap.board.archive", "d,,x", "keymap.board.archive: 'd,,x' is not a key list"),
        ("keymap", "d", "keymap: set one binding as keymap.<binding id>"),
        ("theme", "nope", "theme: no theme 'nope' (known: nord, pmo-dark, pmo-light)"),
    ],
)
def test_set_refuses_bad_values_and_leaves_file(
    cfg_file: Path, key: str, value: str, message: str
) -> None:
    before = cfg_file.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        set_config_value(cfg_file, key, value, known_themes=["pmo-light", "pmo-dark", "nord"])
    assert str(info.value).startswith(f"config {cfg_file}: {message}")
    assert cfg_file.read_text(encoding="utf-8") == before


def test_set_on_broken_toml_is_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("user = 'unterminated\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        set_config_value(path, "user", "x")
    assert path.read_text(encoding="utf-8") == "user = 'unterminated\n"


def test_set_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "pmo.toml"
    real.parent.mkdir()
    real.write_text("# mine\nuser = 'a'\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    set_config_value(link, "user", "b")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == '# mine\nuser = "b"\n'


# ------------------------------------------------------------------------------ show
def test_show_sources_default_file_environment_cli(
    cfg_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "env.json"))
    cfg = load_config()
    rows = {s.key: s for s in config_in_force(cfg, cli_project="OPS")}
    assert rows["db"].value == str(tmp_path / "env.json")
    assert rows["db"].source == "environment (PMO_DB)"
    assert (rows["user"].value, rows["user"].source) == ("carol", "config file")
    assert (rows["project"].value, rows["project"].source) == ("OPS", "command line")
    assert (rows["theme"].value, rows["theme"].source) == ("pmo-dark", "default")
    assert (rows["hours_per_day"].value, rows["hours_per_day"].source) == ("6", "config file")
    assert rows["target_hours_per_day"].source == "default"
    assert rows["work_days"].value == "mon tue wed thu"
    assert rows["keymap.board.archive"].value == "d"
    assert rows["keymap.backlog.new"].source == "config file"

    text = show_config(cfg)
    assert text.splitlines()[0] == f"config file: {cfg_file}"
    assert any(line.split()[:2] == ["user", "carol"] for line in text.splitlines())
    assert "environment (PMO_DB)" in text


def test_show_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PMO_USER", "erin")
    text = show_config(load_config())
    assert "not found" in text.splitlines()[0]
    assert "environment (PMO_USER)" in text
    assert "(no keys remapped)" in text


# ------------------------------------------------------------------------------ keymap
BINDINGS = {
    "app": [("app.quit", "q"), ("app.help", "question_mark"), ("app.undo", "u")],
    "board": [
        ("board.down", "j,down"),
        ("board.up", "k,up"),
        ("board.archive", "x"),
        ("board.clear_filter", "escape"),
    ],
    "backlog": [("backlog.down", "j,down"), ("backlog.new", "n")],
}


def test_check_keymap_accepts_a_free_key() -> None:
    assert check_keymap({"board.archive": "d", "app.quit": "ctrl+q"}, BINDINGS) == []
    assert check_keymap({}, BINDINGS) == []


def test_check_keymap_unknown_binding_id_suggests() -> None:
    problems = check_keymap({"board.archiv": "d", "nothing.here": "z"}, BINDINGS)
    assert problems == [
        "keymap: unknown binding id 'board.archiv' (did you mean board.archive?)",
        "keymap: unknown binding id 'nothing.here'",
    ]


def test_check_keymap_clash_on_the_same_screen() -> None:
    problems = check_keymap({"board.archive": "j"}, BINDINGS)
    assert problems == [
        "keymap: board.archive = 'j' takes 'j', already the key of board.down (screen board)"
    ]


def test_check_keymap_clash_with_a_global_binding() -> None:
    assert check_keymap({"board.archive": "?"}, BINDINGS) == [
        "keymap: board.archive = '?' takes 'question_mark', already the key of app.help "
        "(screen board)"
    ]
    # a global remap is checked on every screen
    problems = check_keymap({"app.undo": "n"}, BINDINGS)
    assert problems == [
        "keymap: app.undo = 'n' takes 'n', already the key of backlog.new (screen backlog)"
    ]


def test_check_keymap_moving_a_key_away_frees_it() -> None:
    # j taken from board.down, which moves to another key: no clash
    assert check_keymap({"board.archive": "j", "board.down": "ctrl+n,down"}, BINDINGS) == []


def test_default_clashes_are_not_reported() -> None:
    bindings = {"app": [("app.close", "escape")], "board": [("board.clear", "escape")]}
    assert check_keymap({}, bindings) == []


@pytest.mark.parametrize(
    ("key", "norm"),
    [
        ("?", "question_mark"),
        ("Ctrl+R", "ctrl+r"),
        ("J", "J"),
        ("esc", "escape"),
        ("[", "left_square_bracket"),
    ],
)
def test_normalise_key(key: str, norm: str) -> None:
    assert normalise_key(key) == norm


def test_unknown_theme_message() -> None:
    from pmo_tui.core.theme_names import known_theme_names, unknown_theme

    known = known_theme_names()
    assert {"pmo-dark", "pmo-light", "pmo-high-contrast", "nord", "gruvbox"} <= set(known)
    assert unknown_theme("nord", known) is None
    assert unknown_theme("nope", ["b", "a"]) == "no theme 'nope' (known: a, b)"
