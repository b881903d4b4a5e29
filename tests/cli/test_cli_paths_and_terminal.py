"""Where the data file is, and where the app may run (issue 7).

- An explicit path (--db, PMO_DB, `db` in config) whose folder does not exist is a typo:
  exit 3 naming it, nothing created.  Only pmo's default location is created on first use.
- A read command on a missing file says so (exit 3) and creates nothing, not even a lock.
- `pmo` without a terminal does not start the app (exit 2) and points at the CLI.
- A TZ the C library cannot use is named as the problem (exit 2), not the data file.
"""

from __future__ import annotations

import os
import pty
import subprocess

import pytest
from cli_helpers import PMO, one_line_error

READS = [("ls",), ("ls", "--json"), ("show", "1"), ("status",), ("status", "--short"), ("export",)]
WRITES = [("add", "x"), ("init",), ("start", "1"), ("log", "1", "5m"), ("stop",), ("cancel",)]


def _listing(path):
    return sorted(p.name for p in path.iterdir())


@pytest.mark.parametrize("argv", READS + WRITES, ids=" ".join)
def test_db_in_a_missing_folder_is_refused(pmo, tmp_path, argv):
    before = _listing(tmp_path)
    target = tmp_path / "tpyo" / "team.json"
    r = pmo("--db", str(target), *argv)
    assert r.returncode == 3, (r.stdout, r.stderr)
    one_line_error(r, str(target), "does not exist")
    assert _listing(tmp_path) == before  # no folder, no file, no lock


@pytest.mark.parametrize("source", ["PMO_DB", "config"])
def test_pmo_db_and_config_paths_are_explicit_too(pmo, tmp_path, source):
    target = tmp_path / "tpyo" / "team.json"
    extra = {"PMO_DB": str(target)}
    if source == "config":
        config = tmp_path / "config.toml"
        config.write_text(f'db = "{target}"\n')
        extra = {"PMO_DB": "", "PMO_CONFIG": str(config)}
    r = pmo("add", "x", env_extra=extra)
    assert r.returncode == 3
    one_line_error(r, str(target))
    assert not (tmp_path / "tpyo").exists()


@pytest.mark.parametrize("argv", READS, ids=" ".join)
def test_read_command_on_a_missing_file_creates_nothing(pmo, tmp_path, db, argv):
    before = _listing(tmp_path)
    r = pmo(*argv)
    assert r.returncode == 3, (r.stdout, r.stderr)
    one_line_error(r, str(db), "does not exist")
    assert _listing(tmp_path) == before
    assert not db.exists() and not (tmp_path / "pmo.json.lock").exists()


def test_write_command_on_a_missing_file_in_an_existing_folder_creates_it(pmo, db):
    r = pmo("add", "first")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "PMO-1" and db.exists()


NO_TERMINAL = "pmo: the app needs a terminal (run `ssh -t`, or use the CLI: `pmo ls`, `pmo --help`)"


def test_no_terminal_does_not_start_the_app(pmo, seeded):
    r = pmo()  # stdin and stdout are pipes here, as in `ssh host pmo`
    assert r.returncode == 2
    assert r.stderr.strip() == NO_TERMINAL
    assert r.stdout == ""


def test_stdout_a_terminal_but_stdin_not(env, seeded, tmp_path):
    main, child = pty.openpty()
    try:
        proc = subprocess.run(
            [str(PMO)],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=child,
            stderr=subprocess.PIPE,
            timeout=30,
        )
    finally:
        os.close(child)
        os.close(main)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == NO_TERMINAL


@pytest.mark.parametrize("tz", ["UTC+25", "<+99>-999", "EST+24:00:01"])
@pytest.mark.parametrize("argv", [("ls",), ("add", "x"), ("show", "1")], ids=" ".join)
def test_unusable_tz_is_named_not_the_data_file(pmo, seeded, tz, argv):
    before = seeded.read_bytes()
    r = pmo(*argv, env_extra={"TZ": tz})
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = one_line_error(r, "TZ=", tz)
    assert "data file" not in line
    assert seeded.read_bytes() == before


def test_the_app_with_a_db_in_a_missing_folder_is_refused_before_it_starts(pmo, tmp_path):
    target = tmp_path / "tpyo" / "team.json"
    r = pmo("--db", str(target))
    assert r.returncode == 3
    one_line_error(r, str(target), "does not exist")
    assert not (tmp_path / "tpyo").exists()


@pytest.mark.parametrize("argv", [("stop",), ("cancel",)], ids=" ".join)
def test_stop_and_cancel_on_a_missing_file_create_nothing(pmo, tmp_path, db, argv):
    before = _listing(tmp_path)
    r = pmo(*argv)
    assert r.returncode == 1
    assert r.stderr.strip() == "pmo: no timer running"
    assert _listing(tmp_path) == before


def test_the_app_with_an_unusable_tz_names_it(pmo, seeded):
    r = pmo(env_extra={"TZ": "UTC+25"})
    assert r.returncode == 2
    one_line_error(r, "TZ=", "UTC+25")
