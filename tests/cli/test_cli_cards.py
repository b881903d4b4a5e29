"""Cards from the command line: add, ls, show, edit, move, rm/restore (SPEC sections 1-3)."""

from __future__ import annotations

import json

from cli_helpers import card_doc, one_line_error

CARD_JSON_FIELDS = {
    "key",
    "project",
    "title",
    "description",
    "status",
    "rank",
    "points",
    "estimate",
    "tags",
    "assignee",
    "priority",
    "sprint",
    "due",
    "created",
    "updated",
    "started",
    "done",
    "archived",
    "spent",
}


def test_first_use_creates_file_and_keys_are_never_reused(pmo, db, data):
    assert not db.exists()
    r = pmo("add", "Fix login", "-p", "3", "-t", "auth")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "PMO-1"
    tables = data()
    assert tables["meta"]["1"]["schema_version"] >= 1
    [project] = tables["projects"].values()
    assert project["key"] == "PMO"
    assert [c["id"] for c in project["columns"]] == ["todo", "doing", "review", "done"]
    card = card_doc(tables, "PMO-1")
    assert card["title"] == "Fix login"
    assert card["points"] == 3
    assert card["tags"] == ["auth"]
    assert card["status"] == "todo"
    assert card["archived"] is False

    assert pmo("add", "Second").stdout.strip() == "PMO-2"
    assert pmo("rm", "PMO-2").returncode == 0
    r = pmo("add", "Third")
    assert r.stdout.strip() == "PMO-3"  # PMO-2 is archived, never reused
    keys = sorted(c["key"] for c in data()["cards"].values())
    assert keys == ["PMO-1", "PMO-2", "PMO-3"]


def _seed(pmo) -> None:
    cmds = [
        ("add", "Login page", "-p", "3", "-t", "auth", "-a", "alice"),
        ("add", "Signup", "-t", "Auth", "-t", "ui", "-a", "bob"),
        ("add", "Docs", "--status", "doing"),
        ("add", "Old thing"),
    ]
    for cmd in cmds:
        r = pmo(*cmd)
        assert r.returncode == 0, (cmd, r.stderr)
    assert pmo("rm", "4").returncode == 0


def _ls_keys(pmo, *args: str) -> list[str]:
    r = pmo("ls", "--json", *args)
    assert r.returncode == 0, r.stderr
    return [c["key"] for c in json.loads(r.stdout)]


def test_ls_table_json_and_filters(pmo, data):
    _seed(pmo)
    r = pmo("ls")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["KEY", "STATUS"]
    assert any(line.startswith("PMO-1") and "Login page" in line for line in lines)
    assert "PMO-4" not in r.stdout  # archived

    r = pmo("ls", "--json")
    cards = json.loads(r.stdout)  # exactly one JSON document (json.loads refuses trailing data)
    assert isinstance(cards, list)
    assert [c["key"] for c in cards] == ["PMO-1", "PMO-2", "PMO-3"]
    for c in cards:
        assert set(c) == CARD_JSON_FIELDS
        assert c["spent"] == 0
    stored = card_doc(data(), "PMO-1")
    assert {k: v for k, v in cards[0].items() if k != "spent"} == stored

    assert _ls_keys(pmo, "--status", "doing") == ["PMO-3"]
    assert _ls_keys(pmo, "--status", "In Progress") == ["PMO-3"]
    assert _ls_keys(pmo, "--status", "TODO") == ["PMO-1", "PMO-2"]
    assert _ls_keys(pmo, "--tag", "auth") == ["PMO-1", "PMO-2"]
    assert _ls_keys(pmo, "--tag", "ui") == ["PMO-2"]
    assert _ls_keys(pmo, "--assignee", "bob") == ["PMO-2"]
    assert _ls_keys(pmo, "--mine") == ["PMO-1"]
    assert _ls_keys(pmo, "--all") == ["PMO-1", "PMO-2", "PMO-3", "PMO-4"]
    # --sprint backlog: open cards in no sprint (a done card is not backlog)
    assert pmo("move", "3", "done").returncode == 0
    assert _ls_keys(pmo, "--sprint", "backlog") == ["PMO-1", "PMO-2"]


