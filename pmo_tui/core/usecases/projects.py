"""Project use cases."""

from __future__ import annotations

from collections.abc import Iterable

from .. import calendar, parse
from ..change import Change, Patch
from ..chars import quote as _short
from ..errors import UseCaseError
from ..model import TEMPLATES, Project
from . import validate
from .session import Session
from .sprints import new_sprint


def create_project(
    s: Session,
    key: str,
    name: str | None = None,
    template: str = "scrum",
    *,
    work_days: Iterable[int] = calendar.WORK_DAYS,
) -> Change:
    """Create a project with a template's columns.  ``scrum`` also plans its first sprint
    ("Sprint 1", from the next work day, two weeks), so a new team can plan at once;
    ``kanban`` has no sprints.  One transaction; the Change undoes both."""
    pkey: str = validate.parsed(parse.parse_project_key, key)
    if template not in TEMPLATES:
        raise UseCaseError(f"unknown template {_short(template)} (choose: {', '.join(TEMPLATES)})")
    title = validate.clean_line(name or pkey.lower(), "project name", 200) or pkey.lower()
    with s.storage.transaction():
        if s.storage.project(pkey) is not None:
            raise UseCaseError(f"project {pkey} already exists in {s.storage.where}")
        project = Project(pkey, title, list(TEMPLATES[template]))
        s.storage.insert("projects", project.to_doc())
        patches = [Patch("projects", pkey, None, project.to_doc())]
        if template == "scrum":
            patches += new_sprint(s, project=pkey, work_days=work_days).patches
    return Change(f"create project {pkey}", patches)
