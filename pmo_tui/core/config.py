"""Where things are and who the user is (SPEC section 1), resolved cheaply.

This module runs on every shell prompt (``pmo status --short``), so it imports only the
standard library; platformdirs is used only off Linux.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

APP = "pmo"


class ConfigError(Exception):
    """The config file cannot be read (CLI exit code 2)."""


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var, "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def user_data_dir() -> Path:
    if sys.platform.startswith("linux"):
        return _xdg("XDG_DATA_HOME", ".local/share") / APP
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_config_dir() -> Path:
    if sys.platform.startswith("linux"):
        return _xdg("XDG_CONFIG_HOME", ".config") / APP
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    env = os.environ.get("PMO_CONFIG")
    return Path(env).expanduser() if env else user_config_dir() / "config.toml"


class Config:
    """Settings from config.toml (a plain class: dataclasses cost import time on every
    shell prompt)."""

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
        for name, value in values.items():
            if not hasattr(self, name):
                raise TypeError(f"unknown config setting {name!r}")
            setattr(self, name, value)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def load_config() -> Config:
    path = config_path()
    cfg = Config(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return cfg
    except OSError as exc:
        raise ConfigError(f"config {path}: {exc.strerror or exc}") from None
    import tomllib

    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: not valid TOML ({exc})") from None
    for name in ("db", "user", "project", "theme"):
        value = data.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise ConfigError(f"config {path}: {name} must be a string")
            setattr(cfg, name, value)
    for name in ("hours_per_day", "target_hours_per_day"):
        value = data.get(name)
        if value is not None:
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 24:
                raise ConfigError(f"config {path}: {name} must be a number of hours (0-24]")
            setattr(cfg, name, float(value))
    days = data.get("work_days")
    if days is not None:
        try:
            cfg.work_days = tuple(sorted({_DAYS.index(str(d).lower()[:3]) for d in days}))
        except (ValueError, TypeError):
            raise ConfigError(
                f"config {path}: work_days must be a list like ['mon', 'tue', 'wed']"
            ) from None
    keymap = data.get("keymap")
    if isinstance(keymap, dict):
        cfg.keymap = {str(k): str(v) for k, v in keymap.items()}
    return cfg


def resolve_db(cli_db: str | None, cfg: Config) -> Path:
    value = cli_db or os.environ.get("PMO_DB") or cfg.db
    if value:
        return Path(value).expanduser()
    return user_data_dir() / "pmo.json"


def resolve_user(cfg: Config) -> str:
    value = os.environ.get("PMO_USER") or cfg.user
    if value:
        return value
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still usable
        return "me"


def resolve_project(cli_project: str | None, cfg: Config) -> str | None:
    return cli_project or os.environ.get("PMO_PROJECT") or cfg.project or None
