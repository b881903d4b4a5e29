"""The layers inside core: the use cases and reports talk to the storage protocol only;
only the JSON file package touches its own layout."""

from __future__ import annotations

import ast
from pathlib import Path

import pmo_tui

ROOT = Path(pmo_tui.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_use_cases_and_reports_never_import_a_storage_backend() -> None:
    for folder in ("core/usecases", "core/reports"):
        for path in (ROOT / folder).glob("*.py"):
            bad = [m for m in _imports(path) if "jsonfile" in m or "tinydb" in m]
            assert not bad, f"{path.name} imports {bad}"


def test_only_the_json_file_package_imports_its_layout() -> None:
    for path in ROOT.rglob("*.py"):
        if "jsonfile" in path.parts:
            continue
        bad = [m for m in _imports(path) if "layout" in m.split(".")]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
