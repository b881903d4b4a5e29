"""Shared by the bench scripts: machine description, section replacement in RESULTS.md, the
environment and timing of one `pmo` process, and `python -X importtime` parsing."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
DATA = BENCH / "data"
TITLE = "# pmo benchmark results\n"
PY = sys.executable
PMO = str(Path(sys.executable).parent / "pmo")  # the console script, as a user runs it
# Bytecode goes here, not beside the sources: an installed pmo has its .pyc files, and this
# environment may set PYTHONDONTWRITEBYTECODE (which would recompile pmo on every run).
PYCACHE = DATA / "pycache"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``1.6/1.5/2.0``."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def machine(load: str | None = None) -> str:
    """One line: date, cores, CPU model, load (given, or now: "at the end"), Python."""
    try:
        stamp = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover - no `date`
        stamp = "?"
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = load or f"{load_average()} at the end"
    return (
        f"{stamp}; {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}; "
        f"load average {load}; "
        f"Python {platform.python_version()} ({sys.executable}); {platform.system()} "
        f"{platform.release()}"
    )


def ensure_data(size: str) -> Path:
    """bench/data/<size>.json, generated if missing (size: '1k' or '10k')."""
    path = DATA / f"{size}.json"
    if not path.exists():
        cards = {"1k": 1000, "10k": 10000}[size]
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--cards", str(cards), "--out", str(path)],
            check=True,
        )
    return path


def pmo_env(db: Path, bytecode: bool = True) -> dict[str, str]:
    """The environment of a benchmarked `pmo` process: data file ``db``, user `bench`, no
    config file, bytecode cached under PYCACHE (or, bytecode=False, never written)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMO_", "PYTHONPYCACHE"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(
        PMO_DB=str(db),
        PMO_USER="bench",
        PMO_CONFIG=str(db.parent / "missing-config.toml"),
    )
    return env


class Failed(Exception):
    """A timed command exited with a code it should not have."""


def timed(
    argv: Sequence[str],
    env: dict[str, str],
    ok: Sequence[int] = (0,),
    timeout: float | None = None,
) -> float:
    """Wall time (seconds) of one process, output discarded; Failed if it cannot start, runs
    past ``timeout`` or exits with a code not in ``ok`` (the message names the command and
    the start of its stderr)."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Failed(f"{' '.join(argv)}: {exc}") from exc
    elapsed = time.perf_counter() - t0
    if proc.returncode not in ok:
        err = proc.stderr.decode(errors="replace").strip()[:500]
        raise Failed(f"{' '.join(argv)} exited {proc.returncode} (expected {tuple(ok)}): {err}")
    return elapsed


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")


def import_times(
    argv: Sequence[str] | Callable[[int], Sequence[str]], env: dict[str, str], runs: int = 3
) -> dict[str, tuple[int, int, int]]:
    """``python -X importtime`` of ``argv`` (a Python script and its arguments; or a function
    of the run's index giving them, for a command that must differ between runs), ``runs``
    times: per module, the least self and cumulative microseconds seen and its nesting depth
    (0 = imported at top level). ``"(all)"`` is the sum of the top-level cumulative times."""
    best: dict[str, tuple[int, int, int]] = {}
    for i in range(runs):
        proc = subprocess.run(
            [PY, "-X", "importtime", *(argv(i) if callable(argv) else argv)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        total = 0
        for line in proc.stderr.splitlines():
            m = IMPORT_LINE.match(line)
            if not m:
                continue
            own, cumulative, depth = int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2
            name = m.group(4)
            total += cumulative if depth == 0 else 0
            old = best.get(name)
            best[name] = (
                (own, cumulative, depth)
                if old is None
                else (min(old[0], own), min(old[1], cumulative), depth)
            )
        old = best.get("(all)")
        best["(all)"] = (total, total, 0) if old is None or total < old[1] else old
    return best


def replace_section(heading: str, body: str, path: Path = RESULTS) -> None:
    """Replace the ``## heading`` section (up to the next ``## ``) or append it.

    Other sections (written by other scripts or by hand) are kept as they are.
    """
    text = path.read_text() if path.exists() else TITLE
    section = f"{heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def insert_section(heading: str, body: str, path: Path = RESULTS) -> None:
    """Put the ``## heading`` section at the top (right under the title), or replace it in
    place if a section of that heading exists; everything else is kept below as history."""
    text = path.read_text() if path.exists() else TITLE
    if re.search(rf"^{re.escape(heading)}[ \t]*$", text, re.M):
        replace_section(heading, body, path)
        return
    first = re.search(r"^## ", text, re.M)
    at = first.start() if first else len(text)
    before = text[:at].rstrip("\n") + "\n\n"
    after = text[at:]
    section = f"{heading}\n\n{body.strip()}\n"
    path.write_text(before + section + ("\n" + after if after else ""))
