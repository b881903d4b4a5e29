"""Small assertions shared by the CLI tests (imported as a plain module)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PMO = Path(sys.executable).with_name("pmo")
if not PMO.exists():  # pragma: no cover - a venv without the console script
    found = shutil.which("pmo")
    PMO = Path(found) if found else PMO


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PMO_", "XDG_")) and k not in ("TZ", "HOME")
    }
    env.update(
        PMO_DB=str(tmp_path / "pmo.json"),
        PMO_USER="alice",
        PMO_CONFIG=str(tmp_path / "none.toml"),
        TZ="UTC",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        XDG_RUNTIME_DIR=str(tmp_path / "xdg-runtime"),
        COLUMNS="200",
        PYTHONIOENCODING="utf-8",
        LC_ALL="C.UTF-8",
    )
    return env


def run_pmo(
    argv: list[str | os.PathLike[str]],
    env: Mapping[str, str],
    cwd: Path,
    input: str | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in argv],
        env=dict(env),
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )
    # No traceback ever reaches a user, whatever the test is about.
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


def card_doc(tables: dict[str, Any], key: str) -> dict[str, Any]:
    for doc in tables["cards"].values():
        if doc["key"] == key:
            return dict(doc)
    raise AssertionError(f"no card {key} in the data file")


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The one-line error message on stderr, checked to name each needle."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def run_importtime(
    argv: tuple[str, ...], env: Mapping[str, str], cwd: Path, timeout: float = 30
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`python -X importtime -m pmo_tui ARGV`: the finished process and the modules its
    import-time report names, in the order imported."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pmo_tui", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in r.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    ]
    return r, modules
