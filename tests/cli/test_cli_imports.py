"""What a command may import (issue 12: fixed cost).  A write command runs on every key a
person types in a shell, the status on every prompt: each module below costs milliseconds
at start-up, more than the command's own work.  These lists make a regression show as a
failing test naming the module and who imported it, not as a slower benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import PMO

# Never on a write command's path (with PMO_USER set, no config file, a small data file).
WRITE_FORBIDDEN = (
    "dataclasses",  # pulls inspect, ast, dis, tokenize
    "inspect",
    "typing",  # only under TYPE_CHECKING
    "uuid",  # orjson's start-up imports these
    "platform",
    "orjson",  # small payloads go through the stdlib's json (layout.loads/dumps)
    "pendulum",  # calendar arithmetic: reports only
    "zoneinfo",
    "tomllib",  # only when a config file exists
    "getpass",  # only without PMO_USER or `user`
    "textual",
    "pmo_tui.ui",
    "pmo_tui.core.usecases.projects",  # Board imports it lazily
    "pmo_tui.core.reports.sprints",
    "subprocess",
    "tempfile",
    "shutil",
    "pathlib",  # ~3 ms with urllib.parse and ipaddress: the store works on paths as text
    "urllib",
    "ipaddress",
    # argparse's messages need no gettext where no catalogue can be (cli/parser.py)
    *(() if os.path.isdir(os.path.join(sys.base_prefix, "share", "locale")) else ("gettext",)),
)
# The prompt's path (`pmo status --short` answered from the status file) goes further.
STATUS_FORBIDDEN = (
    *WRITE_FORBIDDEN,
    "argparse",
    "pmo_tui.core.model",
    "pmo_tui.core.storage.jsonfile.store",
    "datetime",  # pmo's stored times are read by fast_status.epoch_seconds
)


def imported(argv: tuple[str, ...], env: dict[str, str], cwd: Path) -> dict[str, str]:
    """Module -> the module that imported it, from `python -X importtime` running the
    console script as a shell does."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", str(PMO), *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode in (0, 1), r.stderr[-2000:]
    lines = [
        line.rsplit("|", 1)[1]
        for line in r.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    ]
    assert len(lines) > 20, r.stderr[-2000:]  # the importtime report was parsed
    # importtime prints a module after the ones it imported, indented one level deeper.
    parents: dict[str, str] = {}
    pending: list[tuple[int, str]] = []
    for line in lines:
        name = line.strip()
        depth = len(line) - len(line.lstrip())
        while pending and pending[-1][0] > depth:
            parents[pending.pop()[1]] = name
        pending.append((depth, name))
    return {name: parents.get(name, "the script") for _, name in pending} | parents


def offenders(modules: dict[str, str], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{name} (imported by {by})"
        for name, by in modules.items()
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ("add", "x"),
        ("move", "PMO-1", "doing"),
        ("start", "PMO-1"),
        ("stop",),
        ("ls",),
        ("edit", "PMO-1", "--title", "y"),
        ("sprint", "add", "1", "PMO-1"),
    ],
)
def test_write_commands_import_only_what_they_need(env, seeded, tmp_path, argv):
    if argv == ("stop",):
        assert subprocess.run([PMO, "start", "PMO-1"], env=env, cwd=tmp_path).returncode == 0
    if argv[0] == "sprint":
        new = [PMO, "sprint", "new", "S1"]
        assert subprocess.run(new, env=env, cwd=tmp_path).returncode == 0
    modules = imported(argv, env, tmp_path)
    assert "pmo_tui.core.storage.jsonfile.store" in modules
    assert not offenders(modules, WRITE_FORBIDDEN)


@pytest.mark.parametrize("running", [False, True])
def test_the_prompt_imports_only_the_standard_librarys_light_modules(
    env, seeded, tmp_path, running
):
    if running:
        assert subprocess.run([PMO, "start", "PMO-1"], env=env, cwd=tmp_path).returncode == 0
    else:  # a write, so that the status file is there and fresh
        assert (
            subprocess.run([PMO, "move", "PMO-1", "doing"], env=env, cwd=tmp_path).returncode == 0
        )
    modules = imported(("status", "--short"), env, tmp_path)
    assert "pmo_tui.cli.fast_status" in modules
    assert not offenders(modules, STATUS_FORBIDDEN)


GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


@pytest.mark.skipif(not GENERATE.exists(), reason="bench/generate.py is not in this tree")
def test_writes_on_a_thousand_cards_do_not_import_orjson(env, tmp_path):
    """At 1k cards the tables (~400 KB each) are parsed and written by the standard library:
    importing orjson would cost more than that (layout.LOADS/DUMPS_STDLIB_MAX)."""
    db = Path(env["PMO_DB"])
    made = subprocess.run(
        [sys.executable, GENERATE, "--cards", "1000", "--out", db], capture_output=True
    )
    assert made.returncode == 0, made.stderr
    env = {**env, "PMO_USER": "bench"}
    # The generated file has no line checksums yet: the first write gives it pmo's layout.
    first = subprocess.run([PMO, "move", "PMO-5", "doing"], env=env, cwd=tmp_path)
    assert first.returncode == 0
    for argv in (
        ("move", "PMO-5", "todo"),
        ("start", "PMO-5"),
        ("status", "--short"),
        ("stop",),
        ("add", "one more"),
    ):
        modules = imported(argv, env, tmp_path)
        assert not offenders(modules, WRITE_FORBIDDEN), argv


def test_gettext_imported_after_the_parser_is_the_real_one():
    """The parser imports argparse with a stand-in gettext when no catalogue can exist;
    the stand-in never stays in sys.modules."""
    code = (
        "import sys, pmo_tui.cli.parser as p, gettext, argparse\n"
        "assert hasattr(gettext, 'translation') and 'gettext' in vars(gettext)\n"
        "print(argparse._('x'), argparse.ngettext('a', 'b', 2))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["x", "b"]
