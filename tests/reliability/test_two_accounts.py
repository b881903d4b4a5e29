"""Two real unix accounts share one data file (issue 7): the README's set-up, a setgid group
folder (mode 2775), one teammate with ``umask 002`` and one with ``umask 077``, each running
``python -m pmo_tui`` as themselves (``setpriv``).  What one of them can put at the names pmo
uses (links, FIFOs, a deleted lock file) must not fork, expose, hang or lose the other's work.

Needs root (to create the accounts; they are removed afterwards) and setpriv.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHILD_TIMEOUT = 60
REPO = Path(__file__).resolve().parents[2]
# The interpreter the accounts run: this one, or a copy that they can reach (see team()).
PYTHON: list[str] = [sys.executable]
PYTHON_ENV: dict[str, str] = {}
STARTED: list[subprocess.Popen[str]] = []  # killed at the end if still running


def _copy_python(dest: Path) -> None:
    """A copy of this interpreter (without its site-packages) that other accounts can run,
    for when it lives somewhere private (e.g. /root/.pyenv); pmo and its dependencies come
    from the repository and the venv's site-packages through PYTHONPATH."""
    import sysconfig

    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (dest / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys._base_executable), dest / "bin" / version)  # type: ignore[attr-defined]
    (dest / "lib").mkdir()
    for lib in (base / "lib").glob("libpython*.so*"):
        shutil.copy2(lib, dest / "lib" / lib.name, follow_symlinks=False)
    skip = shutil.ignore_patterns(
        "site-packages", "test", "idlelib", "tkinter", "ensurepip", "lib2to3", "config-*"
    )
    shutil.copytree(base / "lib" / version, dest / "lib" / version, ignore=skip)
    PYTHON[:] = [str(dest / "bin" / version)]
    PYTHON_ENV.update(
        LD_LIBRARY_PATH=str(dest / "lib"),
        PYTHONPATH=os.pathsep.join([str(REPO), sysconfig.get_paths()["purelib"]]),
    )


@dataclass
class Account:
    name: str
    uid: int
    gid: int
    home: Path
    umask: str


@dataclass
class Team:
    base: Path
    srv: Path  # the setgid group folder
    group: str
    gid: int
    alice: Account  # umask 002, owns the team file
    bob: Account  # umask 077

    @property
    def db(self) -> Path:
        return self.srv / "team.json"


def _run_root(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    if os.geteuid() != 0:
        pytest.skip("needs root to create two unix accounts (useradd)")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "setpriv"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} to run as two accounts")
    tag = secrets.token_hex(3)
    group, names = f"pmoteam{tag}", (f"pmoa{tag}", f"pmob{tag}")
    # Not under pytest's tmp_path: /tmp/pytest-of-root is private to root.
    base = Path(tempfile.mkdtemp(prefix="pmo-two-accounts-", dir="/tmp"))
    os.chmod(base, 0o755)
    created: list[str] = []
    try:
        _run_root("groupadd", group)
        gid = grp.getgrnam(group).gr_gid
        accounts = []
        for name, mask in zip(names, ("002", "077"), strict=True):
            home = base / "home" / name
            _run_root("useradd", "-M", "-d", str(home), "-s", "/bin/sh", "-G", group, name)
            created.append(name)
            pw = pwd.getpwnam(name)
            home.mkdir(parents=True)
            os.chown(home, pw.pw_uid, pw.pw_gid)
            os.chmod(home, 0o700)
            accounts.append(Account(name, pw.pw_uid, pw.pw_gid, home, mask))
        os.chmod(base / "home", 0o755)
        srv = base / "srv"
        srv.mkdir()
        os.chown(srv, 0, gid)
        os.chmod(srv, 0o2775)
        t = Team(base, srv, group, gid, accounts[0], accounts[1])
        probe = run_as(t.alice, "-c", "import pmo_tui, orjson", module=False)
        if probe.returncode != 0:  # this interpreter is private (e.g. under /root)
            _copy_python(base / "python")
            probe = run_as(t.alice, "-c", "import pmo_tui, orjson", module=False)
        if probe.returncode != 0:
            pytest.skip(f"this Python cannot be run by another account: {probe.stderr[-300:]}")
        yield t
    finally:
        PYTHON[:] = [sys.executable]
        PYTHON_ENV.clear()
        for proc in STARTED:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        STARTED.clear()
        for name in created:
            # -f: a child stuck past its timeout must not leave the account behind.
            subprocess.run(["userdel", "-f", name], capture_output=True, timeout=30)
        subprocess.run(["groupdel", group], capture_output=True, timeout=30)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def fresh(team: Team) -> Iterator[Team]:
    """An empty shared folder for each test, with the team file made by alice."""
    for entry in team.srv.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for acct in (team.alice, team.bob):
        for entry in acct.home.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    ok(run_as(team.alice, "add", "first", db=team.db))
    yield team


