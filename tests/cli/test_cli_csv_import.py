"""CSV import matches card keys as JSON import does (issue 7, "also found")."""

from __future__ import annotations

import json

from cli_helpers import one_line_error


def test_csv_export_round_trips_into_a_new_file_and_refuses_duplicates(pmo, seeded, tmp_path):
    assert pmo("edit", "1", "-t", "ui", "-p", "3").returncode == 0
    csv_path = tmp_path / "cards.csv"
    assert pmo("export", "--format", "csv", "-o", str(csv_path)).returncode == 0

    new = tmp_path / "new.json"
    r = pmo("--db", str(new), "import", str(csv_path))
    assert r.returncode == 0, r.stderr
    listed = json.loads(pmo("--db", str(new), "ls", "--json").stdout)
    assert [(c["key"], c["title"], c["tags"], c["points"]) for c in listed] == [
        ("PMO-1", "First", ["ui"], 3),
        ("PMO-2", "Second", [], None),
    ]

    before = seeded.read_bytes()
    r = pmo("import", str(csv_path))  # into the file it came from: every key clashes
    assert r.returncode == 2
    one_line_error(r, "2 cards already exist (PMO-1, PMO-2)", "--merge")
    assert seeded.read_bytes() == before

    r = pmo("import", str(csv_path), "--merge")
    assert r.returncode == 0, r.stderr
    assert "2 replaced" in r.stdout
    assert len(json.loads(pmo("ls", "--json").stdout)) == 2


def test_csv_with_a_control_character_names_row_and_field(pmo, seeded, tmp_path):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("title,description\nok,fine\nbad,\x1b]0;pwned\x07\n")
    before = seeded.read_bytes()
    r = pmo("import", str(csv_path))
    assert r.returncode == 2
    line = one_line_error(r, "CSV row 3", "description", "control character")
    assert "\x1b" not in line
    assert seeded.read_bytes() == before
