"""Shared by the bench scripts: machine description and section replacement in RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
DATA = BENCH / "data"
TITLE = "# pmo benchmark results\n"


def machine() -> str:
    """One line: date, cores, CPU model, Python."""
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
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{stamp}; {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}; "
        f"load average {load} at the end; "
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
