"""`pmo config path|show|set`, a broken config file, `--theme` (SPEC 1 and 3, issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_importtime

KNOWN = "(known: gruvbox, nord, pmo-dark, pmo-high-contrast, pmo-light)"

COMMENTED = """\
# my pmo settings
user = "carol"  # who I am at work

[keymap]
# vim-ish
"board.archive" = "d"
"""


@pytest.fixture
def cfg(tmp_path: Path, env: dict[str, str]) -> Path:
    path = tmp_path / "conf" / "config.toml"
    env["PMO_CONFIG"] = str(path)
    return path


def test_path_prints_the_config_file(pmo, cfg):
    r = pmo("config", "path")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"{cfg}\n", "")
    assert not cfg.exists()  # nothing created by asking


def test_path_follows_xdg_without_pmo_config(pmo, tmp_path, env):
    del env["PMO_CONFIG"]
    r = pmo("config", "path")
    assert r.stdout == f"{tmp_path / 'xdg-config' / 'pmo' / 'config.toml'}\n"


def test_show_says_what_is_in_force_and_where_from(pmo, cfg):
    cfg.parent.mkdir()
    cfg.write_text("hours_per_day = 6\n" + COMMENTED, encoding="utf-8")
    r = pmo("config", "show", env_extra={"PMO_USER": "alice"})
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == f"config file: {cfg}"
    rows = {line.split()[0]: line.split(None, 1)[1] for line in out[2:]}
    assert rows["user"].split() == ["alice", "environment", "(PMO_USER)"]
    assert rows["hours_per_day"].split() == ["6", "config", "file"]
    assert rows["target_hours_per_day"].split() == ["8", "default"]
    assert rows["work_days"].split() == ["mon", "tue", "wed", "thu", "fri", "default"]
    assert rows["keymap.board.archive"].split() == ["d", "config", "file"]
    r = pmo("--theme", "nord", "config", "show", "--json")
    doc = json.loads(r.stdout)
    assert doc["path"] == str(cfg) and doc["exists"] is True
    assert doc["settings"]["theme"] == {"value": "nord", "source": "command line"}
    assert doc["settings"]["hours_per_day"] == {"value": "6", "source": "config file"}


def test_show_without_a_file(pmo, cfg):
    r = pmo("config", "show")
    assert r.returncode == 0
    assert "(not found: every setting is a default)" in r.stdout.splitlines()[0]


def test_set_keeps_comments_and_layout(pmo, cfg, data, db):
    cfg.parent.mkdir()
    cfg.write_text(COMMENTED, encoding="utf-8")
    for key, value in [
        ("user", "dave"),
        ("theme", "nord"),
        ("work_days", "mon,tue,wed,thu"),
        ("target_hours_per_day", "7.5"),
        ("keymap.board.archive", "X"),
    ]:
        r = pmo("config", "set", key, value)
        assert r.returncode == 0, r.stderr
        assert r.stdout == f"{key} = {value} in {cfg}\n"
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith('# my pmo settings\nuser = "dave"  # who I am at work\n')
    assert "# vim-ish" in text and '"board.archive" = "X"' in text
    assert 'theme = "nord"' in text and "target_hours_per_day = 7.5" in text
    # and the setting is in force: the timesheet's target follows it
    assert pmo("add", "x", env_extra={"PMO_USER": ""}).returncode == 0
    doc = json.loads(pmo("timesheet", "--json").stdout)
    assert doc["users"] == ["alice"]  # PMO_USER wins over the config's user
    assert doc["target"] == 4 * 450


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("theme", "nope", f"theme: no theme 'nope' {KNOWN}"),
        ("hours_per_day", "eight", "hours_per_day:"),
        ("work_days", "mon,funday", "work_days:"),
        ("colour", "red", "colour: unknown setting"),
    ],
)
def test_set_refuses_a_bad_value_and_leaves_the_file(pmo, cfg, key, value, message):
    cfg.parent.mkdir()
    cfg.write_text(COMMENTED, encoding="utf-8")
    r = pmo("config", "set", key, value)
    assert r.returncode == 2
    assert r.stderr.startswith(f"pmo: config {cfg}: ") and message in r.stderr
    assert r.stderr.count("\n") == 1
    assert cfg.read_text(encoding="utf-8") == COMMENTED


def test_config_usage_errors(pmo, cfg):
    for argv in (["config"], ["config", "set", "user"], ["config", "nope"]):
        r = pmo(*argv)
        assert r.returncode == 2, argv
        assert r.stderr.count("\n") == 1


BROKEN = [
    ('hours_per_day = "eight"\n', "hours_per_day: must be a number of hours, not 'eight'"),
    ('work_days = ["mon", "funday"]\n', "work_days:"),
    ("user = \n", "not valid TOML"),
    ('colour = "red"\n', "colour: unknown setting"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_config_is_exit_2_for_every_command(pmo, cfg, seeded, text, message):
    cfg.parent.mkdir()
    cfg.write_text(text, encoding="utf-8")
    for argv in (
        ["ls"],
        ["add", "x"],
        ["timesheet"],
        ["timesheet", "--json"],
        ["start"],
        ["status"],
        ["config", "show"],
        [],  # the app: refused before it starts
    ):
        r = pmo(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr.startswith(f"pmo: config {cfg}: "), (argv, r.stderr)
        assert message in r.stderr and r.stderr.count("\n") == 1, (argv, r.stderr)
    # `config path` still answers, and `config set` repairs a bad value
    assert pmo("config", "path").stdout == f"{cfg}\n"
    if "TOML" not in message:
        key = text.split(" ")[0]
        if key in ("hours_per_day", "work_days"):
            fixed = {"hours_per_day": "7", "work_days": "mon,tue"}[key]
            assert pmo("config", "set", key, fixed).returncode == 0
            assert pmo("ls").returncode == 0


# ------------------------------------------------------------------ themes
def test_unknown_theme_option_is_exit_2_listing_the_known_ones(pmo, seeded):
    r = pmo("--theme", "nope")
    assert r.returncode == 2
    assert r.stderr == f"pmo: --theme: no theme 'nope' {KNOWN}\n"


def test_known_theme_option_gets_past_the_check(pmo, seeded):
    r = pmo("--theme", "gruvbox")  # no terminal in a test: the app says so instead
    assert r.returncode == 2
    assert "needs a terminal" in r.stderr and "theme" not in r.stderr


def test_unknown_theme_in_the_config_is_exit_2_before_the_app(pmo, cfg, seeded):
    cfg.parent.mkdir()
    cfg.write_text('theme = "solarized-ish"\n', encoding="utf-8")
    r = pmo()
    assert r.returncode == 2
    assert r.stderr == f"pmo: theme in {cfg}: no theme 'solarized-ish' {KNOWN}\n"
    # the option overrides the config's theme
    r = pmo("--theme", "nord")
    assert "needs a terminal" in r.stderr


def test_a_user_theme_file_is_known(pmo, seeded, tmp_path):
    folder = tmp_path / "xdg-config" / "pmo" / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#ff0000"\n', encoding="utf-8")
    assert "needs a terminal" in pmo("--theme", "mine").stderr
    r = pmo("config", "set", "theme", "mine")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("timesheet", "--everyone"),
        ("config", "show"),
        ("config", "set", "theme", "x"),
        ("--theme", "x"),
    ],
)
def test_no_textual_for_timesheet_config_and_the_theme_check(env, seeded, tmp_path, argv):
    r, modules = run_importtime(argv, env, tmp_path)
    assert r.returncode in (0, 2), r.stderr[-2000:]
    assert "pmo_tui.cli" in modules
    assert not [m for m in modules if m.split(".")[0] == "textual" or m.startswith("pmo_tui.ui")]
