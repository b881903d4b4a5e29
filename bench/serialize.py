"""Load and dump of the 10k data file: stdlib json vs orjson, cyclic GC on vs off.

    python bench/serialize.py [--runs 5] [--size 10k] [--write]

Every measurement runs in a fresh interpreter (as a CLI command does), median of --runs.
Load variants: GC enabled; GC disabled during the parse and re-enabled after (what the store
does); GC disabled during the parse then gc.freeze() before re-enabling; and, for
comparison, the same data from a binary cache (pickle, marshal).  A GC disabled
during the parse leaves every parsed object in the youngest generation, so the first
collections after it pay the deferred work: each load is therefore followed by the same
"follow-up" work (a card_docs-like sort and copies of 20k events, ~0.1M allocations) and the
GC pauses over load + follow-up are reported (gc.callbacks).  Dump variants: the compact
stdlib form, TinyDB's default json.dumps, and orjson, with GC on and off.  With --write the
table replaces the "## Serialization (bench/serialize.py)" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import ast
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ensure_data, machine, replace_section

HEADING = "## Serialization (bench/serialize.py)"
LOADS = [
    ("json", "on"),
    ("json", "off"),
    ("json", "off+freeze"),
    ("orjson", "on"),
    ("orjson", "off"),
    ("orjson", "off+freeze"),
    ("pickle", "off+freeze"),
    ("marshal", "off+freeze"),
]
DUMPS = [
    ("json compact (ensure_ascii=False)", "on"),
    ("json compact (ensure_ascii=False)", "off"),
    ("json.dumps default (TinyDB JSONStorage)", "on"),
    ("orjson", "on"),
    ("orjson", "off"),
]


def _follow_up(data: dict[str, Any]) -> None:
    """Allocation-heavy work a command does after loading (triggers natural collections)."""
    cards = sorted(
        data["cards"].values(),
        key=lambda d: (float(d.get("rank") or 0.0), int(d["key"].rsplit("-", 1)[1])),
    )
    copies = [dict(e) for e in list(data["events"].values())[:20000]]
    assert cards and copies


def child_load(path: str, lib: str, gc_mode: str) -> dict[str, float]:
    pauses = [0.0]
    started = [0.0]

    def on_gc(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[0] += time.perf_counter() - started[0]

    t = time.perf_counter()
    if lib == "orjson":
        import orjson

        parse = orjson.loads
    elif lib == "json":
        import json

        parse = json.loads
    else:  # a binary sidecar cache, for comparison: same data, pickled or marshalled
        import marshal
        import pickle

        import orjson

        encode, parse = (
            (pickle.dumps, pickle.loads)
            if lib == "pickle"
            else (
                marshal.dumps,
                marshal.loads,
            )
        )
        raw = encode(orjson.loads(Path(path).read_bytes()))
        gc.collect()
    t_import = time.perf_counter() - t
    if lib in ("json", "orjson"):
        raw = Path(path).read_bytes()
    gc.callbacks.append(on_gc)
    t0 = time.perf_counter()
    if gc_mode == "on":
        data = parse(raw)
    else:
        gc.disable()
        try:
            data = parse(raw)
        finally:
            if gc_mode == "off+freeze":
                gc.freeze()
            gc.enable()
    t1 = time.perf_counter()
    _follow_up(data)
    t2 = time.perf_counter()
    return {
        "import": t_import,
        "load": t1 - t0,
        "follow_up": t2 - t1,
        "total": t2 - t0,
        "gc_pauses": pauses[0],
    }


def child_dump(path: str, kind: str, gc_mode: str) -> dict[str, float]:
    import json

    import orjson

    gc.disable()
    data = orjson.loads(Path(path).read_bytes())
    gc.freeze()
    gc.enable()
    if gc_mode == "off":
        gc.disable()
    t0 = time.perf_counter()
    if kind == "orjson":
        out = orjson.dumps(data)
    elif kind.startswith("json compact"):
        out = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        out = json.dumps(data).encode()
    dt = time.perf_counter() - t0
    gc.enable()
    return {"dump": dt, "bytes": float(len(out))}


def _measure(args: list[str], runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
        ).stdout
        for k, v in ast.literal_eval(out.strip().splitlines()[-1]).items():
            samples.setdefault(k, []).append(v)
    return {k: statistics.median(v) for k, v in samples.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="10k")
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    ap.add_argument("--child", nargs=3, metavar=("WHAT", "PATH", "GC"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        what, path, gc_mode = args.child
        kind, _, lib = what.partition(":")
        fn = child_load if kind == "load" else child_dump
        print(repr(fn(path, lib, gc_mode)))
        return 0

    path = str(ensure_data(args.size))
    size = Path(path).stat().st_size
    loads = {(lib, mode): _measure([f"load:{lib}", path, mode], args.runs) for lib, mode in LOADS}
    dumps = {
        (kind, mode): _measure([f"dump:{kind}", path, mode], args.runs) for kind, mode in DUMPS
    }

    lines = [
        f"Machine: {machine()}",
        "",
        f"File: bench/data/{args.size}.json, {size / 1e6:.2f} MB. Each figure: median of "
        f"{args.runs} fresh interpreters, ms. `total` = load + the same follow-up work "
        "(card sort + 20k event copies); `GC pauses` are over load + follow-up.",
        "",
        "| load | GC during parse | import | load | follow-up | total | GC pauses |",
        "|---|---|---|---|---|---|---|",
    ]
    for (lib, mode), m in loads.items():
        imp = f"{m['import'] * 1000:.1f}" if lib in ("json", "orjson") else "-"
        gc_label = {"on": "enabled", "off": "disabled", "off+freeze": "disabled, then freeze"}[mode]
        lines.append(
            f"| {lib}.loads | {gc_label} | {imp} | {_ms(m['load'])} | "
            f"{_ms(m['follow_up'])} | **{_ms(m['total'])}** | {_ms(m['gc_pauses'])} |"
        )
    lines += ["", "| dump | GC | dump ms | output MB |", "|---|---|---|---|"]
    for (kind, mode), m in dumps.items():
        lines.append(
            f"| {kind} | {'enabled' if mode == 'on' else 'disabled'} | {_ms(m['dump'])} | "
            f"{m['bytes'] / 1e6:.2f} |"
        )
    best = min((k for k in loads if k[0] in ("json", "orjson")), key=lambda k: loads[k]["total"])
    cur = loads[("orjson", "off")]
    frz = loads[("orjson", "off+freeze")]
    js = loads[("json", "on")]
    lines += [
        "",
        f"Verdict: fastest load+follow-up is {best[0]} with GC {best[1]} "
        f"({_ms(loads[best]['total'])} ms). The store's current choice (orjson, GC off during "
        f"the parse, no freeze) costs {_ms(cur['total'])} ms, of which {_ms(cur['gc_pauses'])} ms "
        f"are GC pauses deferred to after the parse; adding gc.freeze() after the parse gives "
        f"{_ms(frz['total'])} ms ({_ms(frz['gc_pauses'])} ms of pauses). "
        f"Stdlib json with GC on: {_ms(js['total'])} ms. "
        f"Dump: orjson {_ms(dumps[('orjson', 'on')]['dump'])} ms vs compact json "
        f"{_ms(dumps[('json compact (ensure_ascii=False)', 'on')]['dump'])} ms.",
    ]
    body = "\n".join(lines)
    print(body)
    if args.write:
        replace_section(HEADING, body)
        print(f"\nwrote {HEADING!r} in bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