def test_show_text_and_json(pmo):
    pmo("add", "Login page", "-p", "3", "-e", "2h", "-d", "the description")
    assert pmo("log", "PMO-1", "30m", "--date", "yesterday", "--note", "spike").returncode == 0
    pmo("move", "1", "doing")
    r = pmo("show", "PMO-1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("PMO-1  Login page")
    assert "the description" in r.stdout
    assert "In Progress" in r.stdout
    assert "30m" in r.stdout and "spike" in r.stdout

    detail = json.loads(pmo("show", "PMO-1", "--json").stdout)
    assert set(detail) >= CARD_JSON_FIELDS
    assert detail["spent"] == 30
    [entry] = detail["time_entries"]
    assert entry["user"] == "alice" and entry["note"] == "spike" and entry["end"]
    assert set(entry) >= {"id", "card", "user", "start", "end", "note"}
    types = [e["type"] for e in detail["events"]]
    assert types == ["created", "moved"]
    moved = detail["events"][1]
    assert (moved["from"], moved["to"], moved["user"]) == ("todo", "doing", "alice")
    assert set(moved) >= {"ts", "user", "card", "type", "from", "to"}


def test_card_key_forms(pmo):
    pmo("add", "A")
    pmo("add", "B")
    for form in ("PMO-2", "pmo-2", "2", " 2 "):
        r = pmo("show", form, "--json")
        assert r.returncode == 0, (form, r.stderr)
        assert json.loads(r.stdout)["key"] == "PMO-2"


def test_edit_each_option_and_none_clears(pmo, data):
    pmo("add", "Old title")
    r = pmo(
        "edit",
        "pmo-1",
        "--title",
        "New title",
        "--description",
        "desc",
        "-p",
        "5",
        "-e",
        "1h30m",
        "-t",
        "backend",
        "-a",
        "bob",
        "--priority",
        "high",
        "--due",
        "2026-12-24",
        "--status",
        "review",
    )
    assert r.returncode == 0, r.stderr
    card = card_doc(data(), "PMO-1")
    assert card["title"] == "New title"
    assert card["description"] == "desc"
    assert card["points"] == 5
    assert card["estimate"] == 90
    assert card["tags"] == ["backend"]
    assert card["assignee"] == "bob"
    assert card["priority"] == "high"
    assert card["due"] == "2026-12-24"
    assert card["status"] == "review"
    assert card["started"] is not None

    r = pmo("edit", "1", "-p", "none", "-e", "none", "-a", "none", "--due", "none")
    assert r.returncode == 0, r.stderr
    card = card_doc(data(), "PMO-1")
    assert (card["points"], card["estimate"], card["assignee"], card["due"]) == (
        None,
        None,
        None,
        None,
    )
    events = [e for e in data()["events"].values() if e["card"] == "PMO-1"]
    assert {"created", "edited", "estimated", "moved"} <= {e["type"] for e in events}


def test_move_by_id_and_name_with_wip_warning(pmo, data):
    for i in range(4):
        pmo("add", f"card {i}")
    for key in ("1", "2", "3"):
        r = pmo("move", key, "doing")
        assert r.returncode == 0 and r.stderr == "", r.stderr
    r = pmo("move", "PMO-4", "in PROGRESS")
    assert r.returncode == 0  # a WIP breach warns, it is not refused
    assert "WIP" in r.stderr and "In Progress" in r.stderr
    assert "moved PMO-4" in r.stdout
    card = card_doc(data(), "PMO-4")
    assert card["status"] == "doing"
    assert card["started"] is not None
    r = pmo("move", "4", "Done")
    assert r.returncode == 0
    assert card_doc(data(), "PMO-4")["done"] is not None
    pmo("move", "4", "todo")
    assert card_doc(data(), "PMO-4")["done"] is None  # cleared when it leaves done
    moves = [
        (e["from"], e["to"])
        for e in data()["events"].values()
        if e["card"] == "PMO-4" and e["type"] == "moved"
    ]
    assert moves == [("todo", "doing"), ("doing", "done"), ("done", "todo")]


def test_rm_and_restore(pmo, data):
    pmo("add", "Doomed")
    r = pmo("rm", "pmo-1")
    assert r.returncode == 0, r.stderr
    assert card_doc(data(), "PMO-1")["archived"] is True
    assert json.loads(pmo("ls", "--json").stdout) == []
    assert [c["key"] for c in json.loads(pmo("ls", "--all", "--json").stdout)] == ["PMO-1"]
    r = pmo("rm", "1")
    assert r.returncode == 2
    one_line_error(r, "PMO-1")
    assert pmo("restore", "PMO-1").returncode == 0
    assert card_doc(data(), "PMO-1")["archived"] is False
    types = [e["type"] for e in data()["events"].values() if e["card"] == "PMO-1"]
    assert types == ["created", "archived", "restored"]


def test_read_commands_do_not_write(pmo, db):
    pmo("add", "A")
    before = db.read_bytes()
    for cmd in (("ls",), ("ls", "--json"), ("show", "1"), ("show", "1", "--json")):
        assert pmo(*cmd).returncode == 0
    assert db.read_bytes() == before


def test_show_history_reads_as_a_person_writes_it(pmo, seeded):
    """Issue 6 board defects: history showed internals (`tags=['urgent']`, `estimate=480`,
    doubled escapes)."""
    assert pmo("edit", "1", "-t", "perf").returncode == 0
    assert pmo("edit", "1", "-t", "+urgent", "-t", "-perf").returncode == 0
    assert pmo("edit", "1", "-e", "8h").returncode == 0
    assert pmo("edit", "1", "--description", "line1\nline2", "-a", "bob").returncode == 0
    assert pmo("edit", "1", "-a", "none").returncode == 0
    history = pmo("show", "1").stdout.split("history:")[1]
    assert "edited tags: +urgent -perf" in history
    assert "estimate: 8h" in history
    assert "description changed" in history and "assignee: bob" in history
    assert "assignee: cleared" in history
    assert "[" not in history and "=" not in history and "\\\\" not in history
