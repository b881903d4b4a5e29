"""`pmo prompt bash|zsh`: the prompt segment, run in real shells (issue 12, point 3).

A `pmo` stub on PATH logs each call and runs the real pmo, so "no process in the common
case" is asserted by behaviour: the stub's log stays empty.  zsh tests are skipped where
zsh is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cli_helpers import PMO

from pmo_tui.core.storage.jsonfile import status

SHELLS = [
    pytest.param(name, marks=pytest.mark.skipif(shutil.which(name) is None, reason=f"no {name}"))
    for name in ("bash", "zsh")
]
SAFE = re.compile(r"[A-Za-z0-9_.:!? -]*")
HOSTILE = [
    "\x1b]0;pwned\x07",
    "$(touch MARK)",
    "`touch MARK`",
    "%F{red}%{\x1b[31m%}",
    "\\w\\$",
    "a[$(touch MARK)]",
    "\u202eevil",
    "x\ty",
]


class Shell:
    """Runs a render of the segment in ``name`` with the code ``pmo prompt`` printed."""

    def __init__(self, name: str, tmp_path: Path, env: dict[str, str]) -> None:
        self.name, self.tmp, self.env = name, tmp_path, env
        self.log = tmp_path / "calls.log"
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        stub = bin_dir / "pmo"
        stub.write_text(f'#!/bin/sh\necho "$*" >> "{self.log}"\nexec "{PMO}" "$@"\n')
        stub.chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        self.init = tmp_path / f"init.{name}"

    def setup(self, *pmo_args: str, **env: str) -> None:
        """`pmo [pmo_args] prompt SHELL` as ~/.bashrc would run it."""
        r = subprocess.run(
            [str(PMO), *pmo_args, "prompt", self.name],
            env={**self.env, **env},
            capture_output=True,
            cwd=self.tmp,
        )
        assert r.returncode == 0, r.stderr
        self.init.write_bytes(r.stdout)

    def render(self, script: str = "", **env: str) -> tuple[str, list[str]]:
        """The segment (PMO_PROMPT after one update) and the pmo calls it made."""
        if not self.init.exists():
            self.setup()
        self.log.unlink(missing_ok=True)
        argv = [self.name, "-f"] if self.name == "zsh" else [self.name, "--norc"]
        code = f'{script}\n. "{self.init}"\npmo_prompt_update\nprintf "%s" "$PMO_PROMPT"'
        full = {**self.env, **env}  # "" unsets, for pmo and for the function alike
        r = subprocess.run(
            [*argv, "-c", code], env=full, capture_output=True, cwd=self.tmp, text=True
        )
        assert r.returncode == 0 and r.stderr == "", r.stderr
        calls = self.log.read_text().splitlines() if self.log.exists() else []
        assert SAFE.fullmatch(r.stdout), r.stdout
        return r.stdout, calls


@pytest.fixture(params=SHELLS)
def sh(request: pytest.FixtureRequest, tmp_path: Path, env: dict[str, str]) -> Shell:
    return Shell(request.param, tmp_path, env)


def _status_of(db: Path) -> Path:
    return db.with_name(db.name + ".status")


def _stale(db: Path) -> None:
    """Another process wrote the data file after the status file: the status file's mtime
    is older (moving the data file's into the future would keep it newer than any rewrite)."""
    st = db.stat()
    os.utime(_status_of(db), ns=(st.st_atime_ns, st.st_mtime_ns - 2_000_000_000))


def _newer(path: Path, seconds: float = 2.0) -> None:
    """Another process wrote ``path`` after the status file (mtime moved on)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))


# --------------------------------------------------------------------------- the story
def test_start_shows_the_card_and_stop_shows_nothing_without_running_pmo(sh, pmo, seeded):
    assert pmo("start", "1").returncode == 0
    assert sh.render() == ("PMO-1 0:00", [])
    assert pmo("stop").returncode == 0
    assert sh.render() == ("", [])
    bob = {"PMO_USER": "bob"}
    assert pmo("start", "2", "--at=-75m", env_extra=bob).returncode == 0
    assert sh.render(**bob) == ("PMO-2 1:15", [])
    assert sh.render() == ("", [])


def test_no_data_file_prints_nothing_and_runs_nothing(sh, db):
    assert not db.exists()
    assert sh.render() == ("", [])


def test_a_write_by_another_process_asks_pmo_once_then_the_fast_path_again(sh, pmo, seeded):
    assert pmo("start", "1", "--at=-5m").returncode == 0
    assert sh.render() == ("PMO-1 0:05", [])
    # a write that did not refresh the status file (another tool, a hand edit)
    _stale(seeded)
    assert sh.render() == ("PMO-1 0:05", ["--db=" + str(seeded) + " status --short"])
    assert sh.render() == ("PMO-1 0:05", [])  # pmo rewrote the status file
    # the data file really changed behind pmo's back: the fallback sees it
    tables = json.loads(seeded.read_text())
    for entry in tables["time_entries"].values():
        entry["user"] = "bob"
    seeded.write_text(json.dumps(tables))
    out, calls = sh.render()
    assert (out, len(calls)) == ("", 1)
    assert sh.render() == ("", [])
    assert sh.render(PMO_USER="bob") == ("PMO-1 0:05", [])


def test_a_missing_damaged_or_old_format_status_file_asks_pmo(sh, pmo, seeded):
    assert pmo("start", "1").returncode == 0
    side = _status_of(seeded)
    for damage in (None, b"", b"\x00garbage{", b'{"sig": [1, 2, 3], "running": {}}'):
        if damage is None:
            side.unlink()
        else:
            side.write_bytes(damage)
            _newer(side)
        out, calls = sh.render()
        assert out == "PMO-1 0:00" and len(calls) == 1, damage
        assert sh.render() == ("PMO-1 0:00", [])


def test_minutes_come_from_epoch_seconds_whatever_the_time_zone(sh, pmo, seeded):
    assert pmo("start", "1", "--at=-700m").returncode == 0
    expected = pmo("status", "--short").stdout.strip()
    assert expected.endswith("!")  # over 10 hours: flagged as pmo does
    for tz in ("UTC", "America/New_York", "Pacific/Chatham", "Asia/Kolkata", "EST5EDT"):
        assert sh.render(TZ=tz) == (expected, []), tz


def test_the_clock_matches_pmo_status_short(sh, seeded):
    now = int(time.time())
    for ago in (0, 59, 60, 3599, 3600, 36000, 36060, 36061, 100 * 3600 + 1, -300):
        running = {"alice": {"card": "PMO-7", "title": "t", "start": _iso(now - ago), "id": 1}}
        _write_status(seeded, running)
        minutes = max(0, ago // 60)
        flag = "!" if minutes > 600 else ""
        out, calls = sh.render()
        assert calls == []
        # (a second may tick between writing and reading)
        assert out in {f"PMO-7 {m // 60}:{m % 60:02d}{flag}" for m in (minutes, minutes + 1)}


def test_user_and_data_file_as_pmo_resolves_them(sh, pmo, tmp_path, seeded):
    other = tmp_path / "team.json"
    shutil.copy(seeded, other)
    assert pmo("start", "2", env_extra={"PMO_DB": str(other), "PMO_USER": "carol"}).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{other}"\nuser = "carol"\n')
    sh.setup(PMO_CONFIG=str(config), PMO_DB="", PMO_USER="")
    assert sh.render(PMO_DB="", PMO_USER="") == ("PMO-2 0:00", [])
    # PMO_DB / PMO_USER when the prompt is drawn win over what was resolved at set-up
    assert sh.render(PMO_USER="")[0] == ""  # PMO_DB (seeded): carol runs nothing there
    assert sh.render(PMO_DB="", PMO_USER="alice") == ("", [])
    # --db at set-up wins over PMO_DB
    sh.setup("--db", str(other))
    assert sh.render(PMO_USER="carol") == ("PMO-2 0:00", [])


def test_a_home_relative_data_file(sh, pmo, tmp_path, seeded):
    assert pmo("start", "1").returncode == 0
    assert sh.render(PMO_DB="~/pmo.json") == ("PMO-1 0:00", [])


def test_a_linked_data_file(sh, pmo, tmp_path):
    team = tmp_path / "srv" / "team.json"
    team.parent.mkdir()
    link = tmp_path / "mine.json"
    link.symlink_to(team)
    assert pmo("add", "x", env_extra={"PMO_DB": str(link)}).returncode == 0
    assert pmo("start", "1", env_extra={"PMO_DB": str(link)}).returncode == 0
    assert _status_of(team).exists() and not _status_of(link).exists()
    sh.setup(PMO_DB=str(link))
    assert sh.render(PMO_DB=str(link)) == ("PMO-1 0:00", [])
    # a link it was not set up with: pmo answers (it knows which links to refuse)
    other = tmp_path / "other.json"
    other.symlink_to(team)
    out, calls = sh.render(PMO_DB=str(other))
    assert out == "PMO-1 0:00" and len(calls) == 1


def test_shell_options_of_the_user_do_not_break_it(sh, pmo, seeded):
    assert pmo("start", "1").returncode == 0
    opts = "set -u" if sh.name == "bash" else "setopt KSH_ARRAYS NO_UNSET SH_WORD_SPLIT"
    assert sh.render(opts) == ("PMO-1 0:00", [])


# --------------------------------------------------------------------------- hostile text
@pytest.mark.parametrize("evil", HOSTILE, ids=lambda e: repr(e)[1:14])
def test_a_hand_edited_status_file_cannot_inject(sh, pmo, tmp_path, seeded, evil):
    assert pmo("start", "1").returncode == 0
    side = _status_of(seeded)
    head, _, body = side.read_bytes().partition(b"\n")
    now = str(int(time.time())).encode()
    lines = [
        # the card, the start, the user, and a header field as a teammate might edit them
        b"alice\tPMO-1" + evil.encode() + b"\t" + now + b"\t[]\n",
        b"alice\tPMO-1\t" + evil.encode() + b"\t[]\n",
        b"alice" + evil.encode() + b"\tPMO-1\t" + now + b"\t[]\n",
    ]
    for line in lines:
        side.write_bytes(head + b"\n" + line)
        _newer(side)
        out, _ = sh.render()
        assert SAFE.fullmatch(out)
        assert not (tmp_path / "MARK").exists()
    side.write_bytes(head.replace(b"shell", evil.encode()) + b"\n" + body)
    _newer(side)
    out, _ = sh.render()
    assert SAFE.fullmatch(out) and not (tmp_path / "MARK").exists()


@pytest.mark.parametrize("evil", HOSTILE, ids=lambda e: repr(e)[1:14])
def test_a_hostile_card_key_shown_by_pmo_is_filtered_too(sh, seeded, tmp_path, evil):
    """A card key the shell line cannot carry: pmo answers, and what it prints (escaped
    for a terminal, but with `$` `%` `\\` intact) is filtered before the prompt sees it."""
    running = {"alice": {"card": f"PMO-1{evil}", "title": "t", "start": _iso(time.time()), "id": 1}}
    _write_status(seeded, running)
    assert b"\t?\t" in _status_of(seeded).read_bytes()  # '?': ask pmo
    out, calls = sh.render()
    assert out.startswith("PMO-1") and len(calls) == 1
    assert not (tmp_path / "MARK").exists()


@pytest.mark.parametrize("user", ["bob\tx", "bob\nalice", "", "\x1b[31m"])
def test_a_user_a_line_cannot_carry_makes_the_shell_ask(sh, seeded, user):
    running = {
        user: {"card": "PMO-2", "title": "t", "start": _iso(time.time()), "id": 2},
        "alice": {"card": "PMO-1", "title": "t", "start": _iso(time.time()), "id": 1},
    }
    _write_status(seeded, running)
    assert _status_of(seeded).read_bytes().split(b"\n")[0].endswith(b" pmo")
    out, calls = sh.render()
    assert out == "PMO-1 0:00" and len(calls) == 1
    if user:
        out, calls = sh.render(PMO_USER=user)
        assert out == "PMO-2 0:00" and len(calls) == 1


def test_a_hostile_user_at_render_time_asks_pmo(sh, pmo, seeded):
    assert pmo("start", "1").returncode == 0
    out, calls = sh.render(PMO_USER="alice\x1b")
    assert out == "" and len(calls) == 1


def test_the_segment_in_ps1_is_text(sh, pmo, tmp_path, seeded):
    """Used as the README says: the prompt shows the segment, nothing in it expands."""
    running = {
        "alice": {"card": "PMO-1$(touch MARK)%F", "title": "t", "start": _iso(time.time()), "id": 1}
    }
    _write_status(seeded, running)
    if sh.name == "bash":
        script = "PS1='${PMO_PROMPT:+[$PMO_PROMPT] }\\$ '"
        show = 'printf "%s" "${PS1@P}"'
    else:
        script = "setopt PROMPT_SUBST; PROMPT='${PMO_PROMPT:+[$PMO_PROMPT] }%# '"
        show = 'printf "%s" "${(%)${(e)PROMPT}}"'  # PROMPT_SUBST, then % escapes
    argv = [sh.name, "-f"] if sh.name == "zsh" else [sh.name, "--norc"]
    sh.setup()
    code = f'{script}\n. "{sh.init}"\npmo_prompt_update\n{show}'
    r = subprocess.run(
        [*argv, "-c", code], env=sh.env, capture_output=True, text=True, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("[PMO-1??touch MARK??F 0:00] ")
    assert not (tmp_path / "MARK").exists()


# --------------------------------------------------------------------------- the command
def test_prompt_help_says_how_to_use_it(pmo):
    r = pmo("prompt", "--help")
    assert r.returncode == 0
    assert 'eval "$(pmo prompt bash)"' in r.stdout and "precmd_functions" in r.stdout
    assert pmo("prompt", "fish").returncode == 2


def test_prompt_imports_no_textual_nor_the_store(env, tmp_path):
    code = (
        "import sys; from pmo_tui.cli import main; main(['prompt', 'bash']);"
        "assert not [m for m in sys.modules if m.startswith(('textual', 'tinydb'))];"
        "assert 'pmo_tui.core.storage.jsonfile.store' not in sys.modules"
    )
    r = subprocess.run(
        [str(Path(PMO).with_name("python")), "-c", code], env=env, capture_output=True, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr


def test_quoted_values_survive_odd_paths_and_users(sh, pmo, tmp_path):
    odd = tmp_path / "it's a $HOME `x`"
    odd.mkdir()
    db = odd / "pmo.json"
    user = "o'brien $USER"
    assert pmo("add", "x", env_extra={"PMO_DB": str(db)}).returncode == 0
    assert pmo("start", "1", env_extra={"PMO_DB": str(db), "PMO_USER": user}).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text(json_toml(db=str(db), user=user))
    sh.setup(PMO_CONFIG=str(config), PMO_DB="", PMO_USER="")
    assert sh.render(PMO_DB="", PMO_USER="") == ("PMO-1 0:00", [])


# --------------------------------------------------------------------------- helpers
def json_toml(**values: str) -> str:
    return "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))


def _write_status(db: Path, running: dict[str, dict[str, object]]) -> None:
    """A status file for the data file as it is now (a pmo of this version wrote it)."""
    st = db.stat()
    side = _status_of(db)
    side.write_bytes(status.render((st.st_ino, st.st_size, st.st_mtime_ns), running))
    _newer(side)


@pytest.mark.parametrize("planted", ["fifo", "link"])
def test_a_planted_status_file_is_never_read(sh, pmo, tmp_path, seeded, planted):
    """A FIFO would hang the prompt, a link would show another file: pmo answers (and
    replaces the planted file by its own)."""
    assert pmo("start", "1").returncode == 0
    side = _status_of(seeded)
    side.unlink()
    if planted == "fifo":
        os.mkfifo(side)
    else:
        other = tmp_path / "elsewhere"
        other.write_bytes(status.render((1, 2, 3), {"alice": {"card": "EVIL-1", "start": 1}}))
        side.symlink_to(other)
    out, calls = sh.render()
    assert out == "PMO-1 0:00" and len(calls) == 1
    assert side.is_file() and not side.is_symlink()
    assert sh.render() == ("PMO-1 0:00", [])


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_clock_of_bash_before_5_is_epoch_seconds_too():
    """bash 4.2-4.4 have no $EPOCHSECONDS: the function asks printf's strftime instead."""
    r = subprocess.run(
        ["bash", "--norc", "-c", "printf -v now '%(%s)T' -1; echo $now"],
        capture_output=True,
        text=True,
        env={"TZ": "Pacific/Chatham", "PATH": os.environ["PATH"]},
    )
    assert abs(int(r.stdout) - time.time()) < 5
