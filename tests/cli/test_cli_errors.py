"""Exit codes and hostile input: one line on stderr naming the bad value, nothing written."""

from __future__ import annotations

import json

import pytest
from cli_helpers import card_doc, one_line_error

LONG_NUMBER = "9" * 400

# (argv, text the one-line message must contain)
BAD_INPUT = [
    (("show", "PMO-999"), "PMO-999"),
    (("show", "abc"), "abc"),
    (("move", "77", "done"), "PMO-77"),
    (("add", "x", "--estimate", "1x"), "1x"),
    (("add", "x", "--estimate=-5m"), "-5m"),
    (("log", "1", "--", "-5m"), "-5m"),
    (("log", "1", LONG_NUMBER), "99999999"),
    (("log", "1", "1x"), "1x"),
    (("add", "x", "--due", "2026-02-30"), "2026-02-30"),
    (("add", "x", "--due", "someday"), "someday"),
    (("log", "1", "45m", "--date", "someday"), "someday"),
    (("add", "x", "--points=-1"), "-1"),
    (("add", "x", "-p", "lots"), "lots"),
    (("add", "x", "-p", "1e9"), "1e9"),
    (("edit", "1", "-p", "1000"), "1000"),
    (("add", "x", "--priority", "huge"), "huge"),
    (("move", "1", "nowhere"), "nowhere"),
    (("add", "x", "--status", "nowhere"), "nowhere"),
    (("ls", "--status", "nowhere"), "nowhere"),
    (("frobnicate",), "frobnicate"),
    (("ls", "--bogus"), "--bogus"),
    (("start", "1", "--at", "25:00"), "25:00"),
    (("start", "1", "--at", "later"), "later"),
    (("--project", "NOPE", "ls"), "NOPE"),
]


@pytest.mark.parametrize(("argv", "named"), BAD_INPUT, ids=lambda v: " ".join(v)[:40])
def test_bad_input_exits_2_naming_the_value(pmo, seeded, argv, named):
    before = seeded.read_bytes()
    r = pmo(*argv)
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = one_line_error(r, named)
    assert len(line) < 400
    assert seeded.read_bytes() == before


@pytest.mark.parametrize(
    ("bad", "shown"),
    [("\x1b[2J", "\\x1b"), ("\x07", "\\x07"), ("line\nbreak", "\\n"), ("\x9b31m", "\\x9b")],
)
def test_title_with_control_characters_is_refused(pmo, seeded, bad, shown):
    before = seeded.read_bytes()
    r = pmo("add", f"title {bad}")
    assert r.returncode == 2, r.stdout
    line = one_line_error(r, "control character", shown)  # named as an escape, e.g. \x1b
    assert not any(ch in line for ch in "\x1b\x07\x00\x9b")  # never echoed raw
    assert seeded.read_bytes() == before


def test_very_long_title(pmo, seeded, data):
    title = "x" * 10_000
    r = pmo("add", title)
    if r.returncode == 2:
        line = one_line_error(r, "long")
        assert len(line) < 400
    else:
        assert r.returncode == 0
        assert card_doc(data(), r.stdout.strip())["title"] == title
        assert pmo("ls").returncode == 0


LITERAL_TITLES = [
    "[bold]x[/bold]",
    "[@click=app.quit]boom[/]",
    "[link=file:///etc/passwd]x[/link] :smile:",
    "漢字の幅は二つ",
    "emoji 😀 🇫🇷 ❤️ wide",
    "שלום עולם مرحبا",
    "e\u0301 combining",
]


def _add_and_list(pmo, data, titles):
    keys = []
    for title in titles:
        r = pmo("add", title)
        assert r.returncode == 0, r.stderr
        keys.append(r.stdout.strip())
    tables = data()
    for key, title in zip(keys, titles, strict=True):
        assert card_doc(tables, key)["title"] == title
    r = pmo("ls")
    assert r.returncode == 0
    for title in titles:
        assert title in r.stdout, (title, r.stdout)
    listed = {c["key"]: c["title"] for c in json.loads(pmo("ls", "--json").stdout)}
    assert [listed[k] for k in keys] == titles
    r = pmo("show", keys[-1])
    assert r.returncode == 0 and titles[-1] in r.stdout


def test_literal_titles_are_stored_and_printed_literally(pmo, seeded, data):
    _add_and_list(pmo, data, LITERAL_TITLES)


def test_zwj_emoji_title_printed_literally(pmo, seeded, data):
    _add_and_list(pmo, data, ["zwj 👩\u200d💻 👨\u200d👩\u200d👧"])
