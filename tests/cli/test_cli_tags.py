"""`pmo edit -t`: +tag adds one, -tag removes one, bare tags replace the list (SPEC 3;
issue 6 board defects).  Mixing the two forms in one command is refused (exit 2)."""

from __future__ import annotations

import pytest
from cli_helpers import card_doc, one_line_error


@pytest.fixture
def tagged(pmo, seeded):
    r = pmo("edit", "1", "-t", "perf", "-t", "ui")
    assert r.returncode == 0, r.stderr
    return seeded


def _tags(data):
    return card_doc(data(), "PMO-1")["tags"]


def test_bare_tags_replace_the_list(pmo, tagged, data):
    assert _tags(data) == ["perf", "ui"]
    assert pmo("edit", "1", "-t", "db").returncode == 0
    assert _tags(data) == ["db"]
    assert pmo("edit", "1", "-t", "none").returncode == 0
    assert _tags(data) == []


def test_plus_tag_adds_one(pmo, tagged, data):
    r = pmo("edit", "1", "-t", "+urgent")
    assert r.returncode == 0, r.stderr
    assert _tags(data) == ["perf", "ui", "urgent"]
    assert pmo("edit", "1", "-t", "+urgent").returncode == 0  # already there: no double
    assert _tags(data) == ["perf", "ui", "urgent"]


@pytest.mark.parametrize(
    "form", [("-t", "-perf"), ("--tag", "-perf"), ("-t-perf",), ("--tag=-perf",)]
)
def test_minus_tag_removes_one(pmo, tagged, data, form):
    r = pmo("edit", "1", *form)
    assert r.returncode == 0, r.stderr
    assert _tags(data) == ["ui"]


def test_add_and_remove_in_one_command(pmo, tagged, data):
    r = pmo("edit", "1", "-t", "-perf", "-t", "+db", "-t", "+#Later")
    assert r.returncode == 0, r.stderr
    assert _tags(data) == ["ui", "db", "later"]


def test_removing_a_missing_tag_changes_nothing(pmo, tagged, data):
    r = pmo("edit", "1", "-t", "-nope")
    assert r.returncode == 0, r.stderr
    assert _tags(data) == ["perf", "ui"]


def test_mixing_bare_and_signed_tags_is_refused(pmo, tagged, data):
    before = tagged.read_bytes()
    r = pmo("edit", "1", "-t", "db", "-t", "+urgent")
    assert r.returncode == 2
    one_line_error(r, "'db'", "'+urgent'", "mix")
    assert tagged.read_bytes() == before


@pytest.mark.parametrize("bad", ["+", "-", "+a b", "-x,y"])
def test_bad_signed_tags_exit_2(pmo, tagged, bad):
    before = tagged.read_bytes()
    r = pmo("edit", "1", f"--tag={bad}")
    assert r.returncode == 2, (r.stdout, r.stderr)
    one_line_error(r)
    assert tagged.read_bytes() == before


def test_negative_times_still_work(pmo, seeded):
    r = pmo("start", "1", "--at", "-5m")
    assert r.returncode == 0, r.stderr


def test_add_accepts_plus_tags_and_refuses_minus(pmo, seeded, data):
    r = pmo("add", "new", "-t", "+ui", "-t", "db")
    assert r.returncode == 0, r.stderr
    assert card_doc(data(), r.stdout.strip())["tags"] == ["ui", "db"]
    before = seeded.read_bytes()
    r = pmo("add", "new", "-t", "-ui")
    assert r.returncode == 2
    one_line_error(r, "'-ui'")
    assert seeded.read_bytes() == before
