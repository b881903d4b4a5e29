"""The lock file's opening when a teammate deletes it at the wrong moment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmo_tui.core.storage.jsonfile import files


def test_a_lock_file_deleted_between_seeing_and_opening_it_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_create_complete` finds the lock there (None); it is deleted before the open: the
    open must make it again, not fail the command with "No such file or directory"."""
    lock = str(tmp_path / "team.json.lock")
    real = files._create_complete
    calls: list[int] = []

    def seen_then_gone(path: str, data: os.stat_result | None) -> int | None:
        calls.append(1)
        if len(calls) == 1:
            return None  # "it exists" ... and it is gone by the time we open it
        return real(path, data)

    monkeypatch.setattr(files, "_create_complete", seen_then_gone)
    fd, created = files.open_lock(lock, None)
    try:
        assert created and len(calls) == 2
        assert os.path.samestat(os.fstat(fd), os.stat(lock))
    finally:
        os.close(fd)
