"""The prompt segment (`pmo prompt bash|zsh`) against Timewarrior and a bare Python.

    python bench/prompt.py [--size 10k] [--data FILE] [--renders 1000] [--rounds 5]
                           [--runs 9] [--json]

On a copy of the data set with a timer running for user `bench`:

- ``render_ms_bash`` / ``render_ms_zsh``: one ``pmo_prompt_update`` (what a prompt hook
  runs), timed inside one shell process over --renders renders with ``$EPOCHREALTIME``;
  the median of --rounds rounds.  A `pmo` stub on PATH counts the processes the renders
  ran (``render_pmo_calls``: 0 is the point).  ``render_ms_bash_subst`` is ``$(pmo_prompt)``
  (what a PS1 with a command substitution costs: a fork per prompt).
- ``timew_ms``: `timew` (what it shows while tracking), an interval running in a fresh
  TIMEWARRIORDB; null with a note when timew is not installed.
- ``status_short_ms``: `pmo status --short`; ``python_pass_ms``: `python -c pass`
  (medians of --runs processes, after one warm-up).

Prints a table, or with --json one JSON object (keys above, plus ``notes`` and ``machine``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import DATA, ensure_data, machine

PY = sys.executable
PMO = str(Path(sys.executable).parent / "pmo")
PYCACHE = DATA / "pycache"
TARGET_RENDER_MS = 1.0  # issue 12: under 1 ms a render (Timewarrior: ~4 ms a call)

LOOP = {
    "bash": """
. "$INIT"
pmo_prompt_update
t0=$EPOCHREALTIME
for (( i = 0; i < N; i++ )); do pmo_prompt_update; done
t1=$EPOCHREALTIME
printf '%s %s %s\\n' "$t0" "$t1" "$PMO_PROMPT"
""",
    "bash_subst": """
. "$INIT"
x=$(pmo_prompt)
t0=$EPOCHREALTIME
for (( i = 0; i < N; i++ )); do x=$(pmo_prompt); done
t1=$EPOCHREALTIME
printf '%s %s %s\\n' "$t0" "$t1" "$x"
""",
    "zsh": """