def _command(acct: Account, args: tuple[str, ...], db: Path | None, module: bool) -> list[str]:
    py = [*PYTHON, "-m", "pmo_tui"] if module else [*PYTHON]
    if db is not None:
        py += ["--db", str(db)]
    return [
        "setpriv",
        f"--reuid={acct.uid}",
        f"--regid={acct.gid}",
        "--init-groups",
        "sh",
        "-c",
        f'umask {acct.umask}; exec "$@"',
        "sh",
        *py,
        *args,
    ]


def _env(acct: Account, extra: dict[str, str] | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(acct.home),
        "USER": acct.name,
        "PMO_USER": acct.name,
        "PMO_CONFIG": str(acct.home / "no-config.toml"),
        "PMO_LOCK_TIMEOUT": "30",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TZ": "UTC",
        **PYTHON_ENV,
    }
    env.update(extra or {})
    return env


def run_as(
    acct: Account,
    *args: str,
    db: Path | None = None,
    env: dict[str, str] | None = None,
    module: bool = True,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(acct, args, db, module),
        env=_env(acct, env),
        cwd=acct.home.parent,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )


def popen_as(
    acct: Account, *args: str, db: Path | None = None, module: bool = True
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        _command(acct, args, db, module),
        env=_env(acct, None),
        cwd=acct.home.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(proc)
    return proc


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result.stdout


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 3, f"exit {result.returncode}: {result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stderr


def cards(db: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(db.read_text())
    docs = list(data["cards"].values())
    by_key = {d["key"]: d for d in docs}
    assert len(by_key) == len(docs), "a key was handed out twice"
    return by_key


def parallel_adds(team: Team, per_account: int, prefix: str) -> dict[str, str]:
    """Every account adds ``per_account`` cards at once; returns acknowledged key -> title."""
    procs = []
    for acct in (team.alice, team.bob):
        for i in range(per_account):
            title = f"{prefix}-{acct.name}-{i}"
            procs.append((title, popen_as(acct, "add", title, db=team.db)))
    acked: dict[str, str] = {}
    for title, proc in procs:
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
        assert proc.returncode == 0, f"{title}: exit {proc.returncode}: {err}"
        key = out.strip().split()[-1] if out.strip() else ""
        assert key.startswith("PMO-"), f"{title}: printed {out!r}"
        assert key not in acked, f"key {key} acknowledged twice"
        acked[key] = title
    return acked


# ----------------------------------------------------------------------------- the tests
def test_both_accounts_write_at_once_and_nothing_is_lost(fresh: Team) -> None:
    acked = parallel_adds(fresh, 6, "both")
    stored = cards(fresh.db)
    for key, title in acked.items():
        assert stored[key]["title"] == title
    assert len(stored) == 1 + len(acked)
    st = os.stat(fresh.db)
    assert st.st_gid == fresh.gid and stat.S_IMODE(st.st_mode) == 0o664


def test_umask_077_teammate_creating_the_lock_and_status_locks_nobody_out(fresh: Team) -> None:
    for side in (".lock", ".status"):
        fresh.db.with_name(fresh.db.name + side).unlink()
    ok(run_as(fresh.bob, "add", "by bob, umask 077", db=fresh.db))
    for side in (".lock", ".status"):
        st = os.stat(fresh.db.with_name(fresh.db.name + side))
        assert stat.S_IMODE(st.st_mode) == 0o664, side
        assert st.st_gid == fresh.gid, side
    ok(run_as(fresh.alice, "add", "alice still writes", db=fresh.db))
    assert ok(run_as(fresh.alice, "start", "PMO-1", db=fresh.db))
    assert "PMO-1" in ok(run_as(fresh.alice, "status", "--short", db=fresh.db))
    titles = {c["title"] for c in cards(fresh.db).values()}
    assert {"by bob, umask 077", "alice still writes"} <= titles


def test_teammate_links_the_team_file_into_their_home_without_forking_it(fresh: Team) -> None:
    bob = fresh.bob
    default = bob.home / ".local" / "share" / "pmo" / "pmo.json"
    ok(run_as(bob, "-c", f"import os; os.makedirs({str(default.parent)!r})", module=False))
    ok(run_as(bob, "-c", f"import os; os.symlink({str(fresh.db)!r}, {str(default)!r})",
              module=False))  # fmt: skip
    key = ok(run_as(bob, "add", "through bob's link")).split()[-1]  # the default location
    assert default.is_symlink() and os.readlink(default) == str(fresh.db)
    assert cards(fresh.db)[key]["title"] == "through bob's link"
    assert sorted(p.name for p in default.parent.iterdir()) == ["pmo.json"]
    # Both see one board: alice's card through bob's link, bob's card through the team path.
    ok(run_as(fresh.alice, "add", "alice's", db=fresh.db))
    assert "alice's" in ok(run_as(bob, "ls"))


def test_planted_link_to_a_private_file_exposes_nothing(fresh: Team) -> None:
    alice, bob = fresh.alice, fresh.bob
    private = alice.home / "private.json"
    ok(run_as(alice, "add", "alice's secret", db=private))
    before = private.read_bytes()
    # bob replaces the team file by a link to alice's private board.
    fresh.db.unlink()
    ok(run_as(bob, "-c", f"import os; os.symlink({str(private)!r}, {str(fresh.db)!r})",
              module=False))  # fmt: skip
    err = refused(run_as(alice, "add", "meant for the team", db=fresh.db))
    assert "link owned by" in err and str(fresh.db) in err
    assert private.read_bytes() == before
    err = refused(run_as(bob, "ls", db=fresh.db))
    assert "secret" not in err
    leaked = [p for p in fresh.srv.iterdir() if p.name != "team.json"]
    for path in leaked:
        assert b"secret" not in path.read_bytes(), f"{path.name} holds alice's data"


def test_deleting_the_lock_file_during_writes_loses_no_acknowledged_write(fresh: Team) -> None:
    deleter = popen_as(
        fresh.bob,
        "-c",
        "import os, time\n"
        f"lock = {str(fresh.db) + '.lock'!r}\n"
        "end = time.monotonic() + 60\n"
        "while time.monotonic() < end:\n"
        "    try: os.unlink(lock)\n"
        "    except OSError: pass\n",
        module=False,
    )
    try:
        acked = parallel_adds(fresh, 6, "unlocked")
    finally:
        deleter.send_signal(signal.SIGKILL)
        deleter.wait()
    stored = cards(fresh.db)
    for key, title in acked.items():
        assert stored.get(key, {}).get("title") == title, f"acknowledged {key} was lost"


def test_planted_lock_link_is_never_followed(fresh: Team) -> None:
    outside = fresh.base / "outside"
    outside.mkdir(exist_ok=True)
    target = outside / "nologin"
    lock = fresh.db.with_name(fresh.db.name + ".lock")
    lock.unlink()
    ok(run_as(fresh.bob, "-c", f"import os; os.symlink({str(target)!r}, {str(lock)!r})",
              module=False))  # fmt: skip
    before = fresh.db.read_bytes()
    for who in ("alice", "root"):
        if who == "root":
            result = subprocess.run(
                [sys.executable, "-m", "pmo_tui", "--db", str(fresh.db), "add", "as root"],
                env=_env(fresh.alice, {"HOME": "/root", "PMO_USER": "root"}),
                capture_output=True,
                text=True,
                timeout=CHILD_TIMEOUT,
            )
        else:
            result = run_as(fresh.alice, "add", "as alice", db=fresh.db)
        err = refused(result)
        assert "symbolic link" in err and str(fresh.db) in err
    assert not target.exists()
    assert fresh.db.read_bytes() == before


def test_fifo_at_the_lock_path_is_refused_within_the_timeout(fresh: Team) -> None:
    lock = fresh.db.with_name(fresh.db.name + ".lock")
    lock.unlink()
    # bob's umask makes it 0600 (alice cannot even open it), then a FIFO anyone can open.
    ok(run_as(fresh.bob, "-c", f"import os; os.mkfifo({str(lock)!r})", module=False))
    for attempt in ("private", "open to all"):
        if attempt == "open to all":
            ok(run_as(fresh.bob, "-c", f"import os; os.chmod({str(lock)!r}, 0o666)", module=False))
        err = refused(run_as(fresh.alice, "add", "x", db=fresh.db, env={"PMO_LOCK_TIMEOUT": "2"}))
        assert "FIFO" in err and str(fresh.db) in err


def test_killed_teammate_mid_write_leaves_a_valid_file_the_other_can_write(fresh: Team) -> None:
    for i in range(3):
        proc = popen_as(fresh.bob, "add", f"killed-{i}", db=fresh.db)
        try:
            proc.wait(timeout=0.05 * (i + 1))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=CHILD_TIMEOUT)
        cards(fresh.db)  # valid JSON, unique keys, whatever the moment of the kill
    ok(run_as(fresh.alice, "add", "after the kills", db=fresh.db))
    assert "after the kills" in {c["title"] for c in cards(fresh.db).values()}
    assert not [p.name for p in fresh.srv.iterdir() if ".tmp-" in p.name]


def test_read_only_folder_says_so(fresh: Team) -> None:
    folder = fresh.base / "readonly"
    folder.mkdir(exist_ok=True)
    db = folder / "team.json"
    shutil.copy(fresh.db, db)
    os.chmod(db, 0o666)
    os.chmod(folder, 0o755)  # root's folder: nobody else may create files in it
    err = refused(run_as(fresh.alice, "add", "x", db=db))
    assert "No such file" not in err
    assert "read-only for you" in err and str(db) in err


def test_sticky_folder_names_the_owner_and_points_at_the_readme(fresh: Team) -> None:
    folder = fresh.base / "sticky"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, 0o1777)
    db = folder / "team.json"
    ok(run_as(fresh.alice, "add", "alice's", db=db))
    os.chmod(db, 0o666)
    for side in (".lock", ".status"):
        os.chmod(db.with_name(db.name + side), 0o666)
    err = refused(run_as(fresh.bob, "add", "bob's", db=db))
    assert "sticky" in err and fresh.alice.name in err and "README" in err
