"""The data file: hostile contents, the lock, permissions, and no Textual import (SPEC 1-3)."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from cli_helpers import PMO, one_line_error, run_importtime, run_pmo


def _newer_schema(real: bytes) -> bytes:
    tables = json.loads(real)
    tables["meta"]["1"]["schema_version"] = 999
    return json.dumps(tables).encode()


HOSTILE = {
    "empty": lambda real: b"",
    "whitespace": lambda real: b"  \n",
    "truncated": lambda real: real[: len(real) // 2],
    "not-json": lambda real: b"\x00\xff\xfePK\x03\x04 not json at all",
    "json-list": lambda real: b"[1, 2, 3]",
    "foreign-json": lambda real: b'{"hello": 1}',
    "tinydb-no-meta": lambda real: b'{"_default": {"1": {"a": 1}}, "cards": {}}',
    "newer-schema": _newer_schema,
    "bad-table-rows": lambda real: b'{"meta": {"1": {"schema_version": 1}}, "cards": [1]}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("command", [("ls",), ("add", "x")], ids=["ls", "add"])
def test_hostile_file_exits_3_and_is_left_alone(pmo, db, seeded_template, kind, command):
    content = HOSTILE[kind](seeded_template)
    db.write_bytes(content)
    r = pmo(*command)
    assert r.returncode == 3, (r.stdout, r.stderr)
    line = one_line_error(r, str(db))
    assert len(line) > len(f"pmo: cannot use data file {db}: ")  # a reason follows the path
    if kind == "newer-schema":
        assert "999" in line
    assert db.read_bytes() == content


@pytest.mark.parametrize("command", [("ls",), ("add", "x")], ids=["ls", "add"])
def test_directory_at_the_path(pmo, db, command):
    db.mkdir()
    r = pmo(*command)
    assert r.returncode == 3
    one_line_error(r, str(db), "directory")
    assert db.is_dir() and not any(db.iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
@pytest.mark.parametrize("command", [("ls",), ("add", "x")], ids=["ls", "add"])
def test_unreadable_file(pmo, seeded, command):
    before = seeded.read_bytes()
    seeded.chmod(0)
    try:
        r = pmo(*command)
        assert r.returncode == 3
        one_line_error(r, str(seeded), "permission")
    finally:
        seeded.chmod(0o644)
    assert seeded.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        {
            "meta": {"1": {"schema_version": 1}},
            "projects": {"1": {"key": "PMO"}},
            "cards": {"1": {"key": "PMO-1", "project": "PMO", "title": "t", "status": "todo"}},
            "time_entries": {
                "1": {"id": 1, "card": "PMO-1", "user": "alice", "start": "bad", "end": None}
            },
        },
        {
            "meta": {"1": {"schema_version": 1}},
            "projects": {"1": {"key": "PMO", "next_number": "x"}},
        },
    ],
    ids=["bad-entry-time", "bad-next-number"],
)
def test_malformed_fields_in_a_hand_edited_file(pmo, db, content):
    raw = json.dumps(content).encode()
    db.write_bytes(raw)
    r = pmo("ls")
    assert r.returncode == 3, r.stderr
    one_line_error(r, str(db))
    assert db.read_bytes() == raw


def test_lock_held_by_another_process(pmo, seeded, tmp_path):
    before = seeded.read_bytes()
    fd = os.open(tmp_path / "pmo.json.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        r = pmo("add", "x", env_extra={"PMO_LOCK_TIMEOUT": "0.5"})
    finally:
        os.close(fd)
    assert r.returncode == 3, r.stderr
    one_line_error(r, str(seeded), "lock")
    assert seeded.read_bytes() == before
    # once the lock is free the same command works
    assert pmo("add", "x").returncode == 0


@pytest.mark.parametrize("mask", [0o002, 0o022])
def test_group_writable_team_file_keeps_its_mode(env, seeded, tmp_path, mask):
    seeded.chmod(0o664)
    cmd = ["sh", "-c", f'umask {mask:03o} && exec "{PMO}" add shared']
    r = run_pmo(cmd, env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(seeded).st_mode) == 0o664
    assert b"shared" in seeded.read_bytes()


@pytest.mark.parametrize("argv", [("ls",), ("add", "x"), ("status", "--short")])
def test_cli_never_imports_textual(env, seeded, tmp_path, argv):
    r, modules = run_importtime(argv, env, tmp_path)
    assert r.returncode in (0, 1), r.stderr[-2000:]
    assert len(modules) > 20  # the importtime report was parsed
    assert "pmo_tui.cli" in modules or "pmo_tui.core.config" in modules
    offenders = [m for m in modules if m == "textual" or m.startswith("textual.")]
    assert not offenders, offenders
    assert not [m for m in modules if m.startswith("pmo_tui.ui")]


def test_default_location_is_created_on_first_write(pmo, tmp_path):
    """SPEC 1: first use needs no set-up, folders included, at pmo's own data location."""
    r = pmo("add", "x", env_extra={"PMO_DB": ""})
    assert r.returncode == 0, r.stderr
    target = tmp_path / "xdg-data" / "pmo" / "pmo.json"
    assert json.loads(Path(target).read_text())["cards"]["1"]["key"] == "PMO-1"


def test_concurrent_writers_lose_nothing(env, seeded, tmp_path, data):
    """Four processes adding cards at once: every card lands, keys are unique."""
    script = f'for i in 1 2 3 4; do "{PMO}" add "w$W-$i" || exit 1; done'
    procs = [
        subprocess.Popen(
            ["sh", "-c", script],
            env={**env, "W": str(w)},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    printed = [line for out, _ in outputs for line in out.split()]
    cards = data()["cards"].values()
    titles = sorted(c["title"] for c in cards if c["title"].startswith("w"))
    assert titles == sorted(f"w{w}-{i}" for w in range(4) for i in range(1, 5))
    keys = [c["key"] for c in cards]
    assert len(keys) == len(set(keys)) == 18
    assert sorted(printed) == sorted(k for k in keys if k not in ("PMO-1", "PMO-2"))