zmodload zsh/datetime
. "$INIT"
pmo_prompt_update
t0=$EPOCHREALTIME
for (( i = 0; i < N; i++ )); do pmo_prompt_update; done
t1=$EPOCHREALTIME
printf '%s %s %s\\n' "$t0" "$t1" "$PMO_PROMPT"
""",
}


def _median_ms(argv: list[str], env: dict[str, str], runs: int, ok: tuple[int, ...]) -> float:
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        if r.returncode not in ok:
            raise SystemExit(f"{argv}: exit {r.returncode}: {r.stderr.decode()[:300]}")
        if i:  # the first run warms the caches
            times.append(elapsed * 1000)
    return round(statistics.median(times), 3)


def _render_ms(
    shell: str, loop: str, env: dict[str, str], renders: int, rounds: int
) -> tuple[float, str]:
    per = []
    shown = ""
    argv = [shell, "-f"] if shell == "zsh" else [shell, "--norc"]
    for _ in range(rounds):
        code = LOOP[loop].replace("N;", f"{renders};")
        r = subprocess.run([*argv, "-c", code], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{shell}: {r.stderr[:300]}")
        t0, t1, *seg = r.stdout.split(" ", 2)
        per.append((float(t1) - float(t0)) * 1000 / renders)
        shown = " ".join(seg).strip()
    return statistics.median(per), shown


def _timew_ms(runs: int, notes: list[str]) -> float | None:
    timew = shutil.which("timew")
    if timew is None:
        notes.append("timew not installed (apt-get install -y timewarrior): timew_ms skipped")
        return None
    with tempfile.TemporaryDirectory(prefix="pmo-timew-") as tmp:
        (Path(tmp) / "data").mkdir()
        (Path(tmp) / "timewarrior.cfg").write_text("")
        env = {**os.environ, "TIMEWARRIORDB": tmp}
        subprocess.run([timew, "start", "PMO-5"], env=env, capture_output=True, check=True)
        return _median_ms([timew], env, runs, (0,))


def measure(args: argparse.Namespace) -> dict[str, object]:
    notes: list[str] = []
    src = Path(args.data) if args.data else ensure_data(args.size)
    PYCACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmo-prompt-bench-") as tmp:
        db = Path(tmp) / "pmo.json"
        shutil.copy(src, db)
        log = Path(tmp) / "calls.log"
        bin_dir = Path(tmp) / "bin"
        bin_dir.mkdir()
        stub = bin_dir / "pmo"
        stub.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{PMO}" "$@"\n')
        stub.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
        # Bytecode cached under PYCACHE (this environment may forbid writing it, and pmo
        # would then compile itself at every run).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            "PMO_DB": str(db),
            "PMO_USER": "bench",
            "PMO_CONFIG": "/nonexistent.toml",
            "PYTHONPYCACHEPREFIX": str(PYCACHE),
            "LC_ALL": "C",
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        subprocess.run([PMO, "start", "PMO-5"], env=env, capture_output=True, check=True)
        out: dict[str, object] = {"size": args.size if not args.data else str(src)}
        for shell in ("bash", "zsh"):
            if shutil.which(shell) is None:
                notes.append(f"{shell} not installed: render_ms_{shell} skipped")
                out[f"render_ms_{shell}"] = None
                continue
            init = Path(tmp) / f"init.{shell}"
            code = subprocess.run(
                [PMO, "prompt", shell], env=env, capture_output=True, check=True
            ).stdout
            init.write_bytes(code)
            shell_env = {**env, "INIT": str(init)}
            log.unlink(missing_ok=True)
            ms, shown = _render_ms(shell, shell, shell_env, args.renders, args.rounds)
            out[f"render_ms_{shell}"] = round(ms, 4)
            out[f"render_shows_{shell}"] = shown
            out[f"render_pmo_calls_{shell}"] = (
                len(log.read_text().splitlines()) if log.exists() else 0
            )
            if shell == "bash":
                ms, _ = _render_ms("bash", "bash_subst", shell_env, args.renders, args.rounds)
                out["render_ms_bash_subst"] = round(ms, 4)
        out["timew_ms"] = _timew_ms(args.runs, notes)
        out["status_short_ms"] = _median_ms([PMO, "status", "--short"], env, args.runs, (0,))
        out["python_pass_ms"] = _median_ms([PY, "-c", "pass"], env, args.runs, (0,))
    out["renders"], out["rounds"], out["runs"] = args.renders, args.rounds, args.runs
    out["target_render_ms"] = TARGET_RENDER_MS
    out["notes"] = notes
    out["machine"] = machine()
    return out


def table(res: dict[str, object]) -> str:
    def ms(key: str) -> str:
        value = res.get(key)
        return "skipped" if value is None else f"{float(value):.3f} ms"  # type: ignore[arg-type]

    rows = [
        ("prompt render, bash (pmo_prompt_update)", ms("render_ms_bash")),
        ("prompt render, bash ($(pmo_prompt): a fork)", ms("render_ms_bash_subst")),
        ("prompt render, zsh (pmo_prompt_update)", ms("render_ms_zsh")),
        ("timew (an interval running)", ms("timew_ms")),
        ("pmo status --short", ms("status_short_ms")),
        ("python -c pass", ms("python_pass_ms")),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'what':<{width}}  median", f"{'-' * width}  ------"]
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    calls = [res.get(f"render_pmo_calls_{s}") for s in ("bash", "zsh")]
    lines.append(
        f"\n{res['renders']} renders x {res['rounds']} rounds; pmo processes run by the "
        f"renders: bash {calls[0]}, zsh {calls[1]}; segment shown: {res.get('render_shows_bash')!r}"
    )
    lines += [f"note: {n}" for n in res["notes"]]  # type: ignore[attr-defined]
    lines.append(str(res["machine"]))
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="10k", choices=["1k", "10k"])
    p.add_argument("--data", help="a data file instead of bench/data/<size>.json")
    p.add_argument("--renders", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    res = measure(args)
    print(json.dumps(res) if args.json else table(res))


if __name__ == "__main__":
    main()
