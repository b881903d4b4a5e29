"""Tests for pmo_tui.core.config: where the files are, who the user is (SPEC section 1)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pmo_tui.core import config
from pmo_tui.core.config import (
    Config,
    ConfigError,
    config_path,
    load_config,
    resolve_db,
    resolve_project,
    resolve_user,
)

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="XDG paths are the Linux layout"
)
ENV = ("PMO_DB", "PMO_USER", "PMO_PROJECT", "PMO_CONFIG", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No pmo variables from the caller; HOME is a fresh folder."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PMO_CONFIG", str(path))
    return path


FULL = """
db = "~/team/pmo.json"
user = "carol"
project = "WEB"
theme = "pmo-light"
hours_per_day = 6
target_hours_per_day = 7.5
work_days = ["Mon", "tue", "WEDNESDAY", "sun"]

[keymap]
"board.archive" = "d"
"app.quit" = "ctrl+q"
"""


# --------------------------------------------------------------------------- config file
def test_config_path_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert config_path() == tmp_path / "elsewhere.toml"


def test_config_path_expands_user(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> None:
    monkeypatch.setenv("PMO_CONFIG", "~/my.toml")
    assert config_path() == clean_env / "my.toml"


@linux_only
def test_config_path_default_and_xdg(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path, tmp_path: Path
) -> None:
    assert config_path() == clean_env / ".config" / "pmo" / "config.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "pmo" / "config.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")  # XDG: relative paths are ignored
    assert config_path() == clean_env / ".config" / "pmo" / "config.toml"


def test_missing_config_gives_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMO_CONFIG", str(tmp_path / "absent.toml"))
    cfg = load_config()
    assert cfg.path == tmp_path / "absent.toml"
    assert (cfg.db, cfg.user, cfg.project, cfg.theme) == (None, None, None, None)
    assert cfg.hours_per_day == 8.0
    assert cfg.target_hours_per_day == 8.0
    assert cfg.work_days == (0, 1, 2, 3, 4)
    assert cfg.keymap == {}


def test_full_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = write_config(tmp_path, monkeypatch, FULL)
    cfg = load_config()
    assert cfg.path == path
    assert cfg.db == "~/team/pmo.json"
    assert cfg.user == "carol"
    assert cfg.project == "WEB"
    assert cfg.theme == "pmo-light"
    assert cfg.hours_per_day == 6.0 and isinstance(cfg.hours_per_day, float)
    assert cfg.target_hours_per_day == 7.5
    assert cfg.work_days == (0, 1, 2, 6)
    assert cfg.keymap == {"board.archive": "d", "app.quit": "ctrl+q"}


def test_empty_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(tmp_path, monkeypatch, "")
    cfg = load_config()
    assert cfg.hours_per_day == 8.0 and cfg.db is None


@pytest.mark.parametrize(
    "text",
    [
        "db = ",
        "user = 'unterminated",
        "[keymap\n",
        "user = 'a'\nuser = 'b'\n",  # duplicate key
        "just some words",
        b"user = '\xff\xfe'\n",  # not UTF-8
        "user = 5",
        "db = ['a']",
        "project = true",
        "hours_per_day = 'eight'",
        "hours_per_day = 0",
        "hours_per_day = 25",
        "hours_per_day = -3",
        "hours_per_day = true",
        "target_hours_per_day = 100",
        "work_days = ['mon', 'funday']",
        "work_days = [1, 2]",
        "work_days = 5",
    ],
)
def test_bad_config_is_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str | bytes
) -> None:
    path = write_config(tmp_path, monkeypatch, text)
    with pytest.raises(ConfigError) as info:
        load_config()
    assert str(path) in str(info.value)


def test_unreadable_config_is_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()  # a directory where the file should be
    monkeypatch.setenv("PMO_CONFIG", str(folder))
    with pytest.raises(ConfigError, match="config"):
        load_config()


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        ("colour = 'blue'\n", "colour", "unknown setting (known: db, user, project"),
        ("[extra]\nx = 1\n", "extra", "unknown setting"),
        ("user = 5", "user", "must be a string, not 5"),
        ("theme = ''", "theme", "must not be empty"),
        ("project = true", "project", "must be a string, not true"),
        ("hours_per_day = 'eight'", "hours_per_day", "must be a number of hours, not 'eight'"),
        ("target_hours_per_day = 100", "target_hours_per_day", "at most 24 hours, not 100"),
        ("work_days = ['mon', 'funday']", "work_days", "'funday' is not a day name"),
        ("work_days = ['monkey']", "work_days", "'monkey' is not a day name"),
        ("work_days = [1]", "work_days", "1 is not a day name"),
        ("work_days = 'mon'", "work_days", "must be a list like"),
        ("work_days = []", "work_days", "needs at least one day"),
        ("keymap = 'd'", "keymap", "must be a table"),
        ("[keymap]\n'board.archive' = 4\n", "keymap", "board.archive: keys must be a string"),
        ("[keymap]\n'board.archive' = ''\n", "keymap", "board.archive: '' is not a key list"),
        ("[keymap]\n'board.archive' = 'd,,x'\n", "keymap", "'d,,x' is not a key list"),
        (
            "[keymap]\n'board.archive' = 'd'\n[keymap.board]\narchive = 'x'\n",
            "keymap",
            "binding 'board.archive' is given twice",
        ),
    ],
)
def test_bad_setting_message_names_file_key_and_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, key: str, what: str
) -> None:
    path = write_config(tmp_path, monkeypatch, text)
    with pytest.raises(ConfigError) as info:
        load_config()
    message = str(info.value)
    assert message.startswith(f"config {path}: {key}: "), message
    assert what in message
    assert "\n" not in message  # one line for the CLI's exit-2 message


def test_keymap_nested_tables_name_binding_ids(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(
        tmp_path,
        monkeypatch,
        "[keymap]\nboard.archive = 'd'\n'app.quit' = ' ctrl+q , f10 '\n"
        "[keymap.backlog]\nnew = 'N'\n",
    )
    cfg = load_config()
    assert cfg.keymap == {"board.archive": "d", "app.quit": "ctrl+q,f10", "backlog.new": "N"}
    assert {"keymap.board.archive", "keymap.backlog.new"} <= cfg.from_file


def test_work_day_names_and_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(tmp_path, monkeypatch, FULL)
    cfg = load_config()
    assert cfg.from_file >= {"db", "user", "work_days", "keymap.board.archive"}
    assert "hours_per_day" in cfg.from_file
    assert Config(path=tmp_path / "c.toml").from_file == set()


# --------------------------------------------------------------------------- data file
def test_db_cli_beats_env_beats_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = Config(path=tmp_path / "c.toml", db=str(tmp_path / "from-config.json"))
    monkeypatch.setenv("PMO_DB", str(tmp_path / "from-env.json"))
    assert resolve_db(str(tmp_path / "from-cli.json"), cfg) == tmp_path / "from-cli.json"
    assert resolve_db(None, cfg) == tmp_path / "from-env.json"
    monkeypatch.delenv("PMO_DB")
    assert resolve_db(None, cfg) == tmp_path / "from-config.json"


def test_db_empty_env_falls_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMO_DB", "")
    cfg = Config(path=tmp_path / "c.toml", db=str(tmp_path / "from-config.json"))
    assert resolve_db(None, cfg) == tmp_path / "from-config.json"


def test_db_from_config_file_expands_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path
) -> None:
    write_config(tmp_path, monkeypatch, FULL)
    assert resolve_db(None, load_config()) == clean_env / "team" / "pmo.json"
    monkeypatch.setenv("PMO_DB", "~/env.json")
    assert resolve_db(None, load_config()) == clean_env / "env.json"


@linux_only
def test_db_default_is_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path
) -> None:
    cfg = Config(path=tmp_path / "c.toml")
    assert resolve_db(None, cfg) == clean_env / ".local" / "share" / "pmo" / "pmo.json"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_db(None, cfg) == tmp_path / "data" / "pmo" / "pmo.json"
    assert config.user_data_dir() == tmp_path / "data" / "pmo"


# --------------------------------------------------------------------------- user
def test_user_env_beats_config_beats_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = Config(path=tmp_path / "c.toml", user="carol")
    monkeypatch.setenv("PMO_USER", "dave")
    assert resolve_user(cfg) == "dave"
    monkeypatch.delenv("PMO_USER")
    assert resolve_user(cfg) == "carol"
    monkeypatch.setattr(getpass, "getuser", lambda: "login-name")
    assert resolve_user(Config(path=tmp_path / "c.toml")) == "login-name"


def test_user_without_login_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    user = resolve_user(Config(path=tmp_path / "c.toml"))
    assert isinstance(user, str) and user


def test_user_from_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(tmp_path, monkeypatch, FULL)
    assert resolve_user(load_config()) == "carol"
    monkeypatch.setenv("PMO_USER", "erin")
    assert resolve_user(load_config()) == "erin"


# --------------------------------------------------------------------------- project
def test_project_cli_beats_env_beats_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cfg = Config(path=tmp_path / "c.toml", project="CFG")
    monkeypatch.setenv("PMO_PROJECT", "ENV")
    assert resolve_project("CLI", cfg) == "CLI"
    assert resolve_project(None, cfg) == "ENV"
    monkeypatch.delenv("PMO_PROJECT")
    assert resolve_project(None, cfg) == "CFG"
    # nothing given: None, and the Board takes the only / first project
    assert resolve_project(None, Config(path=tmp_path / "c.toml")) is None


def test_project_from_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(tmp_path, monkeypatch, FULL)
    assert resolve_project(None, load_config()) == "WEB"
    monkeypatch.setenv("PMO_PROJECT", "OPS")
    assert resolve_project(None, load_config()) == "OPS"
    assert resolve_project("CLI", load_config()) == "CLI"


def test_config_module_stays_standard_library_only() -> None:
    # It runs on every shell prompt: no tomlkit, no platformdirs, TOML parsed lazily.
    import subprocess

    code = (
        "import sys, pmo_tui.core.config; "
        "bad = {'tomlkit', 'tomllib', 'platformdirs', 'textual'} & set(sys.modules); "
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------- the prompt's paths, as text
PATH_TEXTS = [
    "c.toml",
    "./c.toml",
    "a//b/",
    "/x/./y/",
    "//x/y",
    "///x//y",
    "/",
    ".",
    "~",
    "~/",
    "~/c.toml",
    "~root/c.toml",
    "~no-such-user-xyz/c.toml",
    "a/~/b",
    "dir with spaces/ü.toml",
]


def _same(text: str | None, path: Callable[[], Path]) -> bool:
    """The text path names what pathlib gives, or is None where pathlib raises."""
    try:
        expected = str(path())
    except RuntimeError:  # no home directory to expand ~ to
        return text is None
    return text == expected


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX paths")
@pytest.mark.parametrize("home", ["/h", "/h/", "//h", "rel"])
def test_the_prompts_text_paths_are_pathlibs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: str
) -> None:
    """config_file_text/db_text (no pathlib import on the prompt) name the same files as
    config_path/resolve_db, for every form a path may be given in."""
    monkeypatch.setenv("HOME", home)
    cfg = Config(path=tmp_path / "c.toml")
    assert _same(config.config_file_text(), config_path)
    assert _same(config.db_text(None, cfg), lambda: resolve_db(None, cfg))
    for xdg in ("/xdg", "/xdg//", "relative"):
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
        assert _same(config.config_file_text(), config_path)
        assert _same(config.db_text(None, cfg), lambda: resolve_db(None, cfg))
    for text in PATH_TEXTS:
        monkeypatch.setenv("PMO_CONFIG", text)
        assert _same(config.config_file_text(), config_path), text
        assert _same(config.db_text(text, cfg), lambda t=text: resolve_db(t, cfg)), text
        monkeypatch.setenv("PMO_DB", text)
        assert _same(config.db_text(None, cfg), lambda: resolve_db(None, cfg)), text
        monkeypatch.delenv("PMO_DB")
        cfg.db = text
        assert _same(config.db_text(None, cfg), lambda: resolve_db(None, cfg)), text
        cfg.db = None


def test_the_prompts_text_paths_give_up_where_pathlib_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(config.os.path, "expanduser", lambda text: text)  # no home to find
    monkeypatch.setenv("PMO_CONFIG", "~/c.toml")
    with pytest.raises(RuntimeError):
        config_path()
    assert config.config_file_text() is None


def test_load_config_from_the_prompts_text_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_config(tmp_path, monkeypatch, FULL)
    text = config.config_file_text()
    assert text == str(path)
    assert vars(load_config(text)) == {**vars(load_config()), "path": text}
