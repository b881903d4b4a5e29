"""Where things are and who the user is (SPEC section 1), resolved cheaply.

This module runs on every shell prompt (``pmo status --short``), so it imports only the
standard library; platformdirs is used only off Linux.  The prompt's path does not even
import pathlib (~3 ms with urllib.parse and ipaddress): :func:`config_file_text` and
:func:`db_text` give the same paths as text.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

APP = "pmo"


class ConfigError(Exception):
    """The config file cannot be read (CLI exit code 2)."""


def _xdg(var: str, fallback: str) -> Path:
    from pathlib import Path

    value = os.environ.get(var, "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def user_data_dir() -> Path:
    if sys.platform.startswith("linux"):
        return _xdg("XDG_DATA_HOME", ".local/share") / APP
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_config_dir() -> Path:
    if sys.platform.startswith("linux"):
        return _xdg("XDG_CONFIG_HOME", ".config") / APP
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    from pathlib import Path

    env = os.environ.get("PMO_CONFIG")
    return Path(env).expanduser() if env else user_config_dir() / "config.toml"


# ------------------------------------------------------------------ the same paths as text
# For the prompt: str() of what the functions above return, without importing pathlib, or
# None where pathlib would raise (no home directory to expand ~ to) or is not POSIX's: the
# prompt then takes the full path, which uses the functions above.  A test keeps them equal.
def _pure(text: str) -> str:
    """``str(PurePosixPath(text))``: empty and ``.`` parts dropped, one or two leading
    slashes kept (three or more are one)."""
    root = ""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    return root + "/".join(p for p in text.split("/") if p and p != ".") or "."


def _expanded(text: str) -> str | None:
    """``str(Path(text).expanduser())``."""
    pure = _pure(text)
    if not pure.startswith("~"):
        return pure
    first, sep, rest = pure.partition("/")
    home = os.path.expanduser(first)
    return None if home[:1] == "~" else _pure(home + sep + rest)


def _user_dir_text(xdg_var: str, fallback: str, platform_dir: str) -> str | None:
    if os.name != "posix":
        return None
    if sys.platform.startswith("linux"):
        value = os.environ.get(xdg_var, "")
        if value and os.path.isabs(value):
            return _pure(f"{value}/{APP}")
        home = _expanded("~")
        return None if home is None else _pure(f"{home}/{fallback}/{APP}")
    import platformdirs

    return _pure(str(getattr(platformdirs, platform_dir)(APP, appauthor=False)))


def config_file_text() -> str | None:
    """``str(config_path())``, or None (see above)."""
    if os.name != "posix":
        return None
    env = os.environ.get("PMO_CONFIG")
    if env:
        return _expanded(env)
    folder = _user_dir_text("XDG_CONFIG_HOME", ".config", "user_config_dir")
    return None if folder is None else _pure(f"{folder}/config.toml")


def db_text(cli_db: str | None, cfg: Config) -> str | None:
    """``str(resolve_db(cli_db, cfg))``, or None (see above)."""
    if os.name != "posix":
        return None
    value = cli_db or os.environ.get("PMO_DB") or cfg.db
    if value:
        return _expanded(value)
    folder = _user_dir_text("XDG_DATA_HOME", ".local/share", "user_data_dir")
    return None if folder is None else _pure(f"{folder}/pmo.json")


# The settings a config file may hold, in the order `pmo config show` lists them.
SETTINGS = (
    "db",
    "user",
    "project",
    "theme",
    "hours_per_day",
    "target_hours_per_day",
    "work_days",
    "keymap",
)
DEFAULT_THEME = "pmo-dark"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Config:
    """Settings from config.toml (a plain class: dataclasses cost import time on every
    shell prompt).  ``from_file`` holds the settings the file gave (``keymap.<id>`` for
    each key map entry), so `pmo config show` can say where each value came from."""

    def __init__(self, path: Path, **values: Any) -> None:
        self.path = path
        self.db: str | None = None
        self.user: str | None = None
        self.project: str | None = None
        self.theme: str | None = None
        self.hours_per_day = 8.0
        self.target_hours_per_day = 8.0
        self.work_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
        self.keymap: dict[str, str] = {}
        self.from_file: set[str] = set()
        for name, value in values.items():
            if not hasattr(self, name):
                raise TypeError(f"unknown config setting {name!r}")
            setattr(self, name, value)


# ------------------------------------------------------------------------------ validation
# One rule per setting, shared by load_config and `pmo config set`: each check returns the
# typed value or raises ValueError with what is wrong (the caller adds the file and key).
def _show(value: object) -> str:
    # As the user wrote it in TOML: 'eight', true, 5, ['a'].
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def check_string(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {_show(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_hours(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number of hours, not {_show(value)}")
    if not 0 < value <= 24:
        raise ValueError(f"must be more than 0 and at most 24 hours, not {_show(value)}")
    return float(value)


def day_index(name: object) -> int:
    """0 for 'mon', 'Mon' or 'monday' ... 6 for Sunday."""
    if not isinstance(name, str):
        raise ValueError(f"{_show(name)} is not a day name (mon ... sun)")
    low = name.strip().lower()
    if low in DAYS:
        return DAYS.index(low)
    if low in _DAY_NAMES:
        return _DAY_NAMES.index(low)
    raise ValueError(f"{name!r} is not a day name (mon, tue, wed, thu, fri, sat, sun)")


def check_work_days(value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise ValueError(f"must be a list like ['mon', 'tue', 'wed'], not {_show(value)}")
    days = {day_index(d) for d in value}
    if not days:
        raise ValueError("needs at least one day")
    return tuple(sorted(days))


def check_keys(binding_id: str, value: object) -> str:
    """A key map entry: one key or several, comma separated ('d', 'j,down', 'ctrl+r')."""
    if not binding_id.strip():
        raise ValueError("a binding id must not be empty")
    if not isinstance(value, str):
        raise ValueError(f"keys must be a string like 'd' or 'j,down', not {_show(value)}")
    parts = [p.strip() for p in value.split(",")]
    if not value.strip() or any(not p or " " in p for p in parts):
        raise ValueError(f"{value!r} is not a key list like 'd' or 'j,down'")
    return ",".join(parts)


def _flat_keymap(table: dict[str, Any], prefix: str = "") -> dict[str, object]:
    # `board.archive = "d"` under [keymap] is a nested table in TOML, `"board.archive" = "d"`
    # a dotted key: both name binding id board.archive.
    out: dict[str, object] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            for inner, keys in _flat_keymap(value, key + ".").items():
                if inner in out:
                    raise ValueError(f"binding {inner!r} is given twice")
                out[inner] = keys
        else:
            if key in out:
                raise ValueError(f"binding {key!r} is given twice")
            out[key] = value
    return out


def check_keymap_table(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError('must be a table: [keymap] with lines like "board.archive" = "d"')
    out: dict[str, str] = {}
    for binding_id, keys in _flat_keymap(value).items():
        try:
            out[binding_id] = check_keys(binding_id, keys)
        except ValueError as exc:
            raise ValueError(f"{binding_id}: {exc}") from None
    return out


def check_setting(key: str, value: object) -> object:
    """The typed value of one setting (``keymap.<binding id>`` for one key map entry)."""
    if key in ("db", "user", "project", "theme"):
        return check_string(value)
    if key in ("hours_per_day", "target_hours_per_day"):
        return check_hours(value)
    if key == "work_days":
        return check_work_days(value)
    if key == "keymap":
        return check_keymap_table(value)
    if key.startswith("keymap."):
        return check_keys(key.removeprefix("keymap."), value)
    raise ValueError(f"unknown setting (known: {', '.join(SETTINGS)})")


def apply_settings(cfg: Config, data: dict[str, Any]) -> Config:
    """Validate a parsed config document into ``cfg``; ConfigError names file and key."""
    for key, value in data.items():
        try:
            if key not in SETTINGS:
                raise ValueError(f"unknown setting (known: {', '.join(SETTINGS)})")
            typed = check_setting(key, value)
        except ValueError as exc:
            raise ConfigError(f"config {cfg.path}: {key}: {exc}") from None
        setattr(cfg, key, typed)
        if key == "keymap":
            cfg.from_file.update(f"keymap.{binding}" for binding in cfg.keymap)
        else:
            cfg.from_file.add(key)
    return cfg


def load_config(path_text: str | None = None) -> Config:
    """The settings of the config file (defaults if there is none).  ``path_text`` is the
    prompt's (:func:`config_file_text`): the file is the same, and ``cfg.path`` is then
    that text, which the prompt never shows."""
    path = config_path() if path_text is None else path_text
    cfg = Config(path=path)  # type: ignore[arg-type]  # (text only on the prompt's path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return cfg
    except OSError as exc:
        raise ConfigError(f"config {path}: {exc.strerror or exc}") from None
    import tomllib

    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: not valid TOML ({exc})") from None
    return apply_settings(cfg, data)


def resolve_db(cli_db: str | None, cfg: Config) -> Path:
    from pathlib import Path

    value = cli_db or os.environ.get("PMO_DB") or cfg.db
    if value:
        return Path(value).expanduser()
    return user_data_dir() / "pmo.json"


def resolve_user(cfg: Config) -> str:
    value = os.environ.get("PMO_USER") or cfg.user
    if value:
        return value
    import getpass  # (here: with PMO_USER or `user` set, it is never needed)

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still usable
        return "me"


def resolve_project(cli_project: str | None, cfg: Config) -> str | None:
    return cli_project or os.environ.get("PMO_PROJECT") or cfg.project or None
