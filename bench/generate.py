"""Generate a deterministic pmo data file for benchmarks.

    python bench/generate.py --cards 1000 --out bench/data/1k.json
    python bench/generate.py --cards 10000 --out bench/data/10k.json

One project ``PMO`` with the default workflow, N cards, ~3 closed time entries and ~5 history
events per card, ~N/50 two-week sprints (closed, the last one active).  The file is written
directly in the store's format (TinyDB table layout, serialised with orjson), not through the
use cases, so a 10k file takes a second, not minutes.  Same arguments -> same bytes.

Guarantees the benchmarks rely on: no running timer; nobody's entries overlap; nothing is
dated after ``--now`` (default a fixed past instant); PMO-5 is an open card in ``todo`` with no
time entries; the user ``bench`` has no entries.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

SCHEMA_VERSION = 1
PROJECT = "PMO"
COLUMNS = [
    {"id": "todo", "name": "To Do", "wip": None, "role": "todo"},
    {"id": "doing", "name": "In Progress", "wip": 3, "role": "started"},
    {"id": "review", "name": "Review", "wip": 2, "role": "started"},
    {"id": "done", "name": "Done", "wip": None, "role": "done"},
]
FLOW = ["todo", "doing", "review", "done"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
TAGS = ["backend", "frontend", "ui", "api", "db", "infra", "docs", "bug", "perf", "security"]
TAGS += ["tech-debt", "ux", "mobile", "ci", "auth", "billing", "search", "a11y"]
POINTS = [1, 1, 2, 2, 3, 3, 3, 5, 5, 8, 13]
PRIORITY = ["none"] * 5 + ["low"] * 2 + ["medium"] * 2 + ["high", "urgent"]
VERBS = ["Fix", "Add", "Refactor", "Remove", "Speed up", "Document", "Test", "Migrate"]
VERBS += ["Redesign", "Investigate", "Support", "Validate", "Log", "Cache", "Paginate"]
THINGS = ["login redirect", "password reset", "invoice PDF", "search results", "user avatar"]
THINGS += ["CSV export", "webhook retries", "rate limiter", "session timeout", "dark theme"]
THINGS += ["billing page", "onboarding flow", "audit log", "API tokens", "email digest"]
THINGS += ["file upload", "sprint report", "burndown chart", "timezone handling"]
THINGS += ["notification badge", "settings form", "team invites", "2FA setup", "dashboard"]
THINGS += ["health check", "DB migrations", "error pages", "feature flags", "i18n strings"]
WHERE = ["", "", "", " on Safari", " for admins", " in the mobile app", " behind the proxy"]
WHERE += [" for large teams", " after upgrade", " in the API", " on slow networks", " (v2)"]
NOTES = ["", "", "", "pairing", "review feedback", "meeting", "debugging", "spike", "tests"]
SPRINT_DAYS = 14
DAY = timedelta(days=1)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(n_cards: int, seed: int, now: datetime) -> dict[str, dict[str, Doc]]:
    rng = random.Random(seed)
    n_sprints = max(2, round(n_cards / 50))
    # Sprints are back to back; the last one (active) contains `now`.
    active_start = (now - timedelta(days=5)).date()
    first_start = active_start - (n_sprints - 1) * SPRINT_DAYS * DAY
    origin = datetime.combine(first_start, datetime.min.time(), UTC) + timedelta(hours=8)
    span = (now - origin).total_seconds() - 2 * 86400  # the last card is two days old

    sprint_docs: list[Doc] = []
    for i in range(n_sprints):
        start = first_start + i * SPRINT_DAYS * DAY
        end = start + (SPRINT_DAYS - 3) * DAY  # a Friday-ish end, two weeks later
        active = i == n_sprints - 1
        sprint_docs.append(
            {
                "id": i + 1,
                "project": PROJECT,
                "name": f"Sprint {i + 1}",
                "goal": rng.choice(["", "Ship " + rng.choice(THINGS), "Stabilise releases"]),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "state": "active" if active else "closed",
                "capacity": rng.choice([None, 30, 40, 50]),
                "commitment": [],
                "closed_at": None if active else iso(_at(end, 17)),
                "report": None,
            }
        )

    cards: list[Doc] = []
    events: list[Doc] = []
    wanted_entries: list[tuple[datetime, str, str, int, str]] = []
    for number in range(1, n_cards + 1):
        # Keys are chronological, as they are in a real file.
        created = origin + timedelta(seconds=span * (number - 1) / (n_cards - 1))
        created = created.replace(microsecond=0)
        # Planned into the sprint that runs (or starts) within 9 days of its creation.
        planned = (created.date() + 9 * DAY - first_start).days // SPRINT_DAYS
        sidx = min(planned, n_sprints - 1)
        sprint = sprint_docs[sidx]
        in_active = sprint["state"] == "active"
        title = rng.choice(VERBS) + " " + rng.choice(THINGS) + rng.choice(WHERE)
        points = rng.choice(POINTS) if rng.random() < 0.6 else None
        estimate = rng.choice([30, 60, 90, 120, 240, 480]) if rng.random() < 0.35 else None
        tags = sorted(set(rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3]))))
        author = rng.choice(USERS)
        assignee = rng.choice(USERS) if rng.random() < 0.75 else None
        in_sprint = rng.random() < 0.7
        final = _final_status(rng, in_sprint, in_active, created, now)
        if number == 5:  # the benchmarks move and time this one
            final, in_sprint = "todo", False
        sprint_id = sprint["id"] if in_sprint else None
        if in_sprint and not in_active and final != "done":
            sprint_id = None  # carried back to the backlog at close

        # History: created, maybe added to a sprint, estimated, edited, then the moves.
        ts = created
        ev: list[Doc] = []
        initial_points = points if rng.random() < 0.5 else None
        ev.append(_ev(ts, author, number, "created", None, _created(initial_points, estimate)))
        if sprint_id is not None or (in_sprint and not in_active):
            ts = _later(rng, ts, now, hours=20)
            ev.append(_ev(ts, author, number, "sprint_added", None, sprint["id"]))
            if sprint_id is None:
                ts = _later(rng, ts, now, hours=300)
                ev.append(_ev(ts, author, number, "sprint_removed", sprint["id"], None))
        if points != initial_points:
            ts = _later(rng, ts, now, hours=30)
            who = rng.choice(USERS)
            ev.append(
                _ev(
                    ts,
                    who,
                    number,
                    "estimated",
                    {"points": initial_points, "estimate": estimate},
                    {"points": points, "estimate": estimate},
                )
            )
        if rng.random() < 0.35:
            ts = _later(rng, ts, now, hours=30)
            old = rng.choice(VERBS) + " " + rng.choice(THINGS)
            ev.append(
                _ev(ts, rng.choice(USERS), number, "edited", {"title": old}, {"title": title})
            )
        started = done = None
        path = FLOW[: FLOW.index(final) + 1]
        for a, b in itertools.pairwise(path):
            ts = _later(rng, ts, now, hours=40)
            ev.append(_ev(ts, assignee or author, number, "moved", a, b))
            if b == "doing":
                started = ts
            if b == "done":
                done = ts
        if final == "review" and started is None:  # pragma: no cover - path always has doing
            started = ts
        archived = number != 5 and rng.random() < 0.05
        if archived:
            ts = _later(rng, ts, now, hours=100)
            ev.append(_ev(ts, rng.choice(USERS), number, "archived", False, True))
        events.extend(ev)
        updated = max(e["ts"] for e in ev)

        cards.append(
            {
                "key": f"{PROJECT}-{number}",
                "project": PROJECT,
                "title": title,
                "description": _description(rng, title),
                "status": final,
                "rank": float(number) + (rng.random() / 2 if rng.random() < 0.2 else 0.0),
                "points": points,
                "estimate": estimate,
                "tags": tags,
                "assignee": assignee,
                "priority": rng.choice(PRIORITY),
                "sprint": sprint_id,
                "due": (created.date() + rng.randint(7, 60) * DAY).isoformat()
                if rng.random() < 0.1
                else None,
                "created": iso(created),
                "updated": updated,
                "started": iso(started) if started else None,
                "done": iso(done) if done else None,
                "archived": archived,
            }
        )
        # Time entries: wanted start times; placed per user below so none overlap.
        if number != 5:
            work_from = started or created
            work_to = done or now - timedelta(hours=2)
            for _ in range(rng.choice([1, 2, 3, 3, 4, 5])):
                at = work_from + (work_to - work_from) * rng.random()
                minutes = rng.choice([15, 25, 30, 45, 60, 90, 120, 180])
                who = assignee if assignee and rng.random() < 0.7 else rng.choice(USERS)
                wanted_entries.append((at, who, f"{PROJECT}-{number}", minutes, rng.choice(NOTES)))

    entries = _place_entries(wanted_entries, now)

    by_key = {c["key"]: c for c in cards}
    for s in sprint_docs:
        members = [c for c in cards if c["sprint"] == s["id"]]
        s["commitment"] = [
            {"key": c["key"], "points": c["points"], "estimate": c["estimate"]} for c in members
        ]
        if s["state"] == "closed":
            # SPEC 3's report shape (each part {points, cards}): velocity reads it
            done = {
                "points": sum(c["points"] or 0 for c in members),
                "cards": [c["key"] for c in members],
            }
            none: Doc = {"points": 0, "cards": []}
            s["report"] = {
                "committed": done,
                "completed": dict(done),
                "added": dict(none),
                "removed": dict(none),
                "not_completed": dict(none),
                "carried_to": "backlog",
            }
    assert by_key["PMO-5"]["status"] == "todo"

    events.sort(key=lambda e: e["ts"])  # appended in time order in a real file
    project = {
        "key": PROJECT,
        "name": "pmo",
        "columns": COLUMNS,
        "next_number": n_cards + 1,
        "hours_budget": None,
    }
    return {
        "meta": {"1": {"schema_version": SCHEMA_VERSION, "created": iso(origin)}},
        "projects": {"1": project},
        "cards": {str(i): c for i, c in enumerate(cards, 1)},
        "sprints": {str(s["id"]): s for s in sprint_docs},
        "time_entries": {str(e["id"]): e for e in entries},
        "events": {str(i): e for i, e in enumerate(events, 1)},
    }


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)


def _later(rng: random.Random, ts: datetime, now: datetime, hours: float) -> datetime:
    step = timedelta(seconds=int(rng.random() * hours * 3600) + 60)
    return min(ts + step, now - timedelta(minutes=1))


def _final_status(
    rng: random.Random, in_sprint: bool, in_active: bool, created: datetime, now: datetime
) -> str:
    if in_active:
        return rng.choice(["todo", "todo", "doing", "doing", "review", "done", "done"])
    if in_sprint:
        return "done" if rng.random() < 0.9 else "todo"
    age = (now - created).days
    if age < 60:
        return rng.choice(["todo", "todo", "todo", "doing", "review", "done"])
    return "done" if rng.random() < 0.55 else "todo"


def _created(points: int | None, estimate: int | None) -> Doc:
    return {"status": "todo", "points": points, "estimate": estimate}


def _ev(ts: datetime, user: str, number: int, kind: str, old: Any, new: Any) -> Doc:
    return {
        "ts": iso(ts),
        "user": user,
        "card": f"{PROJECT}-{number}",
        "type": kind,
        "from": old,
        "to": new,
    }


def _description(rng: random.Random, title: str) -> str:
    roll = rng.random()
    if roll < 0.5:
        return ""
    text = f"{title}.\n\nSteps: open the page, try it, compare with the expected result."
    if roll > 0.85:
        text += "\n\nAcceptance:\n- works for every role\n- covered by a test\n- docs updated"
    return text


def _place_entries(wanted: list[tuple[datetime, str, str, int, str]], now: datetime) -> list[Doc]:
    """Lay each user's entries out in time order so that none overlap."""
    placed: list[tuple[datetime, datetime, str, str, str]] = []
    cursor: dict[str, datetime] = {}
    limit = now - timedelta(minutes=30)
    for at, who, card, minutes, note in sorted(wanted, key=lambda w: (w[0], w[1], w[2])):
        start = max(at.replace(second=0, microsecond=0), cursor.get(who, at))
        end = start + timedelta(minutes=minutes)
        if end > limit:
            continue
        cursor[who] = end + timedelta(minutes=5)
        placed.append((start, end, who, card, note))
    placed.sort(key=lambda p: (p[0], p[2]))
    return [
        {"id": i, "card": card, "user": who, "start": iso(s), "end": iso(e), "note": note}
        for i, (s, e, who, card, note) in enumerate(placed, 1)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, required=True, help="number of cards")
    ap.add_argument("--out", type=Path, required=True, help="output data file")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--now",
        default="2026-11-20T12:00:00Z",
        help="the data set's 'now' (nothing is dated after it); fixed so output is reproducible",
    )
    args = ap.parse_args(argv)
    if args.cards < 5:
        ap.error("--cards must be at least 5 (the benchmarks use PMO-5)")
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00")).astimezone(UTC)
    tables = generate(args.cards, args.seed, now)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # The store's own byte layout (one table per line), as pmo itself writes the file.
    from pmo_tui.core.storage.jsonfile.layout import Tables, serialize, to_bytes

    payload = to_bytes(serialize(Tables(tables)))
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_bytes(payload)
    tmp.replace(args.out)
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in tables.items() if name != "meta")
    print(f"{args.out}: {len(payload) / 1e6:.2f} MB ({counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
