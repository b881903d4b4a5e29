"""`pmo ls`'s table is built column by column (10,000 cards at a time); it must print what
the rule cell by cell prints: each stored value through the display function, the seven
fixed columns measured by display width (24 cells at most), cut with an ellipsis and
padded, the title then the tags in what is left (never under 20 cells), each line
right-stripped.  The reference below is that rule written one cell at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_tui.cli.output import PRIORITY_SHORT, _safe_lines, clip, format_table, pad, shown, width
from pmo_tui.core import parse


def reference_table(
    columns: dict[str, str], docs: list[dict[str, Any]], spent: dict[str, int], cols: int
) -> str:
    if not docs:
        return "no cards"
    today = datetime.now().astimezone().date().isoformat()
    rows = []
    for d in docs:
        status = d.get("status", "")
        minutes = spent.get(str(d.get("key")))
        priority = str(d.get("priority") or "none")
        due = shown(d.get("due") or "")
        late = bool(due) and due < today and not d.get("done")
        if due[:5] == today[:5]:
            due = due[5:]
        due += "!" if late else ""
        rows.append(
            (
                shown(d.get("key", "")),
                shown(columns.get(status, status) if isinstance(status, str) else status),
                "" if d.get("points") is None else shown(d["points"]),
                parse.format_duration(minutes) if minutes else "",
                shown(d.get("assignee") or ""),
                PRIORITY_SHORT.get(priority, shown(priority)),
                due,
                shown(d.get("title", "")) + ("  (archived)" if d.get("archived") else ""),
                " ".join("#" + shown(t) for t in d.get("tags") or []),
            )
        )
    head = ("KEY", "STATUS", "PTS", "SPENT", "WHO", "PRI", "DUE", "TITLE", "TAGS")
    widths = [min(max(width(r[i]) for r in [head, *rows]), 24) for i in range(7)]
    room = max(20, cols - sum(widths) - 2 * 7 - 1)
    lines = []
    for r in [head, *rows]:
        cells = [pad(clip(r[i], widths[i]), widths[i]) for i in range(7)]
        title = clip(r[7], room)
        rest = room - width(title) - 2
        if r[8] and rest >= 4:
            title += "  " + clip(r[8], rest)
        lines.append("  ".join([*cells, title]).rstrip())
    return "\n".join(lines)


# ASCII, wide (CJK, full-width), combining, emoji, ideographic space, control and bidi
# characters, and the ellipsis itself
CHARS = st.sampled_from(
    [*"abcXYZ 0129-#…", "中", "Ａ", "\u0301", "😀", "\u3000", "\x1b", "\x07", "\x85", "\u202e"]
)
TEXT = st.text(CHARS, max_size=40) | st.text(max_size=30)
ANY = TEXT | st.none() | st.integers(-5, 10**6) | st.booleans() | st.floats(allow_nan=False)
CARD = st.fixed_dictionaries(
    {},
    optional={
        "key": TEXT | st.integers(),
        "status": st.sampled_from(["todo", "doing", "done"]) | TEXT | st.integers(),
        "points": ANY,
        "assignee": ANY,
        "priority": st.sampled_from([*PRIORITY_SHORT, None, ""]) | TEXT,
        "due": st.sampled_from(["2019-04-16", "2030-05-05", datetime.now().date().isoformat()])
        | TEXT,
        "done": ANY,
        "title": TEXT,
        "archived": st.booleans(),
        "tags": st.lists(TEXT, max_size=4) | st.none() | TEXT,
    },
)
FULL = {
    "key": "PMO-1",
    "status": "todo",
    "points": None,
    "assignee": None,
    "priority": "none",
    "due": None,
    "done": None,
    "title": "",
    "archived": False,
    "tags": [],
}


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(CARD, max_size=6),
    st.booleans(),
    st.dictionaries(TEXT, st.integers(0, 5000)),
    st.integers(0, 250),
    st.dictionaries(st.sampled_from(["todo", "doing", "done"]), TEXT),
)
def test_the_table_is_the_cell_by_cell_rule(
    docs: list[dict[str, Any]],
    complete: bool,
    spent: dict[str, int],
    cols: int,
    columns: dict[str, str],
) -> None:
    if complete:  # as pmo writes cards: every field present (the fast path)
        docs = [{**FULL, **d} for d in docs]
    spent = {**spent, **{str(d.get("key")): i * 37 for i, d in enumerate(docs)}}
    assert format_table(columns, docs, spent, cols) == reference_table(columns, docs, spent, cols)


def test_a_long_ascii_table_is_cut_and_padded_as_the_rule() -> None:
    docs = [
        {
            **FULL,
            "key": f"PMO-{i}",
            "assignee": "someone-with-a-name-longer-than-24" if i % 7 == 0 else "bob",
            "title": "word " * (i % 30),
            "tags": ["a", "bb", "c" * (i % 11)],
            "due": "2019-04-16" if i % 3 else None,
        }
        for i in range(300)
    ]
    for cols in (20, 80, 200):
        assert format_table({}, docs, {"PMO-3": 61}, cols) == reference_table(
            {}, docs, {"PMO-3": 61}, cols
        )


@given(st.lists(TEXT, max_size=5))
def test_safe_lines_of_a_whole_table_is_per_line(lines: list[str]) -> None:
    from pmo_tui.core.text import display

    text = "\n".join(lines)
    assert _safe_lines(text) == "\n".join(display(line) for line in text.split("\n"))
