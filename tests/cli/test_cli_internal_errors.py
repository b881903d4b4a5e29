"""A bug in pmo is an internal error (exit 70), never "your data file is damaged" (issue 6,
bug 3).  Exit codes map to the core's exceptions: StoreError 3, UseCaseError 2,
NothingToDo 1, anything else 70 with one line and, only under PMO_DEBUG=1, a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_helpers import one_line_error

from pmo_tui.cli import EXIT_INTERNAL, main
from pmo_tui.core.board import Board
from pmo_tui.core.errors import NothingToDo, StoreError, UseCaseError

BUGS = [TypeError("boom"), ValueError("bad int"), KeyError("k"), AttributeError("attr")]


@pytest.fixture
def cli_env(monkeypatch, env, seeded):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return seeded


def _raiser(exc):
    def raise_it(*args, **kwargs):
        raise exc

    return raise_it


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__)
def test_a_bug_is_an_internal_error_in_process(monkeypatch, capsys, cli_env, exc):
    before = cli_env.read_bytes()
    monkeypatch.setattr(Board, "add_card", _raiser(exc))
    assert main(["add", "x"]) == EXIT_INTERNAL == 70
    captured = capsys.readouterr()
    line = captured.err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"pmo: internal error ({type(exc).__name__}: ")
    assert "this is a bug in pmo, not in your data file" in line
    assert "PMO_DEBUG=1" in line
    assert "cannot use data file" not in line
    assert cli_env.read_bytes() == before


def test_pmo_debug_adds_the_traceback(monkeypatch, capsys, cli_env):
    monkeypatch.setenv("PMO_DEBUG", "1")
    monkeypatch.setattr(Board, "add_card", _raiser(TypeError("boom")))
    assert main(["add", "x"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "TypeError: boom" in err
    assert err.strip().splitlines()[-1].startswith("pmo: internal error (TypeError: boom)")


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (StoreError("/x/pmo.json", "damaged"), 3),
        (UseCaseError("bad value"), 2),
        (NothingToDo("nothing"), 1),
    ],
    ids=["store-3", "usecase-2", "nothing-1"],
)
def test_core_exceptions_keep_their_exit_codes(monkeypatch, capsys, cli_env, exc, code):
    monkeypatch.setattr(Board, "add_card", _raiser(exc))
    assert main(["add", "x"]) == code
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err


SCRIPT = (
    "import sys\n"
    "from pmo_tui.core.board import Board\n"
    "def broken(*a, **k):\n"
    "    raise TypeError('boom')\n"
    "Board.add_card = broken\n"
    "from pmo_tui.cli import main\n"
    "sys.exit(main())\n"
)


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "PMO_DEBUG"])
def test_a_bug_is_an_internal_error_in_a_real_process(env, seeded, tmp_path, debug):
    before = seeded.read_bytes()
    full = {**env, "PMO_DEBUG": "1"} if debug else env
    r = subprocess.run(
        [sys.executable, "-c", SCRIPT, "add", "x"],
        env=full,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 70, r.stderr
    if debug:
        assert "Traceback" in r.stderr
    else:
        assert "Traceback" not in r.stderr
        one_line_error(r, "internal error (TypeError: boom)", "bug in pmo")
    assert seeded.read_bytes() == before


def test_public_names_of_the_cli_package():
    """`pmo = "pmo_tui.cli:main"` and code that builds the parser keep working."""
    from pmo_tui.cli import build_parser

    args = build_parser().parse_args(["--db", "x.json", "edit", "1", "--tag=-perf", "-t", "+ui"])
    assert (args.db, args.command, args.key, args.tags) == ("x.json", "edit", "1", ["-perf", "+ui"])
    assert build_parser(["ls"]).parse_args(["ls", "--json"]).json is True
