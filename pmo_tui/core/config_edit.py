"""`pmo config show` and `pmo config set` (SPEC section 3): what is in force and where it came
from; change one setting keeping the file's comments and layout (tomlkit).

Kept apart from config.py, which runs on every shell prompt and imports the standard library
only; this module is loaded by the config command alone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from .config import (
    DAYS,
    DEFAULT_THEME,
    SETTINGS,
    Config,
    ConfigError,
    check_setting,
    resolve_db,
    resolve_user,
)
from .theme_names import unknown_theme

DEFAULT = "default"
FILE = "config file"
ENVIRONMENT = "environment"
COMMAND_LINE = "command line"


class Setting(NamedTuple):
    key: str  # "hours_per_day", "keymap.board.archive"
    value: str  # as shown
    source: str  # "default", "config file", "environment (PMO_DB)", "command line"


def _hours(value: float) -> str:
    return f"{value:g}"


def config_in_force(
    cfg: Config,
    *,
    cli_db: str | None = None,
    cli_project: str | None = None,
    cli_theme: str | None = None,
) -> list[Setting]:
    """Every setting with the value in force and where it came from (SPEC section 1 order)."""

    def source(key: str, env: str | None = None, cli: str | None = None) -> str:
        if cli:
            return COMMAND_LINE
        if env and os.environ.get(env):
            return f"{ENVIRONMENT} ({env})"
        return FILE if key in cfg.from_file else DEFAULT

    out = [
        Setting("db", str(resolve_db(cli_db, cfg)), source("db", "PMO_DB", cli_db)),
        Setting("user", resolve_user(cfg), source("user", "PMO_USER")),
    ]
    project = cli_project or os.environ.get("PMO_PROJECT") or cfg.project
    out.append(
        Setting(
            "project",
            project or "(the only or first project)",
            source("project", "PMO_PROJECT", cli_project),
        )
    )
    out.append(
        Setting("theme", cli_theme or cfg.theme or DEFAULT_THEME, source("theme", cli=cli_theme))
    )
    out.append(Setting("hours_per_day", _hours(cfg.hours_per_day), source("hours_per_day")))
    out.append(
        Setting(
            "target_hours_per_day",
            _hours(cfg.target_hours_per_day),
            source("target_hours_per_day"),
        )
    )
    out.append(Setting("work_days", " ".join(DAYS[d] for d in cfg.work_days), source("work_days")))
    for binding_id, keys in sorted(cfg.keymap.items()):
        key = f"keymap.{binding_id}"
        out.append(Setting(key, keys, source(key)))
    return out


def show_config(
    cfg: Config,
    *,
    cli_db: str | None = None,
    cli_project: str | None = None,
    cli_theme: str | None = None,
) -> str:
    """`pmo config show`: the config file, then one line per setting: key, value, source."""
    state = "" if cfg.path.exists() else " (not found: every setting is a default)"
    rows = config_in_force(cfg, cli_db=cli_db, cli_project=cli_project, cli_theme=cli_theme)
    if not cfg.keymap:
        rows.append(Setting("keymap", "(no keys remapped)", DEFAULT))
    width = max(len(r.key) for r in rows)
    value_width = min(48, max(len(r.value) for r in rows))
    lines = [f"config file: {cfg.path}{state}", ""]
    lines += [f"{r.key:<{width}}  {r.value:<{value_width}}  {r.source}" for r in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- set
def _typed(key: str, text: str) -> Any:
    """The TOML value for a command-line VALUE: numbers for hours, a list for work days."""
    if key in ("hours_per_day", "target_hours_per_day"):
        try:
            number = float(text)
        except ValueError:
            return text  # check_setting names it
        return int(number) if number.is_integer() else number
    if key == "work_days":
        return [part for part in text.replace(",", " ").split() if part]
    return text


def set_config_value(
    path: Path,
    key: str,
    value: str,
    *,
    known_themes: Iterable[str] | None = None,
) -> None:
    """Set one setting in the config file at ``path``, keeping its comments and layout.

    ``key`` is a setting name or ``keymap.<binding id>``; ``value`` is the text from the
    command line (``work_days`` as ``mon,tue,wed``). The file and its folder are created if
    missing. Raises ConfigError naming the file, the key and what is wrong; the file is then
    left as it was.
    """
    if key == "keymap":
        raise ConfigError(
            f"config {path}: keymap: set one binding as keymap.<binding id>, "
            "e.g. keymap.board.archive d"
        )
    if key not in SETTINGS and not key.startswith("keymap."):
        raise ConfigError(f"config {path}: {key}: unknown setting (known: {', '.join(SETTINGS)})")
    typed = _typed(key, value)
    try:
        checked = check_setting(key, typed)
    except ValueError as exc:
        raise ConfigError(f"config {path}: {key}: {exc}") from None
    if key == "theme" and known_themes is not None:
        problem = unknown_theme(str(checked), known_themes)
        if problem:
            raise ConfigError(f"config {path}: theme: {problem}")
    if key == "work_days":
        assert isinstance(checked, tuple)
        typed = [DAYS[d] for d in checked]

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"config {path}: not valid TOML ({exc}); fix it by hand") from None

    if key.startswith("keymap."):
        _set_keymap_entry(doc, key.removeprefix("keymap."), str(checked), path)
    else:
        doc[key] = typed
    _write(path, tomlkit.dumps(doc))


def _set_keymap_entry(doc: tomlkit.TOMLDocument, binding_id: str, keys: str, path: Path) -> None:
    keymap = doc.get("keymap")
    if keymap is None:
        keymap = tomlkit.table()
        doc["keymap"] = keymap
    if not isinstance(keymap, dict):
        raise ConfigError(f"config {path}: keymap: must be a table, fix it by hand")
    # The entry may already be written as a nested table ([keymap.board] archive = "d"):
    # change it there rather than adding a second spelling of the same binding.
    table: Any = keymap
    parts = binding_id.split(".")
    for depth in range(len(parts) - 1):
        inner = table.get(parts[depth])
        if isinstance(inner, dict | Table):
            table = inner
            continue
        table[".".join(parts[depth:])] = keys
        return
    table[parts[-1]] = keys


def _write(path: Path, text: str) -> None:
    # Through a symlink (dotfiles kept in a repository) to the file it points at.
    path = path.resolve() if path.is_symlink() else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"config {path}: cannot write ({exc.strerror or exc})") from None
