"""The previews the screens draw from (core/usecases/preview.py): what a card change would
write, what is said, and the label; each agrees with what its use case commits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.errors import UseCaseError
from pmo_tui.core.reports.wip import over_wip, wip_count, wip_counts
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards, sprints
from pmo_tui.core.usecases import preview as pv
from pmo_tui.core.usecases.session import Session

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")  # local time is UTC (tests/core/conftest.py)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "pmo.json"


def session(path: Path, user: str = "alice") -> Session:
    return Session(JsonFileStorage(Store(path)), user, clock=lambda: NOW)


@pytest.fixture
def s(path: Path) -> Session:
    me = session(path)
    cards.add_card(me, "one")
    cards.add_card(me, "two", assignee="bob")
    cards.add_card(me, "three", status="doing")
    return me


def written(change: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in change.patches:
        if p.table == "cards" and p.after:
            out.setdefault(p.key, {}).update({k: v for k, v in p.after.items() if k != "updated"})
    return out


def card(s: Session, key: str) -> dict[str, Any]:
    doc = s.storage.card(key)
    assert doc is not None
    return dict(doc)


@pytest.mark.parametrize(
    ("preview", "commit", "label", "said"),
    [
        (
            lambda s: pv.preview_move(s, "PMO-1", "doing"),
            lambda s: cards.move_card(s, "PMO-1", "doing"),
            "move PMO-1 to In Progress",
            "Moved PMO-1 to In Progress",
        ),
        (
            lambda s: pv.preview_move_by(s, "PMO-1", 1),
            lambda s: cards.move_card(s, "PMO-1", "doing"),
            "move PMO-1 to In Progress",
            "Moved PMO-1 to In Progress",
        ),
        (
            lambda s: pv.preview_reorder_in(s, "PMO-2", s.card_docs(), -1),
            lambda s: cards.reorder_in(s, "PMO-2", ["PMO-1", "PMO-2", "PMO-3"], -1),
            "reorder PMO-2",
            "",
        ),
        (
            lambda s: pv.preview_toggle_assign(s, "PMO-2"),
            lambda s: cards.toggle_assign(s, "PMO-2"),
            "assign PMO-2 to alice",
            "Assigned PMO-2 to you (was bob)",
        ),
        (
            lambda s: pv.preview_toggle_assign(s, "PMO-1"),
            lambda s: cards.toggle_assign(s, "PMO-1"),
            "assign PMO-1 to alice",
            "Assigned PMO-1 to you",
        ),
        (
            lambda s: pv.preview_set_points(s, "PMO-2", 5),
            lambda s: cards.set_points(s, "PMO-2", 5),
            "set points of PMO-2 to 5",
            "",
        ),
        (
            lambda s: pv.preview_archive(s, "PMO-2"),
            lambda s: cards.archive(s, "PMO-2"),
            "archive PMO-2",
            "Archived PMO-2",
        ),
        (
            lambda s: pv.preview_edit_card(
                s, "PMO-1", title="One!", estimate="2h", add_tags=["ui"], due="2026-12-01"
            ),
            lambda s: cards.edit_card(
                s, "PMO-1", title="One!", estimate="2h", add_tags=["ui"], due="2026-12-01"
            ),
            "edit PMO-1",
            "",
        ),
        (
            lambda s: pv.preview_edit_card(s, "PMO-2", clear={"assignee"}, status="review"),
            lambda s: cards.edit_card(s, "PMO-2", clear={"assignee"}, status="review"),
            "edit PMO-2",
            "",
        ),
    ],
)
def test_a_preview_agrees_with_the_committed_change(
    s: Session, preview: Any, commit: Any, label: str, said: str
) -> None:
    raw = Path(s.storage.where).read_bytes()
    planned = preview(s)
    assert Path(s.storage.where).read_bytes() == raw  # a preview writes nothing
    assert not planned.empty
    assert planned.label == label
    assert planned.sentence() == said
    change = commit(s)
    assert written(change) == planned.fields
    assert change.label == planned.label or label.startswith(("move", "reorder", "edit"))


def test_a_preview_reads_the_card_as_the_screen_shows_it(s: Session) -> None:
    """The screen passes its own copy (with a change still being saved laid over): a
    second `a` before the first is saved unassigns, as the screen shows it assigned."""
    shown = {**card(s, "PMO-1"), "assignee": "alice"}
    planned = pv.preview_toggle_assign(s, shown)
    assert planned.fields == {"PMO-1": {"assignee": None}}
    assert planned.sentence("u undoes") == "Unassigned PMO-1 (u undoes)"


def test_sprint_toggle_says_which_sprint_and_refuses_without_one(s: Session) -> None:
    with pytest.raises(UseCaseError, match="no active sprint"):
        pv.preview_toggle_sprint(s, "PMO-1")
    sprints.new_sprint(s, "Sprint 1", start="2026-11-16", end="2026-11-27")
    sprints.start_sprint(s, "1")
    into = pv.preview_toggle_sprint(s, "PMO-1")
    assert (into.fields, into.message) == ({"PMO-1": {"sprint": 1}}, "Added PMO-1 to Sprint 1")
    assert not pv.leaves_sprint(into)
    cards.toggle_sprint(s, "PMO-1")
    out = pv.preview_toggle_sprint(s, "PMO-1")
    assert out.message == "Took PMO-1 out of Sprint 1"
    assert pv.leaves_sprint(out)
    assert written(cards.toggle_sprint(s, "PMO-1")) == out.fields


def test_edit_preview_refuses_what_the_commit_refuses(s: Session) -> None:
    with pytest.raises(UseCaseError):
        pv.preview_edit_card(s, "PMO-1", title="   ")
    with pytest.raises(UseCaseError):
        pv.preview_edit_card(s, "PMO-1", status="nowhere")
    cards.archive(s, "PMO-1")
    with pytest.raises(UseCaseError, match="archived"):
        pv.preview_archive(s, "PMO-1")


def test_add_card_preview_places_the_card(s: Session) -> None:
    new = pv.preview_add_card(s, status="doing", sprint_view=True)
    assert (new.status, new.sprint) == ("doing", None)  # no active sprint: none to join
    sprints.new_sprint(s, "Sprint 1", start="2026-11-16", end="2026-11-27")
    sprints.start_sprint(s, "1")
    new = pv.preview_add_card(s, status="doing", sprint_view=True)
    assert new.sprint == 1
    assert pv.preview_add_card(s, sprint_view=False).sprint is None
    change = cards.add_card(s, "four", status=new.status, sprint=new.sprint)
    assert card(s, change.key or "")["rank"] == new.rank
    assert card(s, change.key or "")["sprint"] == 1


def test_card_version_is_a_compare_and_set_check(s: Session, path: Path) -> None:
    seen = s.card_version("PMO-1")
    assert seen and not s.changed_since("PMO-1", seen)
    later = Session(JsonFileStorage(Store(path)), "bob", clock=lambda: NOW.replace(hour=11))
    cards.edit_card(later, "PMO-1", title="bob's title")
    assert s.changed_since("PMO-1", seen)
    assert s.changed_since("PMO-99", seen)


def test_wip_counts_every_open_card_of_the_column(s: Session) -> None:
    docs = s.storage.cards("PMO")
    assert wip_counts(docs) == {"todo": 2, "doing": 1}
    cards.archive(s, "PMO-1")
    assert wip_count(s.storage.cards("PMO"), "todo") == 1
    assert over_wip(4, 3) and not over_wip(3, 3) and not over_wip(9, None)


def test_a_changes_card_fields_are_what_undo_draws(s: Session) -> None:
    change = cards.archive(s, "PMO-2")
    [(key, fields)] = change.inverse().card_fields()
    assert key == "PMO-2" and fields["archived"] is False
    added = cards.add_card(s, "four")
    assert added.inverse().card_fields() == [(added.key, {"archived": True})]
    assert added.card_fields()[0][1]["archived"] is False


def test_taking_a_teammates_card_is_said_once(s: Session) -> None:
    planned = pv.preview_toggle_assign(s, "PMO-2")
    change = cards.toggle_assign(s, "PMO-2")
    assert planned.covers == ["PMO-2 was assigned to bob"] == change.notes
