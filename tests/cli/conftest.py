"""Fixtures for the CLI tests: run the installed `pmo` console script as a subprocess.

Every run gets a controlled environment (its own data file, user, config, time zone, home
and XDG folders under tmp_path), so nothing on the developer's machine leaks in or out.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest
from cli_helpers import PMO, base_env, run_pmo


class Pmo(Protocol):
    def __call__(
        self,
        *args: str,
        env_extra: Mapping[str, str] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]: ...


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return base_env(tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


@pytest.fixture
def pmo(tmp_path: Path, env: dict[str, str]) -> Pmo:
    def run(
        *args: str,
        env_extra: Mapping[str, str] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full = dict(env)
        if env_extra:
            full.update(env_extra)
        return run_pmo([PMO, *args], full, tmp_path, input=input)

    return run


@pytest.fixture
def data(db: Path) -> Callable[[], dict[str, Any]]:
    """The data file's tables, read with json.load."""

    def read() -> dict[str, Any]:
        with open(db, encoding="utf-8") as fh:
            loaded: dict[str, Any] = json.load(fh)
        return loaded

    return read


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Bytes of a data file with two cards (PMO-1 "First", PMO-2 "Second"), built once."""
    home = tmp_path_factory.mktemp("seed")
    env = base_env(home)
    for title in ("First", "Second"):
        r = run_pmo([PMO, "add", title], env, home)
        assert r.returncode == 0, r.stderr
    return (home / "pmo.json").read_bytes()


@pytest.fixture
def seeded(db: Path, seeded_template: bytes) -> Path:
    """The test's data file, holding the seeded cards."""
    db.write_bytes(seeded_template)
    return db
