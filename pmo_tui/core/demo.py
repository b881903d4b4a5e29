"""Sample data for ``pmo init --demo``: a small software team's last six weeks.

:func:`fill_demo` fills an empty project with about forty cards, two closed sprints (with
their reports), an active one started six work days ago (scope added and a card
re-estimated since), the next one planned with the defaults of a new sprint, and three
weeks of time entries by four people, so that every screen (board, backlog, sprint,
timesheet, burndown) has something to show.

The history is not written by hand: it is replayed through the ordinary use cases of
:mod:`pmo_tui.core.usecases` with the session's clock set to moments in the past, so the
events, ``started``/``done`` stamps and time entries are exactly what real use would leave
behind; sprints are planned, edited, filled, emptied, started and closed by the sprint
use cases only (:mod:`pmo_tui.core.usecases.sprints`).  Everything
happens in one storage transaction: the file is written once, and a failure leaves it
untouched.  The result depends only on ``today``, ``seed``, the local time zone and
the project's columns.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from .board import Board
from .errors import UseCaseError
from .model import Doc, utcnow
from .usecases import cards, sprints, timers

TEAM: tuple[str, ...] = ("alice", "bob", "chen", "dana")

# How many work days of the active sprint lie before today, and sprint length in work days.
ELAPSED = 6
SPRINT_DAYS = 10
KICKOFF_DAYS = 3
TIMESHEET_DAYS = 15  # work days with time entries, ending yesterday (about three weeks)

H = 60  # minutes in an hour
D = 8 * H  # a work day

NOTES: tuple[str, ...] = (
    "",
    "",
    "",
    "",
    "pairing",
    "code review",
    "tests",
    "review comments",
    "investigation",
    "",
)


@dataclass(frozen=True, slots=True)
class _Spec:
    title: str
    tags: tuple[str, ...]
    points: int | None
    estimate: int | None
    priority: str = "none"
    description: str = ""


# --------------------------------------------------------------------------- the catalog
# Sprint 1: committed, then one bug added after the start.
S1 = (
    _Spec("Set up CI pipeline with lint and tests", ("infra",), 3, 4 * H, "high"),
    _Spec(
        "Add password reset email",
        ("auth", "api"),
        5,
        D,
        "high",
        "Send a one-time link valid for 30 minutes; never reveal whether the address exists.",
    ),
    _Spec("Session cookie: set Secure and SameSite", ("auth", "bug"), 2, 2 * H, "urgent"),
    _Spec("Board columns show card counts", ("ui",), 2, 3 * H),
    _Spec("Write CONTRIBUTING guide", ("docs",), 1, 90),
    _Spec("Rate-limit login attempts", ("auth", "api"), 3, 5 * H, "medium"),
    _Spec(
        "Migrate user table to UUID keys",
        ("api", "infra"),
        5,
        2 * D,
        "medium",
        "Dual-write for one release, then backfill and switch reads.",
    ),
)
S1_ADDED = _Spec("Fix crash when card title is empty", ("bug", "ui"), 1, H, "urgent")

# Sprint 2: one card removed after the start, one bug added, two cards carried over.
S2 = (
    _Spec(
        "Add CSV export to timesheet",
        ("ui", "api"),
        5,
        D,
        "high",
        "One row per entry; neutralise cells a spreadsheet would run as formulas.",
    ),
    _Spec("Paginate /cards endpoint", ("api",), 3, 4 * H, "medium"),
    _Spec("Dark theme contrast fixes", ("ui",), 2, 3 * H, "low"),
    _Spec("Add health check endpoint", ("api", "infra"), 1, H),
    _Spec("Document REST API authentication", ("docs", "api"), 2, 3 * H),
    _Spec("Upgrade Postgres to 16", ("infra",), 5, D, "medium"),
    _Spec(
        "Fix login redirect loop",
        ("auth", "bug"),
        3,
        4 * H,
        "high",
        "After an expired session the login page redirects to itself forever.",
    ),
)
S2_ADDED = _Spec("Timer keeps running after card is closed", ("bug",), 2, 2 * H, "high")

# Sprint 3 (active): new cards besides the two carried over from sprint 2.
S3 = (
    _Spec("Cache board query results", ("api",), 3, 4 * H, "medium"),
    _Spec(
        "Burndown chart for active sprint",
        ("ui",),
        5,
        D + 4 * H,
        "high",
        "Remaining points per work day, ideal line, scope changes marked.",
    ),
    _Spec("Sprint close report screen", ("ui",), 3, 5 * H, "medium"),
    _Spec("Add audit log for permission changes", ("api", "auth"), 3, 6 * H, "medium"),
    _Spec("Set up nightly database backups", ("infra",), 3, 5 * H, "high"),
    _Spec("Write sprint workflow docs", ("docs",), 2, 3 * H),
    _Spec("Keyboard shortcuts help overlay", ("ui",), 2, 2 * H, "low"),
)
S3_ADDED = _Spec("Fix off-by-one in sprint day count", ("bug",), 1, 90, "urgent")

BACKLOG = (
    _Spec("Import tasks from Trello JSON", ("api",), 5, D, "low"),
    _Spec("Two-factor authentication (TOTP)", ("auth",), 8, None, "medium"),
    _Spec("Mobile layout for card detail", ("ui",), None, None),
    _Spec("Slack notifications on card moves", ("api",), 3, 4 * H, "low"),
    _Spec("Upgrade to Python 3.13", ("infra",), 2, 2 * H),
    _Spec("Add OpenAPI spec", ("docs", "api"), 3, 5 * H),
    _Spec("Search cards by description text", ("ui", "api"), 5, None, "medium"),
    _Spec("Kubernetes manifests for staging", ("infra",), 5, D),
    _Spec("Fix flaky test_timer_overlap", ("bug", "infra"), 1, H, "medium"),
    _Spec("Bulk edit tags", ("ui",), 3, None, "low"),
    _Spec("Per-project WIP limit settings", ("ui",), 2, 3 * H),
    _Spec("Troubleshooting FAQ", ("docs",), 1, None),
    _Spec("Retry failed webhook deliveries", ("api", "bug"), 3, 4 * H, "high"),
    _Spec("SSO login with OIDC", ("auth",), 8, None),
    _Spec("Duplicate: CSV export for timesheets", ("ui",), None, None),
    _Spec("Investigate GraphQL gateway", ("api",), None, None, "low"),
)
ARCHIVED = ("Duplicate: CSV export for timesheets", "Investigate GraphQL gateway")

SPRINTS: tuple[tuple[str, str, int], ...] = (
    ("Sprint 1", "Sign-in that works and a CI we trust", 20),
    ("Sprint 2", "Timesheet export and API hardening", 22),
    ("Sprint 3", "Sprint reports and a faster board", 24),
)
# The next sprint, planned yesterday with the defaults of a new sprint (name, dates after
# the active one, the velocity as capacity), holding a few backlog cards.
NEXT_GOAL = "Imports and notifications"
NEXT_CARDS = (BACKLOG[0].title, BACKLOG[3].title, BACKLOG[4].title)


@dataclass(slots=True)
class _Act:
    """One step of the replayed history."""

    at: _dt.datetime
    seq: int
    user: str
    kind: str  # add, move, sprint, unsprint, edit, archive, log, plan, start, close
    title: str = ""
    column: str = ""
    sprint: int | None = None  # the demo's sprint number (1 = its first sprint)
    fields: Doc = field(default_factory=dict)
    end: _dt.datetime | None = None


def _work_days_back(today: _dt.date, count: int) -> list[_dt.date]:
    """The ``count`` work days (Mon-Fri) before ``today``, oldest first."""
    out: list[_dt.date] = []
    day = today
    while len(out) < count:
        day -= _dt.timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out[::-1]


def _work_days_from(day: _dt.date, count: int) -> list[_dt.date]:
    """The first ``count`` work days from ``day`` on (``day`` included)."""
    out: list[_dt.date] = []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += _dt.timedelta(days=1)
    return out


def _at(day: _dt.date, minute: int) -> _dt.datetime:
    """A local wall-clock time (minutes after midnight) on ``day``, as aware UTC."""
    naive = _dt.datetime.combine(day, _dt.time(minute // 60, minute % 60))
    return naive.astimezone().astimezone(UTC)


class _Planner:
    def __init__(self, board: Board, team: list[str], today: _dt.date, seed: int) -> None:
        self.rng = random.Random(seed)
        self.team = team
        self.today = today
        project = board.project()
        self.columns = [c.id for c in project.columns]
        roles = [c.role for c in project.columns]
        last = len(self.columns) - 1
        self.todo = [i for i, r in enumerate(roles) if r == "todo"] or [0]
        self.started = [i for i, r in enumerate(roles) if r == "started"] or [min(1, last)]
        self.done = [i for i, r in enumerate(roles) if r == "done"] or [last]
        self.roles = roles
        self.rr: dict[str, int] = {"todo": 0, "done": 0}
        self.acts: list[_Act] = []
        self.pos: dict[str, int] = {}
        # Per card: when it entered a started column and a done column.
        self.began: dict[str, _dt.datetime] = {}
        self.finished: dict[str, _dt.datetime] = {}
        self.assignee: dict[str, str | None] = {}
        self.created: dict[str, _dt.datetime] = {}

        past = _work_days_back(today, KICKOFF_DAYS + 2 * SPRINT_DAYS + ELAPSED)
        self.kickoff = past[:KICKOFF_DAYS]
        self.s1 = past[KICKOFF_DAYS : KICKOFF_DAYS + SPRINT_DAYS]
        self.s2 = past[KICKOFF_DAYS + SPRINT_DAYS : KICKOFF_DAYS + 2 * SPRINT_DAYS]
        head = past[KICKOFF_DAYS + 2 * SPRINT_DAYS :]
        self.s3 = head + _work_days_from(today, SPRINT_DAYS - ELAPSED)
        self.past = past

    # ------------------------------------------------------------------ helpers
    def act(self, at: _dt.datetime, user: str, kind: str, **kw: Any) -> None:
        self.acts.append(_Act(at, len(self.acts), user, kind, **kw))

    def when(self, day: _dt.date, lo: int = 9 * H + 30, hi: int = 15 * H + 30) -> _dt.datetime:
        return _at(day, self.rng.randint(lo, hi))

    def someone(self) -> str:
        return self.rng.choice(self.team)

    def target(self, kind: str) -> int:
        if kind == "doing":
            return self.started[0]
        if kind == "review":
            return self.started[-1]
        pool = self.todo if kind == "todo" else self.done
        index = pool[self.rr[kind] % len(pool)]
        self.rr[kind] += 1
        return index

    def add(
        self,
        spec: _Spec,
        at: _dt.datetime,
        *,
        assignee: str | None,
        sprint: int | None = None,
        due: _dt.date | None = None,
        by: str | None = None,
    ) -> None:
        fields: Doc = {
            "points": spec.points,
            "estimate": spec.estimate,
            "tags": list(spec.tags),
            "assignee": assignee,
            "priority": spec.priority,
            "due": due,
            "sprint": sprint,
            "description": spec.description,
        }
        self.act(at, by or self.someone(), "add", title=spec.title, fields=fields)
        self.created[spec.title] = at
        self.pos[spec.title] = 0
        self.assignee[spec.title] = assignee

    def progress(
        self,
        title: str,
        kind: str,
        first: _dt.date,
        last: _dt.date,
        *,
        after: _dt.datetime | None = None,
    ) -> None:
        """Move a card column by column to the ``kind`` column, from day ``first`` to
        ``last`` (the final move lands on ``last``), acting as its assignee."""
        goal = self.target(kind)
        current = self.pos[title]
        if goal <= current:
            return
        path = list(range(current + 1, goal + 1))
        days = [d for d in self.past if first <= d <= last] or [last]
        n = len(path)
        moments = sorted(
            self.when(days[(j * (len(days) - 1)) // (n - 1)] if n > 1 else days[-1])
            for j in range(n)
        )
        previous = after
        user = self.assignee.get(title) or self.someone()
        for index, moment in zip(path, moments, strict=True):
            if previous is not None and moment <= previous:
                moment = previous + _dt.timedelta(minutes=7)
            self.act(moment, user, "move", title=title, column=self.columns[index])
            role = self.roles[index]
            if role == "started" and title not in self.began:
                self.began[title] = moment
            if role == "done" and title not in self.finished:
                self.finished[title] = moment
            previous = moment
        self.pos[title] = goal

    def to_sprint(self, title: str, sprint: int, at: _dt.datetime, user: str) -> None:
        self.act(at, user, "sprint", title=title, sprint=sprint)

    # ------------------------------------------------------------------ the story
    def plan(self) -> None:
        rng = self.rng
        team = self.team
        lead = team[0]
        k, s1, s2, s3 = self.kickoff, self.s1, self.s2, self.s3
        today = self.today

        def owners(n: int) -> list[str]:
            people = list(team)
            rng.shuffle(people)
            return [people[i % len(people)] for i in range(n)]

        # Kickoff: the first sprint's cards and part of the backlog are written down.
        for spec, who in zip(S1, owners(len(S1)), strict=True):
            self.add(spec, self.when(rng.choice(k), hi=16 * H), assignee=who)
        backlog = list(BACKLOG)
        for spec in backlog[:6]:
            self.add(spec, self.when(rng.choice(k), hi=16 * H), assignee=None)

        # Sprint 1: planned the day before it starts, one urgent bug added on day 4.
        for i, spec in enumerate(S1):
            self.to_sprint(spec.title, 1, _at(k[-1], 15 * H + 2 * i), lead)
        self.act(_at(s1[0], 9 * H), lead, "start", sprint=1)
        s1_plan = [(0, 2), (0, 5), (1, 2), (2, 4), (3, 3), (4, 8)]
        for spec, (a, b) in zip(S1, s1_plan, strict=False):
            self.progress(spec.title, "done", s1[a], s1[b])
        uuid = S1[6].title
        self.progress(uuid, "doing", s1[6], s1[6])
        bug_at = self.when(s1[3], 9 * H + 15, 10 * H + 30)
        self.add(S1_ADDED, bug_at, assignee=self.assignee[S1[3].title], sprint=1)
        self.progress(S1_ADDED.title, "done", s1[3], s1[4], after=bug_at)

        # During sprint 1 the next sprint's cards are written down.
        for spec, who in zip(S2, owners(len(S2)), strict=True):
            due = None
            if spec.title == "Fix login redirect loop":
                due = today - _dt.timedelta(days=2)  # overdue, still open
            self.add(spec, self.when(rng.choice(s1[:9])), assignee=who, due=due)
        for spec in backlog[6:9]:
            self.add(spec, self.when(rng.choice(s1)), assignee=None)

        # Close sprint 1 (the UUID migration carries over), plan and start sprint 2.
        self.act(_at(s1[-1], 16 * H + 30), lead, "close", sprint=1)
        self.to_sprint(uuid, 2, _at(s1[-1], 16 * H + 31), lead)
        for i, spec in enumerate(S2):
            self.to_sprint(spec.title, 2, _at(s1[-1], 16 * H + 40 + i), lead)
        self.act(_at(s2[0], 9 * H), lead, "start", sprint=2)
        self.progress(uuid, "review", s2[1], s2[1])
        self.progress(uuid, "done", s2[3], s2[3])
        s2_plan = {0: (0, 6), 1: (1, 4), 3: (0, 1), 4: (2, 5)}
        for i, (a, b) in s2_plan.items():
            self.progress(S2[i].title, "done", s2[a], s2[b])
        self.progress(S2[5].title, "review", s2[6], s2[8])  # Postgres: in review at close
        dark = S2[2].title
        self.act(self.when(s2[3]), lead, "unsprint", title=dark)  # scope removed
        bug_at = self.when(s2[2], 9 * H + 15, 10 * H + 30)
        self.add(S2_ADDED, bug_at, assignee=rng.choice(team), sprint=2)
        self.progress(S2_ADDED.title, "done", s2[2], s2[5], after=bug_at)

        # During sprint 2: the active sprint's cards, more backlog, a duplicate.
        for spec, who in zip(S3, owners(len(S3)), strict=True):
            due = None
            if spec.title == "Write sprint workflow docs":
                due = today + _dt.timedelta(days=2)  # due soon
            self.add(spec, self.when(rng.choice(s2[:9])), assignee=who, due=due)
        for spec in backlog[9:12]:
            due = None
            if spec.title == "Retry failed webhook deliveries":
                due = today + _dt.timedelta(days=19)
            self.add(spec, self.when(rng.choice(s2)), assignee=None, due=due)

        # Close sprint 2 (Postgres and the redirect loop carry over), plan sprint 3.
        carried = [S2[5].title, S2[6].title]
        self.act(_at(s2[-1], 16 * H + 30), lead, "close", sprint=2)
        for i, title in enumerate(carried):
            self.to_sprint(title, 3, _at(s2[-1], 16 * H + 31 + i), lead)
        for i, spec in enumerate(S3):
            self.to_sprint(spec.title, 3, _at(s2[-1], 16 * H + 40 + i), lead)
        self.act(_at(s3[0], 9 * H), lead, "start", sprint=3)

        # The active sprint so far: done on four different days, scope change, re-estimate.
        self.progress(carried[0], "done", s3[1], s3[1])
        self.progress(carried[1], "doing", s3[2], s3[2])
        self.progress(S3[0].title, "done", s3[0], s3[2])
        self.progress(S3[1].title, "done", s3[0], s3[5])
        self.progress(S3[2].title, "review", s3[2], s3[4])
        self.progress(S3[3].title, "review", s3[3], s3[5])
        self.progress(S3[4].title, "doing", s3[4], s3[4])
        for spec in S3[5:]:
            self.progress(spec.title, "todo", s3[0], s3[0])
        bug_at = self.when(s3[1], 9 * H + 15, 10 * H + 30)
        self.add(S3_ADDED, bug_at, assignee=rng.choice(team), sprint=3)  # scope added
        self.progress(S3_ADDED.title, "done", s3[1], s3[4], after=bug_at)
        self.to_sprint(dark, 3, self.when(s3[3]), rng.choice(team))  # scope added
        self.progress(dark, "todo", s3[3], s3[3])
        reestimate = _at(s3[2], 11 * H + rng.randint(0, 40))
        self.act(
            reestimate,
            self.assignee[S3[2].title] or lead,
            "edit",
            title=S3[2].title,
            fields={"points": 5, "estimate": D},
        )

        # The backlog keeps growing; two cards are archived; one gets more urgent.
        dup, graphql = backlog[-2], backlog[-1]
        for spec in backlog[12:14]:
            self.add(spec, self.when(rng.choice(s3[:ELAPSED])), assignee=None)
        dup_at = self.when(s2[4], 10 * H, 12 * H)
        self.add(dup, dup_at, assignee=None)
        self.act(
            dup_at + _dt.timedelta(minutes=rng.randint(30, 180)), lead, "archive", title=dup.title
        )
        self.add(graphql, self.when(k[1]), assignee=None)
        self.act(self.when(s3[2]), lead, "archive", title=graphql.title)
        self.act(
            self.when(s3[3]),
            team[1],
            "edit",
            title="Two-factor authentication (TOTP)",
            fields={"priority": "high", "assignee": team[3]},
        )
        # Yesterday afternoon the lead plans the next sprint and pulls three cards into it.
        planning = _at(s3[ELAPSED - 1], 16 * H)
        self.act(planning, lead, "plan", sprint=len(SPRINTS) + 1, fields={"goal": NEXT_GOAL})
        for i, title in enumerate(NEXT_CARDS):
            self.to_sprint(title, len(SPRINTS) + 1, planning + _dt.timedelta(minutes=1 + i), lead)
        for spec in backlog[:14]:  # spread over the todo columns (e.g. Backlog and Ready)
            self.progress(
                spec.title, "todo", s3[0], s3[ELAPSED - 1], after=self.created[spec.title]
            )

        self.plan_time()

    def plan_time(self) -> None:
        """Time entries on the cards being worked on, for each person and work day of the
        last three weeks: sequential, with a lunch break, never overlapping."""
        rng = self.rng
        for day in self.past[-TIMESHEET_DAYS:]:
            for user in self.team:
                cursor = _at(day, 9 * H + rng.choice((0, 5, 10, 15, 20, 30, 45)))
                lunch, back = _at(day, 12 * H), _at(day, 13 * H)
                evening = _at(day, 17 * H + 45)
                for _ in range(5):
                    minutes = rng.choice((25, 30, 45, 60, 60, 75, 90, 120, 150))
                    if cursor < lunch < cursor + _dt.timedelta(minutes=minutes):
                        cursor = back + _dt.timedelta(minutes=rng.choice((0, 5, 10, 15)))
                    end = cursor + _dt.timedelta(minutes=minutes)
                    if end > evening:
                        break
                    titles = [
                        t
                        for t, began in self.began.items()
                        if began <= cursor and (t not in self.finished or end <= self.finished[t])
                    ]
                    if titles:
                        weights = [5 if self.assignee.get(t) == user else 1 for t in titles]
                        title = rng.choices(titles, weights)[0]
                        note = rng.choice(NOTES)
                        self.act(
                            end,
                            user,
                            "log",
                            title=title,
                            fields={"start": cursor, "note": note},
                            end=end,
                        )
                    cursor = end + _dt.timedelta(minutes=rng.choice((0, 5, 10, 15, 30)))


def _team_for(user: str) -> list[str]:
    """The four demo people; the person running the demo takes the first seat, so their
    own timesheet and ``--mine`` have data."""
    team = list(TEAM)
    if user not in team and 0 < len(user) <= 64 and user.isprintable() and user.strip() == user:
        team[0] = user
    return team


def fill_demo(board: Board, *, today: _dt.date | None = None, seed: int = 7) -> int:
    """Fill the board's current (empty) project with sample cards, sprints and time entries;
    returns the number of cards created.

    ``today`` (default: the local date; a later date is clamped to it) places the active
    sprint: it started six work days before ``today``.  All history lies before ``today``,
    so nothing is in the future.  The same ``today`` and ``seed`` give the same data.
    Raises :class:`UseCaseError` if the project already has cards, or sprints other than
    empty planned ones (``init --template scrum`` plans a first sprint: the demo takes it
    over, through the edit use case, as its own first sprint).
    """
    real_today = _dt.datetime.now().astimezone().date()
    day = min(today or real_today, real_today)
    project = board.project()
    existing = sorted(board.sprints(), key=lambda sp: sp.id)
    if (
        board.card_docs(archived=True)
        or any(sp.state != "planned" for sp in existing)
        or len(existing) > len(SPRINTS)
    ):
        raise UseCaseError(f"project {project.key} is not empty: the demo needs an empty one")

    team = _team_for(board.user)
    planner = _Planner(board, team, day, seed)
    planner.plan()
    acts = sorted(planner.acts, key=lambda a: (a.at, a.seq))
    limit = utcnow()
    assert all(a.at <= limit for a in acts), "demo history must lie in the past"

    windows = [
        (planner.s1[0], planner.s1[-1]),
        (planner.s2[0], planner.s2[-1]),
        (planner.s3[0], planner.s3[-1]),
    ]
    session = board.session
    saved_clock, saved_user = session.clock, session.user
    now = [limit]
    session.clock = lambda: now[0]
    keys: dict[str, str] = {}
    ids: dict[int, int] = {}  # the demo's sprint number -> the sprint's id

    def sprint_id(number: int | None) -> str:
        assert number is not None
        return str(ids[number])

    created = 0
    try:
        with session.storage.transaction():
            plans = zip(SPRINTS, windows, strict=True)
            for number, ((name, goal, capacity), (start, end)) in enumerate(plans, 1):
                if number <= len(existing):  # a first sprint planned by init: take it over
                    reused = existing[number - 1]
                    sprints.edit_sprint(
                        session, str(reused.id), name=name, start=start, end=end, goal=goal,
                        capacity=capacity,
                    )  # fmt: skip
                    ids[number] = reused.id
                    continue
                change = sprints.new_sprint(
                    session, name, start=start, end=end, goal=goal, capacity=capacity
                )
                ids[number] = int(change.patches[0].key)
            for act in acts:
                now[0] = act.at
                session.user = act.user
                if act.kind == "add":
                    f = act.fields
                    change = cards.add_card(
                        session,
                        act.title,
                        points=f["points"],
                        estimate=f["estimate"],
                        tags=f["tags"],
                        assignee=f["assignee"],
                        priority=f["priority"],
                        due=f["due"],
                        sprint=None if f["sprint"] is None else sprint_id(f["sprint"]),
                        description=f["description"],
                    )
                    assert change.key is not None
                    keys[act.title] = change.key
                    created += 1
                elif act.kind == "move":
                    cards.move_card(session, keys[act.title], act.column)
                elif act.kind == "sprint":
                    sprints.add_to_sprint(session, sprint_id(act.sprint), [keys[act.title]])
                elif act.kind == "unsprint":
                    sprints.remove_from_sprint(session, [keys[act.title]])
                elif act.kind == "edit":
                    cards.edit_card(session, keys[act.title], **act.fields)
                elif act.kind == "archive":
                    cards.archive(session, keys[act.title])
                elif act.kind == "log":
                    timers.log_time(
                        session,
                        keys[act.title],
                        start=act.fields["start"],
                        end=act.end,
                        note=act.fields["note"] or None,
                    )
                elif act.kind == "plan":  # the defaults of a new sprint, with a goal
                    change = sprints.new_sprint(session, goal=act.fields["goal"])
                    assert act.sprint is not None
                    ids[act.sprint] = int(change.patches[0].key)
                elif act.kind == "start":
                    sprints.start_sprint(session, sprint_id(act.sprint))
                elif act.kind == "close":
                    # Open cards carry over to the next planned sprint, as a team would.
                    sprints.close_sprint(session, sprint_id(act.sprint), carry_over="next")
                else:  # pragma: no cover - a planning mistake
                    raise AssertionError(act.kind)
    finally:
        session.clock = saved_clock
        session.user = saved_user
    return created
